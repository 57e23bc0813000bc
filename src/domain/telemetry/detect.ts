/**
 * Anomaly detection per closed window and slice: count-aware statistics against a learned
 * baseline, minimum-traffic guards, N-of-M confirmation, recovery. Pure and deterministic: the
 * state moves only with the windows it is given, so a replay raises the same anomalies at the same
 * event times as live traffic did.
 *
 * Statistics, per (slice, metric), every metric turned to its "bad" orientation (a join failure
 * fraction instead of a success rate, so that "up" is always worse):
 * - Ratio metrics: a signed-root binomial likelihood-ratio (deviance) statistic of the bad share
 *   p̂ = num ÷ den against the expected share p₀, on n = the effective number of observations in
 *   the window (join attempts, leaves, or the Kish effective number of stats records — never
 *   milliseconds). For a time-weighted share whose per-record values lie in [0, 1] (loss, freeze,
 *   delay) the Bernoulli variance p(1−p) is an upper bound of the true variance, so the test is
 *   conservative on zero-inflated, skewed data. z = sign(p̂−p₀)·√(D ÷ (φ·(1 + n ÷ n_base))), where
 *   n_base is the baseline's effective count (the baseline's own uncertainty) and φ ≥ 1 the
 *   overdispersion learned from normal windows (a running, then exponentially weighted, mean of
 *   min(z², 16), from the warm-up on): when a slice's ratio wanders between windows more than
 *   sampling explains, its scores shrink accordingly.
 *   p₀ is floored at 0.001 so that a share that is normally zero does not alarm on one event.
 * - rttMean and jitterMean: z = (x̄ − μ₀) ÷ √(σ₀²·(1 ÷ n + 1 ÷ n_base)·φ), with σ₀² the pooled
 *   record-level variance of the baseline (kept from Σ w·x² in the accumulators), floored at
 *   (0.02·μ₀)² + 1 ms².
 * - firstFrameMs (p90): the number of first frames slower than the baseline p90 q₀ is binomial
 *   with p = 0.1 when nothing changed; the same deviance test is applied to it. The baseline keeps
 *   an exponentially weighted first-frame histogram.
 *
 * A window is flagged for a metric when: the slice carries enough traffic (guard), the baseline is
 * warm (≥ `warmupWindows` learned windows), z ≥ `threshold` (4) and the change is large enough to
 * matter (bad-direction change ≥ `minAbsDelta` and ≥ `minRelDelta` × expected). Guards per
 * 5-second window (defaults, `minPerMinute`): time-weighted metrics need ≥ 100 concurrent streams
 * (telemetry.md: 100 video-minutes per minute), i.e. Σ vMs, Σ aMs or Σ intervalMs ≥ 100 ×
 * windowMs; join metrics, leaves and first frames need ≥ 240 per minute (20 per window). Smaller
 * slices are judged through their parents and root-cause localization.
 *
 * An anomaly is raised when `confirmN` (2) of the last `confirmM` (3) windows are flagged: an
 * incident is raised at the end of its second bad window (≤ 10 s of onset in event time), while a
 * single noisy window is not. Its onset is the start of the first flagged window of that run. A
 * window whose score reaches `fastThreshold` (12, three times the threshold: far beyond what noise
 * and the learned overdispersion give) is raised at once, at the end of its first bad window.
 * `recovered` follows once the metric has stayed normal (z < `exitThreshold` (2) or the change
 * below half of its minimums) for `recoveryMs` (60 s), or when the slice has not been judged for
 * `noDataRecoveryMs` (10 min), or when its state is evicted. While an anomaly is active, windows
 * below the traffic guard (the retries that inflated a failing slice stop with the problem) are
 * pooled, up to one minute of them, until together they carry enough traffic to be judged.
 *
 * Baseline: exponentially weighted (half-life `halfLifeMs`, 15 min) sums of numerator, denominator
 * and effective count, so the expected ratio is traffic-weighted and a surge (denominators ×5,
 * same ratio) changes nothing; slow daily cycles move less per half-life than the minimum
 * effects. Flagged windows and windows during an anomaly are not learned (robust), except that an
 * anomaly lasting longer than `relearnAfterMs` (2 h) is learned as the new normal. Neither is a
 * window below the traffic guard whose score would reach the threshold. A time-of-day
 * profile (`seasonal`, a multiplicative factor on the bad-orientation value at a given time) is
 * divided out before learning and multiplied into the expectation (not applied to firstFrameMs).
 *
 * Sensitivity: `sensitivity(slice)` (e.g. by customer tier, or an event guard) divides the score
 * threshold, the minimum effects and the traffic guard; clamped to [0.25, 4].
 *
 * Memory: one state per judged slice (default: rollup slices only, none with an "other" value),
 * at most `maxSlices`; states idle for `idleEvictMs` (1 h) are dropped.
 */
