/**
 * The directory simulator as a process of its own, for the throughput runs: in production Graph
 * is someone else's computer, so its work must not be counted as the bot's CPU. Prints
 * `graph at <url>` once listening. Its directory has a sponsor for each requester
 * (benchSponsors). Usage: node graphServer.js [LATENCY_MS] [RATE_LIMITS: true|false]
 */
import { startDirectorySimulator } from '../src/simulator';
import { benchDirectory } from './benchSponsors';

const latencyMs = Number(process.argv[2] ?? 0);
const rateLimits = process.argv[3] === 'true';
startDirectorySimulator({ latencyMs, rateLimits, seed: benchDirectory() }).then(
  (started) => console.log(`graph at ${started.graphBaseUrl}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
