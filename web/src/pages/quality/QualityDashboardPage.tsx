import { useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { AddFilter } from '../../components/quality/AddFilter.tsx';
import { BreakdownTable } from '../../components/quality/BreakdownTable.tsx';
import { autoStep, BAD_LINES, dimLabel, formatValue, metricLabel, metricUnit, sliceFromSearch, sliceText } from '../../components/quality/format.ts';
import { LineChart } from '../../components/quality/LineChart.tsx';
import { breakdownOptions, DIMENSIONS, isDimension, isMetric, METRIC_NAMES, qualityApi, sliceDims, type Dimension, type MetricName, type Slice } from '../../components/quality/qualityApi.ts';
import { PRESETS, RangePicker } from '../../components/quality/RangePicker.tsx';
import { SliceChips } from '../../components/quality/SliceChips.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { serverNow } from '../../serverTime.ts';

const MINUTE = 60_000;
const SORTS = ['excess', 'traffic', 'value'] as const;
type Sort = (typeof SORTS)[number];

/**
 * The quality dashboard: every metric of the slice over time (one chart each), the slice as chips,
 * a breakdown of one dimension inside it (click a row to drill down), and the time range. Everything
 * lives in the URL, so a view can be linked (the incident page links here).
 */
export function QualityDashboardPage({ base }: { base: string }) {
  const { t, fmt, locale } = useI18n();
  const { search } = useLocation();
  const [tick, setTick] = useState(0);

  const slice = useMemo(() => sliceFromSearch(search), [search]);
  const sliceKey = JSON.stringify(slice);
  const customFrom = Date.parse(search.get('from') ?? '');
  const customTo = Date.parse(search.get('to') ?? '');
  const custom = Number.isFinite(customFrom) && Number.isFinite(customTo) && customTo > customFrom;
  const preset = custom ? null : (PRESETS.find((p) => p.key === search.get('range')) ?? PRESETS[1])!;
  const { from, to } = useMemo(() => {
    if (custom) return { from: customFrom, to: customTo };
    const end = Math.ceil(serverNow() / MINUTE) * MINUTE;
    return { from: end - (preset?.ms ?? 6 * 3_600_000), to: end };
  }, [custom, customFrom, customTo, preset?.key, tick]);
  const step = autoStep(to - from);
  const metricParam = search.get('metric') ?? '';
  const metric: MetricName = isMetric(metricParam) ? metricParam : 'lossRate';
  const sortParam = search.get('sort') ?? '';
  const sort: Sort = (SORTS as readonly string[]).includes(sortParam) ? (sortParam as Sort) : 'excess';

  const info = useLoad(() => qualityApi.dimensions(), []);
  const options = info.data ? breakdownOptions(info.data.rollups, slice) : [];
  const byParam = search.get('by') ?? '';
  const by: Dimension | undefined = isDimension(byParam) && options.includes(byParam) ? byParam : options[0];

  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const series = useLoad(() => qualityApi.series({ from: fromIso, to: toIso, step, slice }), [fromIso, toIso, step, sliceKey]);
  const breakdown = useLoad(
    async () => (by ? qualityApi.breakdown({ from: fromIso, to: toIso, metric, by, sort, limit: 15, slice }) : null),
    [fromIso, toIso, sliceKey, metric, by, sort],
  );

  /** Changes URL parameters (null removes one) and keeps the rest. */
  const update = (changes: Record<string, string | null>, nextSlice?: Slice) => {
    const p = new URLSearchParams(search);
    if (nextSlice) {
      for (const d of DIMENSIONS) p.delete(d);
      for (const d of DIMENSIONS) if (nextSlice[d] !== undefined) p.set(d, nextSlice[d] as string);
    }
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    const s = p.toString();
    navigate(s ? `${base}?${s}` : base);
  };

  const drill = (next: Slice) => update({ by: null }, next);
  const removeDim = (d: Dimension) => {
    const next = { ...slice };
    delete next[d];
    update({ by: null }, next);
  };

  const times = series.data?.times.map((x) => Date.parse(x)) ?? [];
  const timeFmt = (ms: number) => (to - from > 2 * 86_400_000 ? fmt.day(ms) : fmt.time(ms));
  // A customer's figures cover its own apps only.
  const label = info.data?.apps && sliceDims(slice).length === 0 ? t('quality.slice.yourApps') : sliceText(t, slice);

  return (
    <div className="page q-dashboard">
      <div className="page-head">
        <h1>{t('quality.dashboard.title')}</h1>
        <span className="filters-spacer" />
        <button type="button" className="btn btn-ghost" onClick={() => setTick((n) => n + 1)}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="filters q-filters">
        <RangePicker
          preset={preset?.key ?? null}
          from={from}
          to={to}
          onPreset={(key) => update({ range: key, from: null, to: null })}
          onCustom={(f, e) => update({ range: null, from: new Date(f).toISOString(), to: new Date(e).toISOString() })}
        />
      </div>
      <div className="filters">
        <SliceChips slice={slice} onRemove={removeDim} onClear={() => update({ by: null }, {})} />
        {info.data && <AddFilter rollups={info.data.rollups} slice={slice} from={fromIso} to={toIso} metric={metric} onAdd={(d, v) => drill({ ...slice, [d]: v })} />}
        <span className="filters-spacer" />
        {info.data?.apps && <span className="muted small">{t('quality.dashboard.ownApps', { apps: info.data.apps.join(', ') || '—' })}</span>}
      </div>
      <ErrorNotice error={info.error ?? series.error} />
      {!series.data ? (
        !series.error && <Loading />
      ) : (
        <>
          <div className="muted small q-step-note">{t('quality.dashboard.step', { minutes: series.data.stepSeconds / 60, slice: label })}</div>
          <div className={`q-charts${series.loading ? ' is-stale' : ''}`}>
            {series.data.series.map((s) => {
              const bad = BAD_LINES[s.metric];
              return (
                <section key={s.metric} className={`card panel q-metric${s.metric === metric ? ' q-metric-active' : ''}`} data-metric={s.metric}>
                  <div className="q-metric-head">
                    <h2>{metricLabel(t, s.metric)}</h2>
                    <span className="q-metric-total">{formatValue(locale, s.metric, s.total.value)}</span>
                    <button type="button" className={`chip${s.metric === metric ? ' active' : ''}`} aria-pressed={s.metric === metric} onClick={() => update({ metric: s.metric })}>
                      {t('quality.dashboard.breakDown')}
                    </button>
                  </div>
                  <LineChart
                    title={`${metricLabel(t, s.metric)} · ${label}`}
                    series={[{ key: 'slice', label, color: '#1f6feb', points: s.points.map((p, i) => ({ t: times[i] ?? Date.parse(p.t), v: p.value })) }]}
                    from={from}
                    to={to}
                    height={170}
                    width={420}
                    format={(v) => formatValue(locale, s.metric, v)}
                    formatTime={timeFmt}
                    reference={bad !== null ? { value: bad, label: t('quality.chart.badLine') } : null}
                    zeroBased={metricUnit(s.metric) === 'ratio'}
                  />
                </section>
              );
            })}
          </div>
        </>
      )}
      <section className="card q-breakdown-card">
        <div className="q-breakdown-head">
          <h2>{t('quality.breakdown.title')}</h2>
          <label className="inline-label">
            <span>{t('quality.breakdown.metric')}</span>
            <select value={metric} aria-label={t('quality.breakdown.metric')} onChange={(e) => update({ metric: e.target.value })}>
              {METRIC_NAMES.map((m) => (
                <option key={m} value={m}>
                  {metricLabel(t, m)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-label">
            <span>{t('quality.breakdown.by')}</span>
            <select value={by ?? ''} aria-label={t('quality.breakdown.by')} disabled={options.length === 0} onChange={(e) => update({ by: e.target.value })}>
              {options.map((d) => (
                <option key={d} value={d}>
                  {dimLabel(t, d)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-label">
            <span>{t('quality.breakdown.sort')}</span>
            <select value={sort} aria-label={t('quality.breakdown.sort')} onChange={(e) => update({ sort: e.target.value })}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`quality.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNotice error={breakdown.error} />
        {options.length === 0 && info.data ? (
          <div className="empty">{t('quality.breakdown.deepest')}</div>
        ) : !breakdown.data ? (
          !breakdown.error && <Loading />
        ) : (
          <div className={breakdown.loading ? 'is-stale' : ''}>
            <BreakdownTable data={breakdown.data} onDrill={drill} />
          </div>
        )}
      </section>
    </div>
  );
}
