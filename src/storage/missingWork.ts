/**
 * The jobs every state of a request calls for, and how to find requests missing theirs. A state
 * change writes its jobs in the same transaction, so a job can only be missing when something
 * outside the bot's code changed the tables (an operator's fix, a restore), or in a database
 * written by an older version. The sweeper queues them, once.
 */
import { type Kysely, sql } from 'kysely';
import type { NewJob, RequesterNotice, SponsorNotice } from '../requests/jobs';
import type { DatabaseKind } from './database';
import { insertJobs } from './jobQueue';
import type { Schema } from './schema';

/** What must exist for a request in this state; `live` means queued (not done or dead). */
interface Expected {
  state: string;
  job: NewJob['kind'];
  notice?: RequesterNotice | SponsorNotice;
  live?: boolean;
  /** An extra condition on the request row, in SQL over `r`. */
  when?: ReturnType<typeof sql>;
}

const EXPECTED: readonly Expected[] = [
  { state: 'pending_approval', job: 'deliverApprovalCard', when: sql`r.approval_activity_id is null` },
  // Provisioning must be under way; a job that died gave up first, and so moved the request on.
  { state: 'approved', job: 'provisionGuest', live: true },
  { state: 'rejected', job: 'notifyRequester', notice: 'rejected' },
  { state: 'invited', job: 'notifyRequester', notice: 'invited' },
  { state: 'failed', job: 'notifyRequester', notice: 'failed' },
  { state: 'failed', job: 'notifySponsor', notice: 'failed' },
  // A failed request keeps nothing: what it gave before failing is taken back.
  { state: 'failed', job: 'endAccess', when: sql`r.invited_user_id is not null and r.ended_at is null` },
  { state: 'accepted', job: 'notifyRequester', notice: 'accepted' },
  { state: 'accepted', job: 'notifySponsor', notice: 'accepted' },
  { state: 'pending_owner_approval', job: 'notifyRequester', notice: 'ownersNext' },
  { state: 'expired', job: 'notifyRequester', notice: 'expired' },
  { state: 'ended', job: 'notifyRequester', notice: 'ended' },
  { state: 'ended', job: 'notifySponsor', notice: 'ended' },
];

/**
 * Queues the jobs missing for requests that entered their state since `since` (older ones may
 * have had their finished jobs pruned), and returns them. On PostgreSQL a transaction-scoped lock
 * keeps two instances sweeping at once from both queueing the same job.
 */
export async function queueMissingWork(db: Kysely<Schema>, kind: DatabaseKind, since: Date, now: Date): Promise<NewJob[]> {
  return db.transaction().execute(async (trx) => {
    if (kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('guest-access-bot:sweep'))`.execute(trx);
    const missing: NewJob[] = [];
    for (const expected of EXPECTED) {
      const payload = expected.notice ? JSON.stringify({ notice: expected.notice }) : null;
      const rows = await sql<{ id: string }>`
        select r.id from access_requests r
        where r.state = ${expected.state}
          and ${expected.when ?? sql`1 = 1`}
          and exists (select 1 from audit_events a where a.request_id = r.id and a.to_state = r.state and a.at >= ${since.toISOString()})
          and not exists (
            select 1 from jobs j
            where j.request_id = r.id and j.kind = ${expected.job}
              and ${payload === null ? sql`j.payload is null` : sql`j.payload = ${payload}`}
              and ${expected.live ? sql`j.status = 'queued'` : sql`1 = 1`}
          )`.execute(trx);
      for (const { id } of rows.rows) {
        missing.push(expected.notice ? ({ kind: expected.job, requestId: id, notice: expected.notice } as NewJob) : ({ kind: expected.job, requestId: id } as NewJob));
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
