/**
 * Durable timers in the database (`jobs` table), for escalation steps, SLA warnings and breaches,
 * handoffs and reports.
 *
 * - `schedule(tx, {kind, key, dueAt, payload})` in the caller's transaction: one timer per key;
 *   scheduling an existing key moves it. `cancel(tx, key)` removes it.
 * - A `TimerRunner` per process fires due timers: it claims them with `FOR UPDATE SKIP LOCKED`
 *   and a lease (so several processes never take the same one), then runs each handler in a
 *   transaction that first re-locks the row under its lease token and marks it done on success.
 *   The handler's writes and "done" commit together, so a timer's effects happen once even if a
 *   process dies mid-way (its lease runs out, another process takes the timer, the first one's
 *   transaction never committed). A handler may re-arm its own key (schedule the same key again
 *   inside the transaction): the new version then stays pending.
 * - "Due" is decided by the Clock (`dueAt <= clock.now()`), so a virtual clock drives timers in
 *   tests; `tick()` fires everything due now and returns how many fired.
 * - Handlers are registered per kind (on a runner, or globally with `registerTimerHandler`); a
 *   runner only claims kinds it has a handler for.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../services/context.ts';
import type { Database } from '../store/db.ts';
import { claimJobs, deleteJob, failJob, finishJob, lockClaimedJob, purgeFinishedJobs, upsertJob, type JobRow } from '../store/repos/outbox.ts';
import { deleteJobs, nextPendingDue, upsertJobs } from '../store/repos/jobs.ts';
import { PollLoop, silentLog, type Log } from './loop.ts';

export interface TimerSpec {
  kind: string;
  /** unique: one timer per key (e.g. `page:<id>`, `sla:warn:<ticket>`) */
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  /** recorded as created/updated time; defaults to dueAt */
  now?: Date;
}

export interface TimerJob {
  id: number;
  kind: string;
  key: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  /** 1 on the first run */
  attempts: number;
}

/** Runs inside the transaction that marks the timer done: use `tx` only (never ctx.db). */
export type TimerHandler = (tx: Database, job: TimerJob, ctx: Ctx) => Promise<void>;

/** Sets (or moves) the timer `key` in the caller's transaction. */
export async function schedule(tx: Database, spec: TimerSpec): Promise<void> {
  if (!Number.isFinite(spec.dueAt.getTime())) throw new Error(`timer ${spec.key}: invalid due time`);
  await upsertJob(tx, { kind: spec.kind, key: spec.key, dueAt: spec.dueAt, payload: spec.payload ?? {}, now: spec.now ?? spec.dueAt });
}

/** Sets (or moves) many timers in one statement; keys must be distinct. */
export async function scheduleMany(tx: Database, specs: readonly TimerSpec[]): Promise<void> {
  for (const spec of specs) if (!Number.isFinite(spec.dueAt.getTime())) throw new Error(`timer ${spec.key}: invalid due time`);
  await upsertJobs(tx, specs.map((s) => ({ kind: s.kind, key: s.key, dueAt: s.dueAt, payload: s.payload ?? {}, now: s.now ?? s.dueAt })));
}

/** Removes many timers in one statement; returns how many existed. */
export function cancelMany(tx: Database, keys: readonly string[]): Promise<number> {
  return deleteJobs(tx, keys);
}

/** Removes the timer `key`; true if it existed. */
export function cancel(tx: Database, key: string): Promise<boolean> {
  return deleteJob(tx, key);
}

const globalHandlers = new Map<string, TimerHandler>();

/** A handler every runner (in this process) uses for `kind`, unless it has its own. */
export function registerTimerHandler(kind: string, handler: TimerHandler): void {
  globalHandlers.set(kind, handler);
}

export interface TimerRunnerOptions {
  /** how long a claim is exclusive; a run must finish well within it (default 60 s) */
  leaseMs?: number;
  /** timers claimed per round (default 50) */
  batch?: number;
  /** a handler that keeps failing is given up ("failed") after this many runs (default 10) */
  maxAttempts?: number;
  /** retry after a failed run: base · 2^(attempt-1), capped (defaults 5 s, 10 min) */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** how often the loop looks for due timers, real ms (default 1000) */
  pollMs?: number;
  /** called after a round that fired something (e.g. to wake the outbox deliverer) */
  onFired?: () => void;
  log?: Log;
}

