import { describe, expect, it } from 'vitest';
import { combinationKey, generateCase, scoreF1, type DimensionSpec } from '../../../src/domain/rca/cuboid.ts';
import { binomial, poisson, seededRng } from '../../../src/domain/rca/random.ts';
import type { Combination } from '../../../src/domain/rca/types.ts';

const SMALL: DimensionSpec[] = [
  { name: 'country', size: 6 },
  { name: 'isp', size: 5 },
  { name: 'os', size: 4 },
  { name: 'net', size: 3 },
];

const inSlice = (dims: Record<string, string>, c: Combination): boolean => Object.entries(c).every(([k, v]) => dims[k] === v);

describe('seeded random numbers', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws Poisson and binomial counts with the right mean', () => {
    const rng = seededRng(1);
    for (const mean of [0.5, 7, 300]) {
      let sum = 0;
      for (let i = 0; i < 4000; i += 1) sum += poisson(rng, mean);
      expect(sum / 4000).toBeCloseTo(mean, mean > 100 ? -0.5 : 0);
    }
    let sum = 0;
    for (let i = 0; i < 4000; i += 1) {
      const k = binomial(rng, 200, 0.1);
      expect(k).toBeLessThanOrEqual(200);
      sum += k;
    }
    expect(sum / 4000).toBeCloseTo(20, 0);
  });
});

describe('generateCase', () => {
  it('is deterministic for a seed', () => {
    const a = generateCase({ seed: 5, measure: 'ratio', layer: 2, elements: 2, dims: SMALL });
    const b = generateCase({ seed: 5, measure: 'ratio', layer: 2, elements: 2, dims: SMALL });
    const c = generateCase({ seed: 6, measure: 'ratio', layer: 2, elements: 2, dims: SMALL });
    expect(a).toEqual(b);
    expect(c.rows).not.toEqual(a.rows);
  });

  it('injects the requested number of combinations in the requested layer, disjoint and with traffic', () => {
    for (const measure of ['additive', 'ratio'] as const) {
      for (const layer of [1, 2, 3] as const) {
        for (const elements of [1, 2, 3]) {
          const c = generateCase({ seed: layer * 10 + elements, measure, layer, elements, dims: SMALL });
          expect(c.rootCause).toHaveLength(elements);
          for (const rc of c.rootCause) {
            expect(Object.keys(rc)).toHaveLength(layer);
            expect(c.rows.some((r) => inSlice(r.dims, rc))).toBe(true);
          }
          for (const r of c.rows) expect(c.rootCause.filter((rc) => inSlice(r.dims, rc)).length).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('mixes layers on request and lets combinations of different cuboids overlap without nesting', () => {
    const c = generateCase({ seed: 3, measure: 'additive', layer: 'mixed', elements: 3, dims: SMALL, allowOverlap: true });
    expect(new Set(c.rootCause.map((rc) => Object.keys(rc).length))).toEqual(new Set([1, 2, 3]));
    for (const a of c.rootCause) {
      for (const b of c.rootCause) {
        if (a === b) continue;
        expect(Object.entries(a).every(([k, v]) => b[k] === v)).toBe(false);
      }
    }
  });

  it('changes real values only in the injected slices (up to noise) and keeps ratio rows consistent', () => {
    const c = generateCase({ seed: 9, measure: 'ratio', layer: 2, elements: 1, dims: SMALL, volume: 5e7 });
    const [rc] = c.rootCause as [Combination];
    const sums = (pred: (d: Record<string, string>) => boolean): [number, number] =>
      c.rows.filter((r) => pred(r.dims)).reduce<[number, number]>((acc, r) => [acc[0] + r.real, acc[1] + (r.expected / r.expectedTotal!) * r.realTotal!], [0, 0]);
    const [inReal, inExpected] = sums((d) => inSlice(d, rc));
    const [outReal, outExpected] = sums((d) => !inSlice(d, rc));
    expect(inReal / inExpected).toBeCloseTo(c.injected[0]!.factor, 1);
    expect(outReal / outExpected).toBeCloseTo(1, 1);
    for (const r of c.rows) {
      expect(r.real).toBeLessThanOrEqual(r.realTotal!);
      expect(r.realTotal).toBeGreaterThan(0);
    }
    expect(c.decoy).not.toBeNull();
    expect(c.rootCause.some((x) => Object.entries(x).every(([k, v]) => c.decoy![k] === v))).toBe(false);
  });

  it('samples a sparse cube when the full one is too big, and injects nothing for zero elements', () => {
    const c = generateCase({ seed: 2, measure: 'additive', elements: 0, maxLeaves: 300 });
    expect(c.rows.length).toBeLessThanOrEqual(300);
    expect(c.rows.length).toBeGreaterThan(200);
    expect(c.rootCause).toEqual([]);
    const full = generateCase({ seed: 2, measure: 'additive', elements: 1, dims: SMALL, maxLeaves: 10_000 });
    expect(full.rows).toHaveLength(6 * 5 * 4 * 3);
  });
});

describe('scoreF1', () => {
  const id = { country: 'ID' };
  const idTel = { country: 'ID', isp: 'Telkomsel' };
  const vn = { country: 'VN' };
  const table: Array<{ name: string; predicted: Combination[]; truth: Combination[]; f1: number; precision: number; recall: number }> = [
    { name: 'exact set', predicted: [idTel, vn], truth: [vn, { isp: 'Telkomsel', country: 'ID' }], f1: 1, precision: 1, recall: 1 },
    { name: 'a parent is a miss', predicted: [id], truth: [idTel], f1: 0, precision: 0, recall: 0 },
    { name: 'half found', predicted: [vn], truth: [vn, idTel], f1: 2 / 3, precision: 1, recall: 0.5 },
    { name: 'one extra', predicted: [vn, id], truth: [vn], f1: 2 / 3, precision: 0.5, recall: 1 },
    { name: 'both empty', predicted: [], truth: [], f1: 1, precision: 1, recall: 1 },
    { name: 'nothing predicted', predicted: [], truth: [vn], f1: 0, precision: 0, recall: 0 },
    { name: 'false alarm', predicted: [vn], truth: [], f1: 0, precision: 0, recall: 0 },
  ];
  for (const t of table) {
    it(`scores ${t.name}`, () => {
      const s = scoreF1(t.predicted, t.truth);
      expect(s.f1).toBeCloseTo(t.f1, 10);
      expect(s.precision).toBeCloseTo(t.precision, 10);
      expect(s.recall).toBeCloseTo(t.recall, 10);
    });
  }

  it('keys combinations independently of key order', () => {
    expect(combinationKey({ b: '2', a: '1' })).toBe(combinationKey({ a: '1', b: '2' }));
  });
});
