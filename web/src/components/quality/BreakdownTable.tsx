import { useI18n } from '../../i18n/index.tsx';
import { dimLabel, formatNumber, formatShare, formatValue } from './format.ts';
import type { BreakdownResponse, Slice } from './qualityApi.ts';

interface Props {
  data: BreakdownResponse;
  /** Drill down into a row (its slice); absent when no further breakdown is possible. */
  onDrill(slice: Slice): void;
}

/** The values of one dimension inside the slice, for the chosen metric; a click drills into one. */
export function BreakdownTable({ data, onDrill }: Props) {
  const { t, locale } = useI18n();
  const m = data.metric;
  // A row's excess spread over the whole slice: how far it moves the slice's figure (+ worse, − better).
  const contribution = (excess: number) => {
    if (!(data.total.den > 0)) return '—';
    const c = excess / data.total.den;
    const text = formatValue(locale, m, Math.abs(c));
    return c > 0 ? `+${text}` : c < 0 ? `−${text}` : text;
  };
  if (data.items.length === 0) return <div className="empty">{t('quality.breakdown.none')}</div>;
  return (
    <div className="table-card">
      <table className="table q-breakdown" data-by={data.by}>
        <thead>
          <tr>
            <th>{dimLabel(t, data.by)}</th>
            <th className="col-num">{t('quality.breakdown.value')}</th>
            <th className="col-num">{t('quality.breakdown.share')}</th>
            <th className="col-num" title={t('quality.breakdown.excessHint')}>
              {t('quality.breakdown.excess')}
            </th>
            <th className="col-num">{t('quality.breakdown.sessions')}</th>
          </tr>
        </thead>
        <tbody>
          <tr className="q-total">
            <td>{t('quality.breakdown.total')}</td>
            <td className="col-num">{formatValue(locale, m, data.total.value)}</td>
            <td className="col-num">{formatShare(locale, 1)}</td>
            <td className="col-num">—</td>
            <td className="col-num">{formatNumber(locale, data.total.sessions, 1)}</td>
          </tr>
          {data.items.map((i) => {
            const worse = i.excess > 0;
            return (
              <tr key={i.key} className="row-link" data-key={i.key} onClick={() => onDrill(i.slice)}>
                <td>
                  <button type="button" className="q-drill" onClick={(e) => (e.stopPropagation(), onDrill(i.slice))} title={t('quality.breakdown.drill')}>
                    {i.key}
                  </button>
                </td>
                <td className={`col-num${worse ? ' q-worse' : ''}`}>{formatValue(locale, m, i.value)}</td>
                <td className="col-num">
                  <span className="q-share-bar" style={{ width: `${Math.round(i.share * 60)}px` }} aria-hidden="true" />
                  {formatShare(locale, i.share)}
                </td>
                <td className={`col-num${worse ? ' q-worse' : ''}`}>{contribution(i.excess)}</td>
                <td className="col-num">{formatNumber(locale, i.sessions, 1)}</td>
              </tr>
            );
          })}
          {data.rest.count > 0 && (
            <tr className="muted">
              <td colSpan={5}>{t('quality.breakdown.more', { count: data.rest.count })}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
