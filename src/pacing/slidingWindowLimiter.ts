/**
 * Pacing below a service's documented rate limits, rather than leaning on its 429s: a call under
 * a key (a conversation, a tenant) goes when every window allows it (at most `max` calls in any
 * `perMs`), callers under one key in the order they came. A 429 that comes anyway holds the key
 * for its `Retry-After`, with jitter, so the calls behind it wait too instead of drawing more.
 *
 * Per process: several bot instances each pace themselves, so together they can go over a limit
 * they share; their 429s are then honoured as asked (see where each limiter is used).
 */

/** At most `max` calls in any `perMs` milliseconds. */
export interface RateWindow {
  perMs: number;
  max: number;
}

/**
 * Time between our count and the service's own: a call counted here arrives a little later, and
 * not always equally later, so each window is kept this much longer than documented.
 */
export const NETWORK_GUARD_MS = 250;

/** Each documented limit less a tenth (rounded down), over a window a little longer: the pace we keep. */
export function belowLimits(limits: readonly RateWindow[]): RateWindow[] {
  return limits.map(({ perMs, max }) => ({ perMs: perMs + NETWORK_GUARD_MS, max: Math.max(1, Math.floor(max * 0.9)) }));
}

/** The wait a call would need is longer than its caller is willing to hold on for. */
export class PaceTooSlow extends Error {
  constructor(readonly waitMs: number) {
    super(`the rate limit leaves no room for ${Math.ceil(waitMs)} ms`);
    this.name = 'PaceTooSlow';
  }
}

export interface LimiterOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Up to this fraction more, at random, on a `Retry-After` hold: callers held together come back spread out. */
  jitterRatio?: number;
}

/** Keys unused for this long past the longest window are forgotten, once there are this many. */
const SWEEP_ABOVE_KEYS = 1_000;

export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();
  private readonly holds = new Map<string, number>();
  private readonly lines = new Map<string, Promise<void>>();
  private readonly longestMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly jitterRatio: number;

  constructor(
    private readonly windows: readonly RateWindow[],
    options: LimiterOptions = {},
  ) {
    if (windows.length === 0 || windows.some((w) => w.max < 1 || w.perMs <= 0))
      throw new Error('a limiter needs windows of at least one call in a positive time');
    this.longestMs = Math.max(...windows.map((w) => w.perMs));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.jitterRatio = options.jitterRatio ?? 0.2;
  }

  /**
   * Waits for room under `key`, behind every earlier caller under it, and counts the call.
   * Throws PaceTooSlow, counting nothing, when the room is further off than `maxWaitMs`.
   */
  async take(key: string, maxWaitMs = Number.POSITIVE_INFINITY): Promise<number> {
    const before = this.lines.get(key) ?? Promise.resolve();
    let done = () => {};
    const line = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.lines.set(key, line);
    try {
      await before;
      for (;;) {
        const wait = this.tryTake(key);
        if (wait <= 0) return this.now();
        if (wait > maxWaitMs) throw new PaceTooSlow(wait);
        await this.sleep(wait);
      }
    } finally {
      done();
      if (this.lines.get(key) === line) this.lines.delete(key);
    }
  }

  /**
   * The call counted at `takenAt` has been answered: it is counted from now on instead. The
   * service counted it somewhere between the two, so counting it from the answer never counts
   * it earlier than the service did, however long it took to get there (a busy machine, a slow
   * network): the pace stays below the limit.
   */
  answered(key: string, takenAt: number): void {
    const calls = this.calls.get(key);
    const index = calls?.indexOf(takenAt) ?? -1;
    if (!calls || index < 0) return;
    calls.splice(index, 1);
    calls.push(this.now());
  }

  /** The service answered 429: nothing goes under `key` for `retryAfterMs`, and a little more at random. */
  holdFor(key: string, retryAfterMs: number): void {
    const until = this.now() + retryAfterMs * (1 + this.jitterRatio * this.random());
    this.holds.set(key, Math.max(until, this.holds.get(key) ?? 0));
  }

  /** Counts a call under `key` and answers 0 when it fits now; else answers how long until it would, counting nothing. */
  tryTake(key: string): number {
    const wait = this.waitMs(key);
    if (wait <= 0) this.record(key);
    return wait;
  }

  /** How long until a call under `key` fits every window and any hold; 0 when it fits now. */
  waitMs(key: string): number {
    const now = this.now();
    let wait = (this.holds.get(key) ?? 0) - now;
    const calls = this.calls.get(key) ?? [];
    for (const { perMs, max } of this.windows) {
      const inWindow = calls.filter((at) => at > now - perMs);
      // Room comes when the call that fills the window leaves it.
      if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max] + perMs - now);
    }
    return Math.max(0, wait);
  }

  private record(key: string): void {
    const now = this.now();
    const calls = (this.calls.get(key) ?? []).filter((at) => at > now - this.longestMs);
    calls.push(now);
    this.calls.set(key, calls);
    if (this.calls.size > SWEEP_ABOVE_KEYS) this.forgetIdle(now);
  }

  private forgetIdle(now: number): void {
    for (const [key, calls] of this.calls) {
      if ((calls.at(-1) ?? 0) <= now - this.longestMs && (this.holds.get(key) ?? 0) <= now) {
        this.calls.delete(key);
        this.holds.delete(key);
      }
    }
  }
}
