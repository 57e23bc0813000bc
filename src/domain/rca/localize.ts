/**
 * Multi-dimensional root-cause localization.
 *
 * Given leaf slices of a cube (every dimension fixed) with an observed and an expected value, find
 * the smallest set of dimension combinations (1–3 dimensions fixed each) that explains the change.
 *
 * The approach: a penalised (quasi-)likelihood search over explanatory models. Ideas borrowed, code
 * not: the ripple effect of HotSpot/Squeeze (the leaves under a root cause change alike), the
 * layer-wise pruning of HotSpot/RiskLoc, the explanatory power of Adtributor, the robustness to
 * noise that PSqueeze adds to Squeeze.
 *
 * - Model. A root-cause set C says "the leaves under each combination e in C are scaled by a factor
 *   exp(β_e); everything else is as expected". Leaf predictions are p_i = f_i · Π_{e ∋ i} exp(β_e),
 *   fitted by maximum likelihood (coordinate ascent: each step sets a combination's predicted sum
 *   equal to its observed sum). Combinations from different cuboids may overlap; their factors
 *   multiply, like independent faults do. Combinations never nest (no element is an ancestor of
 *   another): "Indonesia except one ISP" is not an answer.
 * - Score. J(C) = D(∅) − D(C) − Σ_e λ_layer(e), D being the Poisson deviance of the leaves after
 *   weighting them by w_i = 1/(φ + σ²·f_i + τ²·d_i²/f_i) (noise.ts): φ is the over-dispersion
 *   (1 for counts, hundreds for milliseconds), σ the relative error of the expectation itself
 *   (a forecast a few percent off everywhere), τ the spread of a change across the leaves it
 *   touches (d_i being the fitted change of leaf i). All three are estimated from the data, first
 *   robustly against the raw expectation, then against what the model leaves unexplained.
 *   λ_L = 2·ln(#combinations in layer L) + penalty is the price of one more combination, growing
 *   with the number one could have picked (a multiple-testing term). Since the gain of scaling one
 *   slice depends only on its observed and predicted sums, candidates are scored from aggregates.
 *   The ripple effect made statistical: a combination explains well when its leaves change
 *   together; a parent that also holds unaffected leaves fits worse (its factor is diluted), a
 *   child explains only part of the change, and the penalty makes the most general
 *   exactly-right combination win.
 * - Search (no enumeration of sets). Best-improvement local search from the empty set: each step
 *   takes whichever move raises J most — add the combination with the largest gain under the
 *   current fit (all combinations of layers 1–3 are re-aggregated against the current
 *   predictions), drop an element, merge an element into its parent (absorbing affected
 *   siblings), or split one into the affected children of a finer cuboid. Elements changing their
 *   slice by less than `minRelativeChange`, or carrying less than `minExplainedShare` of the
 *   change, are dropped.
 * - Ratio measures are reduced to the same problem (prepare.ts): the expected numerator of a leaf
 *   is its expected ratio applied to its observed denominator, so a slice whose numerator grew
 *   only with its traffic is not anomalous, and a slice with a tiny denominator weighs little.
 * - Scale. One aggregation costs #leaves × #cuboids (41 cuboids for 6 dimensions: ~2 M additions
 *   at 50 000 leaves; re-aggregations only touch the leaves under the current set). When a layer
 *   would exceed `searchBudget`, it is only enumerated below the most deviating combinations of
 *   the layer above (a beam of `beamWidth`).
 *
 * Pure and deterministic: no I/O, no clock, no randomness.
 */
import { MISSING_VALUE, prepareCube, type PreparedCube } from './prepare.ts';
import { fitChangeSpread, fitNoise, similarNoise, sizeBins, type NoiseModel, type SizeBins } from './noise.ts';
import { poissonDeviance, subsetsOfSize } from './stats.ts';
import type {
  Candidate,
  Combination,
  LocalizeDiagnostics,
  LocalizeInput,
  LocalizeOptions,
  LocalizeResult,
} from './types.ts';

export { MISSING_VALUE };

const DEFAULTS = {
  maxLayer: 3,
  maxElements: 5,
  maxCandidates: 10,
  minRelativeChange: 0.05,
  minExplainedShare: 0.002,
  penalty: 10,
  minDispersion: 1,
  searchBudget: 4_000_000,
  beamWidth: 64,
} as const;

type Settings = {
  maxLayer: number;
  maxElements: number;
  maxCandidates: number;
  minRelativeChange: number;
  minExplainedShare: number;
  penalty: number;
  minDispersion: number;
  searchBudget: number;
  beamWidth: number;
};

function settingsOf(options: LocalizeOptions): Settings {
  const num = (x: number | undefined, fallback: number, lo: number, hi: number): number =>
    typeof x === 'number' && Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : fallback;
  return {
    maxLayer: Math.round(num(options.maxLayer, DEFAULTS.maxLayer, 1, 3)),
    maxElements: Math.round(num(options.maxElements, DEFAULTS.maxElements, 1, 50)),
    maxCandidates: Math.round(num(options.maxCandidates, DEFAULTS.maxCandidates, 0, 1000)),
    minRelativeChange: num(options.minRelativeChange, DEFAULTS.minRelativeChange, 0, 10),
    minExplainedShare: num(options.minExplainedShare, DEFAULTS.minExplainedShare, 0, 1),
    penalty: num(options.penalty, DEFAULTS.penalty, 0, 1e6),
    minDispersion: num(options.minDispersion, DEFAULTS.minDispersion, 1e-9, 1e12),
    searchBudget: num(options.searchBudget, DEFAULTS.searchBudget, 0, 1e12),
    beamWidth: Math.round(num(options.beamWidth, DEFAULTS.beamWidth, 1, 1e6)),
  };
}

