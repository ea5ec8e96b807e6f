/**
 * `Retry-After` as Microsoft's services send it with a 429 or 503 (Graph, the Bot Connector):
 * seconds, or an HTTP date. Shared by the Graph adapter and the messenger, which read it from
 * different clients' errors.
 */

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
