/**
 * Token buckets for the telemetry intake, per token and per client address, in this process's
 * memory: `perToken` / `perAddress` requests per second sustained, bursts of `burstSeconds` worth.
 * SDK collectors batch many records per request, so the limits are on requests; the body limit
 * bounds the records in one. With several processes each allows its own rate.
 */
import type { Clock } from '../domain/clock.ts';

export interface RateLimits {
  perToken: number;
  perAddress: number;
  burstSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  limits: RateLimits;

  constructor(
    private readonly clock: Clock,
    limits: RateLimits,
  ) {
    this.limits = { ...limits };
  }

  /** Change the limits (operators, tests); existing buckets keep their tokens. */
  configure(limits: Partial<RateLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  private takeOne(key: string, rate: number, now: number): boolean {
    const cap = Math.max(1, rate * this.limits.burstSeconds);
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 50_000) this.sweep(now);
      b = { tokens: cap, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }

  /** Whether a request from this token (user) and address may go ahead; takes a token from each. */
  allow(tokenKey: string, address: string): boolean {
    const now = this.clock.now().getTime();
    if (!this.takeOne(`a:${address}`, this.limits.perAddress, now)) return false;
    return this.takeOne(`t:${tokenKey}`, this.limits.perToken, now);
  }
}
