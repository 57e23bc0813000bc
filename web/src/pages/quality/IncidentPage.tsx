import { useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { IncidentStatusBadge, SeverityBadge } from '../../components/quality/Badges.tsx';
import { autoStep, badDirection, bilingual, formatNatural, formatNumber, formatShare, formatValue, metricLabel, metricUnit, sliceText } from '../../components/quality/format.ts';
import { IncidentTimeline } from '../../components/quality/IncidentTimeline.tsx';
import { LineChart } from '../../components/quality/LineChart.tsx';
import { covered, DIMENSIONS, isMetric, qualityApi, sliceDims, type Dimension, type Incident, type MetricName, type Slice } from '../../components/quality/qualityApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { serverNow } from '../../serverTime.ts';
import { incidentTitle } from './IncidentListPage.tsx';

const MINUTE = 60_000;

interface Props {
  id: string;
  /** The incident list this page belongs to (console or portal). */
  base: string;
  /** Where the dashboard is (links to the root-cause slice), or null. */
  dashboard: string | null;
  staff: boolean;
}

const toSlice = (c: Record<string, string>): Slice => {
  const s: Slice = {};
  for (const d of DIMENSIONS) if (c[d] !== undefined) s[d] = c[d];
  return s;
};

/** The root cause as a slice the kept rollups can answer (dropping the finest dimensions if need be). */
function chartSlice(rollups: Dimension[][], rc: Record<string, string> | undefined): Slice {
  const s = toSlice(rc ?? {});
  let dims = sliceDims(s);
  while (dims.length > 0 && !covered(rollups, dims)) dims = dims.slice(0, -1);
  const out: Slice = {};
  for (const d of dims) out[d] = s[d];
  return out;
}

function dashboardLink(dashboard: string, slice: Slice, from: number, to: number, metric: string): string {
  const p = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), metric });
  for (const d of sliceDims(slice)) p.set(d, slice[d] as string);
  return `${dashboard}?${p.toString()}`;
}