// ---------------------------------------------------------------------------------------------
// Cuboids: for a set of dimensions, the dense id of every leaf's combination and the sums per id.

interface Cuboid {
  dims: number[];
  layer: number;
  radix: number[];
  table: Int32Array | null;
  map: Map<number | string, number> | null;
  numericKey: boolean;
  /** Leaf → combination id; −1 where the cuboid was not enumerated (pruned). */
  idx: Int32Array;
  /** Enumerated leaves, or null for all. */
  leaves: Int32Array | null;
  nCombos: number;
  /** Combination values, `layer` per combination. */
  vals: number[];
  V: Float64Array;
  F: Float64Array;
  /** Scratch: current predicted sums. */
  P: Float64Array;
  /** Scratch: conflict marks. */
  mark: Uint8Array;
  penalty: number;
  /** Leaves grouped by combination (built on first use): combination k owns leaves[offsets[k]..offsets[k+1]). */
  groups: { offsets: Int32Array; leaves: Int32Array } | null;
}

function groupsOf(c: Cuboid): { offsets: Int32Array; leaves: Int32Array } {
  if (c.groups) return c.groups;
  const offsets = new Int32Array(c.nCombos + 1);
  const count = c.leaves ? c.leaves.length : c.idx.length;
  for (let t = 0; t < count; t += 1) {
    const i = c.leaves ? (c.leaves[t] as number) : t;
    const id = c.idx[i] as number;
    offsets[id + 1] = (offsets[id + 1] as number) + 1;
  }
  for (let k = 0; k < c.nCombos; k += 1) offsets[k + 1] = (offsets[k + 1] as number) + (offsets[k] as number);
  const cursor = offsets.slice(0, c.nCombos);
  const leaves = new Int32Array(count);
  for (let t = 0; t < count; t += 1) {
    const i = c.leaves ? (c.leaves[t] as number) : t;
    const id = c.idx[i] as number;
    leaves[cursor[id] as number] = i;
    cursor[id] = (cursor[id] as number) + 1;
  }
  c.groups = { offsets, leaves };
  return c.groups;
}

function keyOf(cube: PreparedCube, c: Cuboid, leaf: number): number | string {
  const D = cube.dims.length;
  if (c.numericKey) {
    let k = 0;
    for (let j = 0; j < c.layer; j += 1) {
      k = k * (c.radix[j] as number) + (cube.codes[leaf * D + (c.dims[j] as number)] as number);
    }
    return k;
  }
  const parts: number[] = [];
  for (let j = 0; j < c.layer; j += 1) parts.push(cube.codes[leaf * D + (c.dims[j] as number)] as number);
  return parts.join(',');
}

function keyOfValues(c: Cuboid, vals: readonly number[]): number | string {
  if (c.numericKey) {
    let k = 0;
    for (let j = 0; j < c.layer; j += 1) k = k * (c.radix[j] as number) + (vals[j] as number);
    return k;
  }
  return vals.slice(0, c.layer).join(',');
}

function lookup(c: Cuboid, key: number | string): number {
  if (c.table && typeof key === 'number') return c.table[key] as number;
  return c.map?.get(key) ?? -1;
}

function buildCuboid(cube: PreparedCube, dims: number[], subset: Int32Array | null): Cuboid {
  const D = cube.dims.length;
  const codes = cube.codes;
  const radix = dims.map((d) => Math.max(1, (cube.values[d] as string[]).length));
  let size = 1;
  for (const r of radix) size *= r;
  const numericKey = size < 2 ** 50;
  const useTable = numericKey && size <= 1 << 22;
  const layer = dims.length;
  const c: Cuboid = {
    dims,
    layer,
    radix,
    table: useTable ? new Int32Array(size).fill(-1) : null,
    map: useTable ? null : new Map(),
    numericKey,
    idx: new Int32Array(cube.n).fill(-1),
    leaves: subset,
    nCombos: 0,
    vals: [],
    V: new Float64Array(0),
    F: new Float64Array(0),
    P: new Float64Array(0),
    mark: new Uint8Array(0),
    penalty: 0,
    groups: null,
  };
  const count = subset ? subset.length : cube.n;
  const d0 = dims[0] as number;
  const d1 = layer > 1 ? (dims[1] as number) : 0;
  const d2 = layer > 2 ? (dims[2] as number) : 0;
  const r1 = layer > 1 ? (radix[1] as number) : 1;
  const r2 = layer > 2 ? (radix[2] as number) : 1;
  const idx = c.idx;
  const table = c.table;
  for (let t = 0; t < count; t += 1) {
    const i = subset ? (subset[t] as number) : t;
    const base = i * D;
    let id: number;
    if (table && layer <= 3) {
      let key = codes[base + d0] as number;
      if (layer > 1) key = key * r1 + (codes[base + d1] as number);
      if (layer > 2) key = key * r2 + (codes[base + d2] as number);
      id = table[key] as number;
      if (id < 0) {
        id = c.nCombos;
        c.nCombos += 1;
        table[key] = id;
        for (let j = 0; j < layer; j += 1) c.vals.push(codes[base + (dims[j] as number)] as number);
      }
    } else {
      const key = keyOf(cube, c, i);
      id = lookup(c, key);
      if (id < 0) {
        id = c.nCombos;
        c.nCombos += 1;
        if (table && typeof key === 'number') table[key] = id;
        else c.map?.set(key, id);
        for (let j = 0; j < layer; j += 1) c.vals.push(codes[base + (dims[j] as number)] as number);
      }
    }
    idx[i] = id;
  }
  c.V = new Float64Array(c.nCombos);
  c.F = new Float64Array(c.nCombos);
  c.P = new Float64Array(c.nCombos);
  c.mark = new Uint8Array(c.nCombos);
  return c;
}

