import { useI18n } from '../../i18n/index.tsx';
import { dimLabel } from './format.ts';
import { sliceDims, type Dimension, type Slice } from './qualityApi.ts';

interface Props {
  slice: Slice;
  onRemove(d: Dimension): void;
  onClear(): void;
}

/** The slice being looked at as removable chips: `Country ID ×`, `Operator Telkomsel ×`. */
export function SliceChips({ slice, onRemove, onClear }: Props) {
  const { t } = useI18n();
  const dims = sliceDims(slice);
  return (
    <div className="q-chips" role="group" aria-label={t('quality.slice.label')}>
      <span className="muted small">{t('quality.slice.label')}</span>
      {dims.length === 0 && <span className="chip active">{t('quality.slice.all')}</span>}
      {dims.map((d) => (
        <button key={d} type="button" className="chip active q-filter-chip" data-dim={d} title={t('quality.slice.remove')} aria-label={`${t('quality.slice.remove')}: ${dimLabel(t, d)} ${slice[d]}`} onClick={() => onRemove(d)}>
          {dimLabel(t, d)} <b>{slice[d]}</b> ×
        </button>
      ))}
      {dims.length > 1 && (
        <button type="button" className="btn btn-ghost btn-small" onClick={onClear}>
          {t('quality.slice.clear')}
        </button>
      )}
    </div>
  );
}
