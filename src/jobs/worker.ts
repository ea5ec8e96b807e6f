/**
 * Runs queued jobs: claims one with a lease, runs its handler, then marks it done, schedules a
 * retry or gives up. Workers in several instances can share one PostgreSQL database.
 *
 * Leases are short and renewed while a job runs, rather than long enough for the worst Graph
 * wait: one Graph call may wait minutes on `Retry-After`, so no fixed lease is safely long, and a
 * short one (15 s, renewed every 5 s) lets another instance, or the same one restarted, take over a
 * crashed worker's job within about 20 s. A worker that stalls past its lease (a stopped process, a
 * database it cannot reach) loses the job; every write a job makes carries its lease, so the
 * stalled worker then changes nothing.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type Job, type JobKind, JobMustWait, LeaseLostError } from '../requests/jobs';
import type { JobQueue } from '../storage/jobQueue';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { jobOutcomes } from '../telemetry/telemetryMetrics';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './retryPolicy';

const tracer = trace.getTracer('guest-access-bot');

export interface JobHandler {
  /** Does the job's work; every request write passes `job.lease`. */
  run(job: Job): Promise<void>;
  /**
   * Called when the job will not be tried again, to leave the request in an honest state, before
   * the job is marked dead (so a crash in between runs the job, and then this, again). Writes
   * pass `job.lease`.
   */
  giveUp?(job: Job, error: unknown): Promise<void>;
}

export type JobHandlers = Record<JobKind, JobHandler>;

/** JOB_LEASE_SECONDS' default: how long a dead process's job waits before another worker takes it. */
const DEFAULT_LEASE_MS = 15_000;

/**
 * Every third of the lease: two renewals can be late or fail (a slow database, a busy event loop)
 * before a live job's lease runs out, and a dead holder's job is free a whole lease after it died.
 */
export function leaseRenewalIntervalMs(leaseMs: number): number {
  return Math.max(10, Math.floor(leaseMs / 3));
}

interface WorkerOptions {
  /** How often an idle worker looks for due jobs written by other instances. */
  pollIntervalMs?: number;
  /** How long a claim lasts without renewal (15 s by default); it is renewed every third of this while the job runs. */
  leaseMs?: number;
  retryPolicy?: RetryPolicy;
  /** Now, as the queue counts it, for when a retry is due. */
  clock?: () => Date;
  /**
   * How many jobs run at once. A job spends nearly all its time waiting on Graph and Teams, so
   * one at a time would cap a process at a few requests a second whatever its CPU; each running
   * job holds its own lease, exactly as jobs in two instances do.
   */
  concurrency?: number;
}

