import type { CalendarSpec, Period, Weekday } from '../../types.ts';
import { WEEKDAYS } from '../../types.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function periods(v: unknown): Period[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((p: unknown) => (Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' ? [[p[0], p[1]] as Period] : []));
}

/** A stored calendar's `spec` (typed loosely by the API) as an editable business calendar. */
export function calendarSpecOf(v: unknown): CalendarSpec {
  const o = isObj(v) ? v : {};
  const weekIn = isObj(o.week) ? o.week : {};
  const week: Record<Weekday, Period[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  for (const d of WEEKDAYS) week[d] = periods(weekIn[d]);
  const holidays = Array.isArray(o.holidays) ? o.holidays.filter((h): h is string => typeof h === 'string') : [];
  const workdays = Array.isArray(o.workdays)
    ? o.workdays.flatMap((w: unknown) => (isObj(w) && typeof w.date === 'string' ? [{ date: w.date, hours: periods(w.hours) }] : []))
    : [];
  return { timezone: typeof o.timezone === 'string' ? o.timezone : 'Asia/Shanghai', week, holidays: [...holidays].sort(), workdays: [...workdays].sort((a, b) => a.date.localeCompare(b.date)) };
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Working minutes of a list of periods (`24:00` may end one). */
export function periodMinutes(ps: readonly Period[]): number {
  return ps.reduce((sum, [a, b]) => sum + Math.max(0, minutes(b) - minutes(a)), 0);
}
