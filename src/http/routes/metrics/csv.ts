import type { MetricsGroup, SlaMetrics } from '../../../services/metrics.ts';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces,
 * with quotes doubled. Text that a spreadsheet would run as a formula (= + - @, tab, CR first) is
 * prefixed with an apostrophe. Numbers are written plainly; null is an empty field.
 */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const ratio = (r: number | null): number | null => (r === null ? null : Math.round(r * 1e6) / 1e6);

export const CSV_COLUMNS = [
  'from',
  'to',
  'group',
  'tier',
  'priority',
  'tickets',
  'resolved',
  'resolution_rate',
  'first_response_count',
  'first_response_avg_s',
  'first_response_p90_s',
  'first_response_wall_avg_s',
  'first_response_wall_p90_s',
  'resolution_count',
  'resolution_avg_s',
  'resolution_p90_s',
  'resolution_wall_avg_s',
  'resolution_wall_p90_s',
  'first_response_sla_clocks',
  'first_response_sla_breached',
  'first_response_sla_in_progress',
  'first_response_attainment',
  'resolution_sla_clocks',
  'resolution_sla_breached',
  'resolution_sla_in_progress',
  'resolution_attainment',
  'escalations_manual',
  'escalations_customer_request',
  'escalations_auto',
  'escalations_total',
] as const;

function row(m: SlaMetrics, group: string, tier: string | null, priority: string | null, g: MetricsGroup): Array<string | number | null> {
  const fa = g.attainment.firstResponse;
  const ra = g.attainment.resolution;
  return [
    m.from,
    m.to,
    group,
    tier,
    priority,
    g.tickets,
    g.resolved,
    ratio(g.resolutionRate),
    g.firstResponse.count,
    g.firstResponse.business.avgSeconds,
    g.firstResponse.business.p90Seconds,
    g.firstResponse.wall.avgSeconds,
    g.firstResponse.wall.p90Seconds,
    g.resolution.count,
    g.resolution.business.avgSeconds,
    g.resolution.business.p90Seconds,
    g.resolution.wall.avgSeconds,
    g.resolution.wall.p90Seconds,
    fa.clocks,
    fa.breached,
    fa.inProgress,
    ratio(fa.rate),
    ra.clocks,
    ra.breached,
    ra.inProgress,
    ratio(ra.rate),
    g.escalations.manual,
    g.escalations.customer_request,
    g.escalations.auto,
    g.escalations.total,
  ];
}

/** The report as CSV: a header row, then overall, by tier, by priority, by tier × priority (CRLF). */
export function metricsCsv(m: SlaMetrics): string {
  const rows: Array<Array<string | number | null>> = [
    [...CSV_COLUMNS],
    row(m, 'overall', null, null, m.overall),
    ...m.byTier.map((g) => row(m, 'tier', g.tier, null, g)),
    ...m.byPriority.map((g) => row(m, 'priority', null, g.priority, g)),
    ...m.byTierPriority.map((g) => row(m, 'tier_priority', g.tier, g.priority, g)),
  ];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
