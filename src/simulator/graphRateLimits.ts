/**
 * The simulator throttles as Microsoft Graph documents: `/invitations` over 150 requests in
 * 5 seconds, directory writes over 3,000 in 2 minutes 30 seconds, each `$batch` item counted on
 * its own, answered 429 `TooManyRequests` with `Retry-After` (seconds until there is room). Off
 * unless asked for (`SIMULATOR_RATE_LIMITS`, on in `npm run bench`), so a local session or a test
 * is not slowed by limits it is not about.
 */
import { GRAPH_LIMITS, type GraphLimit, graphLimitsOf } from '../pacing/graphLimits';
import { SlidingWindowLimiter } from '../pacing/slidingWindowLimiter';
import { GraphFailure } from './graphFailure';

const TENANT = 'tenant';

export class GraphRateLimits {
  private readonly limiters: Record<GraphLimit, SlidingWindowLimiter> = {
    invitations: new SlidingWindowLimiter(GRAPH_LIMITS.invitations),
    directoryWrites: new SlidingWindowLimiter(GRAPH_LIMITS.directoryWrites),
  };

  /** Calls (requests and `$batch` items) seen, and how many of them were answered 429: the bench's measure. */
  readonly counts = { calls: 0, throttled: 0 };

  /** The 429 a call must get, if it goes over a limit; otherwise it is counted against each. */
  take(method: string, path: string): GraphFailure | undefined {
    this.counts.calls++;
    const limits = graphLimitsOf(method, path);
    const waitMs = Math.max(0, ...limits.map((limit) => this.limiters[limit].waitMs(TENANT)));
    if (waitMs > 0) {
      this.counts.throttled++;
      return new GraphFailure(429, 'TooManyRequests', 'Too many requests. Please retry again later.', { 'Retry-After': String(Math.ceil(waitMs / 1000)) });
    }
    for (const limit of limits) this.limiters[limit].tryTake(TENANT);
    return undefined;
  }
}
