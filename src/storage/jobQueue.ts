/**
 * The jobs table as a queue: rows are written inside the transaction of the change they follow;
 * workers on any instance claim due rows with a lease, so a crash only delays a job.
 */
import { type ExpressionBuilder, type Kysely, PostgresAdapter, type Selectable, sql, type Transaction } from 'kysely';
import { maskPersonalData } from '../logging/personalData';
import { type Job, type JobKind, type JobLease, LeaseLostError, type NewJob } from '../requests/jobs';
import { PreparedQuery } from './preparedQuery';
import type { JobsTable, Schema } from './schema';

/** Enough of an error for an operator to see what went wrong; a whole stack or HTML page is not kept. */
const STORED_ERROR_LENGTH = 2_000;

export type Clock = () => Date;

interface JobFailure {
  message: string;
  /** When to try again; undefined means never: the job is dead. */
  retryAt?: Date;
}

export function insertJobs(trx: Kysely<Schema> | Transaction<Schema>, jobs: readonly NewJob[], now: Date): Promise<unknown> {
  if (jobs.length === 0) return Promise.resolve();
  const at = now.toISOString();
  return trx
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        kind: job.kind,
        request_id: job.requestId,
        payload: payloadOf(job),
        status: 'queued',
        attempts: 0,
        run_at: job.runAt && job.runAt > now ? job.runAt.toISOString() : at,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
}

/** A job's own arguments, as the jobs table keeps them: what to say, or which approval stage. */
function payloadOf(job: NewJob): string | null {
  const payload = { ...('notice' in job ? { notice: job.notice } : {}), ...('stage' in job && job.stage !== undefined ? { stage: job.stage } : {}) };
  return Object.keys(payload).length > 0 ? JSON.stringify(payload) : null;
}

/** Nobody holds the job, or their lease ran out (they crashed or hung). */
function leaseFreeAt(at: string) {
  return (eb: ExpressionBuilder<Schema, 'jobs'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]);
}

/**
 * The job is still claimed under `lease`: nobody has claimed it since. A lease that ran out but
 * that nobody took over still counts, since no other worker can have acted on the job.
 */
function heldUnder(lease: JobLease) {
  return (eb: ExpressionBuilder<Schema, 'jobs'>) =>
    eb.and([eb('id', '=', lease.jobId), eb('locked_by', '=', lease.holder), eb('attempts', '=', lease.attempt), eb('status', '=', 'queued')]);
}

/**
 * A job's write goes through only while its lease is held. The job row is touched first, so on
 * PostgreSQL a worker claiming the job at the same moment waits for this transaction to end.
 */
export async function assertLeaseHeld(trx: Transaction<Schema>, lease: JobLease | undefined, at: string): Promise<void> {
  if (!lease) return;
  const touched = await trx.updateTable('jobs').set({ updated_at: at }).where(heldUnder(lease)).executeTakeFirst();
  if (touched.numUpdatedRows === 0n) throw new LeaseLostError(lease);
}

export class JobQueue {
  private readonly postgres: boolean;

