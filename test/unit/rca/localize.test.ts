import { describe, expect, it } from 'vitest';
import { localize, localizeDetailed, MISSING_VALUE } from '../../../src/domain/rca/localize.ts';
import { poisson, seededRng } from '../../../src/domain/rca/random.ts';
import type { Combination, RcaRow } from '../../../src/domain/rca/types.ts';

// ---- small hand-built cubes -----------------------------------------------------------------

type Dims = Record<string, string[]>;

interface Effect {
  where: Combination;
  /** Multiplier of the leaf's value (additive) or ratio (ratio). */
  factor: number;
}

const DIMS: Dims = {
  country: ['ID', 'VN', 'TH', 'PH'],
  isp: ['A', 'B', 'C'],
  os: ['android', 'ios', 'web'],
  sdk: ['4.1.0', '4.2.0', '4.2.1'],
  net: ['wifi', '4g'],
};

function leaves(dims: Dims): Combination[] {
  let out: Combination[] = [{}];
  for (const [name, values] of Object.entries(dims)) {
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [name]: v })));
  }
  return out;
}

function matches(leaf: Combination, where: Combination): boolean {
  return Object.entries(where).every(([k, v]) => leaf[k] === v);
}

/** A skewed but deterministic volume per leaf: earlier values are more popular. */
function volume(dims: Dims, leaf: Combination, total: number): number {
  let w = 1;
  for (const [name, values] of Object.entries(dims)) w *= 1 / (values.indexOf(leaf[name] as string) + 1) ** 0.6;
  let norm = 1;
  for (const values of Object.values(dims)) norm *= values.reduce((a, _, j) => a + 1 / (j + 1) ** 0.6, 0);
  return (total * w) / norm;
}

function factorOf(leaf: Combination, effects: readonly Effect[]): number {
  return effects.reduce((acc, e) => (matches(leaf, e.where) ? acc * e.factor : acc), 1);
}

/** Additive cube: real = expected × effects, with Poisson noise when a seed is given. */
function additiveCube(effects: readonly Effect[], options: { dims?: Dims; total?: number; seed?: number } = {}): RcaRow[] {
  const dims = options.dims ?? DIMS;
  const rng = options.seed === undefined ? null : seededRng(options.seed);
  return leaves(dims).map((leaf) => {
    const expected = volume(dims, leaf, options.total ?? 500_000);
    const mean = expected * factorOf(leaf, effects);
    return { dims: leaf, expected, real: rng ? poisson(rng, mean) : Math.round(mean) };
  });
}

/** Ratio cube: packets per leaf (denominator) and lost packets (numerator) at a 2 % base rate. */
function ratioCube(
  effects: readonly Effect[],
  options: { dims?: Dims; total?: number; seed?: number; traffic?: readonly Effect[]; rate?: number } = {},
): RcaRow[] {
  const dims = options.dims ?? DIMS;
  const rng = seededRng(options.seed ?? 7);
  const rate = options.rate ?? 0.02;
  return leaves(dims).map((leaf) => {
    const expectedTotal = Math.round(volume(dims, leaf, options.total ?? 20_000_000));
    const realTotal = poisson(rng, expectedTotal * factorOf(leaf, options.traffic ?? []));
    const p = Math.min(1, rate * factorOf(leaf, effects));
    const real = Math.min(realTotal, poisson(rng, realTotal * p));
    return { dims: leaf, real, expected: expectedTotal * rate, realTotal, expectedTotal };
  });
}

const sortKeys = (cs: readonly Combination[]): string[] =>
  cs.map((c) => JSON.stringify(Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b))))).sort();

// ---- behaviour --------------------------------------------------------------------------------

