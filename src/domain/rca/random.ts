/**
 * Small deterministic random toolkit for the synthetic root-cause benchmark.
 *
 * Everything here is pure: a generator is a closure over its own 32-bit state, created from a seed,
 * so the same seed always yields the same cube. Not for cryptography.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * A 32-bit generator (a Weyl sequence passed through an integer mixing function). Fast, with a
 * period of 2^32, which is plenty for benchmark cubes.
 */
export function seededRng(seed: number): Rng {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** Uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Standard normal deviate (Box–Muller, one of the pair). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= 1e-300) u = rng();
  const w = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
}

/** exp(N(mu, sigma²)). */
export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rng));
}

/**
 * Poisson deviate. Exact (multiplication method) for small means; for larger means a rounded normal
 * approximation, which is indistinguishable for the benchmark's purposes and O(1).
 */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 40) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = rng();
    while (prod > limit) {
      k += 1;
      prod *= rng();
    }
    return k;
  }
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
}

/** Binomial deviate: exact for small n, Poisson or normal approximations otherwise. */
export function binomial(rng: Rng, n: number, p: number): number {
  const trials = Math.max(0, Math.round(n));
  if (trials === 0 || !(p > 0)) return 0;
  if (p >= 1) return trials;
  if (trials < 40) {
    let k = 0;
    for (let i = 0; i < trials; i += 1) if (rng() < p) k += 1;
    return k;
  }
  const mean = trials * p;
  if (p < 0.05 && mean < 40) return Math.min(trials, poisson(rng, mean));
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(trials, Math.max(0, Math.round(mean + sd * normal(rng))));
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randInt(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** Index drawn with probability proportional to weights (given their cumulative sums). */
export function pickCumulative(rng: Rng, cumulative: ArrayLike<number>): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = rng() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