/** Observed and expected sums of every combination of a cuboid. */
function sumCuboid(c: Cuboid, v: Float64Array, f: Float64Array): void {
  const V = c.V;
  const F = c.F;
  V.fill(0);
  F.fill(0);
  const idx = c.idx;
  const count = c.leaves ? c.leaves.length : idx.length;
  for (let t = 0; t < count; t += 1) {
    const i = c.leaves ? (c.leaves[t] as number) : t;
    const id = idx[i] as number;
    V[id] = (V[id] as number) + (v[i] as number);
    F[id] = (F[id] as number) + (f[i] as number);
  }
}

function isSubset(a: readonly number[], b: readonly number[]): boolean {
  // both ascending
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as number) < x) j += 1;
    if (j >= b.length || b[j] !== x) return false;
    j += 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Elements of a root-cause set.

interface Element {
  key: string;
  dims: number[];
  vals: number[];
  layer: number;
  members: Int32Array;
  /** Weighted observed sum (what the fit matches). */
  V: number;
  /** Weighted expected sum. */
  F: number;
  /** Observed sum in the caller's units. */
  rawV: number;
  penalty: number;
}

type Slice = { dims: number[]; vals: number[] };

/** `a` is an ancestor of `b` or equal to it: a's dimensions ⊆ b's with the same values. */
function covers(a: Slice, b: Slice): boolean {
  let j = 0;
  for (let t = 0; t < a.dims.length; t += 1) {
    const d = a.dims[t] as number;
    while (j < b.dims.length && (b.dims[j] as number) < d) j += 1;
    if (j >= b.dims.length || b.dims[j] !== d || b.vals[j] !== a.vals[t]) return false;
    j += 1;
  }
  return true;
}

function nested(a: Slice, b: Slice): boolean {
  return covers(a, b) || covers(b, a);
}

interface Fit {
  /** Weighted predictions per leaf. */
  p: Float64Array;
  betas: number[];
  /** Weighted deviance D(C) − D(∅): negative when the set explains something. */
  dev: number;
  J: number;
}

interface State {
  set: Element[];
  fit: Fit;
}

/**
 * The search over root-cause sets. All sums it scores are of weighted values ṽ = w·v, f̃ = w·f with
 * w = 1/(φ + σ²·f) (see noise.ts): the Poisson deviance of weighted sums is the quasi-likelihood
 * gain under the estimated noise, so one scale fits counts, milliseconds and noisy forecasts.
 */
class Localizer {
  readonly cube: PreparedCube;
  readonly s: Settings;
  readonly cuboids: Cuboid[] = [];
  private readonly cuboidByDims = new Map<string, Cuboid>();
  readonly layerPenalty: number[] = [0, 0, 0, 0];
  readonly prunedLayers: number[] = [];
  noise: NoiseModel = { phi: 1, sigma2: 0 };
  /** Relative spread of a change across its leaves (τ²), and the fitted change per leaf it scales. */
  tau2 = 0;
  private readonly change: Float64Array;
  /** Weighted observed and expected values per leaf. */
  v: Float64Array;
  f: Float64Array;
  private readonly bins: SizeBins;
  private readonly elementCache = new Map<string, Element>();
  private readonly stamp: Int32Array;
  private stampId = 0;

  constructor(cube: PreparedCube, s: Settings) {
    this.cube = cube;
    this.s = s;
    this.stamp = new Int32Array(cube.n);
    this.v = new Float64Array(cube.n);
    this.f = new Float64Array(cube.n);
    this.change = new Float64Array(cube.n);
    this.bins = sizeBins(cube.f);
  }

  // ---- set-up ---------------------------------------------------------------------------------

  build(): void {
    const { cube, s } = this;
    const D = cube.dims.length;
    const N = cube.n;
    const maxLayer = Math.min(s.maxLayer, D);
    let used = 0;
    const layer1 = subsetsOfSize(D, 1).map((dims) => buildCuboid(cube, dims, null));
    used += N * layer1.length;
    this.cuboids.push(...layer1);
    this.noise = this.initialNoise(layer1);
    this.applyWeights();
    this.setPenalty(1, layer1, false);
    let previous = layer1;
    for (let L = 2; L <= maxLayer; L += 1) {
      const subsets = subsetsOfSize(D, L);
      let layer: Cuboid[];
      let pruned = false;
      if (used + N * subsets.length <= s.searchBudget) {
        layer = subsets.map((dims) => buildCuboid(cube, dims, null));
        used += N * subsets.length;
      } else {
        pruned = true;
        this.prunedLayers.push(L);
        layer = this.buildPruned(previous, subsets);
      }
      for (const c of layer) sumCuboid(c, this.v, this.f);
      this.setPenalty(L, layer, pruned);
      this.cuboids.push(...layer);
      previous = layer;
    }
    for (const c of this.cuboids) this.cuboidByDims.set(c.dims.join(','), c);
  }

