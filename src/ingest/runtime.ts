/**
 * The in-process telemetry pipeline of one server: one engine (src/ingest/engine.ts) fed by the
 * HTTP intake and the JetStream consumer, a timer that closes windows when traffic stops, and one
 * writer that persists what the engine produces — 1-minute rollups (batched upserts), late counts
 * per minute, incidents (src/services/incidents.ts) — strictly in order, off the request path.
 *
 * Live sources push with the server clock (`nowMs`), so a device clock that runs ahead cannot move
 * the watermark past the server's time, and `advance(now)` closes windows when traffic stops. The
 * detector itself only ever sees event time.
 */
import type { Ctx } from '../services/context.ts';
import { applyIncidentUpdate } from '../services/incidents.ts';
import type { Tier } from '../domain/telemetry/incidents.ts';
import { isNotNdjson, parseNdjson, type NdjsonResult, type TelemetryRecord } from '../domain/telemetry/record.ts';
import type { Database } from '../store/db.ts';
import { appTiers } from '../store/repos/incidents.ts';
import { addLate, upsertRollups, type RollupInsert } from '../store/repos/telemetry.ts';
import { SLOT } from '../domain/telemetry/metrics.ts';
import { nudgeDelivery } from '../jobs/index.ts';
import { silentLog, type Log } from '../jobs/loop.ts';
import { compactRecords, compactSessions, FF_SLOW } from './compact.ts';
import { createEngine, type Engine, type EngineOptions, type EngineOutput, type IncidentUpdate, type RollupRow } from './engine.ts';
import { TokenBuckets } from './rate-limit.ts';

export interface IngestOptions {
  log?: Log;
  engine?: EngineOptions;
  /** How often windows are closed by the clock when no traffic arrives (ms); 0: never. */
  advanceEveryMs?: number;
  /** Requests per second per token and per client address, and the bursts allowed. */
  rateLimit?: { perToken: number; perAddress: number; burstSeconds: number };
  /** Write rollups, late counts and incidents to the database (default true). */
  persist?: boolean;
  /** Called with every incident update after it is stored (tests, the demo). */
  onIncident?: (u: IncidentUpdate) => void;
}

export interface IngestCounters {
  requests: number;
  accepted: number;
  rejected: number;
  late: number;
  natsMessages: number;
  natsBadLines: number;
  natsBadMessages: number;
  persistErrors: number;
  rollupRows: number;
  incidentUpdates: number;
}

export interface IntakeResult {
  accepted: number;
  rejected: number;
  late: number;
  errors: NdjsonResult['errors'];
  notNdjson: boolean;
}

const running = new WeakMap<Database, IngestRuntime>();

/** The pipeline running for this database in this process, if any. */
export function ingestFor(db: Database): IngestRuntime | undefined {
  return running.get(db);
}

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

function rollupInsert(r: RollupRow): RollupInsert {
  const v = r.vec;
  const dims: Record<string, string> = {};
  for (const [k, x] of Object.entries(r.dims)) if (x !== undefined) dims[k] = x;
  return {
    minute: new Date(r.minute),
    dims_key: r.key,
    app: dims.app ?? '',
    dims: JSON.stringify(dims),
    records: compactRecords(v),
    sessions: compactSessions(v, 60_000),
    joins: v[SLOT.joins]!,
    join_ok: v[SLOT.joinOk]!,
    join_ok5s: v[SLOT.joinOk5s]!,
    ff_count: v[SLOT.ffCount]!,
    ff_slow: v[FF_SLOW]!,
    stats: v[SLOT.stats]!,
    interval_ms: v[SLOT.interval]!,
    loss_ms: v[SLOT.loss]!,
    delay_bad_ms: v[SLOT.delayBad]!,
    rtt_w: v[SLOT.rtt]!,
    jitter_w: v[SLOT.jitter]!,
    v_ms: v[SLOT.vMs]!,
    v_freeze_ms: v[SLOT.vFreeze]!,
    a_ms: v[SLOT.aMs]!,
    a_freeze_ms: v[SLOT.aFreeze]!,
    av_ms: v[SLOT.avW]!,
    av_bad_ms: v[SLOT.avBad]!,
    leaves: v[SLOT.leaves]!,
    leaves_bad: v[SLOT.leavesBad]!,
  };
}