import {
  type Accumulator,
  createAccumulator,
  FIRST_FRAME_EDGES,
  METRIC_INFO,
  METRICS,
  type MetricName,
  SLOT,
  firstFrameCountAbove,
  firstFrameQuantile,
  histogramQuantile,
  meanAndVariance,
  mergeInto,
  sampleSize,
  sessions,
  traffic,
  value,
} from './metrics.ts';
import { type ClosedWindow, OTHER, type SliceDims, type WindowSlice, sliceContains } from './windows.ts';

export interface MetricDetectConfig {
  enabled: boolean;
  /**
   * Minimum traffic per minute of event time: for time-weighted metrics, media or stats minutes
   * per minute (= concurrent streams); for join metrics, abnormalLeaveRate and firstFrameMs,
   * events per minute.
   */
  minPerMinute: number;
  /** Minimum change in the bad direction, in the metric's unit (a share, or ms). */
  minAbsDelta: number;
  /** Minimum change in the bad direction relative to the expected bad-orientation value. */
  minRelDelta: number;
}

export interface DetectorConfig {
  windowMs: number;
  halfLifeMs: number;
  warmupWindows: number;
  threshold: number;
  exitThreshold: number;
  confirmN: number;
  confirmM: number;
  /** A single flagged window whose score reaches this is raised at once (no N-of-M wait). */
  fastThreshold: number;
  recoveryMs: number;
  noDataRecoveryMs: number;
  relearnAfterMs: number;
  idleEvictMs: number;
  maxSlices: number;
  /** Floor of the expected bad share in ratio tests. */
  pFloor: number;
  /** z² is clamped to this before it updates the overdispersion φ. */
  phiClamp: number;
  /** Weight of one window in the overdispersion average. */
  phiAlpha: number;
  /** Which slice levels are judged. */
  levels: readonly ('leaf' | 'rollup')[];
  /** Judge slices that contain a folded ("other") value. */
  judgeOther: boolean;
  metrics: Readonly<Record<MetricName, MetricDetectConfig>>;
  /** Sensitivity multiplier per slice (customer tier, event guard); 1 by default. */
  sensitivity?: (slice: WindowSlice) => number;
  /** Time-of-day factor of a metric's bad-orientation value at `tMs` (1 = flat). */
  seasonal?: (metric: MetricName, sliceKey: string, tMs: number) => number;
}

const TIME_METRIC = (minAbsDelta: number, minRelDelta: number): MetricDetectConfig => ({ enabled: true, minPerMinute: 100, minAbsDelta, minRelDelta });
const COUNT_METRIC = (minAbsDelta: number, minRelDelta: number): MetricDetectConfig => ({ enabled: true, minPerMinute: 240, minAbsDelta, minRelDelta });

export const DEFAULT_METRIC_DETECT: Readonly<Record<MetricName, MetricDetectConfig>> = {
  joinSuccessRate: COUNT_METRIC(0.03, 0.5),
  join5sRate: COUNT_METRIC(0.03, 0.5),
  videoFreezeRate: TIME_METRIC(0.01, 0.5),
  audioFreezeRate: TIME_METRIC(0.005, 0.5),
  networkDelayRate: TIME_METRIC(0.02, 0.5),
  lossRate: TIME_METRIC(0.01, 0.5),
  rttMean: TIME_METRIC(20, 0.1),
  jitterMean: TIME_METRIC(5, 0.2),
  firstFrameMs: COUNT_METRIC(300, 0.2),
  abnormalLeaveRate: COUNT_METRIC(0.02, 0.5),
  avSyncBadRate: TIME_METRIC(0.02, 0.5),
};

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  windowMs: 5_000,
  halfLifeMs: 15 * 60_000,
  warmupWindows: 12,
  threshold: 4,
  exitThreshold: 2,
  confirmN: 2,
  confirmM: 3,
  fastThreshold: 12,
  recoveryMs: 60_000,
  noDataRecoveryMs: 10 * 60_000,
  relearnAfterMs: 2 * 60 * 60_000,
  idleEvictMs: 60 * 60_000,
  maxSlices: 20_000,
  pFloor: 0.001,
  phiClamp: 16,
  phiAlpha: 0.02,
  levels: ['rollup'],
  judgeOther: false,
  metrics: DEFAULT_METRIC_DETECT,
};