/** The affected slice against the rest of its parent and its own level before the incident. */
function IncidentChart({ incident, metric, dashboard }: { incident: Incident; metric: MetricName; dashboard: string | null }) {
  const { t, fmt, locale } = useI18n();
  const info = useLoad(() => qualityApi.dimensions(), []);
  const started = Date.parse(incident.startedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : serverNow();
  const from = Math.floor((started - 20 * MINUTE) / MINUTE) * MINUTE;
  // An incident that is still open (or was closed long after its traffic) is drawn for at most 3 hours.
  const to = Math.ceil((Math.min(Math.max(end, Date.parse(incident.detectedAt)), started + 3 * 3_600_000) + 10 * MINUTE) / MINUTE) * MINUTE;
  const slice = useMemo(() => (info.data ? chartSlice(info.data.rollups, incident.rootCause[0]) : null), [info.data, incident.rootCause]);
  const dims = slice ? sliceDims(slice) : [];
  const rest: Dimension | undefined = dims[dims.length - 1];
  const step = autoStep(to - from);
  const data = useLoad(
    async () => (slice ? qualityApi.series({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), step, metrics: [metric], slice, ...(rest ? { rest } : {}) }) : null),
    [JSON.stringify(slice), metric, from, to],
  );

  if (info.error || data.error) return <ErrorNotice error={info.error ?? data.error} />;
  if (!data.data || !slice) return <Loading />;
  const s = data.data.series[0];
  const r = data.data.rest?.series[0];
  if (!s) return null;
  const times = data.data.times.map((x) => Date.parse(x));
  // Baseline: the slice's own rate over the steps that ended before the incident started.
  let bn = 0;
  let bd = 0;
  s.points.forEach((p, i) => {
    if ((times[i] as number) + data.data!.stepSeconds * 1000 <= started) {
      bn += p.num;
      bd += p.den;
    }
  });
  const baseline = bd > 0 ? bn / bd : null;
  const stepMs = data.data.stepSeconds * 1000;
  // Trailing steps without any traffic (a replayed history, a quiet night) are not drawn.
  let last = -1;
  s.points.forEach((p, i) => {
    if (p.den > 0 || (r?.points[i]?.den ?? 0) > 0) last = i;
  });
  const drawTo = last < 0 ? to : Math.min(to, Math.max((times[last] as number) + stepMs + 5 * MINUTE, Date.parse(incident.detectedAt) + 5 * MINUTE));
  // A customer's figures cover its own apps only: its "whole" is its apps, not all traffic.
  const own = (sl: Slice) => (info.data?.apps && sliceDims(sl).length === 0 ? t('quality.slice.yourApps') : sliceText(t, sl));
  const label = own(slice);
  const parentLabel = data.data.rest ? t('quality.chart.rest', { parent: own(data.data.rest.parent), dim: t(`quality.dim.${rest as Dimension}` as MessageKey) }) : '';
  const restDrawn = r !== undefined && r.points.some((p) => p.den > 0);
  const markers = [{ t: Date.parse(incident.detectedAt), label: t('quality.timeline.detected') }];
  if (incident.acknowledgedAt) markers.push({ t: Date.parse(incident.acknowledgedAt), label: t('quality.timeline.acknowledged') });
  // The worst step while the incident ran.
  const dir = badDirection(metric);
  let peak: number | null = null;
  s.points.forEach((p, i) => {
    const at = times[i] as number;
    if (p.value === null || at + stepMs <= started || at > end) return;
    if (peak === null || (dir === 'up' ? p.value > peak : p.value < peak)) peak = p.value;
  });

  return (
    <div className="q-incident-chart">
      <LineChart
        title={`${metricLabel(t, metric)} · ${label}`}
        series={[
          { key: 'slice', label, color: '#c62828', points: s.points.map((p, i) => ({ t: times[i] as number, v: p.value })) },
          ...(r && restDrawn ? [{ key: 'rest', label: parentLabel, color: '#687486', dashed: true, points: r.points.map((p, i) => ({ t: times[i] as number, v: p.value })) }] : []),
        ]}
        from={from}
        to={drawTo}
        height={220}
        format={(v) => formatValue(locale, metric, v)}
        formatTime={(ms) => fmt.time(ms)}
        reference={baseline !== null ? { value: baseline, label: t('quality.chart.baseline', { v: formatValue(locale, metric, baseline) }) } : null}
        band={{ from: started, to: end, label: t('quality.chart.band') }}
        markers={markers}
        zeroBased={metricUnit(metric) === 'ratio'}
      />
      <div className="muted small q-chart-note">
        {t('quality.chart.note', { step: data.data.stepSeconds / 60, baseline: formatValue(locale, metric, baseline), peak: formatValue(locale, metric, peak) })}
        {dashboard && (
          <>
            {' · '}
            <Link to={dashboardLink(dashboard, slice, from, to, metric)} className="q-open-dashboard">
              {t('quality.incident.openDashboard')}
            </Link>
          </>
        )}
      </div>
    </div>
  );
}

