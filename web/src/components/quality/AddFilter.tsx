import { useState } from 'react';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { dimLabel } from './format.ts';
import { breakdownOptions, isDimension, qualityApi, type Dimension, type MetricName, type Slice } from './qualityApi.ts';

interface Props {
  rollups: Dimension[][];
  slice: Slice;
  from: string;
  to: string;
  metric: MetricName;
  onAdd(d: Dimension, value: string): void;
}

/** Adds a filter chip: pick a dimension the rollups can slice by here, then one of its values (most traffic first). */
export function AddFilter({ rollups, slice, from, to, metric, onAdd }: Props) {
  const { t } = useI18n();
  const [dim, setDim] = useState<Dimension | ''>('');
  const options = breakdownOptions(rollups, slice);
  const values = useLoad(
    async () => (dim ? (await qualityApi.breakdown({ from, to, metric, by: dim, sort: 'traffic', limit: 100, slice })).items.map((i) => i.key) : []),
    [dim, from, to, metric, JSON.stringify(slice)],
  );
  if (options.length === 0) return null;
  return (
    <span className="q-add-filter">
      <select aria-label={t('quality.slice.addDimension')} value={dim} onChange={(e) => setDim(isDimension(e.target.value) ? e.target.value : '')}>
        <option value="">{t('quality.slice.add')}</option>
        {options.map((d) => (
          <option key={d} value={d}>
            {dimLabel(t, d)}
          </option>
        ))}
      </select>
      {dim && (
        <select
          aria-label={t('quality.slice.addValue')}
          value=""
          disabled={!values.data || values.data.length === 0}
          onChange={(e) => {
            if (!e.target.value) return;
            onAdd(dim, e.target.value);
            setDim('');
          }}
        >
          <option value="">{values.data && values.data.length === 0 ? t('quality.slice.noValues') : t('quality.slice.chooseValue')}</option>
          {(values.data ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      )}
      <ErrorNotice error={values.error} />
    </span>
  );
}
