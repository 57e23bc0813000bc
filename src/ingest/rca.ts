/**
 * Root-cause localization for the pipeline: which leaf slices explain an incident's change.
 *
 * Leaves. A closed window's leaves (all nine dimensions) are folded to the localization
 * dimensions (default app, country, isp, net, os, sdk, device, edge: `region` is left out, it only
 * refines `country`) and kept as compact vectors (`WindowLeaves`) for the last minute, so the
 * windows from an anomaly's onset to its detection can be analysed together.
 *
 * Expectation. Nothing in a leaf is expected from the detector's baseline (it judges rollups), so
 * the pipeline keeps a reference of normal traffic (`LeafReference`): exponentially weighted sums
 * (half-life 5 min) per leaf, per network parent {country, isp, net, os} and overall, learned from
 * windows that left the one-minute lag without any anomaly active. Sessions last minutes, so most
 * leaves of a window were already seen in the reference. A leaf's expected ratio shrinks its own
 * history towards its parent's, and the parent's towards the overall ratio (pseudo-counts of 10
 * and 30 typical observations), so a leaf with little history borrows its network's quality.
 *
 * Localization. `localize` (src/domain/rca) with measure `ratio`: real = the leaf's numerator over
 * the analysed windows, realTotal = its denominator, expected = the expected ratio × realTotal.
 *
 * Canonical root cause. A combination that fixes an operator or region but not the country, an SDK
 * version or a device but not the platform, gets the implied dimension when every leaf it covers
 * has one value of it (`{isp: Telkomsel}` → `{country: ID, isp: Telkomsel}`), so the answer names
 * the place the way people do and does not depend on which of two equivalent sets the search hit.
 */
import { localize } from '../domain/rca/localize.ts';
import type { Combination, RcaRow } from '../domain/rca/types.ts';
import { METRIC_INFO, type MetricName } from '../domain/telemetry/metrics.ts';
import { type ClosedWindow, type Dimension, DIMENSIONS } from '../domain/telemetry/windows.ts';
import { addCompact, type Compact, COMPACT_SIZE, compactOf, compactSamples, compactSessions, compactValue, scaleCompact } from './compact.ts';

export const RCA_DIMENSIONS: readonly Dimension[] = ['app', 'country', 'isp', 'net', 'os', 'sdk', 'device', 'edge'];
/** Implied parent dimension: when a combination fixes the key but not the value, it may be added. */
const IMPLIED: readonly (readonly [Dimension, Dimension])[] = [
  ['isp', 'country'],
  ['region', 'country'],
  ['sdk', 'os'],
  ['device', 'os'],
];

const SEP = '\u001f';

export interface Leaf {
  dims: Record<string, string>;
  parentKey: string;
  vec: Compact;
}

export interface WindowLeaves {
  start: number;
  end: number;
  windowMs: number;
  leaves: Map<string, Leaf>;
  total: Compact;
}

/**
 * Fold a closed window's leaf slices to the localization dimensions. When the windower's leaves
 * are keyed by exactly these dimensions (the engine's default), its keys and dimension objects are
 * used as they are.
 */
export function windowLeaves(w: ClosedWindow, dims: readonly Dimension[] = RCA_DIMENSIONS): WindowLeaves {
  const leaves = new Map<string, Leaf>();
  const total = new Float64Array(COMPACT_SIZE);
  let same: boolean | null = null;
  for (const s of w.slices) {
    if (s.level !== 'leaf') continue;
    if (same === null) {
      const keys = Object.keys(s.dims);
      same = keys.length === dims.length && dims.every((d) => s.dims[d] !== undefined);
    }
    let key: string;
    if (same) key = s.key;
    else {
      key = '';
      for (let i = 0; i < dims.length; i++) key += (i === 0 ? '' : SEP) + (s.dims[dims[i]!] ?? '');
    }
    const vec = compactOf(s.acc);
    addCompact(total, vec);
    const prev = leaves.get(key);
    if (prev) {
      addCompact(prev.vec, vec);
      continue;
    }
    let d: Record<string, string>;
    if (same) d = s.dims as Record<string, string>;
    else {
      d = {};
      for (const x of dims) d[x] = s.dims[x] ?? '';
    }
    const sd = s.dims;
    const parentKey = (sd.country ?? '') + SEP + (sd.isp ?? '') + SEP + (sd.net ?? '') + SEP + (sd.os ?? '');
    leaves.set(key, { dims: d, parentKey, vec });
  }
  return { start: w.start, end: w.end, windowMs: w.windowMs, leaves, total };
}

