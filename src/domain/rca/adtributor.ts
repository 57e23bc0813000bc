/**
 * Baseline for the benchmark: a single-dimension explanatory-power ranking in the manner of
 * Adtributor (Bhagwan et al., NSDI 2014), written from its description.
 *
 * For every dimension, each value gets an explanatory power (the share of the total change that
 * reverting that value to its expectation would undo) and a surprise (Jensen–Shannon divergence
 * between its expected and observed share of the total). Values are taken in order of surprise while
 * each explains at least `minElementPower`, until together they explain `minSetPower`; the
 * dimension whose set is most surprising is the answer. Ratio measures use the derived-measure
 * form (numerator and denominator reverted together), without the conditioning on the observed
 * denominator that `localize` does. It never looks at combinations of dimensions.
 */
import type { Combination, LocalizeInput, LocalizeResult } from './types.ts';

export interface AdtributorOptions {
  /** Smallest explanatory power of one value (T_EEP). Default 0.1. */
  minElementPower?: number;
  /** Explanatory power the set must reach (T_EP). Default 0.67. */
  minSetPower?: number;
}

function finite(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null;
}

function jsTerm(p: number, q: number): number {
  const m = (p + q) / 2;
  let s = 0;
  if (p > 0) s += p * Math.log(p / m);
  if (q > 0) s += q * Math.log(q / m);
  return s / 2;
}

export function adtributor(input: LocalizeInput, options: AdtributorOptions = {}): LocalizeResult {
  const tEEP = options.minElementPower ?? 0.1;
  const tEP = options.minSetPower ?? 0.67;
  const ratio = input.measure === 'ratio';
  const rows = Array.isArray(input.rows) ? input.rows : [];
  // Per dimension and value: [real, expected, realTotal, expectedTotal].
  const sums = new Map<string, Map<string, [number, number, number, number]>>();
  const total: [number, number, number, number] = [0, 0, 0, 0];
  for (const row of rows) {
    if (row === null || typeof row !== 'object' || row.dims === null || typeof row.dims !== 'object') continue;
    const a = finite(row.real);
    const e = finite(row.expected);
    const b = ratio ? finite(row.realTotal) : 0;
    const be = ratio ? finite(row.expectedTotal) ?? 0 : 0;
    if (a === null || e === null || b === null) continue;
    const add = (t: [number, number, number, number]): void => {
      t[0] += a;
      t[1] += e;
      t[2] += b;
      t[3] += be;
    };
    add(total);
    for (const [dim, value] of Object.entries(row.dims)) {
      let byValue = sums.get(dim);
      if (!byValue) {
        byValue = new Map();
        sums.set(dim, byValue);
      }
      const key = String(value);
      let t = byValue.get(key);
      if (!t) {
        t = [0, 0, 0, 0];
        byValue.set(key, t);
      }
      add(t);
    }
  }
  const [A, Ae, B, Be] = total;
  const measureOf = (a: number, b: number): number => (ratio ? (b > 0 ? a / b : 0) : a);
  const observed = measureOf(A, B);
  const expected = measureOf(Ae, Be);
  const change = observed - expected;
  if (!(Math.abs(change) > 1e-12 * Math.max(1, Math.abs(expected)))) return { rootCause: [], candidates: [] };

  let best: { surprise: number; set: Array<{ dims: Combination; power: number }> } | null = null;
  const all: Array<{ dims: Combination; score: number }> = [];
  for (const [dim, byValue] of sums) {
    const elements: Array<{ value: string; power: number; surprise: number }> = [];
    for (const [value, [a, ae, b, be]] of byValue) {
      const reverted = measureOf(A - a + ae, B - b + be);
      const power = (observed - reverted) / change;
      let surprise = jsTerm(Ae > 0 ? ae / Ae : 0, A > 0 ? a / A : 0);
      if (ratio) surprise += jsTerm(Be > 0 ? be / Be : 0, B > 0 ? b / B : 0);
      elements.push({ value, power, surprise });
      all.push({ dims: { [dim]: value }, score: power });
    }
    elements.sort((x, y) => y.surprise - x.surprise);
    const set: Array<{ dims: Combination; power: number }> = [];
    let power = 0;
    let surprise = 0;
    for (const el of elements) {
      if (el.power < tEEP) continue;
      set.push({ dims: { [dim]: el.value }, power: el.power });
      power += el.power;
      surprise += el.surprise;
      if (power > tEP) break;
    }
    if (power > tEP && (!best || surprise > best.surprise)) best = { surprise, set };
  }
  if (!best) return { rootCause: [], candidates: [] };
  all.sort((x, y) => y.score - x.score);
  return {
    rootCause: best.set.map((x) => x.dims),
    candidates: all.slice(0, 10).map((x) => ({ dims: x.dims, score: Math.round(Math.min(1, Math.max(0, x.score)) * 1e4) / 1e4 })),
  };
}
