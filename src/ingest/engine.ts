/**
 * The telemetry pipeline of one server, without I/O: records → event-time windows (watermark) →
 * on each closed window: detector → incident tracker → root-cause localization of every new or
 * updated incident → what to persist (incident snapshots, 1-minute rollups, late counts).
 *
 * Deterministic: everything moves with event time. `push(record)` without `nowMs` is a replay
 * (the watermark follows the records); with `nowMs` (the server clock) a live source, whose
 * `advance(nowMs)` also closes windows when traffic stops. The detector never sees the clock, so
 * the same history gives the same incidents at any pace.
 *
 * One cause, one incident. The tracker groups anomalies whose slices are related; anomalies of
 * unrelated slices with one cause (an operator's outage seen on `{country: ID, isp: Telkomsel}` and
 * on the edge node serving it) can still open two tracker incidents. The engine therefore merges a
 * newly opened tracker incident into an open engine incident when their localized root causes are
 * related (same combination, or they share a dimension value and conflict on none). The engine
 * incident keeps the id of its first tracker incident (`inc-<onset>-<hash>`, deterministic).
 */
import type { Combination } from '../domain/rca/types.ts';
import { createDetector, type DetectorConfigInput } from '../domain/telemetry/detect.ts';
import { createIncidentTracker, type Incident, type IncidentConfig, type Severity, type Tier } from '../domain/telemetry/incidents.ts';
import type { MetricName } from '../domain/telemetry/metrics.ts';
import type { TelemetryRecord } from '../domain/telemetry/record.ts';
import { createWindower, DEFAULT_WINDOWER_CONFIG, type ClosedWindow, type Dimension, type PushStatus, type SliceDims, type WindowerConfigInput, type WindowSlice } from '../domain/telemetry/windows.ts';
import { addCompact, type Compact, compactOf } from './compact.ts';
import { LeafReference, localizeIncident, type RcaResult, type ReferenceConfig, type WindowLeaves, windowLeaves } from './rca.ts';

export interface EngineOptions {
  windower?: WindowerConfigInput;
  detector?: DetectorConfigInput;
  incidents?: Partial<IncidentConfig>;
  reference?: Partial<ReferenceConfig>;
  /** Windows kept for localization and held back from the reference (default 12 = 1 min). */
  lagWindows?: number;
  /** Most windows analysed by one localization (default 6). */
  rcaWindows?: number;
  /** Updates within this time after detection localize again (default 60 s). */
  refineMs?: number;
  /**
   * Detection sensitivity of a slice of one customer's app, by the customer's tier (from
   * `incidents.tierOf`); it divides the score threshold, the minimum effects and the traffic guard.
   */
  tierSensitivity?: Partial<Record<Tier, number>>;
}

/** Enterprise customers' apps are judged more closely than basic ones. */
export const DEFAULT_TIER_SENSITIVITY: Readonly<Record<Tier, number>> = { enterprise: 1.25, advanced: 1.1, basic: 1 };

/**
 * Leaves keyed by every dimension but `region`: nothing downstream slices by it (the detector's
 * rollups and localization use the country), and a leaf costs an accumulator per window.
 */
export const ENGINE_LEAF_DIMENSIONS: readonly Dimension[] = ['app', 'country', 'isp', 'net', 'os', 'sdk', 'device', 'edge'];

/** The detector's rollups plus platform × device (device compatibility problems). */
export const ENGINE_ROLLUPS: readonly (readonly (keyof SliceDims)[])[] = [...DEFAULT_WINDOWER_CONFIG.rollups, ['os', 'device']];

export interface EngineIncident {
  id: string;
  status: 'open' | 'resolved';
  severity: Severity;
  /** Primary metric first. */
  metrics: MetricName[];
  startedAt: number;
  detectedAt: number;
  resolvedAt: number | null;
  rootCause: Combination[];
  scope: { apps: string[]; sessions: number; share: number };
  observed: number;
  expected: number;
  primary: { metric: MetricName; slice: SliceDims };
  /** Detector anomalies (metric @ slice) that belong to the incident. */
  anomalies: { metric: MetricName; slice: SliceDims; onset: number; detectedAt: number; observed: number; expected: number; score: number; share: number }[];
  rca: RcaResult | null;
  /** Tracker incidents merged into this one. */
  members: string[];
}

export interface IncidentUpdate {
  type: 'opened' | 'updated' | 'merged' | 'resolved';
  /** Event time (the closed window's end) at which this happened. */
  at: number;
  incident: EngineIncident;
  mergedInto?: string;
}