export interface SliceRef {
  key: string;
  dims: SliceDims;
}

export interface AppImpact {
  app: string;
  sessions: number;
}

export interface AnomalyEvent {
  kind: 'anomaly';
  metric: MetricName;
  slice: SliceRef;
  /** The window that confirmed the anomaly. */
  windowStart: number;
  windowEnd: number;
  /** Event time at which the anomaly began: start of the first flagged window of the run. */
  onset: number;
  /** Event time of the watermark at which it was raised: the confirming window's end. */
  detectedAt: number;
  /** Metric value in its natural orientation (success rate, ms …) in the confirming window. */
  observed: number;
  expected: number;
  /** The test statistic (≈ standard normal when nothing changed); higher is worse. */
  score: number;
  /** Session-equivalents of the slice and of all traffic in the window (metrics.sessions). */
  sessions: number;
  totalSessions: number;
  share: number;
  /** Apps carrying the slice's traffic, most sessions first (≥ 1 % of the slice, at most 50). */
  apps: AppImpact[];
  sensitivity: number;
}

export interface RecoveredEvent {
  kind: 'recovered';
  metric: MetricName;
  slice: SliceRef;
  onset: number;
  /** Event time: end of the window that completed the normal stretch (or of the last window seen). */
  recoveredAt: number;
  reason: 'normal' | 'no-data' | 'evicted';
}

export type DetectorEvent = AnomalyEvent | RecoveredEvent;

/** One judgement, for diagnostics and tests (`explain`). */
export interface Judgement {
  metric: MetricName;
  judged: boolean;
  reason: 'ok' | 'no-data' | 'guard' | 'warmup';
  flagged: boolean;
  observed: number | null;
  expected: number | null;
  score: number;
}

export interface DetectorStats {
  slices: number;
  untracked: number;
  active: number;
}

export interface Detector {
  readonly config: DetectorConfig;
  /** Feed one closed window (in start order); returns the anomalies raised and recovered. */
  observe(window: ClosedWindow): DetectorEvent[];
  /** The last judgement of a slice's metrics (null when the slice is not tracked). */
  explain(sliceKey: string): Judgement[] | null;
  /** Currently active anomalies. */
  active(): { metric: MetricName; slice: SliceRef; onset: number }[];
  stats(): DetectorStats;
}

interface Active {
  onset: number;
  normalSince: number | null;
  lastJudged: number;
  /** Consecutive windows too small to judge on their own, pooled (recovery only). */
  pool: Accumulator | null;
  poolStart: number;
  poolWindows: number;
}

/** Most consecutive small windows pooled to judge an active anomaly's recovery (1 min of 5 s windows). */
const MAX_POOLED_WINDOWS = 12;

interface MetricState {
  metric: MetricName;
  bNum: number;
  bDen: number;
  bN: number;
  bSq: number;
  hist: Float64Array | null;
  lastLearn: number;
  learned: number;
  phi: number;
  phiN: number;
  mask: number;
  lastIdx: number;
  active: Active | null;
  last: Judgement;
}

interface SliceState {
  key: string;
  dims: SliceDims;
  lastSeen: number;
  metrics: MetricState[];
}

const FF_BUCKETS = FIRST_FRAME_EDGES.length;

