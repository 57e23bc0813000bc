import { describe, expect, it } from 'vitest';
import { generateCase, scoreF1, type CaseLayer, type CaseOptions, type DimensionSpec } from '../../../src/domain/rca/cuboid.ts';
import { localize } from '../../../src/domain/rca/localize.ts';
import type { Measure } from '../../../src/domain/rca/types.ts';

// Smaller cubes than bench/rca.ts so that 120+ cases run in a few seconds.
const DIMS: DimensionSpec[] = [
  { name: 'country', size: 8 },
  { name: 'isp', size: 6 },
  { name: 'os', size: 5 },
  { name: 'sdk', size: 6 },
  { name: 'net', size: 4 },
];

function meanF1(extra: Partial<CaseOptions>, seeds: number, firstSeed: number): { f1: number; cases: number; worst: string[] } {
  let sum = 0;
  let cases = 0;
  const worst: string[] = [];
  let seed = firstSeed;
  for (const measure of ['additive', 'ratio'] as Measure[]) {
    for (const layer of [1, 2, 3, 'mixed'] as CaseLayer[]) {
      for (const elements of [1, 2, 3]) {
        for (let k = 0; k < seeds; k += 1) {
          seed += 1;
          const c = generateCase({ seed, measure, layer, elements, dims: DIMS, maxLeaves: 1500, ...extra });
          const { f1 } = scoreF1(localize({ measure, rows: c.rows }).rootCause, c.rootCause);
          sum += f1;
          cases += 1;
          if (f1 < 1) worst.push(`${measure} layer ${String(layer)} × ${elements} (seed ${seed}): F1 ${f1.toFixed(2)}`);
        }
      }
    }
  }
  return { f1: sum / cases, cases, worst };
}

describe('localize on generated benchmark cubes', () => {
  it('reaches a mean F1 of at least 0.9 over 120 seeded cases (1–3 causes, layers 1–3, additive and ratio)', () => {
    const r = meanF1({}, 5, 1000);
    expect(r.cases).toBeGreaterThanOrEqual(100);
    expect(r.f1, r.worst.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('stays above 0.9 with forecast error, uneven changes within a cause and overlapping causes', () => {
    const r = meanF1({ forecastNoise: 0.05, changeJitter: 0.3, allowOverlap: true }, 2, 5000);
    expect(r.f1, r.worst.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('reports nothing on cubes where nothing changed', () => {
    let falseAlarms = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const measure: Measure = seed % 2 === 0 ? 'additive' : 'ratio';
      const c = generateCase({ seed: 9000 + seed, measure, elements: 0, dims: DIMS, maxLeaves: 1500, forecastNoise: seed % 4 < 2 ? 0 : 0.05 });
      if (localize({ measure, rows: c.rows }).rootCause.length > 0) falseAlarms += 1;
    }
    expect(falseAlarms).toBeLessThanOrEqual(1);
  });
});
