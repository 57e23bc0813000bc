import { AppError } from '../domain/errors.ts';
import type { Clock } from '../domain/clock.ts';

/**
 * A fixed-window counter per key, in this process's memory. Good for public endpoints such as
 * login: with several processes each allows `limit`, which still bounds guessing.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(key: string): void {
    const now = this.clock.now().getTime();
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    }
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      return;
    }
    w.count += 1;
    if (w.count > this.limit) throw new AppError('rate_limited', 'too many attempts; try again later');
  }
}
