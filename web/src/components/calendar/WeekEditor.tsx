import { useI18n } from '../../i18n/index.tsx';
import { formatMinutes } from '../../sla.ts';
import type { Period, Weekday } from '../../types.ts';
import { WEEKDAYS } from '../../types.ts';
import { periodMinutes } from './calendarSpec.ts';
import { PeriodsEditor } from './PeriodsEditor.tsx';

interface Props {
  value: Record<Weekday, Period[]>;
  onChange(next: Record<Weekday, Period[]>): void;
}

/** The regular week: working periods per weekday (a day without periods is a day off). */
export function WeekEditor({ value, onChange }: Props) {
  const { t } = useI18n();
  const copyMonday = () => onChange({ ...value, tue: value.mon, wed: value.mon, thu: value.mon, fri: value.mon });
  return (
    <fieldset className="cal-week">
      <legend>{t('cal.week')}</legend>
      <table className="table week-table">
        <tbody>
          {WEEKDAYS.map((d) => (
            <tr key={d} data-day={d}>
              <th scope="row">{t(`weekday.${d}`)}</th>
              <td>
                <PeriodsEditor label={t(`weekday.${d}`)} value={value[d]} onChange={(ps) => onChange({ ...value, [d]: ps })} />
              </td>
              <td className="muted week-total">{value[d].length > 0 ? formatMinutes(t, periodMinutes(value[d])) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-small" onClick={copyMonday}>
        {t('cal.copyMonday')}
      </button>
    </fieldset>
  );
}
