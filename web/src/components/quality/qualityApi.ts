import { METRICS, type MetricName } from '../../../../src/domain/telemetry/metrics.ts';
import { DIMENSIONS, type Dimension } from '../../../../src/domain/telemetry/windows.ts';
import { request } from '../../api.ts';

/** Quality monitoring: incidents (contract.md "Quality incidents") and the dashboard reads over the rollups. */

// The server's own lists, so the dashboard cannot drift from the metrics and dimensions it reads.
export { DIMENSIONS, type Dimension };
export type { MetricName };
export type Slice = Partial<Record<Dimension, string>>;

export const METRIC_NAMES = METRICS;

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type Severity = 'P0' | 'P1' | 'P2';

export interface Bilingual {
  en: string;
  zh: string;
}

export interface Incident {
  id: string;
  status: IncidentStatus;
  severity: Severity;
  metrics: string[];
  startedAt: string;
  detectedAt: string;
  resolvedAt: string | null;
  rootCause: Record<string, string>[];
  scope: { apps: string[]; sessions: number; share: number };
  observed: number;
  expected: number;
  summary: Bilingual;
  ticketId: string | null;
  affectedOrgs: string[];
  acknowledgedAt: string | null;
  mergedInto: string | null;
  /** Staff only (empty for customers): title, impact, cause, evidence, direction in en and zh. */
  diagnosis: {
    kind?: string;
    title?: Bilingual;
    impact?: Bilingual;
    cause?: Bilingual;
    evidence?: Bilingual;
    direction?: Bilingual;
    primary?: { metric: string; slice: Record<string, string> };
    [k: string]: unknown;
  };
}

export interface MetricInfo {
  name: MetricName;
  label: Bilingual;
  unit: 'ratio' | 'ms';
  kind: 'ratio' | 'mean' | 'share';
  bad: 'up' | 'down';
  badLine: number | null;
  numerator: string;
  denominator: string;
}

export interface DimensionsInfo {
  dimensions: Dimension[];
  rollups: Dimension[][];
  metrics: MetricInfo[];
  apps: string[] | null;
}

export interface Point {
  t: string;
  num: number;
  den: number;
  value: number | null;
}

export interface MetricSeries {
  metric: MetricName;
  unit: 'ratio' | 'ms';
  points: Point[];
  total: { num: number; den: number; value: number | null };
}

export interface SeriesResponse {
  from: string;
  to: string;
  stepSeconds: number;
  rollup: Dimension[];
  apps: string[] | null;
  times: string[];
  slice: Slice;
  sessions: number[];
  series: MetricSeries[];
  rest: { parent: Slice; sessions: number[]; series: MetricSeries[] } | null;
}

export interface BreakdownItem {
  key: string;
  slice: Slice;
  num: number;
  den: number;
  value: number | null;
  share: number;
  excess: number;
  sessions: number;
}

export interface BreakdownResponse {
  from: string;
  to: string;
  metric: MetricName;
  by: Dimension;
  sort: 'traffic' | 'excess' | 'value';
  slice: Slice;
  total: { num: number; den: number; value: number | null; sessions: number };
  items: BreakdownItem[];
  rest: { count: number; num: number; den: number };
}

export interface OrgSummary {
  id: string;
  name: string;
  tier: string;
  appIds: string[];
}

function qs(q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const qualityApi = {
  incidents: (q: { from?: string; to?: string; status?: IncidentStatus[]; limit?: number }) =>
    request<{ items: Incident[] }>('GET', `/api/v1/incidents${qs({ from: q.from, to: q.to, status: q.status?.join(','), limit: q.limit ?? 200 })}`),
  incident: (id: string) => request<Incident>('GET', `/api/v1/incidents/${enc(id)}`),
  acknowledge: (id: string) => request<Incident>('POST', `/api/v1/incidents/${enc(id)}/ack`),
  resolve: (id: string) => request<Incident>('POST', `/api/v1/incidents/${enc(id)}/resolve`),
  dimensions: () => request<DimensionsInfo>('GET', '/api/v1/quality/dimensions'),
  series: (q: { from: string; to: string; step: number; metrics?: MetricName[]; slice: Slice; rest?: Dimension }) =>
    request<SeriesResponse>('GET', `/api/v1/quality/series${qs({ from: q.from, to: q.to, step: q.step, metrics: q.metrics?.join(','), rest: q.rest, ...q.slice })}`),
  breakdown: (q: { from: string; to: string; metric: MetricName; by: Dimension; sort?: 'traffic' | 'excess' | 'value'; limit?: number; slice: Slice }) =>
    request<BreakdownResponse>('GET', `/api/v1/quality/breakdown${qs({ from: q.from, to: q.to, metric: q.metric, by: q.by, sort: q.sort, limit: q.limit, ...q.slice })}`),
  orgs: () => request<{ items: OrgSummary[] }>('GET', '/api/v1/orgs'),
};

/** The dimensions of a slice in their canonical order. */
export const sliceDims = (s: Slice): Dimension[] => DIMENSIONS.filter((d) => s[d] !== undefined);

/** Whether a kept rollup covers these dimensions. */
export const covered = (rollups: readonly Dimension[][], dims: readonly Dimension[]): boolean => rollups.some((r) => dims.every((d) => r.includes(d)));

/** Dimensions a slice can be broken down by (some kept rollup covers the slice plus it). */
export function breakdownOptions(rollups: readonly Dimension[][], slice: Slice): Dimension[] {
  const dims = sliceDims(slice);
  return DIMENSIONS.filter((d) => slice[d] === undefined && covered(rollups, [...dims, d]));
}

export const isMetric = (m: string): m is MetricName => (METRIC_NAMES as readonly string[]).includes(m);
export const isDimension = (d: string): d is Dimension => (DIMENSIONS as readonly string[]).includes(d);
