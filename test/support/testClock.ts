/** A clock a test moves forward by hand, so timers of days run in milliseconds and nobody sleeps. */
export class TestClock {
  private offsetMs = 0;

  /** Now, as the bot sees it: real time plus every `advance` so far. */
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}
