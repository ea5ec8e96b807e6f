/**
 * Each turn is a span (a no-op without telemetry): what kind of activity, never who or what they
 * typed. A turn that throws is marked failed with the error's name only.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Activity } from 'botbuilder';

const tracer = trace.getTracer('guest-access-bot');

export function inTurnSpan(activity: Activity, turn: () => Promise<void>): Promise<void> {
  const attributes = {
    'activity.type': String(activity.type),
    'activity.channel': String(activity.channelId),
    ...(activity.name ? { 'activity.name': String(activity.name) } : {}),
  };
  return tracer.startActiveSpan(
    activity.type === 'invoke' ? 'card click' : `turn ${String(activity.type)}`,
    { kind: SpanKind.SERVER, attributes },
    async (span) => {
      try {
        await turn();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
