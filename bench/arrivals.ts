/**
 * What the load runs wait for, found as the fake channel receives it rather than by searching
 * everything it received: over a ten-minute soak that search would grow until the driver, not
 * the bot, set the pace. Each arrival is filed under keys (`waiting:<chat>`, `card:<id>`,
 * `link:<id>`); a waiter takes the first arrival under its key, whether it came before or after.
 */
import type { FakeTeamsChannel, ReceivedActivity } from '../test/support/fakeTeamsChannel';

/** Arrivals nobody took (updates of cards already clicked, say) are forgotten past this many. */
const KEEP = 10_000;

export class Arrivals {
  private readonly unclaimed = new Map<string, ReceivedActivity>();
  private readonly waiters = new Map<string, (arrival: ReceivedActivity) => void>();
  /** The last text each conversation received, to say what came instead when a wait fails. */
  private readonly lastText = new Map<string, string>();

  constructor(channel: FakeTeamsChannel) {
    channel.listeners.add((arrival) => {
      if (arrival.activity.text) this.lastText.set(arrival.conversationId, arrival.activity.text);
      for (const key of keysOf(arrival)) this.file(key, arrival);
    });
  }

  /** The first arrival under `key`; fails after `timeoutMs`. */
  next(key: string, timeoutMs = 30_000): Promise<ReceivedActivity> {
    const early = this.unclaimed.get(key);
    if (early) {
      this.unclaimed.delete(key);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        const conversation = key.slice(key.indexOf(':') + 1);
        const last = this.lastText.get(conversation);
        reject(new Error(`nothing arrived under ${key} within ${timeoutMs} ms${last ? `; the last message there: ${last.slice(0, 300)}` : ''}`));
      }, timeoutMs);
      this.waiters.set(key, (arrival) => {
        clearTimeout(timer);
        resolve(arrival);
      });
    });
  }

  /** Forgets what arrived under these keys and was not taken. */
  forget(...keys: string[]): void {
    for (const key of keys) this.unclaimed.delete(key);
  }

  private file(key: string, arrival: ReceivedActivity): void {
    const waiter = this.waiters.get(key);
    if (waiter) {
      this.waiters.delete(key);
      waiter(arrival);
      return;
    }
    if (this.unclaimed.has(key)) return;
    if (this.unclaimed.size >= KEEP) this.unclaimed.delete(this.unclaimed.keys().next().value as string);
    this.unclaimed.set(key, arrival);
  }
}

function keysOf({ conversationId, activity }: ReceivedActivity): string[] {
  const text = activity.text ?? '';
  const keys: string[] = [];
  if (/Request \*\*GA-\w{6}\*\* is waiting/.test(text)) keys.push(`waiting:${conversationId}`);
  const link = /request \*\*(GA-\w{6})\*\*: \S+ is invited/.exec(text);
  if (link) keys.push(`link:${link[1]}`);
  if (activity.attachments?.length) {
    const card = /"verb":"approve"[^}]*"requestId":"(GA-\w{6})"/.exec(JSON.stringify(activity.attachments));
    if (card) keys.push(`card:${card[1]}`);
  }
  return keys;
}
