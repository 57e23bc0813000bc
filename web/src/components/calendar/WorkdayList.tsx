import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { Period } from '../../types.ts';
import { PeriodsEditor } from './PeriodsEditor.tsx';

export interface Workday {
  date: string;
  hours: Period[];
}

interface Props {
  value: Workday[];
  onChange(next: Workday[]): void;
  /** The hours a new make-up day gets (a regular working day's). */
  defaultHours: Period[];
}

/** Make-up working days (调休 / 补班): a weekend date that is worked, with its own hours. */
export function WorkdayList({ value, onChange, defaultHours }: Props) {
  const { t, fmt } = useI18n();
  const [date, setDate] = useState('');
  const add = () => {
    if (!date || value.some((w) => w.date === date)) return;
    onChange([...value, { date, hours: defaultHours }].sort((a, b) => a.date.localeCompare(b.date)));
    setDate('');
  };
  return (
    <fieldset className="cal-dates">
      <legend>{t('cal.workdays')}</legend>
      <p className="muted hint-text">{t('cal.workdaysHelp')}</p>
      <div className="row-gap add-date">
        <input type="date" aria-label={t('cal.workdayDate')} value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="button" className="btn btn-small" disabled={!date} onClick={add}>
          ＋ {t('cal.addWorkday')}
        </button>
      </div>
      {value.length === 0 ? (
        <div className="muted">{t('cal.noWorkdays')}</div>
      ) : (
        <ul className="workday-list">
          {value.map((w) => (
            <li key={w.date}>
              <span className="workday-date">{fmt.calendarDate(w.date)}</span>
              <PeriodsEditor label={w.date} value={w.hours} onChange={(hours) => onChange(value.map((x) => (x.date === w.date ? { ...x, hours } : x)))} />
              <button type="button" className="btn btn-ghost btn-small" aria-label={t('cal.removeDate', { date: w.date })} onClick={() => onChange(value.filter((x) => x.date !== w.date))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
