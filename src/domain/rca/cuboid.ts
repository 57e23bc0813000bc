/**
 * Synthetic root-cause benchmark cubes (of the kind Squeeze and RiskLoc evaluate on), and F1 scoring.
 *
 * A case is a sparse cube of leaves (only slices with traffic exist), leaf volumes from a skewed
 * distribution (Zipf-like popularity per dimension value times a log-normal leaf factor), observed
 * values drawn with Poisson (additive) or binomial (ratio) noise around the expectation, and 0–3
 * injected root-cause combinations in layers 1–3 whose leaves change by their own magnitude:
 * - additive: the leaves' mean drops (or rises) by the element's magnitude;
 * - ratio: the leaves' ratio rises by the element's factor; denominators drift per leaf, and one
 *   decoy slice gains a lot of traffic with an unchanged ratio (its numerator grows, it is not a cause).
 * Injected combinations never nest; by default they share no leaves either (`allowOverlap` lets
 * combinations of different cuboids overlap, their factors multiplying on shared leaves).
 *
 * Pure: all randomness comes from the seeded generator in `random.ts`.
 */
import {
  binomial,
  logNormal,
  pickCumulative,
  poisson,
  randInt,
  seededRng,
  shuffled,
  uniform,
  type Rng,
} from './random.ts';
import type { Combination, Measure, RcaRow } from './types.ts';

export interface DimensionSpec {
  name: string;
  /** Number of distinct values. */
  size: number;
}

/** Six dimensions with 5–16 values each, like RTC quality telemetry. */
export const DEFAULT_DIMENSIONS: readonly DimensionSpec[] = [
  { name: 'country', size: 12 },
  { name: 'isp', size: 10 },
  { name: 'os', size: 6 },
  { name: 'sdk', size: 8 },
  { name: 'net', size: 5 },
  { name: 'edge', size: 16 },
];

export type CaseLayer = 1 | 2 | 3 | 'mixed';

export interface CaseOptions {
  /** Seed of the generator; ignored when `rng` is given. */
  seed?: number;
  rng?: Rng;
  measure: Measure;
  dims?: readonly DimensionSpec[];
  /** Number of injected root-cause combinations, 0–3 (0: noise only). Default 1. */
  elements?: number;
  /** Layer of the injected combinations; `mixed` draws distinct layers per element. Default 1. */
  layer?: CaseLayer;
  /** At most this many leaves (the full cube if smaller). Default 20,000. */
  maxLeaves?: number;
  /** Total expected value (additive) or total expected denominator (ratio). */
  volume?: number;
  /** Additive: relative drop/rise range. Default [0.2, 0.9]. */
  magnitude?: readonly [number, number];
  /** Ratio: the ratio is multiplied by 1 + a value from this range. Default [0.5, 3]. */
  ratioIncrease?: readonly [number, number];
  /** Smallest expected share of the total an injected combination may carry. Default 0.005. */
  minElementShare?: number;
  /** Largest expected share of the total an injected combination may carry. Default 0.5. */
  maxElementShare?: number;
  /** With a fixed layer, probability that all elements come from one cuboid. Default 0.5. */
  sameCuboid?: number;
  /** Relative standard deviation of the forecast's own error (0: the expectation is the true mean). Default 0. */
  forecastNoise?: number;
  /**
   * Smallest signal of an injected combination: (relative change)² × expected count (of the
   * numerator, for ratios), i.e. the squared z-score of its excess under Poisson noise. Keeps the
   * benchmark about localizing changes, not about detecting ones buried in noise. Default 40.
   */
  minSignal?: number;
  /**
   * Let injected combinations from different cuboids share leaves (e.g. {country: ID} and
   * {os: android}); shared leaves get both factors, like independent faults. They never nest.
   * Default false: injected combinations are disjoint.
   */
  allowOverlap?: boolean;
  /**
   * Per-leaf spread of an injected change: each affected leaf's change (factor − 1) is scaled by a
   * uniform draw in [1 − jitter, 1 + jitter], so a root cause's leaves change alike, not equally.
   * Default 0.
   */
  changeJitter?: number;
}

