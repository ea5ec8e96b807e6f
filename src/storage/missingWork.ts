/**
 * Finds requests missing the work their last change called for, as requests/followUp.ts says. A
 * change writes its jobs in the same transaction, so a job can only be missing when something
 * outside the bot's code changed the tables (an operator's fix, a restore), or in a database
 * written by an older version. The sweeper queues them, once.
 */
import { type Kysely, sql } from 'kysely';
import { type Condition, sweptWork } from '../requests/followUp';
import type { NewJob } from '../requests/jobs';
import type { DatabaseKind } from './database';
import { insertJobs } from './jobQueue';
import type { Schema } from './schema';

/** Each of followUp's conditions as SQL over the request row `r`. */
const CONDITIONS: Readonly<Record<Condition, ReturnType<typeof sql>>> = {
  cardNotPosted: sql`r.approval_activity_id is null`,
  accessGiven: sql`r.invited_user_id is not null and r.ended_at is null`,
};

const SWEPT = sweptWork();

/**
 * Queues the jobs missing for requests that entered their state since `since` (older ones may
 * have had their finished jobs pruned), and returns them. On PostgreSQL a transaction-scoped lock
 * keeps two instances sweeping at once from both queueing the same job.
 */
export async function queueMissingWork(db: Kysely<Schema>, kind: DatabaseKind, since: Date, now: Date): Promise<NewJob[]> {
  return db.transaction().execute(async (trx) => {
    if (kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('guest-access-bot:sweep'))`.execute(trx);
    const missing: NewJob[] = [];
    for (const expected of SWEPT) {
      const payload = expected.notice ? JSON.stringify({ notice: expected.notice }) : null;
      // The change that brought the request into its state, made since `since`.
      const from = expected.from === 'new' ? sql`a.from_state is null` : sql`a.from_state = ${expected.from}`;
      // The request's own work (the card, the provisioning, what the requester is told once) is looked for, and queued, under its id.
      const owner = expected.perRequest ? sql`r.request_id` : sql`r.id`;
      // From the changes since `since` (audit_events_state_at, migration 016), not from every
      // request in the state: a sweep reads what changed lately, not the whole history. A CROSS
      // JOIN is an inner join that SQLite never reorders, so it cannot start from the requests.
      const rows = await sql<{ id: string }>`
        select distinct ${owner} as id from audit_events a cross join access_requests r
        where a.to_state = ${expected.to} and a.at >= ${since.toISOString()} and ${from}
          and r.id = a.request_id and r.state = ${expected.to}
          and ${expected.onlyIf ? CONDITIONS[expected.onlyIf] : sql`1 = 1`}
          and not exists (
            select 1 from jobs j
            where j.request_id = ${owner} and j.kind = ${expected.job}
              and ${payload === null ? sql`j.payload is null` : sql`j.payload = ${payload}`}
              and ${expected.queuedOnly ? sql`j.status = 'queued'` : sql`1 = 1`}
          )`.execute(trx);
      for (const { id } of rows.rows) {
        missing.push(
          expected.notice ? ({ kind: expected.job, requestId: id, notice: expected.notice } as NewJob) : ({ kind: expected.job, requestId: id } as NewJob),
        );
      }
    }
    await insertJobs(trx, missing, now);
    return missing;
  });
}

/** Deletes finished (done or dead) job rows last changed before `before`; audit events stay. */
export async function pruneFinishedJobs(db: Kysely<Schema>, before: Date): Promise<number> {
  const result = await db.deleteFrom('jobs').where('status', 'in', ['done', 'dead']).where('updated_at', '<', before.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
