/**
 * A loop that, every few seconds, runs one cycle of a check whose due times live in the database
 * (the redemption watcher's, and the guest-hygiene checks'). The due times are rows, claimed with a
 * conditional update, so a restart loses none and two instances never make one check twice; this
 * loop only decides when to look. One cycle at a time: a slow Graph must not pile cycles up.
 */
import type { Logger } from 'pino';

export class DueCheckLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly name: string,
    private readonly cycle: () => Promise<unknown>,
    private readonly tickMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.cycle()
        .catch((error: unknown) => this.logger.warn({ err: error }, `${this.name} failed; will try again`))
        .finally(() => (this.running = undefined));
    }, this.tickMs);
    this.timer.unref();
  }

  /** Stops looking, and waits for a cycle under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
