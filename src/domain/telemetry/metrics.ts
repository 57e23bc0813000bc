/**
 * Additive quality metrics (telemetry.md "Metrics"). One accumulator is one small Float64Array
 * holding sums only — numerators, denominators, sums of squares and a fixed-bucket first-frame
 * histogram — so any slice is exactly the element-wise sum of its children (`mergeInto`).
 *
 * Besides the numerator and denominator of each metric the accumulator keeps what the detector
 * needs to be count-aware:
 * - the effective sample size of time-weighted ratios, n_eff = (Σw)² ÷ Σw² (Kish), so a window
 *   of 200 five-second stats records counts as ~200 observations, not as 10⁶ milliseconds;
 * - Σ w·x² for rttMean and jitterMean, so their variance is known (test on a mean);
 * - a mergeable histogram of `firstFrameMs` (56 fixed buckets, 100 ms wide up to 3 s), so its p90
 *   stays additive in the histogram even though a p90 itself is not.
 *
 * Sessions (for impact shares): `sessions(acc, windowMs)` = Σ intervalMs ÷ windowMs (the average
 * number of sessions active during the window, from stats time) + failed join attempts (they never
 * send stats). It is additive and does not depend on how often an SDK reports.
 */
import type { TelemetryRecord } from './record.ts';

export const METRICS = [
  'joinSuccessRate',
  'join5sRate',
  'videoFreezeRate',
  'audioFreezeRate',
  'networkDelayRate',
  'lossRate',
  'rttMean',
  'jitterMean',
  'firstFrameMs',
  'abnormalLeaveRate',
  'avSyncBadRate',
] as const;
export type MetricName = (typeof METRICS)[number];

/** `ratio`: num ÷ den in [0, 1]; `mean`: weighted mean in ms; `p90`: 90th percentile in ms. */
export type MetricKind = 'ratio' | 'mean' | 'p90';

export interface MetricInfo {
  name: MetricName;
  label: { en: string; zh: string };
  unit: 'ratio' | 'ms';
  kind: MetricKind;
  /** Which direction is worse. */
  bad: 'up' | 'down';
  /** The "bad" line of telemetry.md in the metric's unit, or null when there is none. */
  badLine: number | null;
  /** The "bad" line as telemetry.md words it. */
  badLineText: { en: string; zh: string };
}