export class JobWorker {
  private readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly clock: () => Date;
  private readonly concurrency: number;
  private running = false;
  private loops: Promise<void> | undefined;
  /** Loops asleep until the next poll, each woken by calling its function. */
  private readonly sleepers = new Set<() => void>();
  private woken = false;
  /**
   * A claim found nothing due, and no job has been queued here since: a loop that has just
   * finished a job then waits for a wake-up or its poll instead of asking again at once. Under
   * load, that asking was half of all the claims, each one a write statement.
   */
  private queueLookedEmpty = false;
  /** The jobs being run now, to release them if a shutdown cannot wait for them. */
  private readonly current = new Set<Job>();

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.clock = options.clock ?? (() => new Date());
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Promise.all(Array.from({ length: this.concurrency }, () => this.runLoop())).then(() => undefined);
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for those in hand. Any still running then has its
   * lease released, so another instance (or this one, restarted) takes it over at once; whatever
   * it still tries to write is refused. True when nothing had to be released.
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.running = false;
    for (const wakeUp of [...this.sleepers]) wakeUp();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timedOut'>((resolve) => {
      if (Number.isFinite(graceMs)) timer = setTimeout(() => resolve('timedOut'), graceMs);
    });
    const outcome = await Promise.race([this.loops?.then(() => 'finished' as const) ?? 'finished', timedOut]);
    clearTimeout(timer);
    const unfinished = [...this.current];
    if (outcome === 'finished' || unfinished.length === 0) return true;
    for (const job of unfinished) {
      const released = await this.queue.release(job.lease);
      this.logger.warn(
        { requestId: job.requestId, job: job.kind, jobId: job.id, released },
        'stopping: a job in hand did not finish in time; released it for another worker',
      );
    }
    return false;
  }

  /**
   * Jobs were queued in this process: look now rather than at the next poll. One sleeping loop
   * looks; a loop that finds a job wakes the next (see runLoop), so a burst of jobs fans out
   * without every loop querying the queue for the same single job.
   */
  wake(): void {
    this.woken = true;
    this.queueLookedEmpty = false;
    this.wakeOne();
  }

  private wakeOne(): void {
    const [first] = this.sleepers;
    first?.();
  }

  /**
   * What the worker is doing at this moment: jobs in hand, and loops asleep until a wake-up or
   * their poll, of how many it runs. With every loop asleep and nothing in hand, nothing happens
   * here until a wake-up or a poll: tests wait for that, rather than sleeping, before they count.
   */
  get activity(): { jobsInHand: number; loopsAsleep: number; loops: number } {
    return { jobsInHand: this.current.size, loopsAsleep: this.sleepers.size, loops: this.running ? this.concurrency : 0 };
  }

  /** Runs every job that is due now, then returns. For tests and scripts. */
  async drain(): Promise<number> {
    let ran = 0;
    while (await this.runOne()) ran++;
    return ran;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runOne(() => this.wakeOne());
      } catch (error) {
        // The queue itself failed (database down): say so once per poll and keep going.
        this.logger.error({ err: error }, 'job queue unavailable; retrying');
      }
      if ((!worked || this.queueLookedEmpty) && this.running) await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const wakeUp = () => {
        clearTimeout(timer);
        this.sleepers.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, this.pollIntervalMs);
      this.sleepers.add(wakeUp);
    });
    this.woken = false;
  }

  /** Claims and runs one due job, in a span of its own; false when there was none. */
  private async runOne(onClaimed: () => void = () => {}): Promise<boolean> {
    const job = await this.queue.claim(this.id, this.leaseMs);
    if (!job) {
      this.queueLookedEmpty = true;
      return false;
    }
    onClaimed();
    await tracer.startActiveSpan(`job ${job.kind}`, { attributes: { 'job.kind': job.kind, 'job.attempt': job.attempts } }, async (span) => {
      try {
        await this.runClaimed(job);
      } finally {
        span.end();
      }
    });
    return true;
  }

  private async runClaimed(job: Job): Promise<void> {
    const log = this.logger.child({ requestId: job.requestId, job: job.kind, jobId: job.id, attempt: job.attempts });
    const renewal = this.keepLease(job, log);
    this.current.add(job);
    try {
      await this.handlers[job.kind].run(job);
      if (!(await this.queue.complete(job.lease))) {
        log.warn('job finished after its lease was taken over; its outcome is left to the new holder');
        jobOutcomes.add(1, { kind: job.kind, outcome: 'leaseLost' });
      } else {
        log.debug('job done');
        jobOutcomes.add(1, { kind: job.kind, outcome: 'done' });
      }
    } catch (error) {
      await this.failed(job, error, log);
    } finally {
      clearInterval(renewal);
      this.current.delete(job);
    }
  }

  /** Renews the job's lease every third of its length until cleared (see leaseRenewalIntervalMs). */
  private keepLease(job: Job, log: Logger): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.queue.renew(job.lease, this.leaseMs).then(
        (held) => {
          if (!held) {
            log.warn('job lease lost to another worker; this worker will change nothing more for it');
            clearInterval(timer);
          }
        },
        (error: unknown) => log.warn({ err: error }, 'could not renew the job lease; retrying'),
      );
    }, leaseRenewalIntervalMs(this.leaseMs));
    timer.unref();
    return timer;
  }

  private async failed(job: Job, error: unknown, log: Logger): Promise<void> {
    const span = trace.getActiveSpan();
    span?.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    if (error instanceof LeaseLostError) {
      log.warn({ err: error }, 'job lease lost to another worker; nothing was changed');
      jobOutcomes.add(1, { kind: job.kind, outcome: 'leaseLost' });
      return;
    }
    if (error instanceof JobMustWait) {
      await this.queue.postpone(job.lease, new Date(this.clock().getTime() + error.retryAfterMs));
      log.debug({ reason: error.message, retryInMs: error.retryAfterMs }, 'job waits for another');
      jobOutcomes.add(1, { kind: job.kind, outcome: 'waited' });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const delay = retryDelayMs(error, job.attempts, this.retryPolicy);
    if (delay !== undefined) {
      if (await this.queue.fail(job.lease, { message, retryAt: new Date(this.clock().getTime() + delay) }))
        log.warn({ err: error, retryInMs: delay }, 'job failed; will retry');
      jobOutcomes.add(1, { kind: job.kind, outcome: 'retried' });
      return;
    }
    try {
      await this.handlers[job.kind].giveUp?.(job, error);
    } catch (giveUpError) {
      if (giveUpError instanceof LeaseLostError) {
        log.warn({ err: error }, 'job failed for good, but its lease was taken over; the new holder decides');
        return;
      }
      // The request could not be left honest yet (the database?): try the whole job again later.
      log.error({ err: giveUpError, jobError: message }, 'could not record the failure; will try again');
      await this.queue.fail(job.lease, { message, retryAt: new Date(this.clock().getTime() + this.retryPolicy.maxDelayMs) });
      return;
    }
    if (await this.queue.fail(job.lease, { message })) log.error({ err: error }, 'job failed for good');
    jobOutcomes.add(1, { kind: job.kind, outcome: 'dead' });
  }
}
