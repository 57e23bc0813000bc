/**
 * Noise model of the leaves: Var(v_i) ≈ q_i · (φ + σ² · q_i), where q_i is the predicted value.
 *
 * φ is the over-dispersion relative to Poisson/binomial counting noise (1 for counts, far more for
 * quantities in milliseconds or bytes); σ is the relative error of the expectation itself (a
 * forecast that is off by a few percent on every leaf), which dominates on big leaves. Both are
 * estimated robustly from medians of squared Pearson residuals in bins of leaf size, so a minority
 * of anomalous leaves does not move them much.
 */
import { median } from './stats.ts';

export interface NoiseModel {
  phi: number;
  sigma2: number;
}

/** Median of a χ² variable with one degree of freedom. */
const CHI2_MEDIAN = 0.4549;

/** Leaves grouped in bins of equal count by expected size, for `fitNoise`. */
export interface SizeBins {
  /** Leaf indices grouped by bin (smallest leaves first). */
  order: Int32Array;
  /** Bin boundaries into `order` (bins + 1 entries). */
  bounds: number[];
  /** Expected size at the 50th, 90th and 99th percentiles. */
  probes: number[];
}

/** Prefer count-sized leaves (expected ≥ 5); use all leaves when too few are. */
export function sizeBins(f: Float64Array): SizeBins {
  const n = f.length;
  let big = 0;
  for (let i = 0; i < n; i += 1) if ((f[i] as number) >= 5) big += 1;
  const minSize = big >= 60 ? 5 : 0;
  const sizes: number[] = [];
  for (let i = 0; i < n; i += 1) if ((f[i] as number) >= minSize && (f[i] as number) > 0) sizes.push(f[i] as number);
  const sorted = Float64Array.from(sizes).sort();
  const count = sorted.length;
  const at = (q: number): number => (count > 0 ? (sorted[Math.min(count - 1, Math.floor(q * count))] as number) : 1);
  const bins = Math.max(1, Math.min(10, Math.floor(count / 40)));
  // Upper size limit of each bin; ties go to the lower bin, so bins are only roughly equal.
  const limits: number[] = [];
  for (let b = 1; b < bins; b += 1) limits.push(sorted[Math.round((b * count) / bins) - 1] as number);
  const binOf = new Int32Array(n).fill(-1);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i += 1) {
    const x = f[i] as number;
    if (!(x >= minSize && x > 0)) continue;
    let lo = 0;
    let hi = limits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x <= (limits[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    binOf[i] = lo;
    counts[lo] = (counts[lo] as number) + 1;
  }
  const bounds = [0];
  for (let b = 0; b < bins; b += 1) bounds.push((bounds[b] as number) + (counts[b] as number));
  const cursor = bounds.slice(0, bins);
  const order = new Int32Array(count);
  for (let i = 0; i < n; i += 1) {
    const b = binOf[i] as number;
    if (b < 0) continue;
    order[cursor[b] as number] = i;
    cursor[b] = (cursor[b] as number) + 1;
  }
  return { order, bounds, probes: [at(0.5), at(0.9), at(0.99)] };
}

/**
 * Fit φ and σ² to the residuals of observations `v` around predictions `q`. Returns also `level`,
 * the summed binned dispersion, to compare how well different predictions explain the leaves.
 */
export function fitNoise(
  v: Float64Array,
  q: Float64Array,
  bins: SizeBins,
  minDispersion: number,
): NoiseModel & { level: number } {
  const nb = bins.bounds.length - 1;
  const xs: number[] = [];
  const ys: number[] = [];
  const buf = new Float64Array(bins.order.length);
  for (let b = 0; b < nb; b += 1) {
    const lo = bins.bounds[b] as number;
    const hi = bins.bounds[b + 1] as number;
    if (hi <= lo) continue;
    let k = 0;
    let sumQ = 0;
    for (let t = lo; t < hi; t += 1) {
      const i = bins.order[t] as number;
      const p = q[i] as number;
      const d = (v[i] as number) - p;
      buf[k] = p > 0 ? (d * d) / p : 0;
      sumQ += p;
      k += 1;
    }
    xs.push(sumQ / k);
    ys.push(median(buf, k) / CHI2_MEDIAN);
  }
  if (xs.length === 0) return { phi: minDispersion, sigma2: 0, level: 0 };
  const level = ys.reduce((a, b) => a + b, 0);
  // y ≈ φ + σ²·x, least squares on relative errors (weights 1/ŷ²), twice reweighted.
  let phi = Math.max(minDispersion, median(Float64Array.from(ys)));
  let sigma2 = 0;
  if (xs.length >= 3) {
    for (let iter = 0; iter < 3; iter += 1) {
      let sw = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      xs.forEach((x, b) => {
        const y = ys[b] as number;
        const yhat = Math.max(1e-12, phi + sigma2 * x);
        const w = 1 / (yhat * yhat);
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
      });
      const det = sw * sxx - sx * sx;
      let slope = det > 0 ? (sw * sxy - sx * sy) / det : 0;
      if (!(slope > 0)) slope = 0;
      let intercept = (sy - slope * sx) / sw;
      if (intercept < minDispersion) {
        intercept = minDispersion;
        // Refit the slope alone with the intercept held at its floor.
        let num = 0;
        let den = 0;
        xs.forEach((x, b) => {
          const yhat = Math.max(1e-12, phi + sigma2 * x);
          const w = 1 / (yhat * yhat);
          num += w * x * ((ys[b] as number) - intercept);
          den += w * x * x;
        });
        slope = den > 0 ? Math.max(0, num / den) : 0;
      }
      phi = intercept;
      sigma2 = slope;
    }
  }
  if (!Number.isFinite(phi)) phi = minDispersion;
  if (!Number.isFinite(sigma2)) sigma2 = 0;
  return { phi: Math.max(minDispersion, phi), sigma2, level };
}

/** Whether two noise models give variances within 20 % of each other at the given sizes. */
export function similarNoise(a: NoiseModel, b: NoiseModel, sizes: readonly number[]): boolean {
  return sizes.every((x) => {
    const va = a.phi + a.sigma2 * x;
    const vb = b.phi + b.sigma2 * x;
    return va <= vb * 1.25 && vb <= va * 1.25;
  });
}

/**
 * Spread of a change across the leaves it touches: within a root cause the leaves change alike but
 * not equally (an outage hurts one handset model more than another), which adds τ²·d_i² to the
 * variance of a leaf whose fitted change is d_i. Estimated from the leaves whose fitted change is at
 * least one standard deviation of the base noise, as the τ² that brings the median of their
 * standardized squared residuals back to the χ² median. Without it, big slices with uneven changes
 * would be "corrected" by spurious extra combinations.
 */
export function fitChangeSpread(
  v: Float64Array,
  q: Float64Array,
  f: Float64Array,
  leaves: Int32Array,
  noise: NoiseModel,
): number {
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (const i of leaves) {
    const qi = q[i] as number;
    const base = qi * (noise.phi + noise.sigma2 * qi);
    const d = qi - (f[i] as number);
    if (!(base > 0) || d * d < base) continue;
    const r = (v[i] as number) - qi;
    a.push(r * r);
    b.push(base);
    c.push(d * d);
  }
  const k = a.length;
  if (k < 8) return 0;
  const buf = new Float64Array(k);
  const g = (tau2: number): number => {
    for (let t = 0; t < k; t += 1) buf[t] = (a[t] as number) / ((b[t] as number) + tau2 * (c[t] as number));
    return median(buf, k);
  };
  if (g(0) <= CHI2_MEDIAN) return 0;
  let lo = 0;
  let hi = 1e-4;
  for (let t = 0; t < 80 && g(hi) > CHI2_MEDIAN; t += 1) hi *= 2;
  for (let t = 0; t < 50; t += 1) {
    const mid = lo === 0 ? hi / 2 : Math.sqrt(lo * hi);
    if (g(mid) > CHI2_MEDIAN) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-3 * hi) break;
  }
  return hi;
}
