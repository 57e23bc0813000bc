import { IncidentStatusBadge, SeverityBadge } from '../../components/quality/Badges.tsx';
import { bilingual, formatNumber, formatShare, metricLabel, sliceText } from '../../components/quality/format.ts';
import { qualityApi, type Incident, type IncidentStatus } from '../../components/quality/qualityApi.ts';
import { ChipGroup } from '../../components/ChipGroup.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useEvery, useLoad } from '../../hooks.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { serverNow } from '../../serverTime.ts';

const STATUS_VIEWS: { key: string; label: MessageKey; status?: IncidentStatus[] }[] = [
  { key: 'active', label: 'quality.list.active', status: ['open', 'acknowledged'] },
  { key: 'open', label: 'quality.status.open', status: ['open'] },
  { key: 'acknowledged', label: 'quality.status.acknowledged', status: ['acknowledged'] },
  { key: 'resolved', label: 'quality.status.resolved', status: ['resolved'] },
  { key: 'all', label: 'quality.list.all' },
];

const PERIODS: { key: string; label: MessageKey; ms?: number }[] = [
  { key: '24h', label: 'quality.range.24h', ms: 86_400_000 },
  { key: '7d', label: 'quality.range.7d', ms: 7 * 86_400_000 },
  { key: '30d', label: 'quality.range.30d', ms: 30 * 86_400_000 },
  { key: 'any', label: 'quality.list.anyTime' },
];

/** The incident's headline in the viewer's language: the diagnosis title (staff) or the summary. */
export function incidentTitle(locale: 'zh-CN' | 'en', i: Incident): string {
  // The summary's first line is its title.
  return bilingual(locale, i.diagnosis.title) || bilingual(locale, i.summary).split('\n')[0]?.trim() || i.id;
}

/** Quality incidents, newest first, filtered by status and time; a row opens the incident. */
export function IncidentListPage({ base }: { base: string }) {
  const { t, fmt, locale } = useI18n();
  const { search } = useLocation();
  const view = STATUS_VIEWS.find((v) => v.key === search.get('status')) ?? STATUS_VIEWS[4]!;
  const period = PERIODS.find((p) => p.key === search.get('period')) ?? PERIODS[3]!;
  const list = useLoad(async () => {
    const from = period.ms ? new Date(serverNow() - period.ms).toISOString() : undefined;
    return (await qualityApi.incidents({ ...(from ? { from } : {}), ...(view.status ? { status: view.status } : {}) })).items;
  }, [view.key, period.key]);
  useEvery(30_000, () => void list.reload());
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(search);
    p.set(k, v);
    navigate(`${base}?${p.toString()}`, { replace: true });
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('quality.list.title')}</h1>
        <ChipGroup label={t('quality.list.status')} options={STATUS_VIEWS.map((v) => ({ key: v.key, label: t(v.label) }))} value={view.key} onChange={(k) => set('status', k)} />
        <ChipGroup label={t('quality.list.period')} options={PERIODS.map((p) => ({ key: p.key, label: t(p.label) }))} value={period.key} onChange={(k) => set('period', k)} />
        <span className="filters-spacer" />
        <button type="button" className="btn btn-ghost" onClick={() => void list.reload()}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorNotice error={list.error} />
      {!list.data ? (
        !list.error && <Loading />
      ) : list.data.length === 0 ? (
        <div className="empty">{t('quality.list.none')}</div>
      ) : (
        <div className={`card table-card${list.loading ? ' is-stale' : ''}`}>
          <table className="table q-incidents">
            <thead>
              <tr>
                <th>{t('quality.col.severity')}</th>
                <th>{t('quality.col.status')}</th>
                <th>{t('quality.col.incident')}</th>
                <th>{t('quality.col.metrics')}</th>
                <th>{t('quality.col.rootCause')}</th>
                <th>{t('quality.col.started')}</th>
                <th>{t('quality.col.scope')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => {
                const to = `${base}/${encodeURIComponent(i.id)}`;
                return (
                  <tr key={i.id} className="row-link" data-incident={i.id} data-status={i.status} onClick={() => navigate(to)}>
                    <td>
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td>
                      <IncidentStatusBadge status={i.status} />
                    </td>
                    <td className="col-subject">
                      <Link to={to} className="q-incident-link">
                        {incidentTitle(locale, i)}
                      </Link>
                      <div className="muted small mono">{i.id}</div>
                    </td>
                    <td className="small">{i.metrics.map((m) => metricLabel(t, m)).join(', ')}</td>
                    <td className="small">{i.rootCause.length ? i.rootCause.map((c) => sliceText(t, c)).join('; ') : '—'}</td>
                    <td className="small">
                      <div title={t('quality.timeline.started')}>{fmt.dateTime(i.startedAt)}</div>
                      <div className="muted" title={t('quality.timeline.detected')}>
                        {t('quality.list.detectedAfter', { s: Math.round((Date.parse(i.detectedAt) - Date.parse(i.startedAt)) / 1000) })}
                      </div>
                    </td>
                    <td className="small">
                      {t('quality.scope.short', { sessions: formatNumber(locale, i.scope.sessions), share: formatShare(locale, i.scope.share), apps: i.scope.apps.length })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
