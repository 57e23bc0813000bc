import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';

interface Props {
  value: string[];
  onChange(next: string[]): void;
}

/** Holidays: whole local dates on which nothing counts. */
export function HolidayList({ value, onChange }: Props) {
  const { t, fmt } = useI18n();
  const [date, setDate] = useState('');
  const add = () => {
    if (!date || value.includes(date)) return;
    onChange([...value, date].sort());
    setDate('');
  };
  return (
    <fieldset className="cal-dates">
      <legend>{t('cal.holidays')}</legend>
      <div className="row-gap add-date">
        <input type="date" aria-label={t('cal.holidayDate')} value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="button" className="btn btn-small" disabled={!date} onClick={add}>
          ＋ {t('cal.addHoliday')}
        </button>
      </div>
      {value.length === 0 ? (
        <div className="muted">{t('cal.noHolidays')}</div>
      ) : (
        <ul className="date-chips">
          {value.map((d) => (
            <li key={d} className="date-chip" title={d}>
              {fmt.calendarDate(d)}
              <button type="button" aria-label={t('cal.removeDate', { date: d })} onClick={() => onChange(value.filter((x) => x !== d))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
