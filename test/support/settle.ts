/**
 * Waiting until a bot has done all the work that is due, so a test counts what happened only once
 * nothing more can happen: a late duplicate would be there to count, not still on its way.
 */
import type { Kysely } from 'kysely';
import type { JobWorker } from '../../src/jobs/worker';
import type { Schema } from '../../src/storage/schema';

/** No job in hand, and every loop asleep until a wake-up or its poll: nothing happens until then. */
export function workerIdle(worker: Pick<JobWorker, 'activity'>): boolean {
  const { jobsInHand, loopsAsleep, loops } = worker.activity;
  return jobsInHand === 0 && loopsAsleep === loops;
}

/** The first job that is due at `at` or held under a lease that has not run out, if any. */
export function busyJob(db: Kysely<Schema>, at: Date) {
  const iso = at.toISOString();
  return db
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('run_at', '<=', iso), eb('locked_until', '>', iso)]))
    .executeTakeFirst();
}

export interface SettlingBot {
  app: { worker: Pick<JobWorker, 'drain' | 'activity'>; database: { db: Kysely<Schema> } };
  /** Now, as the bot counts it. */
  now: () => Date;
}

/**
 * Runs every job due at the bot's now (its own worker may hold some) until none is due or
 * running and its worker is idle: what a test waits for after moving the clock, and before it
 * counts. The timers of a request's life (a reminder, an expiry) wait days ahead and do not count.
 */
export async function settleJobs(bot: SettlingBot, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await bot.app.worker.drain();
    const busy = await busyJob(bot.app.database.db, bot.now());
    if (!busy && workerIdle(bot.app.worker)) return;
    if (Date.now() > deadline)
      throw new Error(busy ? `job ${busy.id} is still due or running` : `the worker is still busy: ${JSON.stringify(bot.app.worker.activity)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