export class IngestRuntime {
  readonly engine: Engine;
  readonly counters: IngestCounters = { requests: 0, accepted: 0, rejected: 0, late: 0, natsMessages: 0, natsBadLines: 0, natsBadMessages: 0, persistErrors: 0, rollupRows: 0, incidentUpdates: 0 };
  readonly limiter: TokenBuckets;
  private readonly log: Log;
  private readonly persist: boolean;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  private tierTimer: NodeJS.Timeout | null = null;
  private tiers = new Map<string, Tier>();
  private readonly stoppers: Array<() => Promise<void>> = [];
  private stopped = false;

  constructor(
    readonly ctx: Ctx,
    private readonly opts: IngestOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    this.persist = opts.persist ?? true;
    this.engine = createEngine({ ...opts.engine, incidents: { tierOf: (app) => this.tiers.get(app), ...opts.engine?.incidents } });
    const rl = opts.rateLimit ?? {
      perToken: envInt('SIGNALDESK_TELEMETRY_RPS', 200),
      perAddress: envInt('SIGNALDESK_TELEMETRY_RPS_PER_IP', 400),
      burstSeconds: 5,
    };
    this.limiter = new TokenBuckets(ctx.clock, rl);
  }

  /** Starts the window timer and the tier refresh. */
  start(): void {
    running.set(this.ctx.db, this);
    const every = this.opts.advanceEveryMs ?? 1_000;
    if (every > 0) {
      this.timer = setInterval(() => this.tick(), every);
      this.timer.unref();
    }
    const refresh = (): void => {
      this.enqueue(() => this.loadTiers());
    };
    refresh();
    this.tierTimer = setInterval(refresh, 60_000);
    this.tierTimer.unref();
  }

  /** Reload which customer tier each app belongs to (severity and detection sensitivity). */
  private async loadTiers(): Promise<void> {
    const rows = await appTiers(this.ctx.db);
    const m = new Map<string, Tier>();
    for (const o of rows) for (const a of o.app_ids) m.set(a, o.tier);
    this.tiers = m;
  }

  /** Runs a cleanup on stop (the JetStream consumer, the demo simulator). */
  onStop(fn: () => Promise<void>): void {
    this.stoppers.push(fn);
  }

  /** Live intake of parsed records: pushed with the server clock, windows closed, output queued. */
  ingestRecords(records: readonly TelemetryRecord[], nowMs = this.ctx.clock.now().getTime()): { accepted: number; late: number; ahead: number } {
    const r = this.engine.pushAll(records, nowMs);
    this.counters.accepted += r.accepted;
    this.counters.late += r.late;
    this.counters.rejected += r.ahead;
    this.handle(this.engine.advance(nowMs));
    return r;
  }

