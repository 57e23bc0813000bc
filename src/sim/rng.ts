/** A small seeded random source (mulberry32) and the draws the simulator needs. Deterministic. */
export interface Rng {
  (): number;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive an independent stream from a seed and a label. */
export function fork(seed: number, label: string): Rng {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return rng(h >>> 0);
}

export function normal(r: Rng): number {
  let u = r();
  while (u <= 1e-12) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** exp(N(0, σ²)) scaled to mean 1. */
export function logNormalUnit(r: Rng, sigma: number): number {
  return Math.exp(sigma * normal(r) - (sigma * sigma) / 2);
}

export function exponential(r: Rng): number {
  return -Math.log(1 - r());
}

export function poisson(r: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(r)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

export function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** Pick from [item, weight] pairs. */
export function weighted<T>(r: Rng, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = r() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

export function shuffle<T>(r: Rng, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** Cumulative table for repeated weighted picks. */
export class Table<T> {
  private readonly cum: Float64Array;
  constructor(readonly items: readonly T[], weights: readonly number[]) {
    this.cum = new Float64Array(items.length);
    let s = 0;
    for (let i = 0; i < items.length; i++) {
      s += Math.max(0, weights[i] ?? 0);
      this.cum[i] = s;
    }
  }
  get total(): number {
    return this.cum.length ? (this.cum[this.cum.length - 1] as number) : 0;
  }
  pick(r: Rng): T {
    const x = r() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < (this.cum[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
