/**
 * Five-second tumbling event-time windows with a watermark, aggregated by slice. Pure: no timers;
 * the caller pushes records and calls `advance` (see DESIGN.md "Event time").
 *
 * Time:
 * - Window [start, start + windowMs) holds the records whose `ts` falls in it.
 * - watermark = max event time seen − allowedLatenessMs (default 10 s: SDKs batch their uploads
 *   for a few seconds and collectors add delay; 10 s keeps late records rare while a window still
 *   closes ≤ 15 s after it starts, in event time). A window closes when the watermark reaches its
 *   end; closed windows are returned by `advance` in start order.
 * - A record whose window has closed (its window end ≤ watermark) is `late`: counted, not added.
 * - Live sources pass `nowMs` (the server clock): a record from a device clock that runs ahead
 *   then moves the watermark at most to `nowMs`, records more than `maxAheadMs` ahead of `nowMs`
 *   are refused as `ahead`, and `advance(nowMs)` moves the watermark to `nowMs − lateness` so that
 *   windows close even when traffic stops. Replays pass no `nowMs` and get the same windows
 *   whatever the pace.
 *
 * Slicing and cardinality policy:
 * - Every record is keyed by the leaf dimensions (default all nine: app, country, region, isp,
 *   net, os, sdk, device, edge). Each dimension keeps at most `topK[d]` admitted values (default
 *   app 1000, country 250, region 100, isp 300, net 6, os 7, sdk 50, device 100, edge 500);
 *   a value that is not admitted is folded into "other" (`OTHER`). Values are admitted first come
 *   first served while there is room; afterwards a folded value whose traffic (records, decayed
 *   with a 10-minute half-life) exceeds `admissionMargin` (1.5) × that of the weakest admitted
 *   value takes its place from the next window on. Each closed window reports, per dimension,
 *   how many distinct values were folded (exact up to `foldedDistinctCap`, then `saturated`) and
 *   how many records they carried. Optional dimensions without a value are "none" (`NONE`).
 * - Hard caps: at most `maxLeavesPerWindow` leaves per window and `maxLeavesTotal` over all open
 *   windows; once full, a record with a new leaf key goes to its app's overflow leaf (the app kept,
 *   every other dimension "other"; counted in `overflowRecords`). Memory is therefore bounded by
 *   (maxLeavesTotal + open windows × topK.app) accumulators plus the fixed per-dimension tables;
 *   open windows ≤ (allowedLatenessMs + maxAheadMs) ÷ windowMs + 2.
 * - A closed window carries its leaves and the rollups of `rollups` (default: global, per app,
 *   per country, country × isp, app × country, per edge, os × sdk), each summed from the leaves.
 */
import { AppError } from '../errors.ts';
import { type Accumulator, add, createAccumulator, mergeInto, recordCount } from './metrics.ts';
import { NET_TYPES, OS_TYPES, type TelemetryRecord } from './record.ts';

