/**
 * How many turns (messages and card clicks) one person may take a minute. Each turn can cost
 * directory lookups from the tenant's Graph throttling budget, which every other user shares, so a
 * script or a stuck client must not spend it. Counted in memory per instance: with several
 * instances behind a load balancer the effective limit is that many times higher, which still
 * bounds a flood.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** `over` for the first turn past the limit (worth one answer), `stillOver` for the rest of the minute. */
export type TurnVerdict = 'allowed' | 'over' | 'stillOver';

export class TurnRateLimit {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly turnsPerMinute: number) {
    if (!Number.isInteger(turnsPerMinute) || turnsPerMinute < 1)
      throw new Error(`TurnRateLimit needs a positive whole number of turns a minute, got ${turnsPerMinute}.`);
    this.limiter = new RateLimiterMemory({ points: turnsPerMinute, duration: 60 });
  }

  async take(personKey: string): Promise<TurnVerdict> {
    try {
      await this.limiter.consume(personKey);
      return 'allowed';
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return refusal.consumedPoints === this.turnsPerMinute + 1 ? 'over' : 'stillOver';
    }
  }
}
