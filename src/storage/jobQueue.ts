/**
 * The jobs table as a queue: rows are written inside the transaction of the change they follow;
 * workers on any instance claim due rows with a lease, so a crash only delays a job.
 */
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import { maskPersonalData } from '../logging/personalData';
import type { Job, JobKind, NewJob } from '../requests/jobs';
import type { Schema } from './schema';

export type Clock = () => Date;

export interface JobFailure {
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
        payload: 'notice' in job ? JSON.stringify({ notice: job.notice }) : null,
        status: 'queued',
        attempts: 0,
        run_at: at,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
}

/** Nobody holds the job, or their lease ran out (they crashed or hung). */
function leaseFreeAt(at: string) {
  return (eb: ExpressionBuilder<Schema, 'jobs'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]);
}

export class JobQueue {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
    private readonly onJobsQueued: () => void = () => {},
  ) {}

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    await insertJobs(this.db, jobs, this.clock());
    if (jobs.length > 0) this.onJobsQueued();
  }

  /**
   * Claims the next due job for `leaseMs`. Two steps, select then a conditional update, so the
   * same code is safe on SQLite and PostgreSQL: losing the race just means trying the next one.
   */
  async claim(workerId: string, leaseMs: number): Promise<Job | undefined> {
    for (let tries = 0; tries < 3; tries++) {
      const now = this.clock();
      const at = now.toISOString();
      const due = await this.db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_at', '<=', at)
        .where(leaseFreeAt(at))
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!due) return undefined;
      const claimed = await this.db
        .updateTable('jobs')
        .set({
          locked_by: workerId,
          locked_until: new Date(now.getTime() + leaseMs).toISOString(),
          attempts: sql<number>`attempts + 1`,
          updated_at: at,
        })
        .where('id', '=', due.id)
        .where('status', '=', 'queued')
        .where(leaseFreeAt(at))
        .returningAll()
        .executeTakeFirst();
      if (claimed) {
        const payload = claimed.payload ? (JSON.parse(claimed.payload) as Pick<Job, 'notice'>) : {};
        return {
          id: claimed.id,
          kind: claimed.kind as JobKind,
          requestId: claimed.request_id,
          attempts: claimed.attempts,
          ...(payload.notice ? { notice: payload.notice } : {}),
        };
      }
    }
    return undefined;
  }

  async complete(job: Job, workerId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'done', locked_by: null, locked_until: null, last_error: null, updated_at: this.clock().toISOString() })
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .execute();
  }

  async fail(job: Job, workerId: string, failure: JobFailure): Promise<void> {
    const at = this.clock().toISOString();
    await this.db
      .updateTable('jobs')
      .set({
        status: failure.retryAt ? 'queued' : 'dead',
        run_at: failure.retryAt ? failure.retryAt.toISOString() : at,
        locked_by: null,
        locked_until: null,
        // Operators read it like a log line, so it is masked like one.
        last_error: maskPersonalData(failure.message).slice(0, 2000),
        updated_at: at,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .execute();
  }
}