export interface RollupRow {
  minute: number;
  key: string;
  dims: SliceDims;
  vec: Compact;
}

export interface LateCount {
  minute: number;
  records: number;
}

export interface EngineOutput {
  windows: number;
  incidents: IncidentUpdate[];
  rollups: RollupRow[];
  late: LateCount[];
}

export interface EngineStats {
  accepted: number;
  late: number;
  ahead: number;
  windowsClosed: number;
  watermark: number;
  openWindows: number;
  leaves: number;
  detectorSlices: number;
  activeAnomalies: number;
  referenceEntries: number;
  openIncidents: number;
}

interface State {
  inc: EngineIncident;
  trackers: Map<string, Incident>;
  resolved: Map<string, number>;
  /** Reported as opened (a new incident is held back until its root cause is known). */
  emitted: boolean;
}

function sliceRelated(a: Combination, b: Combination): boolean {
  let shared = 0;
  for (const k in a) {
    const y = b[k];
    if (y === undefined) continue;
    if (y !== a[k]) return false;
    shared++;
  }
  return shared > 0 || (Object.keys(a).length === 0 && Object.keys(b).length === 0);
}

/** Whether two root causes name related slices (some pair shares a value and conflicts on none). */
export function rootCausesRelated(a: readonly Combination[], b: readonly Combination[]): boolean {
  for (const x of a) for (const y of b) if (sliceRelated(x, y)) return true;
  return false;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { P2: 0, P1: 1, P0: 2 };
const MINUTE = 60_000;

export class Engine {
  readonly windower;
  readonly detector;
  readonly tracker;
  readonly reference: LeafReference;
  private readonly lag: WindowLeaves[] = [];
  private readonly lagWindows: number;
  private readonly rcaWindows: number;
  private readonly refineMs: number;
  /** Localizations of this window, by metric, windows and fallback (several incidents share them). */
  private readonly rcaCache = new Map<string, RcaResult>();
  private readonly states = new Map<string, State>();
  private readonly alias = new Map<string, string>();
  private readonly minutes = new Map<number, Map<string, RollupRow>>();
  private readonly lateByMinute = new Map<number, number>();
  private windowsClosed = 0;

  constructor(opts: EngineOptions = {}) {
    this.windower = createWindower({ leafDimensions: ENGINE_LEAF_DIMENSIONS, rollups: ENGINE_ROLLUPS, ...opts.windower });
    const tierOf = opts.incidents?.tierOf;
    const bump = { ...DEFAULT_TIER_SENSITIVITY, ...opts.tierSensitivity };
    const sensitivity =
      opts.detector?.sensitivity ??
      (tierOf
        ? (slice: WindowSlice): number => {
            const app = slice.dims.app;
            const tier = app === undefined ? undefined : tierOf(app);
            return tier === undefined ? 1 : bump[tier];
          }
        : undefined);
    this.detector = createDetector({ windowMs: this.windower.config.windowMs, ...opts.detector, ...(sensitivity ? { sensitivity } : {}) });
    this.tracker = createIncidentTracker(opts.incidents);
    this.reference = new LeafReference({ windowMs: this.windower.config.windowMs, ...opts.reference });
    this.lagWindows = opts.lagWindows ?? 12;
    this.rcaWindows = opts.rcaWindows ?? 6;
    this.refineMs = opts.refineMs ?? 60_000;
  }

  /** Add one record (`nowMs`: the server clock, live sources only). */
  push(r: TelemetryRecord, nowMs?: number): PushStatus {
    const s = this.windower.push(r, nowMs);
    if (s === 'late') {
      const m = r.ts - (((r.ts % MINUTE) + MINUTE) % MINUTE);
      this.lateByMinute.set(m, (this.lateByMinute.get(m) ?? 0) + 1);
    }
    return s;
  }

  pushAll(records: readonly TelemetryRecord[], nowMs?: number): { accepted: number; late: number; ahead: number } {
    let accepted = 0;
    let late = 0;
    let ahead = 0;
    for (const r of records) {
      const s = this.push(r, nowMs);
      if (s === 'accepted') accepted++;
      else if (s === 'late') late++;
      else ahead++;
    }
    return { accepted, late, ahead };
  }

  /** Close the windows the watermark has passed (moved to `nowMs − lateness` when given). */
  advance(nowMs?: number): EngineOutput {
    return this.process(this.windower.advance(nowMs), false);
  }

  /** Close every open window and emit every pending rollup (end of a replay). */
  flush(): EngineOutput {
    return this.process(this.windower.flush(), true);
  }

  open(): EngineIncident[] {
    return [...this.states.values()].filter((s) => s.emitted && s.inc.status === 'open').map((s) => this.copy(s.inc));
  }

  stats(): EngineStats {
    const w = this.windower.stats();
    const d = this.detector.stats();
    let open = 0;
    for (const s of this.states.values()) if (s.emitted && s.inc.status === 'open') open++;
    return {
      accepted: w.accepted,
      late: w.late,
      ahead: w.ahead,
      windowsClosed: this.windowsClosed,
      watermark: w.watermark,
      openWindows: w.openWindows,
      leaves: w.leaves,
      detectorSlices: d.slices,
      activeAnomalies: d.active,
      referenceEntries: this.reference.size,
      openIncidents: open,
    };
  }

  private process(closed: ClosedWindow[], final: boolean): EngineOutput {
    const out: EngineOutput = { windows: closed.length, incidents: [], rollups: [], late: [] };
    for (const w of closed) this.closeWindow(w, out);
    // Completed minutes: every minute before the watermark's minute (or all at the end).
    const wm = this.windower.watermark();
    const limit = final ? Infinity : wm - (((wm % MINUTE) + MINUTE) % MINUTE);
    for (const [m, rows] of [...this.minutes.entries()].sort((a, b) => a[0] - b[0])) {
      if (m >= limit) continue;
      for (const r of rows.values()) out.rollups.push(r);
      this.minutes.delete(m);
    }
    for (const [m, n] of [...this.lateByMinute.entries()].sort((a, b) => a[0] - b[0])) out.late.push({ minute: m, records: n });
    this.lateByMinute.clear();
    return out;
  }

  private closeWindow(w: ClosedWindow, out: EngineOutput): void {
    this.windowsClosed++;
    // 1-minute rollups of the rollup slices.
    const minute = w.start - (((w.start % MINUTE) + MINUTE) % MINUTE);
    let rows = this.minutes.get(minute);
    if (!rows) {
      rows = new Map();
      this.minutes.set(minute, rows);
    }
    for (const s of w.slices) {
      if (s.level !== 'rollup') continue;
      const row = rows.get(s.key);
      if (row) addCompact(row.vec, compactOf(s.acc));
      else rows.set(s.key, { minute, key: s.key, dims: s.dims, vec: compactOf(s.acc) });
    }

    // Leaves for localization; the oldest leaves the lag and is learned when all was normal.
    this.lag.push(windowLeaves(w));
    while (this.lag.length > this.lagWindows) {
      const old = this.lag.shift() as WindowLeaves;
      if (this.detector.stats().active === 0) this.reference.learn(old);
    }

    const events = this.detector.observe(w);
    const tracked = this.tracker.apply(events, w.end);
    if (tracked.length === 0) return;
    // Bookkeeping first; localization runs once per touched incident per window, at the end.
    const touched = new Set<State>();
    for (const e of tracked) {
      switch (e.type) {
        case 'opened': {
          const st = this.newState(e.incident);
          this.states.set(st.inc.id, st);
          this.alias.set(e.incident.id, st.inc.id);
          touched.add(st);
          break;
        }
        case 'updated': {
          const st = this.stateOf(e.incident.id);
          if (!st) {
            const fresh = this.newState(e.incident);
            this.states.set(fresh.inc.id, fresh);
            this.alias.set(e.incident.id, fresh.inc.id);
            touched.add(fresh);
          } else {
            st.trackers.set(e.incident.id, e.incident);
            st.resolved.delete(e.incident.id);
            touched.add(st);
          }
          break;
        }
        case 'merged': {
          const into = this.onMerged(e.incident, e.mergedInto as string, w.end, out);
          if (into) touched.add(into);
          break;
        }
        case 'resolved': {
          const st = this.stateOf(e.incident.id);
          if (!st) break;
          st.trackers.set(e.incident.id, e.incident);
          st.resolved.set(e.incident.id, e.incident.resolvedAt ?? w.end);
          touched.add(st);
          break;
        }
        default: {
          const never: never = e.type;
          throw new Error(`unknown incident event ${String(never)}`);
        }
      }
    }
    this.rcaCache.clear();
    const hosts = new Set<State>();
    for (const st of touched) {
      if (!this.states.has(st.inc.id)) continue; // merged away in this window
      const allResolved = [...st.trackers.keys()].every((id) => st.resolved.has(id));
      if (allResolved) {
        if (!st.emitted) {
          this.forget(st);
          continue;
        }
        this.rebuild(st, w.end, false);
        let last = -Infinity;
        for (const r of st.resolved.values()) if (r > last) last = r;
        st.inc.status = 'resolved';
        st.inc.resolvedAt = last;
        this.emit(out, 'resolved', st, w.end);
        this.forget(st);
        hosts.delete(st);
        continue;
      }
      // Localize while the evidence grows (the first minute); later updates (a member anomaly that
      // returns after the problem has faded) keep the established root cause.
      this.rebuild(st, w.end, !st.emitted || w.end - st.inc.detectedAt <= this.refineMs);
      if (st.emitted) {
        hosts.add(st);
        continue;
      }
      // One cause, one incident: a new incident joins an open one with a related root cause.
      const host = [...this.states.values()].find((o) => o !== st && o.emitted && o.inc.status === 'open' && rootCausesRelated(o.inc.rootCause, st.inc.rootCause));
      if (host) {
        this.absorb(host, st);
        this.rebuild(host, w.end, false);
        hosts.add(host);
        continue;
      }
      st.emitted = true;
      this.emit(out, 'opened', st, w.end);
    }
    for (const h of hosts) if (this.states.has(h.inc.id)) this.emit(out, 'updated', h, w.end);
  }

  private newState(t: Incident): State {
    return {
      inc: {
        id: t.id, status: 'open', severity: t.severity, metrics: [t.primary.metric], startedAt: t.startedAt, detectedAt: t.detectedAt, resolvedAt: null,
        rootCause: [], scope: { apps: [...t.scope.apps], sessions: Math.round(t.scope.sessions), share: t.scope.share }, observed: t.observed, expected: t.expected,
        primary: { metric: t.primary.metric, slice: { ...t.primary.slice.dims } }, anomalies: [], rca: null, members: [t.id],
      },
      trackers: new Map([[t.id, t]]),
      resolved: new Map(),
      emitted: false,
    };
  }

  private forget(st: State): void {
    this.states.delete(st.inc.id);
    for (const m of st.inc.members) if (this.alias.get(m) === st.inc.id) this.alias.delete(m);
  }

  /** Move everything of `from` into `into` (aliases, trackers, resolutions). */
  private absorb(into: State, from: State): void {
    for (const [id, t] of from.trackers) into.trackers.set(id, t);
    for (const [id, r] of from.resolved) into.resolved.set(id, r);
    for (const m of from.inc.members) {
      this.alias.set(m, into.inc.id);
      if (!into.inc.members.includes(m)) into.inc.members.push(m);
    }
    into.inc.startedAt = Math.min(into.inc.startedAt, from.inc.startedAt);
    into.inc.detectedAt = Math.min(into.inc.detectedAt, from.inc.detectedAt);
    if (SEVERITY_RANK[from.inc.severity] > SEVERITY_RANK[into.inc.severity]) into.inc.severity = from.inc.severity;
    this.states.delete(from.inc.id);
  }

  private localize(trackers: Iterable<Incident>, at: number): { rca: RcaResult | null; primary: Incident['anomalies'][number] | null } {
    let primary: Incident['anomalies'][number] | null = null;
    let startedAt = Infinity;
    for (const t of trackers) {
      if (t.startedAt < startedAt) startedAt = t.startedAt;
      for (const a of t.anomalies) if (!primary || a.score > primary.score) primary = a;
    }
    if (!primary) return { rca: null, primary };
    let ws = this.lag.filter((x) => x.end > startedAt && x.end <= at);
    if (ws.length === 0) ws = this.lag.slice(-1);
    if (ws.length > this.rcaWindows) ws = ws.slice(-this.rcaWindows);
    if (ws.length === 0) return { rca: null, primary };
    const fallback: Combination = {};
    for (const [k, v] of Object.entries(primary.slice.dims)) if (v !== undefined) fallback[k] = v;
    const key = `${primary.metric}|${ws[0]!.start}|${ws[ws.length - 1]!.end}|${primary.slice.key}`;
    let rca = this.rcaCache.get(key);
    if (!rca) {
      rca = localizeIncident({ metric: primary.metric, windows: ws, reference: this.reference, fallback });
      this.rcaCache.set(key, rca);
    }
    return { rca, primary };
  }

  /** Recompute an engine incident's summary fields from its tracker members. */
  private rebuild(st: State, at: number, runRca: boolean): void {
    const inc = st.inc;
    let severity: Severity = 'P2';
    let startedAt = Infinity;
    let detectedAt = Infinity;
    const anomalies: EngineIncident['anomalies'] = [];
    const metricScore = new Map<MetricName, number>();
    for (const t of st.trackers.values()) {
      if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[severity]) severity = t.severity;
      if (t.startedAt < startedAt) startedAt = t.startedAt;
      if (t.detectedAt < detectedAt) detectedAt = t.detectedAt;
      for (const a of t.anomalies) {
        anomalies.push({ metric: a.metric, slice: { ...a.slice.dims }, onset: a.onset, detectedAt: a.detectedAt, observed: a.observed, expected: a.expected, score: a.score, share: a.share });
        metricScore.set(a.metric, Math.max(metricScore.get(a.metric) ?? -Infinity, a.score));
      }
    }
    if (SEVERITY_RANK[inc.severity] > SEVERITY_RANK[severity]) severity = inc.severity; // never lowered
    inc.severity = severity;
    inc.startedAt = Math.min(inc.startedAt, startedAt);
    inc.detectedAt = Math.min(inc.detectedAt, detectedAt);
    inc.anomalies = anomalies.sort((a, b) => b.score - a.score || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    if (runRca) {
      const { rca, primary } = this.localize(st.trackers.values(), at);
      if (primary) {
        inc.primary = { metric: primary.metric, slice: { ...primary.slice.dims } };
        inc.observed = primary.observed;
        inc.expected = primary.expected;
      }
      // A localization that found nothing never replaces one that did.
      if (rca && (rca.localized || !inc.rca?.localized)) {
        inc.rca = rca;
        inc.rootCause = rca.rootCause;
        inc.scope = { apps: rca.scope.apps, sessions: Math.round(rca.scope.sessions), share: rca.scope.share };
      }
    }
    const metrics = [...metricScore.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
    const p = inc.primary.metric;
    inc.metrics = [p, ...metrics.filter((m) => m !== p)];
  }

  private copy(inc: EngineIncident): EngineIncident {
    return {
      ...inc,
      metrics: [...inc.metrics],
      rootCause: inc.rootCause.map((c) => ({ ...c })),
      scope: { ...inc.scope, apps: [...inc.scope.apps] },
      primary: { metric: inc.primary.metric, slice: { ...inc.primary.slice } },
      anomalies: inc.anomalies.map((a) => ({ ...a, slice: { ...a.slice } })),
      members: [...inc.members],
    };
  }

  private emit(out: EngineOutput, type: IncidentUpdate['type'], st: State, at: number, mergedInto?: string): void {
    out.incidents.push({ type, at, incident: this.copy(st.inc), ...(mergedInto !== undefined ? { mergedInto } : {}) });
  }

  private stateOf(trackerId: string): State | undefined {
    const id = this.alias.get(trackerId);
    return id === undefined ? undefined : this.states.get(id);
  }

  /** The tracker merged two of its incidents: so do we (reported when `from` was published). */
  private onMerged(other: Incident, intoTracker: string, at: number, out: EngineOutput): State | undefined {
    const from = this.stateOf(other.id);
    const into = this.stateOf(intoTracker);
    if (!from || !into) return into;
    if (from === into) {
      from.trackers.delete(other.id);
      from.resolved.delete(other.id);
      return into;
    }
    if (from.emitted && !into.emitted) {
      // Keep the published incident; the new one (not yet reported) disappears into it.
      // `other` lives on inside the tracker incident it was merged into (now part of `from`).
      from.trackers.delete(other.id);
      from.resolved.delete(other.id);
      this.absorb(from, into);
      return from;
    }
    from.trackers.delete(other.id);
    from.resolved.delete(other.id);
    this.alias.set(other.id, into.inc.id);
    if (!into.inc.members.includes(other.id)) into.inc.members.push(other.id);
    this.absorb(into, from);
    if (from.emitted) {
      from.inc.status = 'resolved';
      from.inc.resolvedAt = at;
      this.emit(out, 'merged', from, at, into.inc.id);
    }
    return into;
  }
}

export function createEngine(opts: EngineOptions = {}): Engine {
  return new Engine(opts);
}