function toJob(row: JobRow): TimerJob {
  return { id: Number(row.id), kind: row.kind, key: row.key, dueAt: row.due_at, payload: row.payload, attempts: row.attempts };
}

export class TimerRunner {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly opts: Required<Omit<TimerRunnerOptions, 'onFired' | 'log'>>;
  private readonly loop: PollLoop;
  private readonly log: Log;
  private rounds = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly options: TimerRunnerOptions = {},
  ) {
    this.opts = {
      leaseMs: options.leaseMs ?? 60_000,
      batch: options.batch ?? 50,
      maxAttempts: options.maxAttempts ?? 10,
      retryBaseMs: options.retryBaseMs ?? 5_000,
      retryCapMs: options.retryCapMs ?? 600_000,
      pollMs: options.pollMs ?? 1_000,
    };
    this.log = options.log ?? silentLog;
    // Between rounds, sleep until the next pending timer is due (never longer than the poll
    // interval, which still catches timers other processes schedule and leases that run out).
    this.loop = new PollLoop(() => this.fireDue(), this.opts.pollMs, this.log, 'timers', async () => {
      const now = this.ctx.clock.now();
      const next = await nextPendingDue(this.ctx.db, this.kinds(), now);
      // At least 20 ms: with a clock that does not move (tests), a timer due "soon" must not spin the loop.
      return next ? Math.max(20, next.getTime() - now.getTime()) : this.opts.pollMs;
    });
  }

  register(kind: string, handler: TimerHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  private handlerFor(kind: string): TimerHandler | undefined {
    return this.handlers.get(kind) ?? globalHandlers.get(kind);
  }

  kinds(): string[] {
    return [...new Set([...this.handlers.keys(), ...globalHandlers.keys()])].sort();
  }

  /** Fires every timer due by the clock's now; resolves with how many fired. */
  tick(): Promise<number> {
    return this.loop.run(() => this.fireDue());
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async fireDue(): Promise<number> {
    let fired = 0;
    // Handlers may arm timers that are already due (catching up after downtime): keep going,
    // but bounded, so a handler that re-arms itself at "now" cannot spin forever.
    for (let round = 0; round < 100; round++) {
      const now = this.ctx.clock.now();
      const token = randomUUID();
      const claimed = await claimJobs(this.ctx.db, { kinds: this.kinds(), now, leaseMs: this.opts.leaseMs, limit: this.opts.batch, token });
      if (claimed.length === 0) break;
      for (const row of claimed) if (await this.runOne(row, token)) fired++;
    }
    if (fired > 0) this.options.onFired?.();
    if (++this.rounds % 500 === 0) {
      await purgeFinishedJobs(this.ctx.db, new Date(this.ctx.clock.now().getTime() - 7 * 86_400_000)).catch((err: unknown) => this.log.warn({ err }, 'timers: purge failed'));
    }
    return fired;
  }

  private async runOne(claimed: JobRow, token: string): Promise<boolean> {
    const handler = this.handlerFor(claimed.kind);
    if (!handler) return false;
    try {
      return await this.ctx.db.transaction().execute(async (tx) => {
        const row = await lockClaimedJob(tx, Number(claimed.id), token);
        if (!row) return false; // moved or cancelled since the claim, or the lease was lost
        await handler(tx, toJob(row), this.ctx);
        await finishJob(tx, Number(row.id), token, this.ctx.clock.now());
        return true;
      });
    } catch (err) {
      const now = this.ctx.clock.now();
      const final = claimed.attempts >= this.opts.maxAttempts;
      const delay = Math.min(this.opts.retryCapMs, this.opts.retryBaseMs * 2 ** Math.max(0, claimed.attempts - 1));
      this.log.error({ err, key: claimed.key, attempts: claimed.attempts }, final ? 'timer failed for good' : 'timer failed; will retry');
      await failJob(this.ctx.db, Number(claimed.id), token, { error: err instanceof Error ? err.message : String(err), retryAt: new Date(now.getTime() + delay), final, now }).catch(
        (e: unknown) => this.log.error({ err: e }, 'timers: could not record a failure'),
      );
      return false;
    }
  }
}