describe('localize: hand-built cubes with known answers', () => {
  const table: Array<{ name: string; effects: Effect[]; truth: Combination[]; seed?: number }> = [
    {
      name: 'names one ISP in one country, not the country',
      effects: [{ where: { country: 'ID', isp: 'B' }, factor: 0.4 }],
      truth: [{ country: 'ID', isp: 'B' }],
    },
    {
      name: 'names the whole country when every slice of it dropped, not each ISP',
      effects: [{ where: { country: 'VN' }, factor: 0.6 }],
      truth: [{ country: 'VN' }],
    },
    {
      name: 'names an SDK version on one OS (layer 2)',
      effects: [{ where: { os: 'android', sdk: '4.2.1' }, factor: 1.8 }],
      truth: [{ os: 'android', sdk: '4.2.1' }],
    },
    {
      name: 'names a three-dimension slice',
      effects: [{ where: { country: 'TH', isp: 'A', net: '4g' }, factor: 0.3 }],
      truth: [{ country: 'TH', isp: 'A', net: '4g' }],
    },
    {
      name: 'names two simultaneous causes in different layers with different magnitudes',
      effects: [
        { where: { country: 'ID', isp: 'A' }, factor: 0.5 },
        { where: { os: 'web' }, factor: 1.3 },
      ],
      truth: [{ country: 'ID', isp: 'A' }, { os: 'web' }],
    },
    {
      name: 'names three causes, layers 1 to 3, under Poisson noise',
      effects: [
        { where: { sdk: '4.1.0' }, factor: 0.7 },
        { where: { country: 'VN', os: 'ios' }, factor: 1.6 },
        { where: { country: 'PH', isp: 'A', net: 'wifi' }, factor: 0.2 },
      ],
      truth: [{ sdk: '4.1.0' }, { country: 'VN', os: 'ios' }, { country: 'PH', isp: 'A', net: 'wifi' }],
      seed: 3,
    },
    {
      name: 'names the slice whose leaves all changed when two causes overlap',
      effects: [
        { where: { country: 'TH' }, factor: 0.5 },
        { where: { isp: 'C', net: 'wifi' }, factor: 1.7 },
      ],
      truth: [{ country: 'TH' }, { isp: 'C', net: 'wifi' }],
      seed: 11,
    },
  ];

  for (const t of table) {
    it(t.name, () => {
      const rows = additiveCube(t.effects, { seed: t.seed });
      const result = localize({ measure: 'additive', rows });
      expect(sortKeys(result.rootCause)).toEqual(sortKeys(t.truth));
    });
  }

  it('finds the same root cause under Poisson noise for many seeds', () => {
    for (let seed = 1; seed <= 8; seed += 1) {
      const rows = additiveCube([{ where: { country: 'ID', isp: 'B' }, factor: 0.6 }], { seed });
      expect(localize({ measure: 'additive', rows }).rootCause).toEqual([{ country: 'ID', isp: 'B' }]);
    }
  });

  it('returns the more general combination when two describe the same leaves', () => {
    // Real ISPs live in one country: {isp: Telkomsel} and {country: ID, isp: Telkomsel} are one slice.
    const rows = additiveCube([], { seed: 5 }).map((r) => {
      const isp = `${r.dims.country}-${r.dims.isp}`;
      return { ...r, dims: { ...r.dims, isp: r.dims.country === 'ID' && r.dims.isp === 'A' ? 'Telkomsel' : isp } };
    });
    for (const r of rows) if (r.dims.isp === 'Telkomsel') r.real = Math.round(r.expected * 0.5);
    expect(localize({ measure: 'additive', rows }).rootCause).toEqual([{ isp: 'Telkomsel' }]);
  });

  it('returns an empty root cause when nothing changed', () => {
    expect(localize({ measure: 'additive', rows: additiveCube([]) })).toEqual({ rootCause: [], candidates: [] });
    for (const seed of [1, 2, 3, 4]) {
      expect(localize({ measure: 'additive', rows: additiveCube([], { seed }) }).rootCause).toEqual([]);
      expect(localize({ measure: 'ratio', rows: ratioCube([], { seed }) }).rootCause).toEqual([]);
    }
  });

  it('ignores changes below the minimum relative change', () => {
    const rows = additiveCube([{ where: { country: 'ID' }, factor: 0.97 }]);
    expect(localize({ measure: 'additive', rows }).rootCause).toEqual([]);
    expect(localize({ measure: 'additive', rows }, { minRelativeChange: 0.01 }).rootCause).toEqual([{ country: 'ID' }]);
  });

  it('ranks candidates best first with scores between 0 and 1, the root cause among them', () => {
    const rows = additiveCube([{ where: { country: 'ID', isp: 'B' }, factor: 0.4 }], { seed: 2 });
    const { rootCause, candidates } = localize({ measure: 'additive', rows });
    expect(candidates[0]?.dims).toEqual(rootCause[0]);
    expect(candidates[0]?.score).toBeCloseTo(1, 1);
    for (let i = 1; i < candidates.length; i += 1) {
      expect(candidates[i]!.score).toBeLessThanOrEqual(candidates[i - 1]!.score);
      expect(candidates[i]!.score).toBeGreaterThanOrEqual(0);
    }
    expect(candidates.length).toBeLessThanOrEqual(10);
  });

  it('is deterministic', () => {
    const rows = additiveCube([{ where: { os: 'ios', net: '4g' }, factor: 1.5 }], { seed: 9 });
    expect(localize({ measure: 'additive', rows })).toEqual(localize({ measure: 'additive', rows: [...rows].reverse() }));
  });
});

