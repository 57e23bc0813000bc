/**
 * The outbox deliverer: takes due rows of the `outbox` table (claimed with `FOR UPDATE SKIP
 * LOCKED` and a lease, so any number of processes can run it), turns each into one delivery
 * (src/services/notify/topics.ts), sends it, and records the outcome under its fence.
 *
 * - At least once: a row is marked done only after the receiver accepted it; a process that dies
 *   in between loses its lease and the row is sent again, with the same `Idempotency-Key`.
 * - Retries: exponential backoff with jitter (base · 2^(attempt-1), capped, minus up to `jitter`
 *   of it at random), at least the receiver's Retry-After; after `maxAttempts`, or at once for a
 *   permanent failure (a 4xx), the row is `dead` — listed for admins, who can retry it.
 * - Rate limits per channel and destination: a message over the limit is put back (not counted
 *   as an attempt) for when a token is free.
 */
import { Channels, ChannelUnavailable, DeliveryError } from '../channels/index.ts';
import type { Ctx } from '../services/context.ts';
import { resolveMessage, UndeliverableMessage, type Resolution } from '../services/notify/topics.ts';
import { claimOutbox, markOutboxDone, markOutboxFailed, purgeDeliveredOutbox, releaseOutbox, type OutboxRow } from '../store/repos/outbox.ts';
import { PollLoop, silentLog, type Log } from './loop.ts';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  /** 0–1: share of the delay that is randomized away (0.5: a delay in [d/2, d]) */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, capMs: 3_600_000, maxAttempts: 8, jitter: 0.5 };

/** The wait after failed attempt number `attempt` (1-based). */
export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const full = Math.min(p.capMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (1 - p.jitter * random()));
}

export interface DelivererOptions {
  /** exclusive claim per row; longer than any send can take (default 60 s) */
  leaseMs?: number;
  /** rows claimed per round (default 50) */
  batch?: number;
  /** sends in flight at once (default 16) */
  concurrency?: number;
  /** how often the loop looks for due rows, real ms (default 500) */
  pollMs?: number;
  backoff?: Partial<BackoffPolicy>;
  random?: () => number;
  log?: Log;
}

export interface DeliveryStats {
  delivered: number;
  skipped: number;
  retrying: number;
  dead: number;
  deferred: number;
}

const emptyStats = (): DeliveryStats => ({ delivered: 0, skipped: 0, retrying: 0, dead: 0, deferred: 0 });

export class OutboxDeliverer {
  readonly backoff: BackoffPolicy;
  private readonly opts: Required<Omit<DelivererOptions, 'backoff' | 'random' | 'log'>>;
  private readonly random: () => number;
  private readonly log: Log;
  private readonly loop: PollLoop;
  private rounds = 0;

  constructor(
    private readonly ctx: Ctx,
    readonly channels: Channels,
    options: DelivererOptions = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.opts = { leaseMs: options.leaseMs ?? 60_000, batch: options.batch ?? 50, concurrency: options.concurrency ?? 16, pollMs: options.pollMs ?? 500 };
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLog;
    this.loop = new PollLoop(() => this.deliverDue(), this.opts.pollMs, this.log, 'outbox');
  }

  /** Delivers everything due by the clock's now (after any round in flight). */
  tick(): Promise<DeliveryStats> {
    return this.loop.run(() => this.deliverDue());
  }

  start(): void {
    this.loop.start();
  }

  /** Look now (something was just enqueued in this process). */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async deliverDue(): Promise<DeliveryStats> {
    const stats = emptyStats();
    for (let round = 0; round < 1000; round++) {
      const claimed = await claimOutbox(this.ctx.db, this.ctx.clock.now(), this.opts.leaseMs, this.opts.batch);
      if (claimed.length === 0) break;
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(this.opts.concurrency, claimed.length) }, async () => {
          while (next < claimed.length) {
            const row = claimed[next++] as OutboxRow;
            try {
              stats[await this.deliverOne(row)]++;
            } catch (err) {
              this.log.error({ err, id: row.id }, 'outbox: could not record an outcome (the lease will expire and the row come back)');
            }
          }
        }),
      );
      if (claimed.length < this.opts.batch) break;
    }
    if (++this.rounds % 1000 === 0) {
      await purgeDeliveredOutbox(this.ctx.db, new Date(this.ctx.clock.now().getTime() - 7 * 86_400_000)).catch((err: unknown) => this.log.warn({ err }, 'outbox: purge failed'));
    }
    return stats;
  }

  private async fail(row: OutboxRow, error: string, opts: { permanent?: boolean; retryAfterMs?: number | null } = {}): Promise<keyof DeliveryStats> {
    const now = this.ctx.clock.now();
    const dead = opts.permanent === true || row.attempts >= this.backoff.maxAttempts;
    const delay = Math.max(backoffDelay(row.attempts, this.backoff, this.random), opts.retryAfterMs ?? 0);
    await markOutboxFailed(this.ctx.db, Number(row.id), row.attempts, `attempt ${row.attempts}: ${error}`, dead ? now : new Date(now.getTime() + delay), dead);
    if (dead) this.log.warn({ id: row.id, topic: row.topic, attempts: row.attempts, error }, 'outbox: message is dead');
    return dead ? 'dead' : 'retrying';
  }

  private async deliverOne(row: OutboxRow): Promise<keyof DeliveryStats> {
    const id = Number(row.id);
    let resolution: Resolution;
    try {
      resolution = await resolveMessage(this.ctx.db, row, this.ctx);
    } catch (err) {
      if (err instanceof UndeliverableMessage) return this.fail(row, err.message, { permanent: true });
      return this.fail(row, err instanceof Error ? err.message : String(err));
    }
    if ('skip' in resolution) {
      await markOutboxDone(this.ctx.db, id, row.attempts, `skipped: ${resolution.skip}`);
      return 'skipped';
    }
    const d = resolution.deliver;
    const wait = this.channels.admit(d);
    if (wait > 0) {
      await releaseOutbox(this.ctx.db, id, row.attempts, new Date(this.ctx.clock.now().getTime() + wait));
      return 'deferred';
    }
    try {
      await this.channels.send(d);
    } catch (err) {
      if (err instanceof ChannelUnavailable) {
        await markOutboxDone(this.ctx.db, id, row.attempts, `skipped: ${err.message}`);
        return 'skipped';
      }
      if (err instanceof DeliveryError) return this.fail(row, err.message, { permanent: err.permanent, retryAfterMs: err.retryAfterMs });
      return this.fail(row, err instanceof Error ? err.message : String(err));
    }
    const recorded = await markOutboxDone(this.ctx.db, id, row.attempts);
    if (!recorded) this.log.warn({ id }, 'outbox: delivered after the lease ran out; another deliverer may send it again (receivers dedupe by Idempotency-Key)');
    return 'delivered';
  }
}