/** Sum several windows' leaves (same dimensions). */
export function mergeLeaves(ws: readonly WindowLeaves[]): WindowLeaves {
  const first = ws[0];
  if (!first) throw new Error('mergeLeaves needs at least one window');
  const leaves = new Map<string, Leaf>();
  const total = new Float64Array(COMPACT_SIZE);
  for (const w of ws) {
    addCompact(total, w.total);
    for (const [k, l] of w.leaves) {
      const prev = leaves.get(k);
      if (prev) addCompact(prev.vec, l.vec);
      else leaves.set(k, { dims: l.dims, parentKey: l.parentKey, vec: Float64Array.from(l.vec) });
    }
  }
  const last = ws[ws.length - 1] as WindowLeaves;
  return { start: first.start, end: last.end, windowMs: last.end - first.start, leaves, total };
}

interface RefEntry {
  vec: Compact;
  /** Window index of the last update (decay is applied lazily). */
  t: number;
}

export interface ReferenceConfig {
  windowMs: number;
  halfLifeMs: number;
  leafPrior: number;
  parentPrior: number;
  /** Entries whose weight decayed below this share of their last update are pruned. */
  pruneBelow: number;
}

export const DEFAULT_REFERENCE_CONFIG: ReferenceConfig = {
  windowMs: 5_000,
  halfLifeMs: 5 * 60_000,
  leafPrior: 10,
  parentPrior: 30,
  pruneBelow: 0.01,
};

/** Exponentially weighted normal traffic per leaf, per network parent and overall. */
export class LeafReference {
  readonly config: ReferenceConfig;
  private readonly leaf = new Map<string, RefEntry>();
  private readonly parent = new Map<string, RefEntry>();
  private readonly global: RefEntry = { vec: new Float64Array(COMPACT_SIZE), t: 0 };
  private readonly decay: number;
  private learned = 0;
  private lastIdx = 0;

  constructor(config: Partial<ReferenceConfig> = {}) {
    this.config = { ...DEFAULT_REFERENCE_CONFIG, ...config };
    this.decay = Math.pow(0.5, this.config.windowMs / this.config.halfLifeMs);
  }

  get windowsLearned(): number {
    return this.learned;
  }

  get size(): number {
    return this.leaf.size + this.parent.size;
  }

  private bring(e: RefEntry, idx: number): void {
    if (e.t !== idx) {
      scaleCompact(e.vec, Math.pow(this.decay, idx - e.t));
      e.t = idx;
    }
  }

  private addTo(map: Map<string, RefEntry>, key: string, vec: Compact, idx: number): void {
    const e = map.get(key);
    if (e) {
      this.bring(e, idx);
      addCompact(e.vec, vec);
    } else {
      map.set(key, { vec: Float64Array.from(vec), t: idx });
    }
  }

  learn(w: WindowLeaves): void {
    const idx = Math.floor(w.start / this.config.windowMs);
    this.lastIdx = idx;
    this.learned++;
    const parents = new Map<string, Compact>();
    for (const [k, l] of w.leaves) {
      this.addTo(this.leaf, k, l.vec, idx);
      let p = parents.get(l.parentKey);
      if (!p) {
        p = new Float64Array(COMPACT_SIZE);
        parents.set(l.parentKey, p);
      }
      addCompact(p, l.vec);
    }
    for (const [k, v] of parents) this.addTo(this.parent, k, v, idx);
    this.bring(this.global, idx);
    addCompact(this.global.vec, w.total);
    if (this.learned % 60 === 0) this.prune(idx);
  }

  private prune(idx: number): void {
    const limit = Math.log(this.config.pruneBelow) / Math.log(this.decay);
    for (const map of [this.leaf, this.parent]) {
      for (const [k, e] of map) if (idx - e.t > limit) map.delete(k);
    }
  }