describe('localize: ratio measures', () => {
  it('judges numerators against denominators: a slice whose traffic grew is not the cause', () => {
    // Indonesia doubled its traffic (lost packets doubled with it, loss rate unchanged); the loss
    // rate of ISP B in Vietnam tripled, a smaller absolute change in lost packets.
    const rows = ratioCube([{ where: { country: 'VN', isp: 'B' }, factor: 3 }], {
      traffic: [{ where: { country: 'ID' }, factor: 2 }],
    });
    const excess = (where: Combination): number =>
      rows.filter((r) => matches(r.dims, where)).reduce((a, r) => a + r.real - r.expected, 0);
    expect(excess({ country: 'ID' })).toBeGreaterThan(2 * excess({ country: 'VN', isp: 'B' }));

    expect(localize({ measure: 'ratio', rows }).rootCause).toEqual([{ country: 'VN', isp: 'B' }]);
    // Looking at numerators alone gets it wrong, which is the point.
    expect(localize({ measure: 'additive', rows }).rootCause).toContainEqual({ country: 'ID' });
  });

  it('weighs a tiny slice with a high ratio below the slice that explains the change', () => {
    const rows = ratioCube([{ where: { country: 'ID', isp: 'A' }, factor: 2 }], { seed: 4 });
    const tiny = { country: 'PH', isp: 'C', os: 'web', sdk: '4.2.1', net: '4g' };
    const leaf = rows.find((r) => matches(r.dims, tiny))!;
    Object.assign(leaf, { realTotal: 150, expectedTotal: 150, expected: 3, real: 30 }); // 10× the rate, little traffic
    const { rootCause, candidates } = localize({ measure: 'ratio', rows });
    expect(rootCause[0]).toEqual({ country: 'ID', isp: 'A' });
    expect(candidates[0]).toEqual({ dims: { country: 'ID', isp: 'A' }, score: expect.any(Number) });
    for (const c of candidates) if (matches(tiny, c.dims)) expect(c.score).toBeLessThan(0.05);
  });

  it('finds a drop of a success rate by analysing its complement', () => {
    // Join success: 98 % normally, 80 % on iOS with SDK 4.2.0.
    const rng = seededRng(21);
    const rows: RcaRow[] = leaves(DIMS).map((leaf) => {
      const expectedTotal = Math.round(volume(DIMS, leaf, 3_000_000));
      const realTotal = poisson(rng, expectedTotal);
      const rate = matches(leaf, { os: 'ios', sdk: '4.2.0' }) ? 0.8 : 0.98;
      const real = realTotal - Math.min(realTotal, poisson(rng, realTotal * (1 - rate)));
      return { dims: leaf, real, expected: expectedTotal * 0.98, realTotal, expectedTotal };
    });
    const result = localizeDetailed({ measure: 'ratio', rows });
    expect(result.rootCause).toEqual([{ os: 'ios', sdk: '4.2.0' }]);
    expect(result.diagnostics.complement).toBe(true);
  });

  it('handles quantities in milliseconds (heavy over-dispersion) like counts', () => {
    // Video freeze ms / video ms: each freeze is hundreds of ms, so noise is far above Poisson.
    const rng = seededRng(5);
    const rows: RcaRow[] = leaves(DIMS).map((leaf) => {
      const videoMs = Math.round(volume(DIMS, leaf, 4e9));
      const rate = 0.01 * (matches(leaf, { country: 'PH', os: 'android' }) ? 3 : 1);
      const freezes = poisson(rng, (videoMs * rate) / 800);
      return { dims: leaf, real: freezes * 800, expected: videoMs * 0.01, realTotal: videoMs, expectedTotal: videoMs };
    });
    const result = localizeDetailed({ measure: 'ratio', rows });
    expect(result.rootCause).toEqual([{ country: 'PH', os: 'android' }]);
    expect(result.diagnostics.dispersion).toBeGreaterThan(100);
  });
});