export interface InjectedElement {
  dims: Combination;
  layer: number;
  /** Expected share of the total. */
  share: number;
  /** Multiplier applied to the leaves' mean (additive) or ratio (ratio). */
  factor: number;
}

export interface GeneratedCase {
  measure: Measure;
  layer: CaseLayer;
  rows: RcaRow[];
  rootCause: Combination[];
  injected: InjectedElement[];
  /** Ratio measure: the slice whose traffic grew without a ratio change. */
  decoy: Combination | null;
}

interface Slice {
  dims: number[];
  vals: number[];
}

function contains(slice: Slice, codes: Int32Array, D: number, leaf: number): boolean {
  for (let j = 0; j < slice.dims.length; j += 1) {
    if (codes[leaf * D + (slice.dims[j] as number)] !== slice.vals[j]) return false;
  }
  return true;
}

/** Two slices share no leaf iff they fix a common dimension to different values. */
function disjoint(a: Slice, b: Slice): boolean {
  for (let j = 0; j < a.dims.length; j += 1) {
    const k = b.dims.indexOf(a.dims[j] as number);
    if (k >= 0 && b.vals[k] !== a.vals[j]) return true;
  }
  return false;
}

/** One slice contains the other (or they are equal). */
function nestedSlices(a: Slice, b: Slice): boolean {
  const within = (x: Slice, y: Slice): boolean =>
    x.dims.every((d, j) => {
      const k = y.dims.indexOf(d);
      return k >= 0 && y.vals[k] === x.vals[j];
    });
  return within(a, b) || within(b, a);
}

function randomDims(rng: Rng, D: number, layer: number): number[] {
  return shuffled(
    rng,
    Array.from({ length: D }, (_, i) => i),
  )
    .slice(0, layer)
    .sort((a, b) => a - b);
}