  /** Recompute the weighted leaves and every sum from the current noise model. */
  private applyWeights(): void {
    const { cube } = this;
    const { phi, sigma2 } = this.noise;
    const tau2 = this.tau2;
    for (let i = 0; i < cube.n; i += 1) {
      const f = cube.f[i] as number;
      const d = this.change[i] as number;
      const w = 1 / (phi + sigma2 * f + (tau2 > 0 && d !== 0 ? (tau2 * d * d) / f : 0));
      this.v[i] = w * (cube.v[i] as number);
      this.f[i] = w * f;
    }
    for (const c of this.cuboids) sumCuboid(c, this.v, this.f);
    this.elementCache.clear();
    this.fitCache.clear();
  }

  private setPenalty(L: number, layer: Cuboid[], pruned: boolean): void {
    let m = 0;
    for (const c of layer) {
      if (pruned) {
        let size = 1;
        for (const r of c.radix) size *= r;
        m += Math.min(size, this.cube.n);
      } else {
        m += c.nCombos;
      }
    }
    const lambda = 2 * Math.log(Math.max(2, m)) + this.s.penalty;
    this.layerPenalty[L] = lambda;
    for (const c of layer) c.penalty = lambda;
  }

  /** Enumerate a layer only below the most deviating combinations of the layer above. */
  private buildPruned(previous: Cuboid[], subsets: number[][]): Cuboid[] {
    const { cube, s } = this;
    // Promising parents: the beam of the largest gains, among those with a visible deviation.
    const scored: Array<{ c: number; id: number; g: number }> = [];
    previous.forEach((c, ci) => {
      for (let id = 0; id < c.nCombos; id += 1) {
        const g = poissonDeviance(c.V[id] as number, c.F[id] as number);
        if (g >= 4) scored.push({ c: ci, id, g });
      }
    });
    scored.sort((a, b) => b.g - a.g);
    const promising = previous.map((c) => new Uint8Array(c.nCombos));
    for (const x of scored.slice(0, s.beamWidth)) (promising[x.c] as Uint8Array)[x.id] = 1;
    // Leaves under promising parents, per parent cuboid.
    const leavesOf = previous.map((c, ci) => {
      const out: number[] = [];
      const marks = promising[ci] as Uint8Array;
      const count = c.leaves ? c.leaves.length : cube.n;
      for (let t = 0; t < count; t += 1) {
        const i = c.leaves ? (c.leaves[t] as number) : t;
        const id = c.idx[i] as number;
        if (id >= 0 && marks[id] === 1) out.push(i);
      }
      return out;
    });
    const indexOfDims = new Map(previous.map((c, ci) => [c.dims.join(','), ci]));
    return subsets.map((dims) => {
      this.stampId += 1;
      const sid = this.stampId;
      const subset: number[] = [];
      for (let drop = 0; drop < dims.length; drop += 1) {
        const parentDims = dims.filter((_, j) => j !== drop);
        const pi = indexOfDims.get(parentDims.join(','));
        if (pi === undefined) continue;
        for (const i of leavesOf[pi] as number[]) {
          if (this.stamp[i] !== sid) {
            this.stamp[i] = sid;
            subset.push(i);
          }
        }
      }
      return buildCuboid(cube, dims, Int32Array.from(subset).sort());
    });
  }

  /**
   * Noise measured against the raw expectation and against each one-dimension model (every value
   * of a dimension with its own factor), keeping the best explained, so that a layer-1 root cause
   * covering half the cube does not pass for noise.
   */
  private initialNoise(layer1: Cuboid[]): NoiseModel {
    const { cube } = this;
    const N = cube.n;
    let best = fitNoise(cube.v, cube.f, this.bins, this.s.minDispersion);
    const q = new Float64Array(N);
    for (const c of layer1) {
      sumCuboid(c, cube.v, cube.f);
      for (let i = 0; i < N; i += 1) {
        const id = c.idx[i] as number;
        const F = c.F[id] as number;
        q[i] = (cube.f[i] as number) * (F > 0 ? (c.V[id] as number) / F : 1);
      }
      const candidate = fitNoise(cube.v, q, this.bins, this.s.minDispersion);
      if (candidate.level < best.level) best = candidate;
    }
    return { phi: best.phi, sigma2: best.sigma2 };
  }

  // ---- elements and fitting -------------------------------------------------------------------

  element(dims: number[], vals: number[]): Element {
    const key = `${dims.join(',')}|${vals.join(',')}`;
    const cached = this.elementCache.get(key);
    if (cached) return cached;
    const { cube } = this;
    let members: Int32Array;
    const c = this.cuboidByDims.get(dims.join(','));
    const id = c ? lookup(c, keyOfValues(c, vals)) : -1;
    if (c && id >= 0) {
      // An enumerated combination is enumerated with all its leaves.
      const g = groupsOf(c);
      members = g.leaves.subarray(g.offsets[id] as number, g.offsets[id + 1] as number);
    } else if (c && !c.leaves) {
      members = new Int32Array(0);
    } else {
      const D = cube.dims.length;
      const codes = cube.codes;
      const found: number[] = [];
      outer: for (let i = 0; i < cube.n; i += 1) {
        for (let j = 0; j < dims.length; j += 1) {
          if (codes[i * D + (dims[j] as number)] !== vals[j]) continue outer;
        }
        found.push(i);
      }
      members = Int32Array.from(found);
    }
    let V = 0;
    let F = 0;
    let rawV = 0;
    for (const i of members) {
      V += this.v[i] as number;
      F += this.f[i] as number;
      rawV += cube.v[i] as number;
    }
    const e: Element = { key, dims, vals, layer: dims.length, members, V, F, rawV, penalty: this.layerPenalty[dims.length] ?? 0 };
    this.elementCache.set(key, e);
    return e;
  }

