/**
 * Turns request rows into a dense leaf table for localization.
 *
 * Behaviour on awkward input (documented for the API, never a throw):
 * - `rows` that is not an array, or is empty, gives an empty cube (and so an empty answer).
 * - A row whose numbers are missing, non-finite or negative is ignored (`rowsInvalid`). For
 *   `ratio`, `realTotal` is required; a positive `real` over a zero `realTotal` is ignored; a row
 *   without traffic (both zero) carries nothing and is skipped. A missing or zero `expectedTotal`
 *   makes the row borrow the expected ratio of the whole cube. For `additive`, a row with `real`
 *   and `expected` both zero carries nothing and is skipped too.
 * - Dimensions are the union of the keys of all rows, in order of first appearance. A row lacking
 *   one gets `MISSING_VALUE` as its value (or is ignored with `missingDimension: 'drop'`).
 *   Numbers and booleans are converted with `String`; `null`, `undefined` and objects count as missing.
 * - Rows with the same dimension values are summed (measures are additive).
 * - Ratio measures: the analysed quantity is the numerator, compared with the expected ratio applied
 *   to the observed denominator, so a slice whose numerator grew only because its traffic grew is
 *   not anomalous. When the measure is a proportion (numerator ≤ denominator) whose expected value
 *   is above one half (e.g. a join success rate), its complement (failures) is analysed instead:
 *   the same slices, but a rare event with count-like noise.
 */
import type { LocalizeInput, LocalizeOptions } from './types.ts';

/** The value given to a dimension a row does not carry. */
export const MISSING_VALUE = '(missing)';

export interface PreparedCube {
  dims: string[];
  /** Per dimension, value strings by code. */
  values: string[][];
  /** Number of leaves. */
  n: number;
  /** Leaf × dimension value codes, row-major (n × dims.length). */
  codes: Int32Array;
  /** Observed quantity per leaf. */
  v: Float64Array;
  /** Expected quantity per leaf (for ratios: at the observed denominator). */
  f: Float64Array;
  complement: boolean;
  rowsIn: number;
  rowsInvalid: number;
  rowsMissingDimension: number;
  valuesFilled: number;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

function dimValue(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  return undefined;
}

interface CleanRow {
  dims: Record<string, unknown>;
  real: number;
  expected: number;
  realTotal: number;
  expectedTotal: number;
}

export function prepareCube(input: LocalizeInput, options: LocalizeOptions = {}): PreparedCube {
  const measure = input.measure === 'ratio' ? 'ratio' : 'additive';
  const rawRows: readonly unknown[] = Array.isArray(input.rows) ? input.rows : [];
  let rowsInvalid = 0;

  // 1. Validate the numbers and collect the union of dimension names.
  const clean: CleanRow[] = [];
  const dimIndex = new Map<string, number>();
  const dims: string[] = [];
  for (const raw of rawRows) {
    if (raw === null || typeof raw !== 'object') {
      rowsInvalid += 1;
      continue;
    }
    const row = raw as Record<string, unknown>;
    const d = row.dims;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) {
      rowsInvalid += 1;
      continue;
    }
    const { real, expected } = row;
    if (!isCount(real) || !isCount(expected)) {
      rowsInvalid += 1;
      continue;
    }
    let realTotal = 0;
    let expectedTotal = 0;
    if (measure === 'ratio') {
      if (!isCount(row.realTotal)) {
        rowsInvalid += 1;
        continue;
      }
      realTotal = row.realTotal;
      expectedTotal = isCount(row.expectedTotal) ? row.expectedTotal : 0;
      if (realTotal === 0) {
        if (real > 0) rowsInvalid += 1;
        continue;
      }
    } else if (real === 0 && expected === 0) {
      continue;
    }
    const dimsRec = d as Record<string, unknown>;
    for (const key of Object.keys(dimsRec)) {
      if (!dimIndex.has(key)) {
        dimIndex.set(key, dims.length);
        dims.push(key);
      }
    }
    clean.push({ dims: dimsRec, real, expected, realTotal, expectedTotal });
  }

  // 2. Encode dimension values; fill or drop rows lacking a dimension.
  const D = dims.length;
  const valueIndex = dims.map(() => new Map<string, number>());
  const values: string[][] = dims.map(() => []);
  const dropMissing = options.missingDimension === 'drop';
  let rowsMissingDimension = 0;
  let valuesFilled = 0;
  const rowCodes = new Int32Array(clean.length * D);
  const kept: CleanRow[] = [];
  // Consecutive rows often share values: remember the last one per dimension.
  const lastValue: Array<string | undefined> = dims.map(() => undefined);
  const lastCode = new Int32Array(D);
  for (const row of clean) {
    const base = kept.length * D;
    let missing = 0;
    for (let j = 0; j < D; j += 1) {
      let value = dimValue(row.dims[dims[j] as string]);
      if (value === undefined) {
        missing += 1;
        value = MISSING_VALUE;
      }
      if (value === lastValue[j]) {
        rowCodes[base + j] = lastCode[j] as number;
        continue;
      }
      const index = valueIndex[j] as Map<string, number>;
      let c = index.get(value);
      lastValue[j] = value;
      if (c === undefined) {
        c = (values[j] as string[]).length;
        index.set(value, c);
        (values[j] as string[]).push(value);
      }
      lastCode[j] = c;
      rowCodes[base + j] = c;
    }
    if (missing > 0 && dropMissing) {
      rowsMissingDimension += 1;
      continue;
    }
    valuesFilled += missing;
    kept.push(row);
  }
  // Values only seen on dropped rows stay in the dictionary; they simply never occur.

