import { useI18n } from '../../i18n/index.tsx';
import type { Period } from '../../types.ts';

interface Props {
  value: Period[];
  onChange(next: Period[]): void;
  /** Names the day the periods belong to, for the inputs' labels ("Monday", "2026-10-10"). */
  label: string;
}

/** Working periods of one day, `[start, end)` in the calendar's zone: 09:00–12:00, 13:30–18:00 (lunch in between). */
export function PeriodsEditor({ value, onChange, label }: Props) {
  const { t } = useI18n();
  const set = (i: number, part: 0 | 1, v: string) => onChange(value.map((p, j) => (j === i ? (part === 0 ? [v, p[1]] : [p[0], v]) : p)));
  const add = () => {
    const last = value[value.length - 1];
    onChange([...value, last ? [last[1], last[1] < '18:00' ? '18:00' : '24:00'] : ['09:00', '18:00']]);
  };
  return (
    <div className="periods">
      {value.length === 0 && <span className="muted periods-off">{t('cal.dayOff')}</span>}
      {value.map((p, i) => (
        <span key={i} className="period">
          <input type="text" inputMode="numeric" maxLength={5} placeholder="09:00" aria-label={t('cal.periodStart', { day: label, n: i + 1 })} value={p[0]} onChange={(e) => set(i, 0, e.target.value)} />
          <span aria-hidden="true">–</span>
          <input type="text" inputMode="numeric" maxLength={5} placeholder="18:00" aria-label={t('cal.periodEnd', { day: label, n: i + 1 })} value={p[1]} onChange={(e) => set(i, 1, e.target.value)} />
          <button type="button" className="btn btn-ghost btn-small" title={t('cal.removePeriod')} aria-label={t('cal.removePeriodOf', { day: label, n: i + 1 })} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            ✕
          </button>
        </span>
      ))}
      <button type="button" className="btn btn-small" aria-label={t('cal.addPeriodTo', { day: label })} onClick={add}>
        ＋ {t('cal.addPeriod')}
      </button>
    </div>
  );
}