  /** Fits of recently evaluated sets (moves often re-evaluate the same sets), newest last. */
  private readonly fitCache = new Map<string, Fit>();

  fit(set: readonly Element[]): Fit {
    const key = set.map((e) => e.key).join(';');
    const cached = this.fitCache.get(key);
    if (cached) return cached;
    const fit = this.computeFit(set);
    this.fitCache.set(key, fit);
    if (this.fitCache.size > 48) this.fitCache.delete(this.fitCache.keys().next().value as string);
    return fit;
  }

  private computeFit(set: readonly Element[]): Fit {
    const p = Float64Array.from(this.f);
    const betas = set.map(() => 0);
    let overlap = false;
    if (set.length > 1) {
      this.stampId += 1;
      const sid = this.stampId;
      for (const e of set) {
        for (const i of e.members) {
          if (this.stamp[i] === sid) overlap = true;
          this.stamp[i] = sid;
        }
      }
    }
    const maxIter = overlap ? 200 : 1;
    for (let iter = 0; iter < maxIter; iter += 1) {
      let maxStep = 0;
      set.forEach((e, k) => {
        let P = 0;
        for (const i of e.members) P += p[i] as number;
        if (!(P > 0)) return;
        // Factors stay within e^±28 (a slice that vanished is ~1e−12 of its expectation, not 0).
        const beta = betas[k] as number;
        const step = Math.min(28 - beta, Math.max(-28 - beta, Math.log(Math.max(e.V, 1e-300) / P)));
        if (Math.abs(step) < 1e-12) return;
        const m = Math.exp(step);
        for (const i of e.members) p[i] = (p[i] as number) * m;
        betas[k] = (betas[k] as number) + step;
        maxStep = Math.max(maxStep, Math.abs(step));
      });
      if (maxStep < 1e-9) break;
    }
    this.stampId += 1;
    const sid = this.stampId;
    let dev = 0;
    for (const e of set) {
      for (const i of e.members) {
        if (this.stamp[i] === sid) continue;
        this.stamp[i] = sid;
        const v = this.v[i] as number;
        dev += poissonDeviance(v, p[i] as number) - poissonDeviance(v, this.f[i] as number);
      }
    }
    let penalty = 0;
    for (const e of set) penalty += e.penalty;
    return { p, betas, dev, J: -dev - penalty };
  }

  // ---- search ---------------------------------------------------------------------------------

  /**
   * Predicted sums of every enumerated combination under the fit: the expected sums corrected on
   * the leaves the set covers (the only ones whose prediction moved).
   */
  private aggregate(set: readonly Element[], p: Float64Array): void {
    this.stampId += 1;
    const sid = this.stampId;
    const touched: number[] = [];
    for (const e of set) {
      for (const i of e.members) {
        if (this.stamp[i] === sid) continue;
        this.stamp[i] = sid;
        touched.push(i);
      }
    }
    const f = this.f;
    for (const c of this.cuboids) {
      const P = c.P;
      P.set(c.F);
      const idx = c.idx;
      for (const i of touched) {
        const id = idx[i] as number;
        if (id >= 0) P[id] = (P[id] as number) + ((p[i] as number) - (f[i] as number));
      }
    }
  }

  /** Mark every enumerated combination that is an ancestor or descendant of an element of `set`. */
  private markConflicts(set: readonly Element[]): void {
    for (const c of this.cuboids) c.mark.fill(0);
    for (const e of set) {
      for (const c of this.cuboids) {
        if (c.layer <= e.layer && isSubset(c.dims, e.dims)) {
          const proj = c.dims.map((d) => e.vals[e.dims.indexOf(d)] as number);
          const id = lookup(c, keyOfValues(c, proj));
          if (id >= 0) c.mark[id] = 1;
        } else if (c.layer > e.layer && isSubset(e.dims, c.dims)) {
          for (const i of e.members) {
            const id = c.idx[i] as number;
            if (id >= 0) c.mark[id] = 1;
          }
        }
      }
    }
  }

  private gainOk(V: number, P: number): boolean {
    if (!(P > 0)) return V > 0;
    return Math.abs(V / P - 1) >= this.s.minRelativeChange;
  }

  /** The best few additions under the current fit, by approximate penalised gain. */
  private additions(set: readonly Element[], fit: Fit, limit: number): Array<{ c: Cuboid; id: number; score: number }> {
    this.aggregate(set, fit.p);
    this.markConflicts(set);
    const top: Array<{ c: Cuboid; id: number; score: number }> = [];
    for (const c of this.cuboids) {
      const penalty = c.penalty;
      for (let id = 0; id < c.nCombos; id += 1) {
        const V = c.V[id] as number;
        const P = c.P[id] as number;
        // The deviance is at most twice the Pearson statistic: skip the logarithm when hopeless.
        if (P > 0 && (2 * (V - P) * (V - P)) / P <= penalty) continue;
        if (c.mark[id] === 1 || !this.gainOk(V, P)) continue;
        const score = poissonDeviance(V, P) - penalty;
        if (score <= 0) continue;
        if (top.length < limit || score > (top[top.length - 1] as { score: number }).score) {
          top.push({ c, id, score });
          top.sort((a, b) => b.score - a.score);
          if (top.length > limit) top.pop();
        }
      }
    }
    return top;
  }

  private elementOf(c: Cuboid, id: number): Element {
    return this.element(c.dims, c.vals.slice(id * c.layer, (id + 1) * c.layer));
  }

