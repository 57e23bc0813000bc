/** What background work logs through (pino's shape; the server passes the app's logger). */
export interface Log {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const silentLog: Log = { error: () => {}, warn: () => {}, info: () => {} };

/**
 * Runs `work` again and again with a pause between rounds (real time: the poll interval is how
 * often this process looks at the database, not a business deadline; deadlines come from the Clock
 * and are compared in the query). `wake()` cuts the pause short; `stop()` waits for the round in
 * flight. Calls of `run()` from outside (tests, `tick()`) are serialized with the loop's own.
 */
export class PollLoop {
  private chain: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private stopped = true;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  /**
   * `pauseMs`, when given, says after each loop round how long to pause (capped at `intervalMs`):
   * a timer runner sleeps until its next timer is due instead of a whole poll interval.
   */
  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly log: Log,
    private readonly name: string,
    private readonly pauseMs?: () => Promise<number>,
  ) {}

  /** One round, after any round in flight (never two at once in this process). */
  run<T>(fn: () => Promise<T> = this.work as () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.spin();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
    await this.chain;
  }

  private async spin(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.run();
      } catch (err) {
        this.log.error({ err }, `${this.name}: round failed`);
      }
      if (this.stopped) break;
      if (this.woken) {
        this.woken = false;
        continue;
      }
      let pause = this.intervalMs;
      if (this.pauseMs) {
        try {
          pause = Math.max(0, Math.min(this.intervalMs, await this.pauseMs()));
        } catch (err) {
          this.log.warn({ err }, `${this.name}: could not work out the next wake-up; polling`);
        }
      }
      if (this.stopped) break;
      if (this.woken) {
        // woken while the pause was being worked out: go again at once
        this.woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
        const timer = setTimeout(done, pause);
        this.wakeUp = done;
      });
      this.woken = false;
    }
  }
}
