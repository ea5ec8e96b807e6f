/**
 * Reads Graph again once when the connection drops before any answer (`fetch failed`: a reset,
 * a keep-alive connection the other side had just closed). The library's RetryHandler covers
 * answers (429, 503, 504), not lost connections, and without this one dropped connection ends a
 * person's turn with an apology. Only GETs are resent: a write may have been carried out before
 * the connection dropped, and the invitation's exactly-once handling decides about those.
 * The bench's ten-minute soak found it: every Graph connection was closed at once, mid-load.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export class ConnectionLossRetry implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    const next = this.next as Middleware;
    try {
      await next.execute(context);
    } catch (error) {
      if (!isRead(context) || !isConnectionLoss(error)) throw error;
      await next.execute(context);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function isRead(context: Context): boolean {
  return (context.options?.method ?? 'GET').toUpperCase() === 'GET';
}

/** What Node's fetch throws when no answer came at all (its cause names the socket error). */
function isConnectionLoss(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}
