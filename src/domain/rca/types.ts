/**
 * Shapes of `POST /api/v1/rca/localize` (contract.md, "Quality incidents").
 */

/** `additive`: the value is `real` itself. `ratio`: the value is `real ÷ realTotal`. */
export type Measure = 'additive' | 'ratio';

/** A conjunction of dimension values, e.g. `{country: 'ID', isp: 'Telkomsel'}`. */
export type Combination = Record<string, string>;

/** One leaf of the cube: every dimension fixed. */
export interface RcaRow {
  dims: Record<string, string>;
  real: number;
  expected: number;
  /** Ratio measures only: the observed denominator. */
  realTotal?: number;
  /** Ratio measures only: the denominator the expectation was made for. */
  expectedTotal?: number;
}

export interface LocalizeInput {
  measure: Measure;
  rows: readonly RcaRow[];
}

export interface Candidate {
  dims: Combination;
  /**
   * 0–1: the share of the explained change this combination accounts for, times the share of its
   * traffic that lies in changed slices. 1 for a single exact root cause; a parent is discounted by
   * its unaffected traffic, a child by the change it leaves out.
   */
  score: number;
}

export interface LocalizeResult {
  /**
   * The smallest set of combinations that explains the change, best first (by the share of the
   * change each carries); empty when nothing changed.
   */
  rootCause: Combination[];
  /** The root cause and the next best single combinations, by score, best first; empty when nothing changed. */
  candidates: Candidate[];
}

export interface LocalizeOptions {
  /** Deepest layer searched (number of dimensions fixed in one combination), 1–3. Default 3. */
  maxLayer?: number;
  /** Most combinations in a root cause. Default 5. */
  maxElements?: number;
  /** Length of `candidates`. Default 10. */
  maxCandidates?: number;
  /** A combination must change its slice by at least this relative amount (0.05 = 5 %). Default 0.05. */
  minRelativeChange?: number;
  /**
   * A root-cause combination must carry at least this share of the explained absolute change.
   * Default 0.002.
   */
  minExplainedShare?: number;
  /**
   * Extra penalty, in deviance units, that each combination must beat on top of the
   * multiple-testing term 2·ln(number of combinations in its layer). Default 10.
   */
  penalty?: number;
  /** Floor of the estimated over-dispersion (1 = Poisson/binomial noise at least). Default 1. */
  minDispersion?: number;
  /**
   * Work budget in leaf×cuboid visits for enumerating a layer in full; past it a layer is only
   * expanded below the most deviating combinations of the layer above. Default 4,000,000.
   */
  searchBudget?: number;
  /** How many deviating combinations of a layer are expanded when the budget forces pruning. Default 64. */
  beamWidth?: number;
  /**
   * Rows whose `dims` lack a dimension that other rows have: `fill` gives them the value
   * `MISSING_VALUE` (a slice of its own), `drop` ignores them. Default `fill`.
   */
  missingDimension?: 'fill' | 'drop';
}

/** What `localizeDetailed` reports besides the answer. */
export interface LocalizeDiagnostics {
  rowsIn: number;
  /** Leaves analysed after merging duplicate dimension tuples. */
  leaves: number;
  /** Rows ignored: non-finite or negative numbers, bad `dims`, a positive numerator over a zero denominator. */
  rowsInvalid: number;
  /** Rows ignored under `missingDimension: 'drop'`. */
  rowsMissingDimension: number;
  /** Dimension values filled with `MISSING_VALUE`. */
  valuesFilled: number;
  dimensions: string[];
  /** Ratio measure of a proportion above one half: the complement (e.g. failures) was analysed. */
  complement: boolean;
  /** Estimated over-dispersion of the leaves relative to Poisson/binomial noise (φ). */
  dispersion: number;
  /** Estimated relative error of the expectation itself, per leaf (σ; 0.05 = 5 %). */
  relativeNoise: number;
  /** Layers whose enumeration was pruned to the children of deviating parents. */
  prunedLayers: number[];
  /** Fitted relative change of each root-cause combination (0.5 = +50 %, −0.3 = −30 %). */
  effects: number[];
}
