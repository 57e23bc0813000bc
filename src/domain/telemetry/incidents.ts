/**
 * From anomalies to incidents (pure; event time only). Anomalies of several metrics and slices
 * with one cause become one incident (contract.md "Quality incidents").
 *
 * Grouping: an anomaly joins an open incident when it is related to one of the incident's member
 * anomalies and close to it in time. Related slices:
 * - the same slice (any metric);
 * - ancestor and descendant (`{app: A}` and `{app: A, country: ID}`), any metric — except that
 *   the global slice relates to others only for the same metric, so that one global signal does not
 *   tie together everything that is going on;
 * - slices that share at least one dimension value and conflict on none
 *   (`{app: A, country: ID}` and `{country: ID, isp: Telkomsel}`).
 * Close in time: the member is still active, or the anomaly's onset is at most `groupToleranceMs`
 * (60 s) after the member recovered. An anomaly related to several open incidents merges them into
 * the oldest; the others are reported as `merged`.
 *
 * Severity (never lowered while the incident is open), with share = the largest share of all
 * sessions (session-equivalents, metrics.sessions) in one member anomaly's slice, and apps = the
 * customers' apps carrying the affected traffic (tiers from `tierOf`):
 * - P0 when share ≥ 25 %, or ≥ 20 apps, or an enterprise customer is affected and share ≥ 10 %,
 *   or the join success rate fell below 50 % on ≥ 5 % of all sessions (service unavailable);
 * - P1 when share ≥ 5 %, or ≥ 3 apps, or any enterprise customer, or an advanced customer with
 *   share ≥ 1 %;
 * - P2 otherwise.
 *
 * Resolution: when every member anomaly has recovered and none has re-occurred for
 * `resolveAfterMs` (2 min) of watermark time; `resolvedAt` is then the last member's recovery time.
 */
import type { AnomalyEvent, DetectorEvent, SliceRef } from './detect.ts';
import type { MetricName } from './metrics.ts';
import { DIMENSIONS } from './windows.ts';

export type Severity = 'P0' | 'P1' | 'P2';
export type Tier = 'enterprise' | 'advanced' | 'basic';

export interface SeverityRule {
  p0Share: number;
  p0Apps: number;
  p0EnterpriseShare: number;
  unavailableJoinRate: number;
  p0UnavailableShare: number;
  p1Share: number;
  p1Apps: number;
  p1AdvancedShare: number;
}

export interface IncidentConfig {
  groupToleranceMs: number;
  resolveAfterMs: number;
  idPrefix: string;
  severity: SeverityRule;
  tierOf?: (app: string) => Tier | undefined;
}

export const DEFAULT_SEVERITY_RULE: SeverityRule = {
  p0Share: 0.25,
  p0Apps: 20,
  p0EnterpriseShare: 0.1,
  unavailableJoinRate: 0.5,
  p0UnavailableShare: 0.05,
  p1Share: 0.05,
  p1Apps: 3,
  p1AdvancedShare: 0.01,
};

export const DEFAULT_INCIDENT_CONFIG: IncidentConfig = {
  groupToleranceMs: 60_000,
  resolveAfterMs: 120_000,
  idPrefix: 'inc',
  severity: DEFAULT_SEVERITY_RULE,
};

export interface IncidentAnomaly {
  metric: MetricName;
  slice: SliceRef;
  onset: number;
  detectedAt: number;
  observed: number;
  expected: number;
  score: number;
  sessions: number;
  share: number;
  apps: string[];
  active: boolean;
  recoveredAt: number | null;
}

export interface Incident {
  id: string;
  status: 'open' | 'resolved';
  severity: Severity;
  metrics: MetricName[];
  /** Earliest onset of a member anomaly (event time). */
  startedAt: number;
  /** Earliest detection of a member anomaly (watermark event time). */
  detectedAt: number;
  resolvedAt: number | null;
  scope: { apps: string[]; sessions: number; share: number };
  /** Affected customers' apps by tier (apps without a known tier are not counted). */
  tiers: Record<Tier, number>;
  /** The member anomaly with the highest score. */
  primary: { metric: MetricName; slice: SliceRef };
  observed: number;
  expected: number;
  anomalies: IncidentAnomaly[];
}

export interface IncidentEvent {
  type: 'opened' | 'updated' | 'merged' | 'resolved';
  incident: Incident;
  /** For `merged`: the incident it was merged into. */
  mergedInto?: string;
}