/** One quality incident: what happened when, where and why, the chart, who is affected, and (staff) acknowledge / resolve. */
export function IncidentPage({ id, base, dashboard, staff }: Props) {
  const { t, locale } = useI18n();
  const data = useLoad(() => qualityApi.incident(id), [id]);
  const orgs = useLoad(async () => (await qualityApi.orgs()).items, []);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<MetricName | null>(null);

  if (!data.data) {
    if (!data.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={data.error} />
        <Link to={base}>← {t('quality.incident.back')}</Link>
      </div>
    );
  }
  const inc = data.data;
  const metrics = inc.metrics.filter(isMetric);
  const metric = chosen && metrics.includes(chosen) ? chosen : metrics[0];
  const act = async (fn: (id: string) => Promise<Incident>) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn(inc.id);
      await data.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const names = new Map((orgs.data ?? []).map((o) => [o.id, o.name]));
  const d = inc.diagnosis;
  type Part = { key: string; label: MessageKey; text: string };
  const parts: Part[] = staff
    ? ([
        { key: 'cause', label: 'quality.diagnosis.cause', text: bilingual(locale, d.cause) },
        { key: 'impact', label: 'quality.diagnosis.impact', text: bilingual(locale, d.impact) },
        { key: 'evidence', label: 'quality.diagnosis.evidence', text: bilingual(locale, d.evidence) },
        { key: 'direction', label: 'quality.diagnosis.direction', text: bilingual(locale, d.direction) },
      ] satisfies Part[]).filter((p) => p.text)
    : [];
  const ticketLink = inc.ticketId ? `${staff ? '/console' : '/portal'}/tickets/${encodeURIComponent(inc.ticketId)}` : null;

  return (
    <div className="page q-incident" data-incident={inc.id} data-status={inc.status}>
      <Link to={base} className="back-link">
        ← {t('quality.incident.back')}
      </Link>
      <div className="page-head q-incident-head">
        <SeverityBadge severity={inc.severity} />
        <IncidentStatusBadge status={inc.status} />
        <h1>{incidentTitle(locale, inc)}</h1>
        <span className="filters-spacer" />
        {staff && inc.status === 'open' && (
          <button type="button" className="btn btn-warn" disabled={busy} onClick={() => void act(qualityApi.acknowledge)}>
            {t('quality.incident.acknowledge')}
          </button>
        )}
        {staff && inc.status !== 'resolved' && (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act(qualityApi.resolve)}>
            {t('quality.incident.resolve')}
          </button>
        )}
      </div>
      <ErrorNotice error={actionError ?? data.error} />
      {inc.mergedInto && (
        <div className="notice notice-warn">
          {t('quality.incident.merged')} <Link to={`${base}/${encodeURIComponent(inc.mergedInto)}`}>{inc.mergedInto}</Link>
        </div>
      )}
      <div className="card panel">
        <IncidentTimeline incident={inc} />
      </div>
      <div className="q-incident-grid">
        <div className="stack">
          <section className="card panel q-diagnosis" lang={locale}>
            <div className="panel-title">{t('quality.diagnosis.title')}</div>
            {parts.length ? (
              <dl className="facts">
                {parts.map((p) => (
                  <div key={p.key} className="fact fact-wide" data-part={p.key}>
                    <dt>{t(p.label)}</dt>
                    <dd className="prewrap">{p.text}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="prewrap q-summary">{bilingual(locale, inc.summary)}</p>
            )}
          </section>
          <section className="card panel">
            <div className="q-chart-head">
              <div className="panel-title">{t('quality.incident.chart')}</div>
              <div className="quick-filters" role="group" aria-label={t('quality.col.metrics')}>
                {metrics.map((m) => (
                  <button key={m} type="button" className={`chip${m === metric ? ' active' : ''}`} aria-pressed={m === metric} onClick={() => setChosen(m)}>
                    {metricLabel(t, m)}
                  </button>
                ))}
              </div>
            </div>
            {metric ? <IncidentChart key={metric} incident={inc} metric={metric} dashboard={dashboard} /> : <div className="muted">—</div>}
          </section>
        </div>
        <aside className="stack">
          <section className="card panel">
            <div className="panel-title">{t('quality.incident.rootCause')}</div>
            {inc.rootCause.length === 0 ? (
              <div className="muted">—</div>
            ) : (
              <ol className="q-root-causes">
                {inc.rootCause.map((c) => (
                  <li key={JSON.stringify(c)} className="q-root-cause">
                    {Object.keys(toSlice(c)).length ? sliceText(t, c) : t('quality.slice.all')}
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section className="card panel">
            <div className="panel-title">{t('quality.incident.impact')}</div>
            <dl className="facts">
              <div className="fact">
                <dt>{t('quality.scope.sessions')}</dt>
                <dd data-fact="sessions">{formatNumber(locale, inc.scope.sessions)}</dd>
              </div>
              <div className="fact">
                <dt>{t('quality.scope.share')}</dt>
                <dd data-fact="share">{formatShare(locale, inc.scope.share)}</dd>
              </div>
              <div className="fact">
                <dt>{t('quality.scope.metricValues')}</dt>
                <dd>
                  {metrics[0] ? t('quality.scope.observedExpected', { observed: formatNatural(locale, metrics[0], inc.observed), expected: formatNatural(locale, metrics[0], inc.expected) }) : '—'}
                </dd>
              </div>
              <div className="fact">
                <dt>{t('quality.scope.apps')}</dt>
                <dd className="mono" data-fact="apps">
                  {inc.scope.apps.join(', ') || '—'}
                </dd>
              </div>
              <div className="fact">
                <dt>{t('quality.scope.customers')}</dt>
                <dd data-fact="customers">{inc.affectedOrgs.map((o) => names.get(o) ?? o).join(', ') || '—'}</dd>
              </div>
              <div className="fact">
                <dt>{t('quality.incident.ticket')}</dt>
                <dd>
                  {ticketLink ? (
                    <Link to={ticketLink} className="q-ticket-link">
                      {t('quality.incident.openTicket')}
                    </Link>
                  ) : (
                    '—'
                  )}
                </dd>
              </div>
            </dl>
          </section>
        </aside>
      </div>
    </div>
  );
}