/** Signed root of the binomial deviance of k bad out of n against p. */
export function binomialScore(k: number, n: number, p: number): number {
  if (!(n > 0)) return 0;
  let d = 0;
  if (k > 0) d += k * Math.log(k / (n * p));
  const m = n - k;
  if (m > 0) d += m * Math.log(m / (n * (1 - p)));
  d *= 2;
  const z = d > 0 ? Math.sqrt(d) : 0;
  return k / n >= p ? z : -z;
}

/**
 * A daily profile from `factors` (equal buckets over 24 h, linear between bucket centres, wrapping
 * at midnight) for `seasonal`; `utcOffsetMs` shifts the day to the audience's local time.
 */
export function dailyProfile(factors: readonly number[], utcOffsetMs = 0): (tMs: number) => number {
  const n = factors.length;
  if (n === 0) return () => 1;
  const day = 86_400_000;
  const bucket = day / n;
  return (tMs: number) => {
    const t = ((((tMs + utcOffsetMs) % day) + day) % day) / bucket - 0.5;
    const i = Math.floor(t);
    const f = t - i;
    const a = factors[((i % n) + n) % n]!;
    const b = factors[(((i + 1) % n) + n) % n]!;
    return a + (b - a) * f;
  };
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

function resolveConfig(partial: Partial<DetectorConfig> | undefined): DetectorConfig {
  const metrics: Record<MetricName, MetricDetectConfig> = { ...DEFAULT_METRIC_DETECT };
  if (partial?.metrics) {
    for (const m of METRICS) {
      const over = (partial.metrics as Partial<Record<MetricName, Partial<MetricDetectConfig>>>)[m];
      if (over) metrics[m] = { ...DEFAULT_METRIC_DETECT[m], ...over };
    }
  }
  return { ...DEFAULT_DETECTOR_CONFIG, ...partial, metrics };
}

export type DetectorConfigInput = Partial<Omit<DetectorConfig, 'metrics'>> & {
  metrics?: Partial<Record<MetricName, Partial<MetricDetectConfig>>>;
};

export function createDetector(input?: DetectorConfigInput): Detector {
  const config = resolveConfig(input as Partial<DetectorConfig> | undefined);
  const W = config.windowMs;
  const enabled = METRICS.filter((m) => config.metrics[m].enabled);
  const states = new Map<string, SliceState>();
  const activeSet = new Set<{ s: SliceState; m: MetricState }>();
  let untracked = 0;
  let windowsSeen = 0;
  const confirmMask = (1 << config.confirmM) - 1;

  function newMetricState(metric: MetricName): MetricState {
    return {
      metric, bNum: 0, bDen: 0, bN: 0, bSq: 0,
      hist: metric === 'firstFrameMs' ? new Float64Array(FF_BUCKETS) : null,
      lastLearn: 0, learned: 0, phi: 1, phiN: 0, mask: 0, lastIdx: -Infinity, active: null,
      last: { metric, judged: false, reason: 'no-data', flagged: false, observed: null, expected: null, score: 0 },
    };
  }

  function judgeable(slice: WindowSlice): boolean {
    if (!config.levels.includes(slice.level)) return false;
    if (!config.judgeOther) {
      const dims = slice.dims;
      for (const d in dims) if (dims[d as keyof SliceDims] === OTHER) return false;
    }
    return true;
  }

  function minTraffic(metric: MetricName): number {
    const c = config.metrics[metric];
    const info = METRIC_INFO[metric];
    const timeWeighted = info.kind !== 'p90' && metric !== 'joinSuccessRate' && metric !== 'join5sRate' && metric !== 'abnormalLeaveRate';
    return timeWeighted ? c.minPerMinute * W : (c.minPerMinute * W) / 60_000;
  }

  interface Eval extends Judgement {
    stillBad: boolean;
    /** Enough traffic and a baseline to compute a score (warm or not). */
    scored: boolean;
  }
  const minTrafficOf = {} as Record<MetricName, number>;
  for (const m of METRICS) minTrafficOf[m] = minTraffic(m);
  const decayOneWindow = Math.pow(0.5, W / config.halfLifeMs);

  function evaluate(ms: MetricState, slice: WindowSlice, t: number, sens: number): Eval {
    const metric = ms.metric;
    const acc = slice.acc;
    const cfg = config.metrics[metric];
    const info = METRIC_INFO[metric];
    const down = info.bad === 'down';
    const tr = traffic(acc, metric);
    const out: Eval = { metric, judged: false, reason: 'no-data', flagged: false, stillBad: false, scored: false, observed: null, expected: null, score: 0 };
    if (!(tr > 0)) return out;
    const warm = ms.learned >= config.warmupWindows && ms.bDen > 0;
    const guard = tr >= minTrafficOf[metric] / sens;
    const phi = Math.max(1, ms.phi);
    const f = info.kind !== 'p90' && config.seasonal ? Math.max(0, config.seasonal(metric, slice.key, t)) : 1;
    const n = sampleSize(acc, metric);
    let delta = 0;
    let base = 0;
    if (info.kind === 'ratio') {
      const v = value(acc, metric);
      const bad = down ? 1 - (v.value as number) : (v.value as number);
      out.observed = v.value;
      if (ms.bDen > 0) {
        const p0 = Math.min(1 - config.pFloor, (ms.bNum / ms.bDen) * f);
        out.expected = down ? 1 - p0 : p0;
        const pc = Math.max(config.pFloor, p0);
        out.score = binomialScore(bad * n, n, pc) / Math.sqrt(phi * (1 + n / Math.max(ms.bN, 1e-9)));
        delta = bad - p0;
        base = pc;
      }
    } else if (info.kind === 'mean') {
      const mv = meanAndVariance(acc, metric as 'rttMean' | 'jitterMean');
      if (mv === null) return out;
      out.observed = mv.mean;
      if (ms.bDen > 0) {
        const mu = ms.bNum / ms.bDen;
        const variance = Math.max(ms.bSq / ms.bDen - mu * mu, 0);
        const mu0 = mu * f;
        const var0 = Math.max(variance * f * f, (0.02 * mu0) ** 2 + 1);
        out.expected = mu0;
        out.score = (mv.mean - mu0) / Math.sqrt(var0 * (1 / n + 1 / Math.max(ms.bN, 1e-9)) * phi);
        delta = mv.mean - mu0;
        base = Math.max(mu0, 1);
      }
    } else {
      out.observed = firstFrameQuantile(acc, 0.9);
      const hist = ms.hist as Float64Array;
      if (ms.bDen > 0) {
        const q0 = histogramQuantile(hist, 0, 0.9) ?? 0;
        out.expected = q0;
        const k = firstFrameCountAbove(acc, q0);
        out.score = binomialScore(k, n, 0.1) / Math.sqrt(phi * (1 + n / Math.max(ms.bN, 1e-9)));
        delta = (out.observed ?? 0) - q0;
        base = Math.max(q0, 1);
      }
    }
    if (!guard) {
      out.reason = 'guard';
      return out;
    }
    out.scored = ms.bDen > 0;
    if (!warm) {
      out.reason = 'warmup';
      return out;
    }
    out.judged = true;
    out.reason = 'ok';
    const thr = config.threshold / sens;
    const minAbs = cfg.minAbsDelta / sens;
    const minRel = cfg.minRelDelta / sens;
    out.flagged = out.score >= thr && delta >= minAbs && delta >= minRel * base;
    out.stillBad = out.score >= config.exitThreshold / sens && delta >= 0.5 * minAbs && delta >= 0.5 * minRel * base;
    return out;
  }

  function learn(ms: MetricState, acc: Accumulator, t: number, sliceKey: string): void {
    const metric = ms.metric;
    const info = METRIC_INFO[metric];
    const dt = t - ms.lastLearn;
    const d = ms.learned === 0 ? 1 : dt === W ? decayOneWindow : Math.pow(0.5, Math.max(0, dt) / config.halfLifeMs);
    const f = info.kind !== 'p90' && config.seasonal ? config.seasonal(metric, sliceKey, t) : 1;
    const fs = f > 1e-9 ? f : 1e-9;
    const n = sampleSize(acc, metric);
    if (info.kind === 'ratio') {
      const v = value(acc, metric);
      if (!(v.den > 0)) return;
      const badNum = info.bad === 'down' ? v.den - v.num : v.num;
      ms.bNum = ms.bNum * d + badNum / fs;
      ms.bDen = ms.bDen * d + v.den;
    } else if (info.kind === 'mean') {
      const w = acc[SLOT.interval]!;
      if (!(w > 0)) return;
      const s = metric === 'rttMean' ? acc[SLOT.rtt]! : acc[SLOT.jitter]!;
      const s2 = metric === 'rttMean' ? acc[SLOT.rtt2]! : acc[SLOT.jitter2]!;
      ms.bNum = ms.bNum * d + s / fs;
      ms.bDen = ms.bDen * d + w;
      ms.bSq = ms.bSq * d + s2 / (fs * fs);
    } else {
      const cnt = acc[SLOT.ffCount]!;
      if (!(cnt > 0)) return;
      const hist = ms.hist as Float64Array;
      for (let b = 0; b < FF_BUCKETS; b++) hist[b] = hist[b]! * d + acc[SLOT.ffHist + b]!;
      ms.bDen = ms.bDen * d + cnt;
    }
    ms.bN = ms.bN * d + n;
    ms.lastLearn = t;
    ms.learned++;
  }

  function impact(slice: WindowSlice, window: ClosedWindow): { sessions: number; totalSessions: number; apps: AppImpact[] } {
    const s = sessions(slice.acc, W);
    let total = 0;
    const global = window.slices.find((x) => x.key === '' && x.level === 'rollup');
    if (global) total = sessions(global.acc, W);
    else for (const x of window.slices) if (x.level === 'leaf') total += sessions(x.acc, W);
    const app = slice.dims.app;
    let apps: AppImpact[];
    if (app !== undefined) {
      apps = [{ app, sessions: s }];
    } else {
      const byApp = new Map<string, number>();
      for (const x of window.slices) {
        if (x.level !== 'leaf' || x.dims.app === undefined || !sliceContains(slice.dims, x.dims)) continue;
        byApp.set(x.dims.app, (byApp.get(x.dims.app) ?? 0) + sessions(x.acc, W));
      }
      apps = [...byApp.entries()]
        .filter(([, v]) => v > 0 && v >= 0.01 * s)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 50)
        .map(([a, v]) => ({ app: a, sessions: v }));
    }
    return { sessions: s, totalSessions: total, apps };
  }

  function recovered(st: SliceState, ms: MetricState, at: number, reason: RecoveredEvent['reason']): RecoveredEvent {
    const a = ms.active as Active;
    ms.active = null;
    ms.mask = 0;
    for (const e of activeSet) if (e.m === ms) activeSet.delete(e);
    return { kind: 'recovered', metric: ms.metric, slice: { key: st.key, dims: st.dims }, onset: a.onset, recoveredAt: at, reason };
  }

  function observe(window: ClosedWindow): DetectorEvent[] {
    const events: DetectorEvent[] = [];
    const t = window.start;
    const idx = Math.floor(window.start / W);
    windowsSeen++;
    for (const slice of window.slices) {
      if (!judgeable(slice)) continue;
      let st = states.get(slice.key);
      if (st === undefined) {
        if (states.size >= config.maxSlices) {
          untracked++;
          continue;
        }
        st = { key: slice.key, dims: slice.dims, lastSeen: window.end, metrics: enabled.map(newMetricState) };
        states.set(slice.key, st);
      }
      st.lastSeen = window.end;
      const sens = Math.min(4, Math.max(0.25, config.sensitivity ? config.sensitivity(slice) : 1));
      for (const ms of st.metrics) {
        const e = evaluate(ms, slice, t, sens);
        ms.last = e;
        // N-of-M bookkeeping over consecutive window indices.
        const shift = idx - ms.lastIdx;
        ms.mask = shift >= 31 ? 0 : (ms.mask << shift) & 0x7fffffff;
        if (e.flagged) ms.mask |= 1;
        ms.lastIdx = idx;

        if (ms.active !== null) {
          const a = ms.active;
          // Recovery is judged on windows with enough traffic. A window below the traffic guard
          // (typically: the retries that inflated a failing slice stopped with the problem) is
          // pooled with the next small ones until together they carry enough to be judged.
          let j: Eval = e;
          let from = window.start;
          if (e.judged) {
            a.pool = null;
            a.poolWindows = 0;
          } else if (e.reason === 'guard') {
            if (a.pool === null) {
              a.pool = createAccumulator();
              a.poolStart = window.start;
            }
            mergeInto(a.pool, slice.acc);
            a.poolWindows++;
            j = evaluate(ms, { ...slice, acc: a.pool }, t, sens);
            from = a.poolStart;
            if (j.judged || a.poolWindows >= MAX_POOLED_WINDOWS) {
              a.pool = null;
              a.poolWindows = 0;
            }
          }
          if (j.judged) {
            a.lastJudged = window.end;
            if (j.stillBad) {
              a.normalSince = null;
            } else {
              if (a.normalSince === null) a.normalSince = from;
              if (window.end - a.normalSince >= config.recoveryMs) {
                events.push(recovered(st, ms, window.end, 'normal'));
                continue;
              }
            }
          }
          if (window.end - a.onset >= config.relearnAfterMs && e.observed !== null) learn(ms, slice.acc, t, slice.key);
          continue;
        }

        const recent = ms.mask & confirmMask;
        if (e.flagged && (popcount(recent) >= config.confirmN || e.score >= config.fastThreshold / sens)) {
          let j = config.confirmM - 1;
          while (j > 0 && !(recent & (1 << j))) j--;
          const onset = window.start - j * W;
          ms.active = { onset, normalSince: null, lastJudged: window.end, pool: null, poolStart: 0, poolWindows: 0 };
          activeSet.add({ s: st, m: ms });
          const imp = impact(slice, window);
          events.push({
            kind: 'anomaly',
            metric: ms.metric,
            slice: { key: st.key, dims: st.dims },
            windowStart: window.start,
            windowEnd: window.end,
            onset,
            detectedAt: window.end,
            observed: e.observed as number,
            expected: e.expected as number,
            score: e.score,
            sessions: imp.sessions,
            totalSessions: imp.totalSessions,
            share: imp.totalSessions > 0 ? Math.min(1, imp.sessions / imp.totalSessions) : 0,
            apps: imp.apps,
            sensitivity: sens,
          });
          continue;
        }
        if (e.flagged || recent !== 0) continue; // a possible onset: do not learn from it
        if (e.observed === null) continue;
        // A window too small to be judged that is far off all the same (every join of a small
        // app failing) is not learned either: the baseline would drift towards the problem.
        if (e.reason === 'guard' && e.score >= config.threshold / sens) continue;
        learn(ms, slice.acc, t, slice.key);
        if (e.scored) {
          // The score was divided by √φ: learn φ from the unscaled z². A running mean at first
          // (from the warm-up on), then exponentially weighted.
          const z2 = Math.min(e.score * e.score * Math.max(1, ms.phi), config.phiClamp);
          ms.phiN++;
          ms.phi += Math.max(config.phiAlpha, 1 / ms.phiN) * (z2 - ms.phi);
        }
      }
    }
    // Anomalies whose slice has gone quiet.
    for (const { s, m } of [...activeSet]) {
      const a = m.active;
      if (a && window.end - a.lastJudged >= config.noDataRecoveryMs) events.push(recovered(s, m, window.end, 'no-data'));
    }
    // Evict idle slices now and then.
    if (windowsSeen % 12 === 0) {
      for (const [key, s] of states) {
        if (window.end - s.lastSeen < config.idleEvictMs) continue;
        for (const m of s.metrics) if (m.active) events.push(recovered(s, m, window.end, 'evicted'));
        states.delete(key);
      }
    }
    return events;
  }

  return {
    config,
    observe,
    explain(key: string): Judgement[] | null {
      const s = states.get(key);
      return s
        ? s.metrics.map((m) => ({ metric: m.metric, judged: m.last.judged, reason: m.last.reason, flagged: m.last.flagged, observed: m.last.observed, expected: m.last.expected, score: m.last.score }))
        : null;
    },
    active() {
      const out: { metric: MetricName; slice: SliceRef; onset: number }[] = [];
      for (const { s, m } of activeSet) if (m.active) out.push({ metric: m.metric, slice: { key: s.key, dims: s.dims }, onset: m.active.onset });
      return out;
    },
    stats: () => ({ slices: states.size, untracked, active: activeSet.size }),
  };
}