  private forward(state: State): State | null {
    if (state.set.length >= this.s.maxElements) return null;
    for (const cand of this.additions(state.set, state.fit, 6)) {
      const e = this.elementOf(cand.c, cand.id);
      const next = this.normalize([...state.set, e]);
      if (next && next.set.includes(e) && next.fit.J > state.fit.J + 1e-9) return next;
    }
    return null;
  }

  /** Fit a set, dropping (weakest first) elements whose fitted change is below the minimum. */
  private normalize(candidate: Element[]): State | null {
    let set = candidate;
    for (;;) {
      if (set.length === 0) return null;
      const fit = this.fit(set);
      let weakest = -1;
      let weakestChange = this.s.minRelativeChange;
      fit.betas.forEach((b, k) => {
        const change = Math.abs(Math.exp(b) - 1);
        if (change < weakestChange) {
          weakestChange = change;
          weakest = k;
        }
      });
      if (weakest < 0) return { set, fit };
      set = set.filter((_, k) => k !== weakest);
    }
  }

  private best(current: State, options: Element[][]): State | null {
    let winner: State | null = null;
    for (const option of options) {
      const next = option.length === 0 ? { set: [], fit: this.fit([]) } : this.normalize(option);
      if (!next) continue;
      const bar = winner ? winner.fit.J : current.fit.J;
      if (next.fit.J > bar + 1e-9) winner = next;
    }
    return winner;
  }

  private removals(set: Element[]): Element[][] {
    return set.map((_, k) => set.filter((__, j) => j !== k));
  }

  /** Replace an element by one of its parents, absorbing the parent's other descendants in the set. */
  private merges(set: Element[]): Element[][] {
    const out: Element[][] = [];
    const seen = new Set<string>();
    for (const e of set) {
      if (e.layer < 2) continue;
      for (let drop = 0; drop < e.layer; drop += 1) {
        const parent = this.element(
          e.dims.filter((_, j) => j !== drop),
          e.vals.filter((_, j) => j !== drop),
        );
        if (seen.has(parent.key)) continue;
        seen.add(parent.key);
        const rest = set.filter((x) => !covers(parent, x));
        if (rest.some((x) => nested(x, parent))) continue;
        out.push([...rest, parent]);
      }
    }
    return out;
  }

  private readonly scratchOf = new Map<Cuboid, Float64Array>();

  private scratch(c: Cuboid): Float64Array {
    let out = this.scratchOf.get(c);
    if (!out) {
      out = new Float64Array(c.nCombos);
      this.scratchOf.set(c, out);
    }
    return out;
  }

  /** Replace an element by the affected children in one finer cuboid. */
  private splits(set: Element[], current: Fit): Element[][] {
    const out: Element[][] = [];
    set.forEach((e, k) => {
      if (e.layer >= this.s.maxLayer) return;
      const base = set.filter((_, j) => j !== k);
      const room = this.s.maxElements - base.length;
      if (room <= 0) return;
      const baseFit = this.fit(base);
      let bestScore = current.J - baseFit.J;
      let bestChildren: Element[] | null = null;
      for (const c of this.cuboids) {
        if (c.layer <= e.layer || !isSubset(e.dims, c.dims)) continue;
        // Sums of the children under e, in the cuboid's scratch arrays (P is free between steps).
        const sumV = c.P;
        const sumP = this.scratch(c);
        const touched: number[] = [];
        for (const i of e.members) {
          const id = c.idx[i] as number;
          if (id < 0) continue;
          if (c.mark[id] !== 2) {
            c.mark[id] = 2;
            sumV[id] = 0;
            sumP[id] = 0;
            touched.push(id);
          }
          sumV[id] = (sumV[id] as number) + (this.v[i] as number);
          sumP[id] = (sumP[id] as number) + (baseFit.p[i] as number);
        }
        const picked: Array<{ id: number; score: number }> = [];
        for (const id of touched) {
          c.mark[id] = 0;
          const V = sumV[id] as number;
          const P = sumP[id] as number;
          if (!this.gainOk(V, P)) continue;
          const score = poissonDeviance(V, P) - c.penalty;
          if (score > 0) picked.push({ id, score });
        }
        picked.sort((a, b) => b.score - a.score);
        const chosen = picked.slice(0, room);
        const total = chosen.reduce((acc, x) => acc + x.score, 0);
        if (chosen.length > 0 && total > bestScore) {
          const children = chosen.map((x) => this.elementOf(c, x.id));
          if (children.some((ch) => base.some((b) => nested(b, ch)))) continue;
          bestScore = total;
          bestChildren = children;
        }
      }
      if (bestChildren) out.push([...base, ...bestChildren]);
    });
    return out;
  }

  /**
   * The change an element's factor makes to the prediction of its leaves, in the caller's units:
   * Σ q_i·(1 − e^−β) with q_i the predicted value of leaf i.
   */
  private elementChange(e: Element, beta: number, fit: Fit): number {
    let predicted = 0;
    for (const i of e.members) {
      const w = this.f[i] as number;
      if (w > 0) predicted += ((this.cube.f[i] as number) * (fit.p[i] as number)) / w;
    }
    const change = Math.abs(predicted * (1 - Math.exp(-beta)));
    return Number.isFinite(change) ? change : 0;
  }