/** Generate one benchmark case. Deterministic for a given seed and options. */
export function generateCase(options: CaseOptions): GeneratedCase {
  const rng = options.rng ?? seededRng(options.seed ?? 1);
  const measure = options.measure;
  const dims = options.dims ?? DEFAULT_DIMENSIONS;
  const D = dims.length;
  const nElements = Math.max(0, Math.min(3, Math.round(options.elements ?? 1)));
  const layerOpt: CaseLayer = options.layer ?? 1;
  const maxLeaves = Math.max(1, Math.round(options.maxLeaves ?? 20_000));
  const volume = options.volume ?? (measure === 'ratio' ? 2e7 : 1e6);
  const magnitude = options.magnitude ?? [0.2, 0.9];
  const ratioIncrease = options.ratioIncrease ?? [0.5, 3];
  let minShare = options.minElementShare ?? 0.005;
  const maxShare = options.maxElementShare ?? 0.5;
  const sameCuboid = options.sameCuboid ?? 0.5;
  const forecastNoise = options.forecastNoise ?? 0;
  const minSignal = options.minSignal ?? 40;
  const allowOverlap = options.allowOverlap ?? false;
  const changeJitter = Math.max(0, Math.min(1, options.changeJitter ?? 0));

  // Value popularity per dimension: Zipf-like with a random exponent.
  const cumulative = dims.map((d) => {
    const s = uniform(rng, 0.5, 1.3);
    const out = new Float64Array(d.size);
    let acc = 0;
    for (let j = 0; j < d.size; j += 1) {
      acc += 1 / (j + 1) ** s;
      out[j] = acc;
    }
    return out;
  });
  const weightOf = (dim: number, value: number): number => {
    const c = cumulative[dim] as Float64Array;
    return ((c[value] as number) - (value > 0 ? (c[value - 1] as number) : 0)) / (c[c.length - 1] as number);
  };

  // Leaves: the whole cube when small enough, else distinct tuples drawn by popularity.
  let full = 1;
  for (const d of dims) full *= d.size;
  const tuples: number[][] = [];
  if (full <= maxLeaves) {
    const cur = new Array<number>(D).fill(0);
    for (let t = 0; t < full; t += 1) {
      tuples.push(cur.slice());
      for (let j = D - 1; j >= 0; j -= 1) {
        cur[j] = (cur[j] as number) + 1;
        if ((cur[j] as number) < (dims[j] as DimensionSpec).size) break;
        cur[j] = 0;
      }
    }
  } else {
    const seen = new Set<string>();
    for (let attempt = 0; attempt < maxLeaves * 20 && tuples.length < maxLeaves; attempt += 1) {
      const tuple = cumulative.map((c) => pickCumulative(rng, c));
      const key = tuple.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      tuples.push(tuple);
    }
  }
  const N = tuples.length;
  const codes = new Int32Array(N * D);
  tuples.forEach((tuple, i) => tuple.forEach((v, j) => (codes[i * D + j] = v)));
  const mean = new Float64Array(N);
  let total = 0;
  for (let i = 0; i < N; i += 1) {
    let w = logNormal(rng, 0, 0.7);
    for (let j = 0; j < D; j += 1) w *= weightOf(j, codes[i * D + j] as number);
    mean[i] = w;
    total += w;
  }
  const leafCumulative = new Float64Array(N);
  let acc = 0;
  for (let i = 0; i < N; i += 1) {
    mean[i] = ((mean[i] as number) * volume) / total;
    acc += mean[i] as number;
    leafCumulative[i] = acc;
  }
  // Ratio measures: each leaf's normal ratio around a cube-wide base rate.
  const baseRate = uniform(rng, 0.01, 0.05);
  const rates = new Float64Array(N);
  for (let i = 0; i < N; i += 1) rates[i] = measure === 'ratio' ? Math.min(0.3, baseRate * logNormal(rng, 0, 0.4)) : 1;
  /** Expected share of the volume, and expected count (numerator for ratios). */
  const sizeOf = (slice: Slice): { share: number; count: number } => {
    let s = 0;
    let count = 0;
    for (let i = 0; i < N; i += 1) {
      if (!contains(slice, codes, D, i)) continue;
      s += mean[i] as number;
      count += (mean[i] as number) * (rates[i] as number);
    }
    return { share: s / volume, count };
  };
  const drawFactor = (): number => {
    if (measure === 'ratio') return 1 + uniform(rng, ratioIncrease[0], ratioIncrease[1]);
    const m = uniform(rng, magnitude[0], magnitude[1]);
    return rng() < 0.75 ? 1 - m : 1 + m;
  };

  // Root-cause elements.
  const layers: number[] = [];
  if (layerOpt === 'mixed') {
    const pool = shuffled(rng, [1, 2, 3]);
    for (let t = 0; t < nElements; t += 1) layers.push(pool[t % 3] as number);
  } else {
    for (let t = 0; t < nElements; t += 1) layers.push(Math.min(layerOpt, D));
  }
  const oneCuboid = layerOpt !== 'mixed' && rng() < sameCuboid;
  const chosen: Array<Slice & { share: number; factor: number }> = [];
  let cuboidDims: number[] | null = null;
  let signalFloor = minSignal;
  for (let t = 0; t < nElements; t += 1) {
    const layer = layers[t] as number;
    let found: (Slice & { share: number; factor: number }) | null = null;
    for (let attempt = 0; attempt < 400 && !found; attempt += 1) {
      if (attempt > 0 && attempt % 100 === 0) {
        minShare /= 2;
        signalFloor /= 2;
      }
      const sliceDims = oneCuboid && cuboidDims ? cuboidDims : randomDims(rng, D, layer);
      const leaf = pickCumulative(rng, leafCumulative);
      const slice: Slice = { dims: sliceDims, vals: sliceDims.map((d) => codes[leaf * D + d] as number) };
      if (!chosen.every((c) => (allowOverlap ? !nestedSlices(c, slice) : disjoint(c, slice)))) continue;
      const { share, count } = sizeOf(slice);
      if (share < minShare || share > maxShare) continue;
      const factor = drawFactor();
      if ((factor - 1) ** 2 * count < signalFloor) continue;
      found = { ...slice, share, factor };
    }
    if (!found) break;
    if (oneCuboid && !cuboidDims) cuboidDims = found.dims;
    chosen.push(found);
  }
  const factors = chosen.map((c) => c.factor);
  const factor = new Float64Array(N).fill(1);
  chosen.forEach((c, t) => {
    for (let i = 0; i < N; i += 1) {
      if (!contains(c, codes, D, i)) continue;
      const spread = changeJitter > 0 ? uniform(rng, 1 - changeJitter, 1 + changeJitter) : 1;
      factor[i] = (factor[i] as number) * Math.max(0, 1 + ((factors[t] as number) - 1) * spread);
    }
  });

  // Ratio decoy: a slice disjoint from the causes whose traffic grows, ratio unchanged.
  let decoy: Slice | null = null;
  if (measure === 'ratio') {
    for (let attempt = 0; attempt < 100 && !decoy; attempt += 1) {
      const sliceDims = randomDims(rng, D, 1 + randInt(rng, 2));
      const leaf = pickCumulative(rng, leafCumulative);
      const slice: Slice = { dims: sliceDims, vals: sliceDims.map((d) => codes[leaf * D + d] as number) };
      if (!chosen.every((c) => disjoint(c, slice))) continue;
      const { share } = sizeOf(slice);
      if (share < 0.02 || share > 0.3) continue;
      decoy = slice;
    }
  }
  const decoyGrowth = uniform(rng, 1.5, 3);

  const name = (dim: number, value: number): string => `${(dims[dim] as DimensionSpec).name}${value}`;
  const combinationOf = (slice: Slice): Combination => {
    const out: Combination = {};
    slice.dims.forEach((d, j) => (out[(dims[d] as DimensionSpec).name] = name(d, slice.vals[j] as number)));
    return out;
  };

  const rows: RcaRow[] = [];
  for (let i = 0; i < N; i += 1) {
    const rec: Record<string, string> = {};
    for (let j = 0; j < D; j += 1) rec[(dims[j] as DimensionSpec).name] = name(j, codes[i * D + j] as number);
    const mu = mean[i] as number;
    const forecastError = forecastNoise > 0 ? Math.max(0.05, 1 + forecastNoise * (rng() * 2 - 1) * Math.sqrt(3)) : 1;
    if (measure === 'additive') {
      rows.push({ dims: rec, real: poisson(rng, mu * (factor[i] as number)), expected: mu * forecastError });
    } else {
      const rate = rates[i] as number;
      const expectedTotal = Math.max(1, Math.round(mu));
      let drift = logNormal(rng, 0, 0.15);
      if (decoy && contains(decoy, codes, D, i)) drift *= decoyGrowth;
      const realTotal = poisson(rng, expectedTotal * drift);
      if (realTotal === 0) continue;
      const real = binomial(rng, realTotal, Math.min(0.95, rate * (factor[i] as number)));
      rows.push({ dims: rec, real, expected: rate * expectedTotal * forecastError, realTotal, expectedTotal });
    }
  }

  return {
    measure,
    layer: layerOpt,
    rows,
    rootCause: chosen.map(combinationOf),
    injected: chosen.map((c, t) => ({ dims: combinationOf(c), layer: c.dims.length, share: c.share, factor: factors[t] as number })),
    decoy: decoy ? combinationOf(decoy) : null,
  };
}

/** Canonical text of a combination: `k=v` pairs sorted by key. */
export function combinationKey(c: Combination): string {
  return Object.keys(c)
    .sort()
    .map((k) => `${k}=${c[k] ?? ''}`)
    .join('\u0001');
}

export interface F1Score {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
}

/**
 * Set-level precision, recall and F1 of a predicted root-cause set against the truth, counting only
 * exact combination matches (a parent or child of a true combination is a miss). Two empty sets
 * agree perfectly (F1 = 1); one empty set against a non-empty one scores 0.
 */
export function scoreF1(predicted: readonly Combination[], truth: readonly Combination[]): F1Score {
  const p = new Set(predicted.map(combinationKey));
  const t = new Set(truth.map(combinationKey));
  if (p.size === 0 && t.size === 0) return { precision: 1, recall: 1, f1: 1, truePositives: 0 };
  let tp = 0;
  for (const k of p) if (t.has(k)) tp += 1;
  const precision = p.size > 0 ? tp / p.size : 0;
  const recall = t.size > 0 ? tp / t.size : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePositives: tp };
}