  // 3. Merge rows with the same dimension tuple.
  let radixProduct = 1;
  for (const vs of values) radixProduct *= Math.max(1, vs.length);
  const numericKeys = radixProduct < 2 ** 52;
  const radix = values.map((vs) => Math.max(1, vs.length));
  const leafOf = new Map<number | string, number>();
  const leafCodes = new Int32Array(kept.length * D);
  const sums = new Float64Array(kept.length * 4);
  let nLeaves = 0;
  for (let r = 0; r < kept.length; r += 1) {
    const base = r * D;
    let key: number | string;
    if (numericKeys) {
      let k = 0;
      for (let j = 0; j < D; j += 1) k = k * (radix[j] as number) + (rowCodes[base + j] as number);
      key = k;
    } else {
      key = Array.from(rowCodes.subarray(base, base + D)).join(',');
    }
    const row = kept[r] as CleanRow;
    let leaf = leafOf.get(key);
    if (leaf === undefined) {
      leaf = nLeaves;
      nLeaves += 1;
      leafOf.set(key, leaf);
      leafCodes.set(rowCodes.subarray(base, base + D), leaf * D);
    }
    sums[leaf * 4] = (sums[leaf * 4] as number) + row.real;
    sums[leaf * 4 + 1] = (sums[leaf * 4 + 1] as number) + row.expected;
    sums[leaf * 4 + 2] = (sums[leaf * 4 + 2] as number) + row.realTotal;
    sums[leaf * 4 + 3] = (sums[leaf * 4 + 3] as number) + row.expectedTotal;
  }

  // 4. Observed and expected quantities per leaf.
  const n = nLeaves;
  const v = new Float64Array(n);
  const f = new Float64Array(n);
  let complement = false;
  if (measure === 'ratio') {
    let expNum = 0;
    let expDen = 0;
    let proportion = true;
    for (let i = 0; i < n; i += 1) {
      const real = sums[i * 4] as number;
      const expected = sums[i * 4 + 1] as number;
      const realTotal = sums[i * 4 + 2] as number;
      const expectedTotal = sums[i * 4 + 3] as number;
      if (expectedTotal > 0) {
        expNum += expected;
        expDen += expectedTotal;
      }
      if (real > realTotal * (1 + 1e-9) || (expectedTotal > 0 && expected > expectedTotal * (1 + 1e-9))) proportion = false;
    }
    const globalRatio = expDen > 0 ? expNum / expDen : 0;
    complement = proportion && globalRatio > 0.5;
    for (let i = 0; i < n; i += 1) {
      const real = sums[i * 4] as number;
      const expected = sums[i * 4 + 1] as number;
      const realTotal = sums[i * 4 + 2] as number;
      const expectedTotal = sums[i * 4 + 3] as number;
      let ratio = expectedTotal > 0 ? expected / expectedTotal : globalRatio;
      if (complement) ratio = Math.max(0, 1 - Math.min(1, ratio));
      v[i] = complement ? Math.max(0, realTotal - real) : real;
      f[i] = ratio * realTotal;
    }
  } else {
    for (let i = 0; i < n; i += 1) {
      v[i] = sums[i * 4] as number;
      f[i] = sums[i * 4 + 1] as number;
    }
  }
  // A leaf expected at zero that shows up is a genuine surprise, but not an infinite one.
  let meanF = 0;
  let meanV = 0;
  for (let i = 0; i < n; i += 1) {
    meanF += f[i] as number;
    meanV += v[i] as number;
  }
  meanF = n > 0 ? meanF / n : 0;
  meanV = n > 0 ? meanV / n : 0;
  const floor = Math.max(1e-9, 1e-4 * (meanF > 0 ? meanF : meanV));
  for (let i = 0; i < n; i += 1) if ((f[i] as number) < floor) f[i] = floor;

  return {
    dims,
    values,
    n,
    codes: leafCodes.slice(0, n * D),
    v,
    f,
    complement,
    rowsIn: rawRows.length,
    rowsInvalid,
    rowsMissingDimension,
    valuesFilled,
  };
}