export const DIMENSIONS = ['app', 'country', 'region', 'isp', 'net', 'os', 'sdk', 'device', 'edge'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type SliceDims = Partial<Record<Dimension, string>>;

/** The value that folded (not admitted) dimension values become. */
export const OTHER = 'other';
/** The value of an optional dimension (region, device) that the record does not carry. */
export const NONE = 'none';

export interface WindowerConfig {
  windowMs: number;
  allowedLatenessMs: number;
  maxAheadMs: number;
  leafDimensions: readonly Dimension[];
  topK: Readonly<Record<Dimension, number>>;
  rollups: readonly (readonly Dimension[])[];
  maxLeavesPerWindow: number;
  maxLeavesTotal: number;
  /** Folded values tracked per dimension as admission candidates (least-trafficked pruned). */
  candidateCapacity: number;
  foldedDistinctCap: number;
  admissionHalfLifeMs: number;
  admissionMargin: number;
}

export const DEFAULT_WINDOWER_CONFIG: WindowerConfig = {
  windowMs: 5_000,
  allowedLatenessMs: 10_000,
  maxAheadMs: 5 * 60_000,
  leafDimensions: DIMENSIONS,
  topK: { app: 1000, country: 250, region: 100, isp: 300, net: 6, os: 7, sdk: 50, device: 100, edge: 500 },
  rollups: [[], ['app'], ['country'], ['country', 'isp'], ['app', 'country'], ['edge'], ['os', 'sdk']],
  maxLeavesPerWindow: 20_000,
  maxLeavesTotal: 100_000,
  candidateCapacity: 2_048,
  foldedDistinctCap: 10_000,
  admissionHalfLifeMs: 10 * 60_000,
  admissionMargin: 1.5,
};

export interface WindowSlice {
  /** Canonical key (`sliceKey(dims)`); '' is the global slice. */
  key: string;
  dims: SliceDims;
  level: 'leaf' | 'rollup';
  acc: Accumulator;
}

export interface FoldedCount {
  /** Distinct values folded into "other" in this window (exact up to the cap). */
  distinct: number;
  saturated: boolean;
  /** Records whose value was folded. */
  records: number;
}

export interface ClosedWindow {
  start: number;
  end: number;
  windowMs: number;
  /** Records aggregated in the window. */
  records: number;
  /** Leaves first (in first-seen order), then the rollups in configuration order. */
  slices: WindowSlice[];
  /** Only dimensions that folded something. */
  folded: Partial<Record<Dimension, FoldedCount>>;
  /** Records re-keyed to their app's overflow leaf because a leaf cap was reached. */
  overflowRecords: number;
}

export type PushStatus = 'accepted' | 'late' | 'ahead';

export interface WindowerStats {
  accepted: number;
  late: number;
  ahead: number;
  overflow: number;
  openWindows: number;
  leaves: number;
  watermark: number;
}

export interface Windower {
  readonly config: WindowerConfig;
  /** Add one record; `nowMs` (server clock) for live sources only. */
  push(record: TelemetryRecord, nowMs?: number): PushStatus;
  /** Close and return the windows the watermark has passed (moved to `nowMs − lateness` if given). */
  advance(nowMs?: number): ClosedWindow[];
  /** Close every open window (end of a replay). */
  flush(): ClosedWindow[];
  watermark(): number;
  stats(): WindowerStats;
}

const SEP = '\u001f';

function escapeValue(v: string): string {
  return /[%|=]/.test(v) ? v.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/=/g, '%3D') : v;
}

/** Canonical slice key: `app=a1|country=ID|isp=Telkomsel` in DIMENSIONS order; '' is global. */
export function sliceKey(dims: SliceDims): string {
  let key = '';
  for (const d of DIMENSIONS) {
    const v = dims[d];
    if (v === undefined) continue;
    key += (key === '' ? '' : '|') + d + '=' + escapeValue(v);
  }
  return key;
}

/** Inverse of `sliceKey`. */
export function parseSliceKey(key: string): SliceDims {
  const dims: SliceDims = {};
  if (key === '') return dims;
  for (const part of key.split('|')) {
    const eq = part.indexOf('=');
    const d = part.slice(0, eq) as Dimension;
    dims[d] = decodeURIComponent(part.slice(eq + 1));
  }
  return dims;
}

/** True when `inner` carries every dimension value of `outer` (outer is an ancestor or equal). */
export function sliceContains(outer: SliceDims, inner: SliceDims): boolean {
  for (const d of DIMENSIONS) {
    const v = outer[d];
    if (v !== undefined && inner[d] !== v) return false;
  }
  return true;
}

const DIM_CODE: Readonly<Record<Dimension, number>> = { app: 0, country: 1, region: 2, isp: 3, net: 4, os: 5, sdk: 6, device: 7, edge: 8 };

function readDim(r: TelemetryRecord, code: number): string {
  switch (code) {
    case 0: return r.app;
    case 1: return r.country;
    case 2: return r.region ?? NONE;
    case 3: return r.isp;
    case 4: return r.net;
    case 5: return r.os;
    case 6: return r.sdk;
    case 7: return r.device ?? NONE;
    default: return r.edge;
  }
}

