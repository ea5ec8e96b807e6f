/**
 * Runs queued jobs: claims one with a lease, runs its handler, then marks it done, schedules a
 * retry or gives up. Workers in several instances can share one PostgreSQL database.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Job, JobKind } from '../requests/jobs';
import type { JobQueue } from '../storage/jobQueue';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './retryPolicy';

export interface JobHandler {
  run(job: Job): Promise<void>;
  /** Called once when the job will not be tried again, to leave the request in an honest state. */
  giveUp?(job: Job, error: unknown): Promise<void>;
}

export type JobHandlers = Record<JobKind, JobHandler>;

export interface WorkerOptions {
  /** How often an idle worker looks for due jobs written by other instances. */
  pollIntervalMs?: number;
  /** How long a claimed job is ours; longer than the slowest job, including Graph retries. */
  leaseMs?: number;
  retryPolicy?: RetryPolicy;
}

export class JobWorker {
  private readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly retryPolicy: RetryPolicy;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Stops taking jobs and waits for the one in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Jobs were queued in this process: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
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
        worked = await this.runOne();
      } catch (error) {
        // The queue itself failed (database down): say so once per poll and keep going.
        this.logger.error({ err: error }, 'job queue unavailable; retrying');
      }
      if (!worked && this.running) await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.pollIntervalMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }

  /** Claims and runs one due job; false when there was none. */
  private async runOne(): Promise<boolean> {
    const job = await this.queue.claim(this.id, this.leaseMs);
    if (!job) return false;
    const log = this.logger.child({ requestId: job.requestId, job: job.kind, jobId: job.id, attempt: job.attempts });
    const handler = this.handlers[job.kind];
    try {
      await handler.run(job);
      await this.queue.complete(job, this.id);
      log.debug('job done');
    } catch (error) {
      const delay = retryDelayMs(error, job.attempts, this.retryPolicy);
      const message = error instanceof Error ? error.message : String(error);
      if (delay !== undefined) {
        await this.queue.fail(job, this.id, { message, retryAt: new Date(Date.now() + delay) });
        log.warn({ err: error, retryInMs: delay }, 'job failed; will retry');
      } else {
        await this.queue.fail(job, this.id, { message });
        log.error({ err: error }, 'job failed for good');
        await handler.giveUp?.(job, error).catch((giveUpError: unknown) => log.error({ err: giveUpError }, 'could not record the failure'));
      }
    }
    return true;
  }
}