export interface IncidentTracker {
  readonly config: IncidentConfig;
  /**
   * Apply detector events (in order) and move to `watermarkMs`. Returns `opened`, `updated` (a new
   * or returning member anomaly; the severity may have risen), `merged` and `resolved` events; a
   * member's recovery alone emits nothing until the incident resolves.
   */
  apply(events: readonly DetectorEvent[], watermarkMs: number): IncidentEvent[];
  /** Open incidents (snapshots). */
  open(): Incident[];
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { P2: 0, P1: 1, P0: 2 };

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function memberKey(metric: MetricName, slice: SliceRef): string {
  return metric + '@' + slice.key;
}

function isGlobal(s: SliceRef): boolean {
  return s.key === '';
}

/** Whether two anomalies' slices belong to the same family (see the module comment). */
export function related(a: { metric: MetricName; slice: SliceRef }, b: { metric: MetricName; slice: SliceRef }): boolean {
  if (a.slice.key === b.slice.key) return true;
  if (isGlobal(a.slice) || isGlobal(b.slice)) return a.metric === b.metric;
  // Both non-global and different: related when they agree on at least one dimension and
  // conflict on none (this includes ancestor and descendant).
  let shared = 0;
  for (const d of DIMENSIONS) {
    const x = a.slice.dims[d];
    const y = b.slice.dims[d];
    if (x !== undefined && y !== undefined) {
      if (x !== y) return false;
      shared++;
    }
  }
  return shared > 0;
}

export function decideSeverity(
  input: { share: number; apps: readonly string[]; tiers: Record<Tier, number>; anomalies: readonly IncidentAnomaly[] },
  rule: SeverityRule,
): Severity {
  const { share, apps, tiers } = input;
  const unavailable = input.anomalies.some(
    (a) => a.metric === 'joinSuccessRate' && a.observed < rule.unavailableJoinRate && a.share >= rule.p0UnavailableShare,
  );
  if (share >= rule.p0Share || apps.length >= rule.p0Apps || unavailable || (tiers.enterprise > 0 && share >= rule.p0EnterpriseShare)) return 'P0';
  if (share >= rule.p1Share || apps.length >= rule.p1Apps || tiers.enterprise > 0 || (tiers.advanced > 0 && share >= rule.p1AdvancedShare)) return 'P1';
  return 'P2';
}

interface State {
  id: string;
  severity: Severity;
  members: Map<string, IncidentAnomaly>;
  appSessions: Map<string, number>;
}

export function createIncidentTracker(partial?: Partial<IncidentConfig>): IncidentTracker {
  const config: IncidentConfig = { ...DEFAULT_INCIDENT_CONFIG, ...partial, severity: { ...DEFAULT_SEVERITY_RULE, ...partial?.severity } };
  const open = new Map<string, State>();

  function snapshot(s: State, status: Incident['status'] = 'open', resolvedAt: number | null = null): Incident {
    const anomalies = [...s.members.values()].map((a) => ({ ...a, slice: { key: a.slice.key, dims: { ...a.slice.dims } }, apps: [...a.apps] }));
    const metrics = [...new Set(anomalies.map((a) => a.metric))];
    let startedAt = Infinity;
    let detectedAt = Infinity;
    let sessions = 0;
    let share = 0;
    let primary = anomalies[0] as IncidentAnomaly;
    for (const a of anomalies) {
      if (a.onset < startedAt) startedAt = a.onset;
      if (a.detectedAt < detectedAt) detectedAt = a.detectedAt;
      if (a.sessions > sessions) sessions = a.sessions;
      if (a.share > share) share = a.share;
      if (a.score > primary.score) primary = a;
    }
    const apps = [...s.appSessions.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([app]) => app);
    return {
      id: s.id,
      status,
      severity: s.severity,
      metrics,
      startedAt,
      detectedAt,
      resolvedAt,
      scope: { apps, sessions, share },
      tiers: tiersOf(apps),
      primary: { metric: primary.metric, slice: primary.slice },
      observed: primary.observed,
      expected: primary.expected,
      anomalies,
    };
  }

  function tiersOf(apps: readonly string[]): Record<Tier, number> {
    const tiers: Record<Tier, number> = { enterprise: 0, advanced: 0, basic: 0 };
    if (config.tierOf) {
      for (const app of apps) {
        const t = config.tierOf(app);
        if (t !== undefined) tiers[t]++;
      }
    }
    return tiers;
  }

  /** Recompute severity (never lowered); true when it rose. */
  function rescore(s: State): boolean {
    const anomalies = [...s.members.values()];
    let share = 0;
    for (const a of anomalies) if (a.share > share) share = a.share;
    const apps = [...s.appSessions.keys()];
    const sev = decideSeverity({ share, apps, tiers: tiersOf(apps), anomalies }, config.severity);
    if (SEVERITY_RANK[sev] > SEVERITY_RANK[s.severity]) {
      s.severity = sev;
      return true;
    }
    return false;
  }

  function addMember(s: State, e: AnomalyEvent): void {
    const key = memberKey(e.metric, e.slice);
    const prev = s.members.get(key);
    const m: IncidentAnomaly = {
      metric: e.metric,
      slice: e.slice,
      onset: prev ? Math.min(prev.onset, e.onset) : e.onset,
      detectedAt: prev ? Math.min(prev.detectedAt, e.detectedAt) : e.detectedAt,
      observed: e.observed,
      expected: e.expected,
      score: prev ? Math.max(prev.score, e.score) : e.score,
      sessions: prev ? Math.max(prev.sessions, e.sessions) : e.sessions,
      share: prev ? Math.max(prev.share, e.share) : e.share,
      apps: e.apps.map((x) => x.app),
      active: true,
      recoveredAt: null,
    };
    s.members.set(key, m);
    for (const a of e.apps) s.appSessions.set(a.app, Math.max(s.appSessions.get(a.app) ?? 0, a.sessions));
  }

  function matches(s: State, e: AnomalyEvent): boolean {
    for (const m of s.members.values()) {
      if (!related(e, m)) continue;
      if (m.active || (m.recoveredAt !== null && e.onset <= m.recoveredAt + config.groupToleranceMs)) return true;
    }
    return false;
  }

  function oldestFirst(a: State, b: State): number {
    const sa = snapshotStart(a);
    const sb = snapshotStart(b);
    return sa - sb || (a.id < b.id ? -1 : 1);
  }

  function snapshotStart(s: State): number {
    let t = Infinity;
    for (const m of s.members.values()) if (m.onset < t) t = m.onset;
    return t;
  }

  function onAnomaly(e: AnomalyEvent, out: IncidentEvent[]): void {
    const hits = [...open.values()].filter((s) => matches(s, e)).sort(oldestFirst);
    if (hits.length === 0) {
      const s: State = {
        id: `${config.idPrefix}-${e.onset.toString(36)}-${fnv1a(memberKey(e.metric, e.slice))}`,
        severity: 'P2',
        members: new Map(),
        appSessions: new Map(),
      };
      addMember(s, e);
      rescore(s);
      open.set(s.id, s);
      out.push({ type: 'opened', incident: snapshot(s) });
      return;
    }
    const target = hits[0] as State;
    for (const other of hits.slice(1)) {
      for (const [k, m] of other.members) {
        const mine = target.members.get(k);
        if (!mine) target.members.set(k, m);
        else {
          mine.onset = Math.min(mine.onset, m.onset);
          mine.detectedAt = Math.min(mine.detectedAt, m.detectedAt);
          mine.active = mine.active || m.active;
        }
      }
      for (const [app, n] of other.appSessions) target.appSessions.set(app, Math.max(target.appSessions.get(app) ?? 0, n));
      if (SEVERITY_RANK[other.severity] > SEVERITY_RANK[target.severity]) target.severity = other.severity;
      open.delete(other.id);
      out.push({ type: 'merged', incident: snapshot(other), mergedInto: target.id });
    }
    addMember(target, e);
    rescore(target);
    out.push({ type: 'updated', incident: snapshot(target) });
  }

  function onRecovered(metric: MetricName, slice: SliceRef, at: number): void {
    const key = memberKey(metric, slice);
    for (const s of open.values()) {
      const m = s.members.get(key);
      if (m && m.active) {
        m.active = false;
        m.recoveredAt = at;
      }
    }
  }

  return {
    config,
    apply(events, watermarkMs) {
      const out: IncidentEvent[] = [];
      for (const e of events) {
        if (e.kind === 'anomaly') onAnomaly(e, out);
        else onRecovered(e.metric, e.slice, e.recoveredAt);
      }
      for (const s of [...open.values()]) {
        let last = -Infinity;
        let allDone = true;
        for (const m of s.members.values()) {
          if (m.active) {
            allDone = false;
            break;
          }
          if ((m.recoveredAt ?? -Infinity) > last) last = m.recoveredAt ?? -Infinity;
        }
        if (allDone && watermarkMs - last >= config.resolveAfterMs) {
          open.delete(s.id);
          out.push({ type: 'resolved', incident: snapshot(s, 'resolved', last) });
        }
      }
      return out;
    },
    open: () => [...open.values()].map((s) => snapshot(s)),
  };
}