interface DimState {
  k: number;
  /** Enum dimension whose every value fits in topK: no folding needed. */
  skip: boolean;
  admitted: Map<string, number>;
  candidates: Map<string, number>;
}

interface Leaf {
  vals: string[];
  acc: Accumulator;
}

interface OpenWindow {
  start: number;
  leaves: Map<string, Leaf>;
  records: number;
  overflow: number;
  foldedValues: (Set<string> | null)[];
  foldedSaturated: boolean[];
  foldedRecords: number[];
}

function pruneHalf(m: Map<string, number>): void {
  const entries = [...m.entries()].sort((a, b) => b[1] - a[1]);
  m.clear();
  const keep = Math.floor(entries.length / 2);
  for (let i = 0; i < keep; i++) {
    const e = entries[i]!;
    m.set(e[0], e[1]);
  }
}

/** Configuration overrides; `topK` may name only some dimensions. */
export type WindowerConfigInput = Partial<Omit<WindowerConfig, 'topK'>> & { topK?: Partial<Record<Dimension, number>> };

function resolveConfig(partial: WindowerConfigInput | undefined): WindowerConfig {
  const c: WindowerConfig = {
    ...DEFAULT_WINDOWER_CONFIG,
    ...partial,
    topK: { ...DEFAULT_WINDOWER_CONFIG.topK, ...partial?.topK },
  };
  if (!(c.windowMs > 0) || !Number.isInteger(c.windowMs)) throw AppError.validation('windowMs', 'must be a positive integer');
  if (!(c.allowedLatenessMs >= 0)) throw AppError.validation('allowedLatenessMs', 'must be ≥ 0');
  if (c.leafDimensions.length === 0) throw AppError.validation('leafDimensions', 'must not be empty');
  for (const d of DIMENSIONS) {
    const k = c.topK[d];
    if (!(k >= 1)) throw AppError.validation(`topK.${d}`, 'must be ≥ 1');
  }
  for (const r of c.rollups) {
    for (const d of r) {
      if (!c.leafDimensions.includes(d)) throw AppError.validation('rollups', `dimension '${d}' is not a leaf dimension`);
    }
  }
  return c;
}