  /**
   * Replay of history (backfill, tests) through a separate engine: records pushed by event time
   * only — the watermark follows them whatever the server clock says — windows closed as it passes
   * them, everything flushed at the end and stored like live output. The live pipeline is not
   * disturbed (its watermark follows the server clock, which history is far behind).
   */
  async replay(batches: Iterable<readonly TelemetryRecord[]>): Promise<{ accepted: number; late: number }> {
    // The organizations as they are now (a replay usually follows their creation closely).
    await this.drain();
    if (this.persist) await this.loadTiers();
    const engine = createEngine({ ...this.opts.engine, incidents: { tierOf: (app) => this.tiers.get(app), ...this.opts.engine?.incidents } });
    let accepted = 0;
    let late = 0;
    let n = 0;
    for (const b of batches) {
      const r = engine.pushAll(b);
      accepted += r.accepted;
      late += r.late;
      this.handle(engine.advance());
      if (++n % 20 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.handle(engine.flush());
    await this.drain();
    return { accepted, late };
  }

  /** One NDJSON body (HTTP request or JetStream message). */
  ingestNdjson(text: string): IntakeResult {
    const nowMs = this.ctx.clock.now().getTime();
    const parsed = parseNdjson(text, nowMs);
    if (isNotNdjson(parsed)) return { accepted: 0, rejected: parsed.rejected, late: 0, errors: parsed.errors, notNdjson: true };
    this.counters.rejected += parsed.rejected;
    const r = this.ingestRecords(parsed.records, nowMs);
    return { accepted: r.accepted, rejected: parsed.rejected + r.ahead, late: r.late, errors: parsed.errors, notNdjson: false };
  }

  /** Close the windows the server clock has passed. */
  tick(): void {
    if (this.stopped) return;
    try {
      this.handle(this.engine.advance(this.ctx.clock.now().getTime()));
    } catch (err) {
      this.log.error({ err }, 'telemetry: advancing the windows failed');
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.pending++;
    this.chain = this.chain
      .then(work)
      .catch((err: unknown) => {
        this.counters.persistErrors++;
        this.log.error({ err }, 'telemetry: persisting failed');
      })
      .finally(() => {
        this.pending--;
      });
  }

  private handle(out: EngineOutput): void {
    if (out.incidents.length === 0 && out.rollups.length === 0 && out.late.length === 0) return;
    for (const u of out.incidents) {
      this.log.info({ incident: u.incident.id, type: u.type, severity: u.incident.severity, rootCause: u.incident.rootCause, metrics: u.incident.metrics }, `telemetry: incident ${u.type}`);
    }
    if (!this.persist) {
      for (const u of out.incidents) this.opts.onIncident?.(u);
      return;
    }
    const rows = out.rollups.map(rollupInsert);
    const late = out.late.map((l) => ({ minute: new Date(l.minute), records: l.records }));
    const incidents = out.incidents;
    this.enqueue(async () => {
      if (rows.length) {
        await upsertRollups(this.ctx.db, rows);
        this.counters.rollupRows += rows.length;
      }
      if (late.length) await addLate(this.ctx.db, late);
      for (const u of incidents) {
        try {
          await applyIncidentUpdate(this.ctx, u);
          nudgeDelivery(this.ctx.db);
          this.counters.incidentUpdates++;
          this.opts.onIncident?.(u);
        } catch (err) {
          this.counters.persistErrors++;
          this.log.error({ err, incident: u.incident.id, type: u.type }, 'telemetry: storing an incident failed');
        }
      }
    });
  }

  /** Resolves when everything produced so far is stored. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.chain;
  }

  /** Close every open window (end of a replay, shutdown) and store the result. */
  async flush(): Promise<void> {
    this.handle(this.engine.flush());
    await this.drain();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.tierTimer) clearInterval(this.tierTimer);
    for (const s of this.stoppers.reverse()) {
      try {
        await s();
      } catch (err) {
        this.log.warn({ err }, 'telemetry: stopping a source failed');
      }
    }
    await this.drain();
    if (running.get(this.ctx.db) === this) running.delete(this.ctx.db);
  }
}

/**
 * Starts the pipeline for a server process, and its JetStream consumer when NATS_URL is set. A NATS
 * server that cannot be reached does not stop the process: the consumer is retried every 5 s (and
 * HTTP intake works meanwhile).
 */
export async function startIngest(ctx: Ctx, opts: IngestOptions & { natsUrl?: string | undefined } = {}): Promise<IngestRuntime> {
  const rt = new IngestRuntime(ctx, opts);
  rt.start();
  const natsUrl = opts.natsUrl;
  if (natsUrl) {
    const log = opts.log ?? silentLog;
    const { startJetStreamConsumer } = await import('./nats.ts');
    let consumer: { stop(): Promise<void> } | null = null;
    let retry: NodeJS.Timeout | null = null;
    let stopped = false;
    const attempt = async (): Promise<void> => {
      try {
        const c = await startJetStreamConsumer(rt, { servers: natsUrl, log });
        if (stopped) await c.stop();
        else consumer = c;
      } catch (err) {
        if (stopped) return;
        log.error({ err }, 'telemetry: cannot start the JetStream consumer; retrying in 5 s');
        retry = setTimeout(() => void attempt(), 5_000);
        retry.unref();
      }
    };
    await attempt();
    rt.onStop(async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (consumer) await consumer.stop();
    });
  }
  return rt;
}