  /** Drop elements that change their slice too little or carry too little of the change, weakest first. */
  private enforceShares(state: State): State {
    let cur = state;
    for (;;) {
      if (cur.set.length === 0) return cur;
      const changes = cur.set.map((e, k) => this.elementChange(e, cur.fit.betas[k] as number, cur.fit));
      const total = changes.reduce((a, b) => a + b, 0);
      let worst = -1;
      let worstValue = Infinity;
      cur.set.forEach((_, k) => {
        const rel = Math.abs(Math.exp(cur.fit.betas[k] as number) - 1);
        const share = total > 0 ? (changes[k] as number) / total : 0;
        const badness = Math.min(
          rel / Math.max(1e-12, this.s.minRelativeChange),
          share / Math.max(1e-12, this.s.minExplainedShare),
        );
        if (badness < 1 && badness < worstValue) {
          worstValue = badness;
          worst = k;
        }
      });
      if (worst < 0) return cur;
      const set = cur.set.filter((_, k) => k !== worst);
      cur = { set, fit: this.fit(set) };
    }
  }

  /**
   * Best-improvement local search: each step takes whichever move raises J most — add the best new
   * combination, drop one, merge one into its parent, or split one into affected children.
   */
  private grow(state: State): State {
    let cur = state;
    for (let step = 0; step < 10 * this.s.maxElements + 10; step += 1) {
      let next: State | null = null;
      for (const move of [
        this.forward(cur),
        this.best(cur, this.removals(cur.set)),
        this.best(cur, this.merges(cur.set)),
        this.best(cur, this.splits(cur.set, cur.fit)),
      ]) {
        if (move && (!next || move.fit.J > next.fit.J)) next = move;
      }
      if (!next) break;
      cur = next;
    }
    return this.enforceShares(cur);
  }

  search(): State {
    let state = this.grow({ set: [], fit: this.fit([]) });
    // Re-estimate the noise from what the model leaves unexplained (anomalous leaves no longer
    // inflate it) and the spread of the changes across their leaves; when either moved,
    // re-weight and search on from the current set.
    for (let pass = 0; pass < 3; pass += 1) {
      const { cube } = this;
      const q = new Float64Array(cube.n);
      for (let i = 0; i < cube.n; i += 1) {
        const f = this.f[i] as number;
        q[i] = (cube.f[i] as number) * (f > 0 ? (state.fit.p[i] as number) / f : 1);
      }
      const refitted = fitNoise(cube.v, q, this.bins, this.s.minDispersion);
      const noise = { phi: refitted.phi, sigma2: refitted.sigma2 };
      const union = this.union(state.set);
      // The spread is measured on the element carrying the largest change: the one least likely to
      // be a spurious fit whose own leaves do not change alike.
      let dominant: Element | null = null;
      let dominantChange = -1;
      state.set.forEach((e, k) => {
        const change = this.elementChange(e, state.fit.betas[k] as number, state.fit);
        if (change > dominantChange) {
          dominantChange = change;
          dominant = e;
        }
      });
      const tau2 = dominant ? fitChangeSpread(cube.v, q, cube.f, (dominant as Element).members, noise) : 0;
      const sameSpread = tau2 <= this.tau2 * 1.25 + 1e-4 && this.tau2 <= tau2 * 1.25 + 1e-4;
      if (similarNoise(noise, this.noise, this.bins.probes) && sameSpread) break;
      this.noise = noise;
      this.tau2 = tau2;
      this.change.fill(0);
      for (const i of union) this.change[i] = (q[i] as number) - (cube.f[i] as number);
      this.applyWeights();
      const set = state.set.map((e) => this.element(e.dims, e.vals));
      state = this.grow({ set, fit: this.fit(set) });
    }
    return state;
  }

  private union(set: readonly Element[]): Int32Array {
    this.stampId += 1;
    const sid = this.stampId;
    const out: number[] = [];
    for (const e of set) {
      for (const i of e.members) {
        if (this.stamp[i] === sid) continue;
        this.stamp[i] = sid;
        out.push(i);
      }
    }
    return Int32Array.from(out);
  }

  // ---- output ---------------------------------------------------------------------------------

  combination(dims: readonly number[], vals: readonly number[]): Combination {
    const out: Combination = {};
    dims.forEach((d, j) => {
      out[this.cube.dims[d] as string] = (this.cube.values[d] as string[])[vals[j] as number] as string;
    });
    return out;
  }

  /** Standalone gain of the most deviating combinations under the raw expectation. */
  topStandalone(limit: number): Array<{ dims: number[]; vals: number[]; gain: number }> {
    const top: Array<{ dims: number[]; vals: number[]; gain: number }> = [];
    for (const c of this.cuboids) {
      for (let id = 0; id < c.nCombos; id += 1) {
        const V = c.V[id] as number;
        const F = c.F[id] as number;
        if (F > 0 && (2 * (V - F) * (V - F)) / F <= c.penalty) continue;
        if (!this.gainOk(V, F)) continue;
        const gain = poissonDeviance(V, F);
        if (gain <= c.penalty) continue;
        if (top.length < limit || gain > (top[top.length - 1] as { gain: number }).gain) {
          top.push({ dims: c.dims, vals: c.vals.slice(id * c.layer, (id + 1) * c.layer), gain });
          top.sort((a, b) => b.gain - a.gain);
          if (top.length > limit) top.pop();
        }
      }
    }
    return top;
  }
}

function emptyDiagnostics(cube: PreparedCube): LocalizeDiagnostics {
  return {
    rowsIn: cube.rowsIn,
    leaves: cube.n,
    rowsInvalid: cube.rowsInvalid,
    rowsMissingDimension: cube.rowsMissingDimension,
    valuesFilled: cube.valuesFilled,
    dimensions: cube.dims,
    complement: cube.complement,
    dispersion: 1,
    relativeNoise: 0,
    prunedLayers: [],
    effects: [],
  };
}

