import type { MessageKey, Translate } from '../../i18n/index.tsx';
import type { Locale } from '../../i18n/locale.ts';
import { DIMENSIONS, isDimension, isMetric, type Bilingual, type MetricName, type Slice } from './qualityApi.ts';

/** Rates from the rollups are ratios in [0, 1]; the means (rtt, jitter) are milliseconds. */
export const metricUnit = (m: MetricName): 'ratio' | 'ms' => (m === 'rttMean' || m === 'jitterMean' ? 'ms' : 'ratio');

/** Which direction is worse, as telemetry.md's "bad" lines say. */
export const badDirection = (m: MetricName): 'up' | 'down' => (m === 'joinSuccessRate' || m === 'join5sRate' ? 'down' : 'up');

/** The "bad" line of telemetry.md in the rollups' unit (firstFrameMs from the rollups is a share: none). */
export const BAD_LINES: Readonly<Record<MetricName, number | null>> = {
  joinSuccessRate: 0.95,
  join5sRate: 0.95,
  videoFreezeRate: 0.05,
  audioFreezeRate: 0.03,
  networkDelayRate: 0.1,
  lossRate: 0.05,
  rttMean: null,
  jitterMean: 30,
  firstFrameMs: null,
  abnormalLeaveRate: 0.02,
  avSyncBadRate: 0.05,
};

export function metricLabel(t: Translate, m: string): string {
  return isMetric(m) ? t(`quality.metric.${m}` as MessageKey) : m;
}

export function dimLabel(t: Translate, d: string): string {
  return isDimension(d) ? t(`quality.dim.${d}` as MessageKey) : d;
}

/** 4.37 % or 123 ms; a dash without a value. */
export function formatValue(locale: Locale, m: MetricName, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (metricUnit(m) === 'ms') return `${new Intl.NumberFormat(locale, { maximumFractionDigits: v < 10 ? 1 : 0 }).format(v)} ms`;
  const pct = v * 100;
  const digits = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(pct)}%`;
}

/** A value in the metric's natural unit as the detector reports it (firstFrameMs: its p90 in ms). */
export function formatNatural(locale: Locale, m: MetricName, v: number | null | undefined): string {
  if (m === 'firstFrameMs') return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v)} ms`;
  return formatValue(locale, m, v);
}

export function formatNumber(locale: Locale, v: number, digits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
}

export function formatShare(locale: Locale, v: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: v < 0.1 ? 1 : 0 }).format(v);
}

/** `country=ID · isp=Telkomsel` with translated dimension names. */
export function sliceText(t: Translate, s: Record<string, string>): string {
  const keys = Object.keys(s).sort((a, b) => (DIMENSIONS as readonly string[]).indexOf(a) - (DIMENSIONS as readonly string[]).indexOf(b));
  if (keys.length === 0) return t('quality.slice.all');
  return keys.map((k) => `${dimLabel(t, k)} ${s[k]}`).join(' · ');
}

export const bilingual = (locale: Locale, b: Bilingual | undefined): string => (b ? (locale === 'zh-CN' ? b.zh || b.en : b.en || b.zh) : '');

/** A slice from URL parameters (`?country=ID&isp=Telkomsel`). */
export function sliceFromSearch(search: URLSearchParams): Slice {
  const s: Slice = {};
  for (const d of DIMENSIONS) {
    const v = search.get(d);
    if (v) s[d] = v;
  }
  return s;
}

/** A step (seconds) giving at most ~240 points for a range. */
export function autoStep(rangeMs: number): number {
  const steps = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 86_400];
  for (const s of steps) if (rangeMs / (s * 1000) <= 240) return s;
  return 86_400;
}