  private ratioOf(e: RefEntry | undefined, metric: MetricName, prior: number, fallback: number): number {
    if (!e) return fallback;
    const f = Math.pow(this.decay, this.lastIdx - e.t);
    const v = compactValue(e.vec, metric);
    return (v.num * f + prior * fallback) / (v.den * f + prior);
  }

  /** Expected ratio of a metric for a leaf; null before anything was learned. */
  expectation(metric: MetricName): ((leafKey: string, parentKey: string) => number) | null {
    const g = compactValue(this.global.vec, metric);
    if (!(g.den > 0)) return null;
    const globalRatio = g.num / g.den;
    const samples = compactSamples(this.global.vec, metric);
    const perSample = samples > 0 ? g.den / samples : 1;
    const leafPrior = this.config.leafPrior * perSample;
    const parentPrior = this.config.parentPrior * perSample;
    const parentCache = new Map<string, number>();
    return (leafKey, parentKey) => {
      let p = parentCache.get(parentKey);
      if (p === undefined) {
        p = this.ratioOf(this.parent.get(parentKey), metric, parentPrior, globalRatio);
        parentCache.set(parentKey, p);
      }
      return this.ratioOf(this.leaf.get(leafKey), metric, leafPrior, p);
    };
  }
}

export interface RcaScope {
  apps: string[];
  /** Countries of the affected traffic, most sessions first. */
  countries: string[];
  sessions: number;
  share: number;
}

export interface RcaResult {
  metric: MetricName;
  rootCause: Combination[];
  candidates: { dims: Combination; score: number }[];
  /** The metric in its natural unit in the first root-cause combination (observed, expected). */
  observed: number | null;
  expected: number | null;
  /** The same in the rest of the combination's context (e.g. the other operators of the country). */
  context: { dims: Combination; observed: number | null; expected: number | null } | null;
  scope: RcaScope;
  /** False when localization found nothing and the detection slice stands in for the root cause. */
  localized: boolean;
  windows: { start: number; end: number };
  leaves: number;
}

function matches(c: Combination, dims: Record<string, string>): boolean {
  for (const k in c) if (dims[k] !== c[k]) return false;
  return true;
}

/** The natural value (success rate, ms, share …) of a ratio num ÷ den of a metric. */
function natural(metric: MetricName, num: number, den: number): number | null {
  if (!(den > 0)) return null;
  return num / den;
}

/**
 * Add implied parent dimensions (see the module comment), keep each combination's keys in the
 * canonical dimension order, drop duplicates.
 */
export function canonicalRootCause(rootCause: readonly Combination[], leaves: Iterable<Leaf>): Combination[] {
  const list = [...leaves];
  const out: Combination[] = [];
  const seen = new Set<string>();
  const order: readonly string[] = DIMENSIONS;
  for (const c0 of rootCause) {
    const c: Combination = { ...c0 };
    for (const [child, parent] of IMPLIED) {
      if (c[child] === undefined || c[parent] !== undefined) continue;
      let only: string | null = null;
      let unique = true;
      for (const l of list) {
        if (!matches(c, l.dims)) continue;
        const v = l.dims[parent];
        if (v === undefined || v === '') {
          unique = false;
          break;
        }
        if (only === null) only = v;
        else if (only !== v) {
          unique = false;
          break;
        }
      }
      if (unique && only !== null) c[parent] = only;
    }
    const sorted: Combination = {};
    for (const k of [...Object.keys(c)].sort((a, b) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)))) sorted[k] = c[k] as string;
    const sig = JSON.stringify(sorted);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(sorted);
  }
  return out;
}

/** The context of a combination: without its most specific dimension ({} for one dimension). */
function contextOf(c: Combination): Combination {
  const keys = Object.keys(c);
  if (keys.length <= 1) return {};
  // Most specific last: device/sdk/isp/edge/region are refinements of os/country.
  const specificity: Record<string, number> = { app: 1, country: 0, region: 2, isp: 3, net: 2, os: 0, sdk: 3, device: 3, edge: 3 };
  let drop = keys[0] as string;
  for (const k of keys) if ((specificity[k] ?? 1) > (specificity[drop] ?? 1)) drop = k;
  const out: Combination = {};
  for (const k of keys) if (k !== drop) out[k] = c[k] as string;
  return out;
}

