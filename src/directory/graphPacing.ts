/**
 * Graph calls paced below Microsoft's documented limits ("Microsoft Graph service-specific
 * throttling limits"), rather than leaning on 429s: `POST /invitations` at most 150 requests per
 * 5 seconds per tenant (shared by every app in it), and directory writes (users, groups, service
 * principals: identity and access) at most 3,000 per 2 minutes 30 seconds per app and tenant. A
 * `$batch` counts as its items, since Graph throttles each item on its own. Each is kept a tenth
 * below, over a window a little longer (pacing/slidingWindowLimiter).
 *
 * A link of the Graph client's middleware, just before the request is sent, so every attempt
 * the RetryHandler makes is counted and paced too. A 429 (a whole request's, or a `$batch`
 * item's) holds the limit it met for its `Retry-After`, with jitter, so the calls behind it wait
 * rather than draw more 429s; the RetryHandler, or the job's retry, then tries again.
 *
 * Per process: several bot instances, or other apps inviting in the same tenant, share the
 * invitation limit without seeing each other's calls; their 429s are honoured as above.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { parseRetryAfterMs } from '../http/retryAfter';
import { GRAPH_LIMITS, type GraphLimit, graphLimitsOf } from '../pacing/graphLimits';
import { belowLimits, type LimiterOptions, SlidingWindowLimiter } from '../pacing/slidingWindowLimiter';

/** When Graph says 429 with no `Retry-After`. */
const DEFAULT_HOLD_MS = 1_000;

const TENANT = 'tenant';

interface Call {
  /** A `$batch` item's id. */
  id?: string;
  method: string;
  /** The path after the version segment: `/invitations`, `/groups/{id}/members/$ref`. */
  path: string;
}

export class GraphPacing implements Middleware {
  private next: Middleware | undefined;
  private readonly limiters: Record<GraphLimit, SlidingWindowLimiter>;

  constructor(options: LimiterOptions = {}) {
    this.limiters = {
      invitations: new SlidingWindowLimiter(belowLimits(GRAPH_LIMITS.invitations), options),
      directoryWrites: new SlidingWindowLimiter(belowLimits(GRAPH_LIMITS.directoryWrites), options),
    };
  }

  async execute(context: Context): Promise<void> {
    const calls = callsOf(context);
    const taken: { limit: GraphLimit; at: number }[] = [];
    for (const call of calls) {
      for (const limit of graphLimitsOf(call.method, call.path)) taken.push({ limit, at: await this.limiters[limit].take(TENANT) });
    }
    try {
      await (this.next as Middleware).execute(context);
    } finally {
      for (const { limit, at } of taken) this.limiters[limit].answered(TENANT, at);
    }
    await this.holdOnThrottling(context, calls);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  private async holdOnThrottling(context: Context, calls: readonly Call[]): Promise<void> {
    const response = context.response;
    if (!response) return;
    const throttled: { call: Call; retryAfterMs: number }[] = [];
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_HOLD_MS;
      throttled.push(...calls.map((call) => ({ call, retryAfterMs })));
    } else if (isBatch(context) && response.ok) {
      throttled.push(...(await throttledItems(response, calls)));
    }
    for (const { call, retryAfterMs } of throttled) {
      for (const limit of graphLimitsOf(call.method, call.path)) this.limiters[limit].holdFor(TENANT, retryAfterMs);
    }
  }
}

function urlOf(context: Context): string {
  const request = context.request;
  return typeof request === 'string' ? request : request.url;
}

function isBatch(context: Context): boolean {
  return pathOf(urlOf(context)) === '/$batch';
}

/** The path after `/v1.0` or `/beta` (wherever GRAPH_BASE_URL puts them), without the query; a `$batch` item's as it is. */
function pathOf(url: string): string {
  const path = url.startsWith('/') ? url.split('?')[0] : new URL(url).pathname;
  return /\/(?:v1\.0|beta)(\/.*)$/.exec(path)?.[1] ?? path;
}

/** The calls a request makes: itself, or a `$batch`'s items. */
function callsOf(context: Context): Call[] {
  const method = (context.options?.method ?? 'GET').toUpperCase();
  if (!isBatch(context)) return [{ method, path: pathOf(urlOf(context)) }];
  const body = context.options?.body;
  const items = typeof body === 'string' ? (JSON.parse(body) as { requests?: { id?: string; method?: string; url?: string }[] }).requests : undefined;
  return (items ?? []).map((item) => ({ id: item.id, method: (item.method ?? 'GET').toUpperCase(), path: pathOf(item.url ?? '') }));
}

/** A `$batch` answered 200 can hold items answered 429: each with its own `Retry-After`. */
async function throttledItems(response: Response, calls: readonly Call[]): Promise<{ call: Call; retryAfterMs: number }[]> {
  let answer: { responses?: { id?: string; status?: number; headers?: Record<string, string> }[] };
  try {
    answer = (await response.clone().json()) as typeof answer;
  } catch {
    // Not the JSON a $batch answers with: nothing to hold; the caller reads the answer and fails on it.
    return [];
  }
  return (answer.responses ?? [])
    .filter((item) => item.status === 429)
    .flatMap((item) => {
      const call = calls.find((c) => c.id === item.id);
      const header = Object.entries(item.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
      return call ? [{ call, retryAfterMs: parseRetryAfterMs(header) ?? DEFAULT_HOLD_MS }] : [];
    });
}