/** `localize` plus what happened to the input and the fitted effects. */
export function localizeDetailed(
  input: LocalizeInput,
  options: LocalizeOptions = {},
): LocalizeResult & { diagnostics: LocalizeDiagnostics } {
  const s = settingsOf(options);
  const cube = prepareCube(input, options);
  const diagnostics = emptyDiagnostics(cube);
  if (cube.n === 0 || cube.dims.length === 0) return { rootCause: [], candidates: [], diagnostics };

  const loc = new Localizer(cube, s);
  loc.build();
  const { set, fit } = loc.search();
  diagnostics.dispersion = loc.noise.phi;
  diagnostics.relativeNoise = Math.sqrt(loc.noise.sigma2);
  diagnostics.prunedLayers = loc.prunedLayers;
  if (set.length === 0) return { rootCause: [], candidates: [], diagnostics };

  // Change attributed by the model to each leaf, in the caller's units (zero outside the set).
  const attributed = new Float64Array(cube.n);
  const inSet = new Uint8Array(cube.n);
  let totalChange = 0;
  for (const e of set) for (const i of e.members) inSet[i] = 1;
  for (let i = 0; i < cube.n; i += 1) {
    if (inSet[i] !== 1) continue;
    const w = loc.f[i] as number;
    const a = (cube.f[i] as number) * (w > 0 ? (fit.p[i] as number) / w - 1 : 0);
    attributed[i] = a;
    totalChange += Math.abs(a);
  }
  /**
   * Score of a combination: the share of the explained change it accounts for, times the share of
   * its expected volume that lies in changed slices (1 for an exact root cause; a parent is
   * discounted by its unaffected traffic, a child by the change it leaves out).
   */
  const scoreOf = (e: Element): number => {
    let change = 0;
    let affected = 0;
    let all = 0;
    for (const i of e.members) {
      change += attributed[i] as number;
      const f = cube.f[i] as number;
      all += f;
      if (inSet[i] === 1) affected += f;
    }
    const share = totalChange > 0 ? Math.abs(change) / totalChange : 0;
    const purity = all > 0 ? affected / all : 0;
    return Math.round(Math.min(1, Math.max(0, share * purity)) * 1e4) / 1e4;
  };
  const canonical = (e: Element): string => JSON.stringify(Object.entries(loc.combination(e.dims, e.vals)).sort());

  // The root cause, best first: by the change each combination carries.
  const scored = set.map((e) => ({ e, score: scoreOf(e), canon: canonical(e) }));
  const order = set
    .map((_, k) => k)
    .sort((a, b) => (scored[b] as { score: number }).score - (scored[a] as { score: number }).score || ((scored[a] as { canon: string }).canon < (scored[b] as { canon: string }).canon ? -1 : 1));
  const rootCause = order.map((k) => loc.combination((set[k] as Element).dims, (set[k] as Element).vals));
  diagnostics.effects = order.map((k) => Math.exp(fit.betas[k] as number) - 1);

  const byKey = new Map<string, { dims: Combination; score: number; root: boolean; canon: string }>();
  for (const k of order) {
    const x = scored[k] as { e: Element; score: number; canon: string };
    byKey.set(x.e.key, { dims: loc.combination(x.e.dims, x.e.vals), score: x.score, root: true, canon: x.canon });
  }
  for (const alt of loc.topStandalone(2 * Math.max(s.maxCandidates, 1) + set.length)) {
    const e = loc.element(alt.dims, alt.vals);
    if (byKey.has(e.key)) continue;
    byKey.set(e.key, { dims: loc.combination(e.dims, e.vals), score: scoreOf(e), root: false, canon: canonical(e) });
  }
  const ranked = [...byKey.values()].sort(
    (a, b) => b.score - a.score || Number(b.root) - Number(a.root) || (a.canon < b.canon ? -1 : a.canon > b.canon ? 1 : 0),
  );
  const candidates: Candidate[] = [];
  let others = s.maxCandidates - set.length;
  for (const c of ranked) {
    if (c.root) candidates.push({ dims: c.dims, score: c.score });
    else if (others > 0 && c.score > 0) {
      candidates.push({ dims: c.dims, score: c.score });
      others -= 1;
    }
  }
  return { rootCause, candidates, diagnostics };
}

/**
 * Explain a change in a multi-dimensional measure: the smallest set of dimension combinations
 * (1–3 dimensions each) whose slices changed, best first, and a ranked list of candidates.
 *
 * Never throws on bad input (details in prepare.ts): no rows, or only invalid ones, give
 * `{rootCause: [], candidates: []}`; rows with non-finite or negative numbers, a ratio row without
 * `realTotal` or with a positive `real` over a zero `realTotal` are ignored; a zero or missing
 * `expectedTotal` borrows the cube's expected ratio; rows lacking a dimension that other rows have
 * get the value `MISSING_VALUE` for it (or are ignored with `missingDimension: 'drop'`); repeated
 * dimension tuples are summed. `localizeDetailed` reports how many rows each rule touched.
 * A change of the whole cube (every slice alike) has no combination of its own: it comes out as the
 * values of one small dimension (at most `maxElements` of them).
 */
export function localize(input: LocalizeInput, options: LocalizeOptions = {}): LocalizeResult {
  const { rootCause, candidates } = localizeDetailed(input, options);
  return { rootCause, candidates };
}