describe('localize: awkward input', () => {
  it('returns an empty answer for no rows, non-array rows or no dimensions', () => {
    expect(localize({ measure: 'additive', rows: [] })).toEqual({ rootCause: [], candidates: [] });
    expect(localize({ measure: 'ratio', rows: null as unknown as RcaRow[] })).toEqual({ rootCause: [], candidates: [] });
    expect(localize({ measure: 'additive', rows: [{ dims: {}, real: 5, expected: 1 }] })).toEqual({ rootCause: [], candidates: [] });
  });

  it('ignores rows with NaN, infinite, negative or missing numbers and counts them', () => {
    const rows = additiveCube([{ where: { country: 'ID', isp: 'B' }, factor: 0.4 }]);
    const bad = [
      { dims: { country: 'ID', isp: 'B', os: 'ios', sdk: '4.1.0', net: 'wifi' }, real: Number.NaN, expected: 10 },
      { dims: { country: 'ID', isp: 'B', os: 'ios', sdk: '4.1.0', net: 'wifi' }, real: 5, expected: Number.POSITIVE_INFINITY },
      { dims: { country: 'VN', isp: 'B', os: 'ios', sdk: '4.1.0', net: 'wifi' }, real: -5, expected: 10 },
      { dims: { country: 'VN', isp: 'B', os: 'ios', sdk: '4.1.0', net: 'wifi' }, real: '7', expected: 10 },
      { dims: null, real: 1, expected: 1 },
      null,
      42,
    ] as unknown as RcaRow[];
    const result = localizeDetailed({ measure: 'additive', rows: [...rows, ...bad] });
    expect(result.rootCause).toEqual([{ country: 'ID', isp: 'B' }]);
    expect(result.diagnostics.rowsInvalid).toBe(bad.length);
  });

  it('survives zero denominators in ratio rows', () => {
    const rows = ratioCube([{ where: { country: 'TH', os: 'web' }, factor: 4 }]);
    const extra: RcaRow[] = [
      { dims: { country: 'TH', isp: 'A', os: 'web', sdk: '4.1.0', net: 'wifi' }, real: 0, expected: 0, realTotal: 0, expectedTotal: 0 },
      { dims: { country: 'ID', isp: 'A', os: 'web', sdk: '4.1.0', net: 'wifi' }, real: 3, expected: 1, realTotal: 0, expectedTotal: 10 },
      { dims: { country: 'ID', isp: 'C', os: 'web', sdk: '4.1.0', net: 'wifi' }, real: 30, expected: 0, realTotal: 1000, expectedTotal: 0 },
      { dims: { country: 'ID', isp: 'C', os: 'ios', sdk: '4.1.0', net: 'wifi' }, real: 30, expected: 2 } as RcaRow,
    ];
    const result = localizeDetailed({ measure: 'ratio', rows: [...rows, ...extra] });
    expect(result.rootCause).toEqual([{ country: 'TH', os: 'web' }]);
    // a positive numerator over no traffic, and a ratio row without realTotal
    expect(result.diagnostics.rowsInvalid).toBe(2);
  });

  it('fills a dimension a row lacks with a value of its own, or drops the row on request', () => {
    const rows = additiveCube([{ where: { country: 'ID', isp: 'B' }, factor: 0.4 }]);
    const partial = rows.map((r, i) => (i % 5 === 0 ? { ...r, dims: Object.fromEntries(Object.entries(r.dims).filter(([k]) => k !== 'net')) } : r));
    const filled = localizeDetailed({ measure: 'additive', rows: partial });
    expect(filled.rootCause).toEqual([{ country: 'ID', isp: 'B' }]);
    expect(filled.diagnostics.valuesFilled).toBe(Math.ceil(rows.length / 5));
    expect(filled.diagnostics.dimensions).toEqual(['country', 'isp', 'os', 'sdk', 'net']);

    const dropped = localizeDetailed({ measure: 'additive', rows: partial }, { missingDimension: 'drop' });
    expect(dropped.rootCause).toEqual([{ country: 'ID', isp: 'B' }]);
    expect(dropped.diagnostics.rowsMissingDimension).toBe(Math.ceil(rows.length / 5));

    // An anomaly confined to the rows without the dimension is named with the placeholder value.
    const lost = partial.map((r) => (r.dims.net === undefined && r.dims.country === 'VN' ? { ...r, real: Math.round(r.expected * 0.3) } : r));
    const rows2 = lost.map((r) => (r.dims.country === 'ID' && r.dims.isp === 'B' ? { ...r, real: Math.round(r.expected) } : r));
    expect(localize({ measure: 'additive', rows: rows2 }).rootCause).toEqual([{ country: 'VN', net: MISSING_VALUE }]);
  });

  it('merges rows that repeat the same dimension values', () => {
    const rows = additiveCube([{ where: { os: 'ios', sdk: '4.2.0' }, factor: 0.5 }]);
    const halves = rows.flatMap((r) => [
      { ...r, real: r.real / 2, expected: r.expected / 2 },
      { ...r, real: r.real / 2, expected: r.expected / 2 },
    ]);
    const result = localizeDetailed({ measure: 'additive', rows: halves });
    expect(result.rootCause).toEqual([{ os: 'ios', sdk: '4.2.0' }]);
    expect(result.diagnostics.leaves).toBe(rows.length);
  });

  it('prunes deep layers to children of deviating parents when the work budget is small, with the same answer', () => {
    const rows = additiveCube([{ where: { country: 'TH', isp: 'A', net: '4g' }, factor: 0.3 }], { seed: 8 });
    const result = localizeDetailed({ measure: 'additive', rows }, { searchBudget: 1 });
    expect(result.diagnostics.prunedLayers).toEqual([2, 3]);
    expect(result.rootCause).toEqual([{ country: 'TH', isp: 'A', net: '4g' }]);
  });

  it('respects maxLayer', () => {
    const rows = additiveCube([{ where: { country: 'TH', isp: 'A', net: '4g' }, factor: 0.3 }]);
    const result = localize({ measure: 'additive', rows }, { maxLayer: 2 });
    for (const c of result.rootCause) expect(Object.keys(c).length).toBeLessThanOrEqual(2);
  });
});
