/**
 * Root-cause localization (`POST /api/v1/rca/localize`): the public surface of this area.
 */
export { localize, localizeDetailed, MISSING_VALUE } from './localize.ts';
export { adtributor, type AdtributorOptions } from './adtributor.ts';
export {
  combinationKey,
  DEFAULT_DIMENSIONS,
  generateCase,
  scoreF1,
  type CaseLayer,
  type CaseOptions,
  type DimensionSpec,
  type F1Score,
  type GeneratedCase,
  type InjectedElement,
} from './cuboid.ts';
export type {
  Candidate,
  Combination,
  LocalizeDiagnostics,
  LocalizeInput,
  LocalizeOptions,
  LocalizeResult,
  Measure,
  RcaRow,
} from './types.ts';