/** Share of a parent's expected volume its other children need before they can vouch for it. */
export const GENERALIZE_MIN_REST = 0.1;
/** The other children must show at least this fraction of the combination's relative change. */
export const GENERALIZE_MIN_EFFECT = 0.5;

/**
 * The localizer models multiplicative changes; an additive effect (+120 ms on every session of an
 * edge node) changes children with different baselines by different factors, and the search may
 * answer with those children (`{net: wifi, edge: X}`, `{net: 4g, edge: X}`) instead of `{edge: X}`.
 * A combination is therefore replaced by its parent without one dimension when the parent's other
 * children (at least 10 % of its expected volume) changed in the same direction by at least half
 * as much; then duplicates and combinations inside another one are dropped.
 */
export function generalize(rootCause: readonly Combination[], w: WindowLeaves, metric: MetricName, expect: (leafKey: string, parentKey: string) => number): Combination[] {
  const down = METRIC_INFO[metric].bad === 'down';
  const bad = (num: number, den: number): number => (down ? den - num : num);
  const rel = (obs: number, exp: number): number => (exp > 0 ? obs / exp - 1 : 0);
  const stats = (inner: Combination, outer: Combination) => {
    let inObs = 0, inExp = 0, restObs = 0, restExp = 0;
    for (const [key, l] of w.leaves) {
      if (!matches(outer, l.dims)) continue;
      const v = compactValue(l.vec, metric);
      if (!(v.den > 0)) continue;
      const e = expect(key, l.parentKey) * v.den;
      if (matches(inner, l.dims)) {
        inObs += bad(v.num, v.den);
        inExp += bad(e, v.den);
      } else {
        restObs += bad(v.num, v.den);
        restExp += bad(e, v.den);
      }
    }
    return { inObs, inExp, restObs, restExp };
  };
  let out = rootCause.map((c) => {
    let cur = { ...c };
    for (let changed = true; changed && Object.keys(cur).length > 1; ) {
      changed = false;
      for (const d of Object.keys(cur)) {
        const parent: Combination = { ...cur };
        delete parent[d];
        const s = stats(cur, parent);
        const effect = rel(s.inObs, s.inExp);
        if (!(effect > 0) || s.restExp < GENERALIZE_MIN_REST * (s.inExp + s.restExp)) continue;
        if (rel(s.restObs, s.restExp) >= GENERALIZE_MIN_EFFECT * effect) {
          cur = parent;
          changed = true;
          break;
        }
      }
    }
    return cur;
  });
  const sig = (c: Combination): string => JSON.stringify(Object.entries(c).sort());
  const unique = new Map<string, Combination>();
  for (const c of out) if (!unique.has(sig(c))) unique.set(sig(c), c);
  out = [...unique.values()];
  // Drop combinations contained in another one (a child of a kept parent).
  return out.filter((c) => !out.some((p) => p !== c && Object.keys(p).length < Object.keys(c).length && matches(p, c)));
}

export interface LocalizeIncidentInput {
  metric: MetricName;
  windows: readonly WindowLeaves[];
  reference: LeafReference;
  /** Fallback root cause when localization finds nothing (the detection slice). */
  fallback: Combination;
}

/** A root-cause combination must carry this share of the explained change (localize option). */
export const MIN_EXPLAINED_SHARE = 0.05;
/** …and score at least this fraction of the best combination's score. */
export const MIN_RELATIVE_SCORE = 0.4;

