import type { Kysely } from 'kysely';
import type { Schema } from '../../src/storage/schema';

/** A clock a test moves forward by hand, so timers of days run in milliseconds and nobody sleeps. */
export class TestClock {
  private offsetMs = 0;

  /** Now, as the bot sees it: real time plus every `advance` so far. */
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}

/**
 * Runs every job due at `now` (the bot's own worker may hold some) until none is due or running:
 * what a test waits for after moving the clock.
 */
export async function settleJobs(bot: { app: { worker: { drain(): Promise<number> }; database: { db: Kysely<Schema> } } }, now: () => Date, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await bot.app.worker.drain();
    const at = now().toISOString();
    const busy = await bot.app.database.db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('run_at', '<=', at), eb('locked_until', '>', at)]))
      .executeTakeFirst();
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`job ${busy.id} is still due or running`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Moves `clock` on by `days` and runs what became due. */
export async function passDays(bot: Parameters<typeof settleJobs>[0], clock: TestClock, days: number): Promise<void> {
  clock.advanceDays(days);
  await settleJobs(bot, clock.now);
}
