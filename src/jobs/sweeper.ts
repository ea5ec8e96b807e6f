/**
 * At start and then every few minutes: queue the work a request's state calls for but that has
 * no job (see storage/missingWork.ts), and prune finished jobs older than JOB_RETENTION_DAYS.
 */
import type { Logger } from 'pino';
import type { DatabaseKind } from '../storage/database';
import { pruneFinishedJobs, queueMissingWork } from '../storage/missingWork';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema';

interface SweeperOptions {
  retentionMs: number;
  intervalMs?: number;
  /** Called when jobs were queued, to wake this process's worker. */
  onJobsQueued?: () => void;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly kind: DatabaseKind,
    private readonly logger: Logger,
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    const run = () => {
      this.sweeping = this.sweep().catch((error: unknown) => this.logger.error({ err: error }, 'sweep failed; will try again'));
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs ?? 5 * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep; what it queued and how many finished jobs it pruned. */
  async sweep(now = new Date()): Promise<{ queued: number; pruned: number }> {
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    const missing = await queueMissingWork(this.db, this.kind, cutoff, now);
    for (const job of missing)
      this.logger.warn(
        { requestId: job.requestId, job: job.kind, notice: 'notice' in job ? job.notice : undefined },
        'sweep: queued work the request was missing',
      );
    if (missing.length > 0) this.options.onJobsQueued?.();
    const pruned = await pruneFinishedJobs(this.db, cutoff);
    if (pruned > 0) this.logger.info({ pruned }, 'sweep: pruned finished jobs past JOB_RETENTION_DAYS');
    return { queued: missing.length, pruned };
  }
}