/** Localize one incident's primary metric over the given windows. */
export function localizeIncident(input: LocalizeIncidentInput): RcaResult {
  const { metric } = input;
  const merged = mergeLeaves(input.windows);
  const expect = input.reference.expectation(metric);
  const rows: RcaRow[] = [];
  for (const [key, l] of merged.leaves) {
    const v = compactValue(l.vec, metric);
    if (!(v.den > 0)) continue;
    const r = expect ? expect(key, l.parentKey) : (compactValue(merged.total, metric).value ?? 0);
    rows.push({ dims: l.dims, real: v.num, realTotal: v.den, expected: r * v.den, expectedTotal: v.den });
  }
  let rootCause: Combination[] = [];
  let candidates: { dims: Combination; score: number }[] = [];
  if (rows.length > 0 && expect) {
    const res = localize({ measure: 'ratio', rows }, { minExplainedShare: MIN_EXPLAINED_SHARE });
    candidates = res.candidates;
    // Keep the combinations that carry a real part of the change: the expectation of a leaf is
    // noisier than the localizer's model assumes, and small spurious elements ride along.
    const scoreOf = new Map(res.candidates.map((c) => [JSON.stringify(c.dims), c.score]));
    const best = Math.max(0, ...res.rootCause.map((c) => scoreOf.get(JSON.stringify(c)) ?? 0));
    rootCause = res.rootCause.filter((c, i) => i === 0 || (scoreOf.get(JSON.stringify(c)) ?? 0) >= MIN_RELATIVE_SCORE * best);
  }
  const localized = rootCause.length > 0;
  if (!localized && Object.keys(input.fallback).length > 0) rootCause = [input.fallback];
  if (expect) rootCause = generalize(rootCause, merged, metric, expect);
  rootCause = canonicalRootCause(rootCause, merged.leaves.values());
  {
    const seen = new Map<string, { dims: Combination; score: number }>();
    for (const c of candidates) {
      const dims = canonicalRootCause([c.dims], merged.leaves.values())[0] ?? c.dims;
      const k = JSON.stringify(dims);
      const prev = seen.get(k);
      if (!prev || prev.score < c.score) seen.set(k, { dims, score: c.score });
    }
    candidates = [...seen.values()].sort((a, b) => b.score - a.score);
  }

  // Observed and expected in the first combination and in the rest of its context.
  const first = rootCause[0];
  let inNum = 0, inDen = 0, inExp = 0, ctxNum = 0, ctxDen = 0, ctxExp = 0;
  const ctx = first ? contextOf(first) : null;
  const spanMs = merged.end - merged.start;
  const scoped = new Float64Array(COMPACT_SIZE);
  const byApp = new Map<string, number>();
  const byCountry = new Map<string, number>();
  for (const [key, l] of merged.leaves) {
    const inRoot = rootCause.some((c) => matches(c, l.dims));
    if (inRoot) {
      addCompact(scoped, l.vec);
      const n = compactSessions(l.vec, spanMs);
      const app = l.dims.app ?? '';
      byApp.set(app, (byApp.get(app) ?? 0) + n);
      const country = l.dims.country ?? '';
      byCountry.set(country, (byCountry.get(country) ?? 0) + n);
    }
    if (!first) continue;
    const v = compactValue(l.vec, metric);
    if (!(v.den > 0)) continue;
    const r = expect ? expect(key, l.parentKey) : 0;
    if (matches(first, l.dims)) {
      inNum += v.num;
      inDen += v.den;
      inExp += r * v.den;
    } else if (ctx && matches(ctx, l.dims)) {
      ctxNum += v.num;
      ctxDen += v.den;
      ctxExp += r * v.den;
    }
  }
  const sessions = compactSessions(scoped, spanMs);
  const total = compactSessions(merged.total, spanMs);
  const apps = [...byApp.entries()]
    .filter(([a, s]) => a !== '' && s > 0 && s >= 0.01 * sessions)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 50)
    .map(([a]) => a);
  const countries = [...byCountry.entries()]
    .filter(([c, n]) => c !== '' && c !== 'other' && n > 0 && n >= 0.02 * sessions)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 20)
    .map(([c]) => c);
  return {
    metric,
    rootCause,
    candidates,
    observed: natural(metric, inNum, inDen),
    expected: expect && inDen > 0 ? inExp / inDen : null,
    context: ctx ? { dims: ctx, observed: natural(metric, ctxNum, ctxDen), expected: expect && ctxDen > 0 ? ctxExp / ctxDen : null } : null,
    scope: { apps, countries, sessions, share: total > 0 ? Math.min(1, sessions / total) : 0 },
    localized,
    windows: { start: merged.start, end: merged.end },
    leaves: rows.length,
  };
}

/** For reports: a metric's "bad" orientation is down for success rates. */
export const badIsDown = (metric: MetricName): boolean => METRIC_INFO[metric].bad === 'down';