export function createWindower(partial?: WindowerConfigInput): Windower {
  const config = resolveConfig(partial);
  const W = config.windowMs;
  const lateness = config.allowedLatenessMs;
  // Leaf dimensions in canonical order.
  const leafDims = DIMENSIONS.filter((d) => config.leafDimensions.includes(d));
  const L = leafDims.length;
  const codes = leafDims.map((d) => DIM_CODE[d]);
  const appIndex = leafDims.indexOf('app');
  const dimStates: DimState[] = leafDims.map((d) => ({
    k: config.topK[d],
    skip: (d === 'net' && config.topK.net >= NET_TYPES.length) || (d === 'os' && config.topK.os >= OS_TYPES.length),
    admitted: new Map(),
    candidates: new Map(),
  }));
  // Rollups as index lists into the leaf dims; the global rollup is []; duplicates and a rollup
  // equal to the leaf itself are dropped.
  const rollupIdx: number[][] = [];
  const seenRollups = new Set<string>();
  for (const r of config.rollups) {
    const idx = leafDims.map((d, i) => (r.includes(d) ? i : -1)).filter((i) => i >= 0);
    const sig = idx.join(',');
    if (seenRollups.has(sig) || idx.length === L) continue;
    seenRollups.add(sig);
    rollupIdx.push(idx);
  }
  const decay = Math.pow(0.5, W / config.admissionHalfLifeMs);

  const windows = new Map<number, OpenWindow>();
  let lastWindow: OpenWindow | null = null;
  let watermark = -Infinity;
  let totalLeaves = 0;
  let accepted = 0;
  let late = 0;
  let ahead = 0;
  let overflowTotal = 0;
  const scratch: string[] = new Array<string>(L).fill('');

  function openWindow(start: number): OpenWindow {
    const w: OpenWindow = {
      start,
      leaves: new Map(),
      records: 0,
      overflow: 0,
      foldedValues: new Array<Set<string> | null>(L).fill(null),
      foldedSaturated: new Array<boolean>(L).fill(false),
      foldedRecords: new Array<number>(L).fill(0),
    };
    windows.set(start, w);
    return w;
  }

  function fold(w: OpenWindow, i: number, v: string, st: DimState): string {
    w.foldedRecords[i]! += 1;
    if (!w.foldedSaturated[i]) {
      let set = w.foldedValues[i];
      if (!set) {
        set = new Set();
        w.foldedValues[i] = set;
      }
      if (!set.has(v)) {
        if (set.size >= config.foldedDistinctCap) w.foldedSaturated[i] = true;
        else set.add(v);
      }
    }
    const c = st.candidates;
    c.set(v, (c.get(v) ?? 0) + 1);
    if (c.size > config.candidateCapacity) pruneHalf(c);
    return OTHER;
  }

  function push(r: TelemetryRecord, nowMs?: number): PushStatus {
    const ts = r.ts;
    const start = ts - (((ts % W) + W) % W);
    if (start + W <= watermark) {
      late++;
      return 'late';
    }
    let driver = ts;
    if (nowMs !== undefined) {
      if (ts > nowMs + config.maxAheadMs) {
        ahead++;
        return 'ahead';
      }
      if (driver > nowMs) driver = nowMs;
    }
    if (driver - lateness > watermark) watermark = driver - lateness;

    let w = lastWindow;
    if (w === null || w.start !== start) {
      w = windows.get(start) ?? openWindow(start);
      lastWindow = w;
    }

    let key = '';
    for (let i = 0; i < L; i++) {
      let v = readDim(r, codes[i]!);
      const st = dimStates[i]!;
      if (!st.skip && !st.admitted.has(v)) {
        if (st.admitted.size < st.k) st.admitted.set(v, 0);
        else v = fold(w, i, v, st);
      }
      scratch[i] = v;
      key = i === 0 ? v : key + SEP + v;
    }
    let leaf = w.leaves.get(key);
    if (leaf === undefined) {
      if (w.leaves.size >= config.maxLeavesPerWindow || totalLeaves >= config.maxLeavesTotal) {
        for (let i = 0; i < L; i++) if (i !== appIndex) scratch[i] = OTHER;
        key = '\u0000overflow' + SEP + (appIndex >= 0 ? scratch[appIndex]! : '');
        w.overflow++;
        overflowTotal++;
        leaf = w.leaves.get(key);
      }
      if (leaf === undefined) {
        leaf = { vals: scratch.slice(), acc: createAccumulator() };
        w.leaves.set(key, leaf);
        totalLeaves++;
      }
    }
    add(leaf.acc, r);
    w.records++;
    accepted++;
    return 'accepted';
  }

  function updateAdmission(w: OpenWindow): void {
    for (const st of dimStates) {
      if (st.skip) continue;
      for (const [v, x] of st.admitted) st.admitted.set(v, x * decay);
      for (const [v, x] of st.candidates) st.candidates.set(v, x * decay);
    }
    for (const leaf of w.leaves.values()) {
      const n = recordCount(leaf.acc);
      for (let i = 0; i < L; i++) {
        const st = dimStates[i]!;
        if (st.skip) continue;
        const v = leaf.vals[i]!;
        const x = st.admitted.get(v);
        if (x !== undefined) st.admitted.set(v, x + n);
      }
    }
    for (const st of dimStates) {
      if (st.skip || st.candidates.size === 0 || st.admitted.size < st.k) continue;
      let maxCand = 0;
      for (const x of st.candidates.values()) if (x > maxCand) maxCand = x;
      let minAdm = Infinity;
      for (const x of st.admitted.values()) if (x < minAdm) minAdm = x;
      if (!(maxCand > config.admissionMargin * minAdm)) continue;
      const adm = [...st.admitted.entries()].sort((a, b) => a[1] - b[1]);
      const cand = [...st.candidates.entries()].sort((a, b) => b[1] - a[1]);
      for (let j = 0; j < adm.length && j < cand.length; j++) {
        const [cv, cx] = cand[j]!;
        const [av, ax] = adm[j]!;
        if (!(cx > config.admissionMargin * ax)) break;
        st.admitted.delete(av);
        st.candidates.set(av, ax);
        st.admitted.set(cv, cx);
        st.candidates.delete(cv);
      }
    }
  }

  function dimsOf(vals: readonly string[], idx: readonly number[] | null): SliceDims {
    const dims: SliceDims = {};
    if (idx === null) {
      for (let i = 0; i < L; i++) dims[leafDims[i]!] = vals[i]!;
    } else {
      for (const i of idx) dims[leafDims[i]!] = vals[i]!;
    }
    return dims;
  }

  function close(w: OpenWindow): ClosedWindow {
    updateAdmission(w);
    const rollups: WindowSlice[] = [];
    for (const idx of rollupIdx) {
      const groups = new Map<string, { vals: string[]; acc: Accumulator }>();
      for (const leaf of w.leaves.values()) {
        let k = '';
        for (let j = 0; j < idx.length; j++) k = j === 0 ? leaf.vals[idx[j]!]! : k + SEP + leaf.vals[idx[j]!]!;
        let g = groups.get(k);
        if (!g) {
          g = { vals: leaf.vals, acc: createAccumulator() };
          groups.set(k, g);
        }
        mergeInto(g.acc, leaf.acc);
      }
      for (const g of groups.values()) {
        const dims = dimsOf(g.vals, idx);
        rollups.push({ key: sliceKey(dims), dims, level: 'rollup', acc: g.acc });
      }
    }
    // An overflow leaf can repeat the folded key of a regular leaf: merge those (after the
    // rollups, which read every leaf once).
    const byKey = new Map<string, WindowSlice>();
    const out: WindowSlice[] = [];
    for (const leaf of w.leaves.values()) {
      const dims = dimsOf(leaf.vals, null);
      const key = sliceKey(dims);
      const prev = byKey.get(key);
      if (prev) {
        mergeInto(prev.acc, leaf.acc);
      } else {
        const s: WindowSlice = { key, dims, level: 'leaf', acc: leaf.acc };
        byKey.set(key, s);
        out.push(s);
      }
    }
    for (const s of rollups) out.push(s);
    const folded: Partial<Record<Dimension, FoldedCount>> = {};
    for (let i = 0; i < L; i++) {
      const n = w.foldedRecords[i]!;
      if (n > 0) {
        const set = w.foldedValues[i];
        folded[leafDims[i]!] = { distinct: set ? set.size : 0, saturated: w.foldedSaturated[i]!, records: n };
      }
    }
    totalLeaves -= w.leaves.size;
    windows.delete(w.start);
    if (lastWindow === w) lastWindow = null;
    return { start: w.start, end: w.start + W, windowMs: W, records: w.records, slices: out, folded, overflowRecords: w.overflow };
  }

  function closeUpTo(limit: number): ClosedWindow[] {
    const due: OpenWindow[] = [];
    for (const w of windows.values()) if (w.start + W <= limit) due.push(w);
    due.sort((a, b) => a.start - b.start);
    return due.map(close);
  }

  return {
    config,
    push,
    advance(nowMs?: number): ClosedWindow[] {
      if (nowMs !== undefined && nowMs - lateness > watermark) watermark = nowMs - lateness;
      return closeUpTo(watermark);
    },
    flush(): ClosedWindow[] {
      let maxEnd = watermark;
      for (const w of windows.values()) if (w.start + W > maxEnd) maxEnd = w.start + W;
      watermark = maxEnd;
      return closeUpTo(Infinity);
    },
    watermark: () => watermark,
    stats: () => ({ accepted, late, ahead, overflow: overflowTotal, openWindows: windows.size, leaves: totalLeaves, watermark }),
  };
}
