/**
 * The bot's logger: pino's JSON lines, with personal data masked in each line just before it is
 * written (see personalData.ts), whatever field or error message it hides in. Redaction by key
 * still removes whole values whose key says they are secret.
 */
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPersonalData } from './personalData';

/** pino's number for `debug`; lines below `info` keep addresses for whoever is tracing a request. */
const DEBUG = 20;

export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level,
      redact: ['*.authorization', '*.password', '*.secret', '*.token'],
      hooks: { streamWrite: (line) => maskPersonalData(line, { keepAddresses: levelOf(line) <= DEBUG }) },
      // With telemetry on, a line logged inside a turn or a job names its trace, to find it in Application Insights.
      mixin: traceOfActiveSpan,
    },
    destination,
  );
}

function traceOfActiveSpan(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Every pino line starts with its level: `{"level":30,…`. */
function levelOf(line: string): number {
  const match = /^\{"level":(\d+)/.exec(line);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}