export const METRIC_INFO: Readonly<Record<MetricName, MetricInfo>> = {
  joinSuccessRate: {
    name: 'joinSuccessRate', label: { en: 'Join success rate', zh: '加入成功率' }, unit: 'ratio', kind: 'ratio',
    bad: 'down', badLine: 0.95, badLineText: { en: '< 95 %', zh: '< 95%' },
  },
  join5sRate: {
    name: 'join5sRate', label: { en: 'Joined within 5 s', zh: '5 秒内加入成功率' }, unit: 'ratio', kind: 'ratio',
    bad: 'down', badLine: 0.95, badLineText: { en: '< 95 %', zh: '< 95%' },
  },
  videoFreezeRate: {
    name: 'videoFreezeRate', label: { en: 'Video freeze rate', zh: '视频卡顿率' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.05, badLineText: { en: '> 5 %', zh: '> 5%' },
  },
  audioFreezeRate: {
    name: 'audioFreezeRate', label: { en: 'Audio freeze rate', zh: '音频卡顿率' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.03, badLineText: { en: '> 3 %', zh: '> 3%' },
  },
  networkDelayRate: {
    name: 'networkDelayRate', label: { en: 'High network delay rate', zh: '网络高延迟占比' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.1, badLineText: { en: '> 10 %', zh: '> 10%' },
  },
  lossRate: {
    name: 'lossRate', label: { en: 'Packet loss rate', zh: '丢包率' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.05, badLineText: { en: '> 5 %', zh: '> 5%' },
  },
  rttMean: {
    name: 'rttMean', label: { en: 'Mean round-trip time', zh: '平均往返时延' }, unit: 'ms', kind: 'mean',
    bad: 'up', badLine: null,
    badLineText: {
      en: "a shift of tens of ms in one slice matters: an operator's route change shows here first",
      zh: '单个切片几十毫秒的偏移就值得关注：运营商路由变化最先体现在这里',
    },
  },
  jitterMean: {
    name: 'jitterMean', label: { en: 'Mean jitter', zh: '平均抖动' }, unit: 'ms', kind: 'mean',
    bad: 'up', badLine: 30, badLineText: { en: '> 30 ms', zh: '> 30 毫秒' },
  },
  firstFrameMs: {
    name: 'firstFrameMs', label: { en: 'First frame time (p90)', zh: '首帧时间（P90）' }, unit: 'ms', kind: 'p90',
    bad: 'up', badLine: 2000, badLineText: { en: '> 2000 ms', zh: '> 2000 毫秒' },
  },
  abnormalLeaveRate: {
    name: 'abnormalLeaveRate', label: { en: 'Abnormal leave rate', zh: '异常退出率' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.02, badLineText: { en: '> 2 %', zh: '> 2%' },
  },
  avSyncBadRate: {
    name: 'avSyncBadRate', label: { en: 'A/V out-of-sync rate', zh: '音画不同步占比' }, unit: 'ratio', kind: 'ratio',
    bad: 'up', badLine: 0.05, badLineText: { en: '> 5 %', zh: '> 5%' },
  },
};

// ---- layout --------------------------------------------------------------------------------

/** Upper bucket edges (exclusive) of the first-frame histogram, in ms; the last is +∞. */
export const FIRST_FRAME_EDGES: readonly number[] = (() => {
  const edges: number[] = [];
  for (let e = 100; e <= 3000; e += 100) edges.push(e); // 30 buckets, 100 ms
  for (let e = 3250; e <= 6000; e += 250) edges.push(e); // 12 buckets
  for (let e = 6500; e <= 10000; e += 500) edges.push(e); // 8 buckets
  edges.push(15000, 20000, 30000, 60000, Infinity); // 5 buckets
  return edges;
})();
const FF_BUCKETS = FIRST_FRAME_EDGES.length;

/** Slot indices in an accumulator. Exported for the detector and for storage code. */
export const SLOT = {
  joins: 0, // join attempts
  joinOk: 1,
  joinOk5s: 2, // ok and joinMs ≤ 5000
  ffCount: 3, // successful joins that carry firstFrameMs
  stats: 4, // stats records
  interval: 5, // Σ intervalMs
  interval2: 6, // Σ intervalMs²
  loss: 7, // Σ intervalMs × lossPct ÷ 100
  delayBad: 8, // Σ intervalMs of stats with e2eMs > 400 (or, without e2eMs, rttMs > 400)
  rtt: 9, // Σ intervalMs × rttMs
  rtt2: 10, // Σ intervalMs × rttMs²
  jitter: 11, // Σ intervalMs × jitterMs
  jitter2: 12, // Σ intervalMs × jitterMs²
  vMs: 13, // Σ vMs
  vMs2: 14, // Σ vMs²
  vFreeze: 15, // Σ vFreezeMs
  aMs: 16,
  aMs2: 17,
  aFreeze: 18,
  avW: 19, // Σ intervalMs of stats with avSyncMs
  avW2: 20,
  avBad: 21, // Σ intervalMs of stats with |avSyncMs| > 200
  leaves: 22,
  leavesBad: 23, // reason error or timeout
  ffHist: 24, // first of FF_BUCKETS histogram slots
} as const;

/** Number of slots in one accumulator. */
export const ACC_SIZE = SLOT.ffHist + FF_BUCKETS;

export type Accumulator = Float64Array;

export function createAccumulator(): Accumulator {
  return new Float64Array(ACC_SIZE);
}

function ffBucket(ms: number): number {
  let lo = 0;
  let hi = FF_BUCKETS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms < (FIRST_FRAME_EDGES[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Add one record. */
export function add(acc: Accumulator, r: TelemetryRecord): void {
  switch (r.type) {
    case 'join':
      acc[SLOT.joins]! += 1;
      if (r.ok) {
        acc[SLOT.joinOk]! += 1;
        if (r.joinMs <= 5000) acc[SLOT.joinOk5s]! += 1;
        if (r.firstFrameMs !== undefined) {
          acc[SLOT.ffCount]! += 1;
          acc[SLOT.ffHist + ffBucket(r.firstFrameMs)]! += 1;
        }
      }
      return;
    case 'stats': {
      const w = r.intervalMs;
      acc[SLOT.stats]! += 1;
      acc[SLOT.interval]! += w;
      acc[SLOT.interval2]! += w * w;
      acc[SLOT.loss]! += (w * r.lossPct) / 100;
      if (r.e2eMs !== undefined ? r.e2eMs > 400 : r.rttMs > 400) acc[SLOT.delayBad]! += w;
      const rtt = r.rttMs;
      acc[SLOT.rtt]! += w * rtt;
      acc[SLOT.rtt2]! += w * rtt * rtt;
      const j = r.jitterMs;
      acc[SLOT.jitter]! += w * j;
      acc[SLOT.jitter2]! += w * j * j;
      acc[SLOT.vMs]! += r.vMs;
      acc[SLOT.vMs2]! += r.vMs * r.vMs;
      acc[SLOT.vFreeze]! += r.vFreezeMs;
      acc[SLOT.aMs]! += r.aMs;
      acc[SLOT.aMs2]! += r.aMs * r.aMs;
      acc[SLOT.aFreeze]! += r.aFreezeMs;
      if (r.avSyncMs !== undefined) {
        acc[SLOT.avW]! += w;
        acc[SLOT.avW2]! += w * w;
        if (Math.abs(r.avSyncMs) > 200) acc[SLOT.avBad]! += w;
      }
      return;
    }
    case 'leave':
      acc[SLOT.leaves]! += 1;
      if (r.reason === 'error' || r.reason === 'timeout') acc[SLOT.leavesBad]! += 1;
      return;
    default: {
      const never: never = r;
      throw new Error(`unknown record ${String(never)}`);
    }
  }
}

/** Accumulate many records into a fresh accumulator. */
export function accumulate(records: Iterable<TelemetryRecord>): Accumulator {
  const acc = createAccumulator();
  for (const r of records) add(acc, r);
  return acc;
}

/** target += source, element-wise (in place). */
export function mergeInto(target: Accumulator, source: Accumulator): void {
  for (let i = 0; i < ACC_SIZE; i++) target[i]! += source[i]!;
}

/** a + b as a new accumulator. */
export function merge(a: Accumulator, b: Accumulator): Accumulator {
  const out = new Float64Array(ACC_SIZE);
  for (let i = 0; i < ACC_SIZE; i++) out[i] = a[i]! + b[i]!;
  return out;
}

/** Records of any type in the accumulator. */
export function recordCount(acc: Accumulator): number {
  return acc[SLOT.joins]! + acc[SLOT.stats]! + acc[SLOT.leaves]!;
}

/** Session-equivalents in a window of `windowMs` (see the module comment). */
export function sessions(acc: Accumulator, windowMs: number): number {
  return acc[SLOT.interval]! / windowMs + (acc[SLOT.joins]! - acc[SLOT.joinOk]!);
}

export interface MetricValue {
  num: number;
  den: number;
  /** num ÷ den (for firstFrameMs: the p90 in ms); null when den is 0. */
  value: number | null;
}

/**
 * Quantile q in (0, 1) of a first-frame histogram laid out as FIRST_FRAME_EDGES buckets starting
 * at `offset` in `hist`, by linear interpolation inside the bucket; null when it is empty.
 */
export function histogramQuantile(hist: ArrayLike<number>, offset: number, q: number): number | null {
  let total = 0;
  for (let b = 0; b < FF_BUCKETS; b++) total += hist[offset + b]!;
  if (!(total > 0)) return null;
  const target = q * total;
  let cum = 0;
  for (let b = 0; b < FF_BUCKETS; b++) {
    const c = hist[offset + b]!;
    if (c > 0 && cum + c >= target) {
      const lo = b === 0 ? 0 : (FIRST_FRAME_EDGES[b - 1] as number);
      const hi = FIRST_FRAME_EDGES[b] as number;
      if (!Number.isFinite(hi)) return lo;
      return lo + ((target - cum) / c) * (hi - lo);
    }
    cum += c;
  }
  return FIRST_FRAME_EDGES[FF_BUCKETS - 2] as number;
}

/** The first-frame quantile q (0.9 for the p90) of an accumulator; null without first frames. */
export function firstFrameQuantile(acc: Accumulator, q: number): number | null {
  return histogramQuantile(acc, SLOT.ffHist, q);
}

/** Successful joins whose first frame took longer than `ms` (linear interpolation inside a bucket). */
export function firstFrameCountAbove(acc: Accumulator, ms: number): number {
  let above = 0;
  for (let b = FF_BUCKETS - 1; b >= 0; b--) {
    const c = acc[SLOT.ffHist + b]!;
    const lo = b === 0 ? 0 : (FIRST_FRAME_EDGES[b - 1] as number);
    const hi = FIRST_FRAME_EDGES[b] as number;
    if (lo >= ms) {
      above += c;
    } else {
      if (ms < hi && c > 0) above += Number.isFinite(hi) ? (c * (hi - ms)) / (hi - lo) : c;
      break;
    }
  }
  return above;
}

function ratio(num: number, den: number): MetricValue {
  return { num, den, value: den > 0 ? num / den : null };
}

/**
 * A metric's numerator, denominator and value. For `firstFrameMs`, `num` is the number of
 * successful joins whose first frame took longer than the bad line (2000 ms) and `den` the joins
 * with a first frame — both additive — while `value` is the p90.
 */
export function value(acc: Accumulator, metric: MetricName): MetricValue {
  switch (metric) {
    case 'joinSuccessRate':
      return ratio(acc[SLOT.joinOk]!, acc[SLOT.joins]!);
    case 'join5sRate':
      return ratio(acc[SLOT.joinOk5s]!, acc[SLOT.joins]!);
    case 'videoFreezeRate':
      return ratio(acc[SLOT.vFreeze]!, acc[SLOT.vMs]!);
    case 'audioFreezeRate':
      return ratio(acc[SLOT.aFreeze]!, acc[SLOT.aMs]!);
    case 'networkDelayRate':
      return ratio(acc[SLOT.delayBad]!, acc[SLOT.interval]!);
    case 'lossRate':
      return ratio(acc[SLOT.loss]!, acc[SLOT.interval]!);
    case 'rttMean':
      return ratio(acc[SLOT.rtt]!, acc[SLOT.interval]!);
    case 'jitterMean':
      return ratio(acc[SLOT.jitter]!, acc[SLOT.interval]!);
    case 'firstFrameMs':
      return { num: firstFrameCountAbove(acc, 2000), den: acc[SLOT.ffCount]!, value: firstFrameQuantile(acc, 0.9) };
    case 'abnormalLeaveRate':
      return ratio(acc[SLOT.leavesBad]!, acc[SLOT.leaves]!);
    case 'avSyncBadRate':
      return ratio(acc[SLOT.avBad]!, acc[SLOT.avW]!);
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

function kish(sum: number, sumSq: number): number {
  return sumSq > 0 ? (sum * sum) / sumSq : 0;
}

/**
 * Effective number of independent observations behind a metric in this accumulator: join
 * attempts, leaves, first frames, or — for time-weighted metrics — the Kish effective size of
 * the stats records, (Σw)² ÷ Σw².
 */
export function sampleSize(acc: Accumulator, metric: MetricName): number {
  switch (metric) {
    case 'joinSuccessRate':
    case 'join5sRate':
      return acc[SLOT.joins]!;
    case 'videoFreezeRate':
      return kish(acc[SLOT.vMs]!, acc[SLOT.vMs2]!);
    case 'audioFreezeRate':
      return kish(acc[SLOT.aMs]!, acc[SLOT.aMs2]!);
    case 'networkDelayRate':
    case 'lossRate':
    case 'rttMean':
    case 'jitterMean':
      return kish(acc[SLOT.interval]!, acc[SLOT.interval2]!);
    case 'firstFrameMs':
      return acc[SLOT.ffCount]!;
    case 'abnormalLeaveRate':
      return acc[SLOT.leaves]!;
    case 'avSyncBadRate':
      return kish(acc[SLOT.avW]!, acc[SLOT.avW2]!);
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

/**
 * The traffic behind a metric, in the unit its minimum-traffic guard uses: join attempts,
 * leaves, first frames, or milliseconds of media / stats time.
 */
export function traffic(acc: Accumulator, metric: MetricName): number {
  switch (metric) {
    case 'joinSuccessRate':
    case 'join5sRate':
      return acc[SLOT.joins]!;
    case 'videoFreezeRate':
      return acc[SLOT.vMs]!;
    case 'audioFreezeRate':
      return acc[SLOT.aMs]!;
    case 'networkDelayRate':
    case 'lossRate':
    case 'rttMean':
    case 'jitterMean':
      return acc[SLOT.interval]!;
    case 'firstFrameMs':
      return acc[SLOT.ffCount]!;
    case 'abnormalLeaveRate':
      return acc[SLOT.leaves]!;
    case 'avSyncBadRate':
      return acc[SLOT.avW]!;
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

/**
 * Weighted mean and variance (per stats record, weights intervalMs) of rttMs or jitterMs;
 * null when there are no stats.
 */
export function meanAndVariance(acc: Accumulator, metric: 'rttMean' | 'jitterMean'): { mean: number; variance: number; weight: number; weightedSq: number } | null {
  const w = acc[SLOT.interval]!;
  if (!(w > 0)) return null;
  const s = metric === 'rttMean' ? acc[SLOT.rtt]! : acc[SLOT.jitter]!;
  const s2 = metric === 'rttMean' ? acc[SLOT.rtt2]! : acc[SLOT.jitter2]!;
  const mean = s / w;
  return { mean, variance: Math.max(0, s2 / w - mean * mean), weight: w, weightedSq: s2 };
}
