/**
 * The bot's metrics, through the OpenTelemetry API: without telemetry started it is a no-op that
 * never calls back, so these cost nothing then. With it, every export reads how many requests
 * stand in each state and how long the oldest due job has waited (two small queries a minute),
 * and the worker counts each job's outcome.
 */
import { metrics } from '@opentelemetry/api';
import { type Kysely, sql } from 'kysely';
import { requestCountsByState } from '../storage/auditQueries';
import type { Schema } from '../storage/schema';

const meter = metrics.getMeter('guest-access-bot');

/** done, retried, dead, or lost to another worker; by job kind. */
export const jobOutcomes = meter.createCounter('guest_access.jobs.outcomes', {
  description: 'Jobs finished, retried, given up or lost to another worker, by kind.',
});

export function observeDatabase(db: Kysely<Schema>): void {
  meter.createObservableGauge('guest_access.requests', { description: 'Access requests by the state they are in now.' }).addCallback(async (result) => {
    for (const [state, count] of await requestCountsByState(db, new Date(0))) result.observe(count, { state });
  });
  meter
    .createObservableGauge('guest_access.jobs.queue_age', { description: 'How long the oldest job that is due has been waiting.', unit: 's' })
    .addCallback(async (result) => {
      const now = new Date().toISOString();
      const oldest = await db
        .selectFrom('jobs')
        .select(sql<string | null>`min(run_at)`.as('run_at'))
        .where('status', '=', 'queued')
        .where('run_at', '<=', now)
        .executeTakeFirst();
      result.observe(oldest?.run_at ? Math.max(0, (Date.now() - Date.parse(oldest.run_at)) / 1000) : 0);
    });
}
