/**
 * When a failed job is tried again. Throttling tells us when (`Retry-After`); otherwise the wait
 * doubles from a few seconds up to a ceiling, so an outage costs little and a blip little time.
 */
import { DirectoryError } from '../directory/directory';
import { DeliveryError } from '../messaging/messenger';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Up to this fraction more, at random, on every wait: jobs throttled together (thirty cards
   * to one sponsor) come back spread out rather than all at once, as Microsoft advises for 429s.
   */
  jitterRatio?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000, jitterRatio: 0.2 };

/** An error a job throws to say "this cannot work as things stand; do not retry". */
export class PermanentJobError extends Error {
  constructor(
    message: string,
    /** A short code for the requester's message and the audit trail. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Unknown errors count as transient: a network fault looks like any other exception. */
function isTransient(error: unknown): boolean {
  if (error instanceof PermanentJobError) return false;
  if (error instanceof DirectoryError || error instanceof DeliveryError) return error.transient;
  return true;
}

/** The delay before attempt `attempts + 1`, or undefined when it is time to give up. */
export function retryDelayMs(error: unknown, attempts: number, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  if (!isTransient(error) || attempts >= policy.maxAttempts) return undefined;
  const asked = error instanceof DirectoryError || error instanceof DeliveryError ? error.retryAfterMs : undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), policy.maxDelayMs);
  const delay = Math.max(asked ?? 0, backoff);
  return Math.round(delay * (1 + (policy.jitterRatio ?? 0) * random()));
}
