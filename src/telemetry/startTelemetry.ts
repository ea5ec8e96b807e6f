/**
 * OpenTelemetry to Application Insights, only when APPLICATIONINSIGHTS_CONNECTION_STRING is set:
 * then, and only then, `@azure/monitor-opentelemetry` is loaded (about 0.6 s and many modules,
 * which a bot without telemetry never pays for). It must start before the HTTP modules are used,
 * so the entry point imports this file right after its first line. Traces: incoming activities
 * and card clicks (a span per turn, in bot.ts), outgoing HTTP (Microsoft Graph, the Bot Connector) with status
 * and latency, and jobs; metrics: see telemetryMetrics. No URL query string or email address
 * leaves the process: Graph's `$filter` holds addresses.
 */
// A type only, erased at build: the package itself is loaded on demand below.
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import type { Context } from '@opentelemetry/api';
import { loadDotEnv } from '../dotEnv';

/** Set when telemetry started: flushes what is buffered, for a clean shutdown. */
export let shutdownTelemetry: (() => Promise<void>) | undefined;

const ADDRESS = /[^\s/?&=@'"(),]+@[^\s/?&='"(),]+\.[a-z]{2,}/gi;
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target', 'url.query', 'url.path'];

/** Keeps a URL's path, drops its query, and masks any address in what is left. */
export function scrubUrl(value: string): string {
  return value.split('?')[0].replace(ADDRESS, '(address)');
}

interface MutableSpan {
  attributes: Record<string, unknown>;
  name: string;
}

/** A span processor that scrubs URLs and addresses from every span before it is exported. */
const scrubbingProcessor = {
  onStart(_span: unknown, _context: Context): void {},
  onEnd(span: unknown): void {
    const { attributes } = span as MutableSpan;
    for (const key of URL_ATTRIBUTES) {
      if (typeof attributes[key] === 'string') attributes[key] = scrubUrl(attributes[key] as string);
    }
    (span as MutableSpan).name = scrubUrl((span as MutableSpan).name);
  },
  forceFlush: (): Promise<void> => Promise.resolve(),
  shutdown: (): Promise<void> => Promise.resolve(),
};

function start(): void {
  loadDotEnv();
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return;
  // Loaded here, not imported: without the setting the bot never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // The bot's own spans and metrics carry what matters; the rest would only add cost.
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
    spanProcessors: [scrubbingProcessor],
    // Every trace: a bot's traffic is human-paced, and a job's trace matters most when it is rare.
    // (The distro's default keeps 5 traces a second, which drops a request's jobs.)
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
  });
  shutdownTelemetry = () => monitor.shutdownAzureMonitor();
}

// Only for the bot's own process (npm start, App Service): a test that imports the entry point
// must not read a developer's .env nor patch its own HTTP modules.
if (require.main?.filename.replace(/\\/g, '/').endsWith('/src/index.js')) start();