  /** The claim, prepared once: idle workers poll with it every second, busy ones after each job. */
  private readonly claimNext: PreparedQuery<Schema, [workerId: string, lockedUntil: string, at: string], Selectable<JobsTable>>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
    private readonly onJobsQueued: () => void = () => {},
  ) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    this.claimNext = new PreparedQuery(db, 3, (q, workerId: string, lockedUntil: string, at: string) =>
      q
        .updateTable('jobs')
        .set({ locked_by: workerId, locked_until: lockedUntil, attempts: sql<number>`attempts + 1`, updated_at: at })
        .where('id', '=', (eb) => {
          const due = eb
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('run_at', '<=', at)
            .where(leaseFreeAt(at))
            .orderBy('run_at')
            .orderBy('id')
            .limit(1);
          return this.postgres ? due.forUpdate().skipLocked() : due;
        })
        .where('status', '=', 'queued')
        .where(leaseFreeAt(at))
        .returningAll(),
    );
  }

  /** Queues `jobs`; from within a job, pass its lease: then they are queued only while it is held. */
  async enqueue(jobs: readonly NewJob[], lease?: JobLease): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await assertLeaseHeld(trx, lease, now.toISOString());
      await insertJobs(trx, jobs, now);
    });
    if (jobs.length > 0) this.onJobsQueued();
  }

  /**
   * Claims the next due job for `leaseMs`, in one statement: the due job is picked and leased
   * together, so two claimers never both get it. On PostgreSQL the pick skips rows another
   * claimer has just locked (FOR UPDATE SKIP LOCKED) instead of waiting for them or all going for
   * the same oldest job; SQLite runs one write at a time, which does the same.
   */
  async claim(workerId: string, leaseMs: number): Promise<Job | undefined> {
    const now = this.clock();
    const { rows } = await this.claimNext.execute(this.db, workerId, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString());
    const [claimed] = rows;
    if (!claimed) return undefined;
    const payload = claimed.payload ? (JSON.parse(claimed.payload) as Pick<Job, 'notice' | 'stage'>) : {};
    return {
      id: claimed.id,
      kind: claimed.kind as JobKind,
      requestId: claimed.request_id,
      attempts: claimed.attempts,
      ...(payload.notice ? { notice: payload.notice } : {}),
      ...(payload.stage !== undefined ? { stage: payload.stage } : {}),
      lease: { jobId: claimed.id, holder: workerId, attempt: claimed.attempts },
    };
  }

  /**
   * Makes this job the one deciding for `guest` (a lowercase address) until it ends: true when it
   * now holds the guest. Another job holds the guest while that job's own lease is held, so a
   * holder that crashed lets go as soon as its job is claimed again, and one that finished (done,
   * or waiting to retry) at once. On PostgreSQL the upsert locks the guest's row, so of two jobs
   * asking at once one waits for the other's answer and then sees it hold the guest.
   */
  async holdGuest(guest: string, lease: JobLease): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      const mine = { job_id: lease.jobId, holder: lease.holder, attempt: lease.attempt, updated_at: at };
      await trx
        .insertInto('guest_locks')
        .values({ guest, ...mine })
        .onConflict((oc) =>
          oc
            .column('guest')
            .doUpdateSet(mine)
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('jobs')
                    .select('jobs.id')
                    .whereRef('jobs.id', '=', 'guest_locks.job_id')
                    .whereRef('jobs.locked_by', '=', 'guest_locks.holder')
                    .whereRef('jobs.attempts', '=', 'guest_locks.attempt')
                    .where('jobs.status', '=', 'queued'),
                ),
              ),
            ),
        )
        .execute();
      const held = await trx.selectFrom('guest_locks').select(['job_id', 'holder', 'attempt']).where('guest', '=', guest).executeTakeFirstOrThrow();
      return held.job_id === lease.jobId && held.holder === lease.holder && held.attempt === lease.attempt;
    });
  }

  /**
   * Gives a job back to be run again at `runAt` without counting this run as an attempt: it
   * waited for another job, it did not fail. False when the lease was lost.
   */
  async postpone(lease: JobLease, runAt: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ run_at: runAt.toISOString(), locked_by: null, locked_until: null, attempts: sql<number>`attempts - 1`, updated_at: this.clock().toISOString() })
      .where(heldUnder(lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Extends a lease still held for another `leaseMs`; false when it was lost. */
  async renew(lease: JobLease, leaseMs: number): Promise<boolean> {
    const now = this.clock();
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where(heldUnder(lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Gives a held job back unfinished, to be claimed again at once (by this instance after a
   * restart, or another): for a worker shutting down. Its attempt still counts.
   */
  async release(lease: JobLease): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_by: null, locked_until: null, updated_at: this.clock().toISOString() })
      .where(heldUnder(lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Marks done the other queued jobs of `job`'s kind for its request that nobody holds: for a job
   * that does the same whole thing whenever it runs (redraw a card as the request stands now), the
   * one about to run does theirs too. Called before it reads anything, so a job queued after that
   * read is left to run. Returns how many it settled.
   */
  async settleTwinsOf(job: Pick<Job, 'id' | 'kind' | 'requestId'>): Promise<number> {
    const at = this.clock().toISOString();
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'done', updated_at: at })
      .where('request_id', '=', job.requestId)
      .where('kind', '=', job.kind)
      .where('status', '=', 'queued')
      .where('id', '!=', job.id)
      .where(leaseFreeAt(at))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Marks the job done; false (and nothing changed) when the lease was lost. */
  async complete(lease: JobLease): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'done', locked_by: null, locked_until: null, last_error: null, updated_at: this.clock().toISOString() })
      .where(heldUnder(lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Schedules a retry, or marks the job dead; false (and nothing changed) when the lease was lost. */
  async fail(lease: JobLease, failure: JobFailure): Promise<boolean> {
    const at = this.clock().toISOString();
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: failure.retryAt ? 'queued' : 'dead',
        run_at: failure.retryAt ? failure.retryAt.toISOString() : at,
        locked_by: null,
        locked_until: null,
        // Operators read it like a log line, so it is masked like one.
        last_error: maskPersonalData(failure.message).slice(0, STORED_ERROR_LENGTH),
        updated_at: at,
      })
      .where(heldUnder(lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
