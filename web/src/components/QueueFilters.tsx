import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { LEVELS, PRIORITIES, STATUSES } from '../types.ts';
import { SLA_FILTERS, type QueueState } from '../queueState.ts';

export const SORTS = ['-created', 'created', 'priority', 'updated', 'due'] as const;

interface Props {
  value: QueueState;
  onChange(next: QueueState): void;
}

/** Status, priority, level, "assigned to me", a subject search and the sort order. */
export function QueueFilters({ value, onChange }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(value.q);
  useEffect(() => setText(value.q), [value.q]);
  // Search as the engineer types, once they pause.
  useEffect(() => {
    if (text === value.q) return;
    const timer = window.setTimeout(() => onChange({ ...value, q: text.trim() }), 300);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange]);

  return (
    <div className="filters" role="search" aria-label={t('queue.filters')}>
      <input type="search" className="filter-search" placeholder={t('queue.search')} aria-label={t('queue.search')} value={text} onChange={(e) => setText(e.target.value)} />
      <select aria-label={t('queue.status')} value={value.status} onChange={(e) => onChange({ ...value, status: e.target.value })}>
        <option value="active">{t('queue.statusActive')}</option>
        <option value="all">{t('queue.statusAll')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('queue.priority')} value={value.priority} onChange={(e) => onChange({ ...value, priority: e.target.value })}>
        <option value="">{t('queue.anyPriority')}</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p} {t(`priority.${p}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('queue.level')} value={value.level} onChange={(e) => onChange({ ...value, level: e.target.value })}>
        <option value="">{t('queue.anyLevel')}</option>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(`level.${l}`)}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={value.mine} onChange={(e) => onChange({ ...value, mine: e.target.checked })} />
        {t('queue.mine')}
      </label>
      <div className="quick-filters" role="group" aria-label={t('sla.quickFilters')}>
        {SLA_FILTERS.map((f) => (
          <button key={f} type="button" className={`chip chip-${f}${value.sla === f ? ' active' : ''}`} aria-pressed={value.sla === f} onClick={() => onChange({ ...value, sla: value.sla === f ? '' : f })}>
            {t(f === 'breached' ? 'sla.filter.breached' : 'sla.filter.atRisk')}
          </button>
        ))}
      </div>
      <span className="filters-spacer" />
      <label className="inline-label">
        {t('queue.sort')}
        <select value={value.sort} onChange={(e) => onChange({ ...value, sort: SORTS.find((s) => s === e.target.value) ?? '-created' })}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`sort.${s}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
