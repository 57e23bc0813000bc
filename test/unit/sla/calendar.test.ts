import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import {
  compileCalendar,
  typicalWorkdayMinutes,
  typicalWorkdayPeriods,
  validateCalendar,
  type BusinessCalendarSpec,
  type Period,
} from '../../../src/domain/sla/calendar.ts';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

const OFFICE: Period[] = [['09:00', '12:00'], ['13:30', '18:00']];
const SHANGHAI: BusinessCalendarSpec = {
  timezone: 'Asia/Shanghai',
  week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] },
  holidays: [],
  workdays: [],
};
// National Day 2026: Oct 1–7 off, Saturday Oct 10 a make-up working day.
const NATIONAL_DAY: BusinessCalendarSpec = {
  ...SHANGHAI,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: [{ date: '2026-10-10', hours: OFFICE }],
};
/** Only Sunday 00:00–06:00: the night on which both DST changes happen in NY and Berlin. */
const sundayNight = (timezone: string): BusinessCalendarSpec => ({ timezone, week: { sun: [['00:00', '06:00']] } });

describe('business seconds', () => {
  const cases: { name: string; cal: BusinessCalendarSpec | '24x7'; from: string; to: string; hours: number }[] = [
    { name: 'counts a morning period', cal: SHANGHAI, from: '2026-11-23T09:00:00+08:00', to: '2026-11-23T12:00:00+08:00', hours: 3 },
    { name: 'skips the lunch break', cal: SHANGHAI, from: '2026-11-23T10:00:00+08:00', to: '2026-11-23T14:00:00+08:00', hours: 2.5 },
    { name: 'counts nothing inside the lunch break', cal: SHANGHAI, from: '2026-11-23T12:00:00+08:00', to: '2026-11-23T13:30:00+08:00', hours: 0 },
    { name: 'skips the weekend', cal: SHANGHAI, from: '2026-11-20T17:00:00+08:00', to: '2026-11-23T10:00:00+08:00', hours: 2 },
    { name: 'starts on Monday for a Sunday-night start', cal: SHANGHAI, from: '2026-11-22T22:00:00+08:00', to: '2026-11-23T09:30:00+08:00', hours: 0.5 },
    { name: 'counts a whole week as five days of 7.5 h', cal: SHANGHAI, from: '2026-11-23T00:00:00+08:00', to: '2026-11-30T00:00:00+08:00', hours: 37.5 },
    { name: 'is zero when the end is before the start', cal: SHANGHAI, from: '2026-11-23T12:00:00+08:00', to: '2026-11-23T10:00:00+08:00', hours: 0 },
    { name: 'skips the National Day holidays', cal: NATIONAL_DAY, from: '2026-09-30T17:00:00+08:00', to: '2026-10-08T10:00:00+08:00', hours: 2 },
    { name: 'counts a make-up Saturday as a working day', cal: NATIONAL_DAY, from: '2026-10-10T08:00:00+08:00', to: '2026-10-11T23:00:00+08:00', hours: 7.5 },
    { name: 'counts real time on 24x7', cal: '24x7', from: '2026-11-22T22:00:00+08:00', to: '2026-11-23T09:30:00+08:00', hours: 11.5 },
    // Spring forward: 00:00 EST (05:00Z) to 06:00 EDT (10:00Z).
    { name: 'counts 5 h for 00:00–06:00 on the New York spring-forward night', cal: sundayNight('America/New_York'), from: '2026-03-07T00:00:00Z', to: '2026-03-10T00:00:00Z', hours: 5 },
    // Fall back: 00:00 EDT (04:00Z) to 06:00 EST (11:00Z).
    { name: 'counts 7 h for 00:00–06:00 on the New York fall-back night', cal: sundayNight('America/New_York'), from: '2026-10-31T00:00:00Z', to: '2026-11-03T00:00:00Z', hours: 7 },
    { name: 'counts 6 h for 00:00–06:00 on an ordinary New York Sunday', cal: sundayNight('America/New_York'), from: '2026-03-14T00:00:00Z', to: '2026-03-17T00:00:00Z', hours: 6 },
    // Berlin: 00:00 CET (03-28 23:00Z) to 06:00 CEST (04:00Z); 00:00 CEST (10-24 22:00Z) to 06:00 CET (05:00Z).
    { name: 'counts 5 h for 00:00–06:00 on the Berlin spring-forward night', cal: sundayNight('Europe/Berlin'), from: '2026-03-27T00:00:00Z', to: '2026-03-31T00:00:00Z', hours: 5 },
    { name: 'counts 7 h for 00:00–06:00 on the Berlin fall-back night', cal: sundayNight('Europe/Berlin'), from: '2026-10-23T00:00:00Z', to: '2026-10-27T00:00:00Z', hours: 7 },
    {
      name: 'counts a Saturday 18:00–24:00 period up to midnight and on into Sunday 00:00–24:00',
      cal: { timezone: 'Asia/Shanghai', week: { sat: [['18:00', '24:00']], sun: [['00:00', '24:00']] } },
      from: '2026-11-21T00:00:00+08:00',
      to: '2026-11-23T00:00:00+08:00',
      hours: 30,
    },
    {
      name: 'counts across midnight where a "24:00" end meets a "00:00" start',
      cal: { timezone: 'Asia/Shanghai', week: { sat: [['18:00', '24:00']], sun: [['00:00', '24:00']] } },
      from: '2026-11-21T23:00:00+08:00',
      to: '2026-11-22T01:00:00+08:00',
      hours: 2,
    },
    {
      name: 'lets a workday entry win over a holiday on the same date',
      cal: { ...SHANGHAI, holidays: ['2026-10-05'], workdays: [{ date: '2026-10-05', hours: [['10:00', '11:00']] }] },
      from: '2026-10-05T00:00:00+08:00',
      to: '2026-10-06T00:00:00+08:00',
      hours: 1,
    },
    {
      name: "lets a workday entry replace the weekday's periods",
      cal: { ...SHANGHAI, workdays: [{ date: '2026-11-23', hours: [['14:00', '15:00']] }] },
      from: '2026-11-23T00:00:00+08:00',
      to: '2026-11-24T00:00:00+08:00',
      hours: 1,
    },
  ];
  it.each(cases)('$name', ({ cal, from, to, hours }) => {
    expect(compileCalendar(cal).businessSeconds(ms(from), ms(to))).toBe(hours * 3600);
  });
});

describe('adding business seconds', () => {
  const cases: { name: string; cal: BusinessCalendarSpec | '24x7'; from: string; hours: number; due: string }[] = [
    { name: 'continues after the lunch break', cal: SHANGHAI, from: '2026-11-23T11:30:00+08:00', hours: 1, due: '2026-11-23T06:00:00Z' },
    { name: 'ends at the end of a period, not at the start of the next', cal: SHANGHAI, from: '2026-11-23T11:00:00+08:00', hours: 1, due: '2026-11-23T04:00:00Z' },
    { name: 'starts counting after lunch when it starts during lunch', cal: SHANGHAI, from: '2026-11-23T12:30:00+08:00', hours: 0.5, due: '2026-11-23T06:00:00Z' },
    { name: 'carries over the weekend', cal: SHANGHAI, from: '2026-11-20T17:30:00+08:00', hours: 1, due: '2026-11-23T01:30:00Z' },
    { name: 'starts Monday morning for a Sunday-night ticket', cal: SHANGHAI, from: '2026-11-22T23:00:00+08:00', hours: 4, due: '2026-11-23T06:30:00Z' },
    { name: 'returns the start for zero seconds', cal: SHANGHAI, from: '2026-11-22T23:00:00+08:00', hours: 0, due: '2026-11-22T15:00:00Z' },
    { name: 'jumps over the National Day week', cal: NATIONAL_DAY, from: '2026-09-30T17:00:00+08:00', hours: 2, due: '2026-10-08T02:00:00Z' },
    { name: 'uses the make-up Saturday', cal: NATIONAL_DAY, from: '2026-10-09T17:00:00+08:00', hours: 2, due: '2026-10-10T02:00:00Z' },
    {
      // Friday 16:00 CET, one hour left that day; Monday 09:00 is then CEST (07:00Z).
      name: 'follows local hours across the Berlin spring-forward weekend',
      cal: { timezone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']], fri: [['09:00', '17:00']] } },
      from: '2026-03-27T15:00:00Z',
      hours: 2,
      due: '2026-03-30T08:00:00Z',
    },
    { name: 'adds real time on 24x7', cal: '24x7', from: '2026-11-22T23:00:00+08:00', hours: 4, due: '2026-11-22T19:00:00Z' },
  ];
  it.each(cases)('$name', ({ cal, from, hours, due }) => {
    expect(iso(compileCalendar(cal).addBusinessSeconds(ms(from), hours * 3600))).toBe(due);
  });
});

describe('working intervals and DST edges', () => {
  const cases: { name: string; cal: BusinessCalendarSpec; from: string; to: string; intervals: [string, string][] }[] = [
    {
      name: 'shortens the spring-forward night in New York',
      cal: sundayNight('America/New_York'),
      from: '2026-03-07T00:00:00Z',
      to: '2026-03-10T00:00:00Z',
      intervals: [['2026-03-08T05:00:00Z', '2026-03-08T10:00:00Z']],
    },
    {
      name: 'starts a period that begins in the spring-forward gap at the first valid instant (03:00 EDT)',
      cal: { timezone: 'America/New_York', week: { sun: [['02:30', '05:00']] } },
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      intervals: [['2026-03-08T07:00:00Z', '2026-03-08T09:00:00Z']],
    },
    {
      name: 'ends a period that ends in the spring-forward gap at the jump',
      cal: { timezone: 'America/New_York', week: { sun: [['01:00', '02:30']] } },
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      intervals: [['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z']],
    },
    {
      name: 'drops a period that lies wholly inside the spring-forward gap',
      cal: { timezone: 'America/New_York', week: { sun: [['02:00', '02:59']] } },
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      intervals: [],
    },
    {
      name: 'starts an ambiguous fall-back time at its first occurrence, so the repeated hour counts',
      cal: { timezone: 'America/New_York', week: { sun: [['01:30', '03:00']] } },
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      intervals: [['2026-11-01T05:30:00Z', '2026-11-01T08:00:00Z']],
    },
    {
      name: 'ends an ambiguous fall-back time at its first occurrence',
      cal: { timezone: 'America/New_York', week: { sun: [['00:00', '01:30']] } },
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      intervals: [['2026-11-01T04:00:00Z', '2026-11-01T05:30:00Z']],
    },
    {
      name: 'lengthens the fall-back night in Berlin',
      cal: sundayNight('Europe/Berlin'),
      from: '2026-10-24T00:00:00Z',
      to: '2026-10-26T00:00:00Z',
      intervals: [['2026-10-24T22:00:00Z', '2026-10-25T05:00:00Z']],
    },
    {
      name: 'clips intervals to the asked range and keeps lunch breaks apart',
      cal: SHANGHAI,
      from: '2026-11-23T10:00:00+08:00',
      to: '2026-11-23T14:00:00+08:00',
      intervals: [
        ['2026-11-23T02:00:00Z', '2026-11-23T04:00:00Z'],
        ['2026-11-23T05:30:00Z', '2026-11-23T06:00:00Z'],
      ],
    },
  ];
  it.each(cases)('$name', ({ cal, from, to, intervals }) => {
    const got = [...compileCalendar(cal).workingIntervals(ms(from), ms(to))].map(([a, b]) => [iso(a), iso(b)]);
    expect(got).toEqual(intervals);
  });
});

describe('calendar validation', () => {
  const bad = (patch: Partial<BusinessCalendarSpec> | Record<string, unknown>): unknown => ({ ...SHANGHAI, ...patch });
  const cases: { name: string; input: unknown; path: string }[] = [
    { name: 'rejects an unknown time zone', input: bad({ timezone: 'Mars/Olympus_Mons' }), path: 'calendar.timezone' },
    { name: 'rejects an hour past 24', input: bad({ week: { mon: [['09:00', '25:00']] } }), path: 'calendar.week.mon[0][1]' },
    { name: 'rejects a time that is not HH:MM', input: bad({ week: { mon: [['9:00', '12:00']] } }), path: 'calendar.week.mon[0][0]' },
    { name: 'rejects "24:00" as a start', input: bad({ week: { mon: [['24:00', '24:00']] } }), path: 'calendar.week.mon[0][0]' },
    { name: 'rejects a period that ends before it starts', input: bad({ week: { mon: [['12:00', '09:00']] } }), path: 'calendar.week.mon[0]' },
    { name: 'rejects an empty period', input: bad({ week: { mon: [['09:00', '09:00']] } }), path: 'calendar.week.mon[0]' },
    { name: 'rejects overlapping periods', input: bad({ week: { tue: [['09:00', '12:00'], ['11:00', '13:00']] } }), path: 'calendar.week.tue[1]' },
    { name: 'rejects an unknown weekday', input: bad({ week: { monday: [['09:00', '12:00']] } }), path: 'calendar.week.monday' },
    { name: 'rejects a week without any working period', input: bad({ week: { mon: [], sat: [] } }), path: 'calendar.week' },
    { name: 'rejects a date that does not exist', input: bad({ holidays: ['2026-10-01', '2026-02-30'] }), path: 'calendar.holidays[1]' },
    {
      name: 'rejects a date listed twice as a workday',
      input: bad({ workdays: [{ date: '2026-10-10', hours: OFFICE }, { date: '2026-10-10', hours: OFFICE }] }),
      path: 'calendar.workdays[1].date',
    },
    { name: 'rejects bad workday hours', input: bad({ workdays: [{ date: '2026-10-10', hours: [['18:00', '09:00']] }] }), path: 'calendar.workdays[0].hours[0]' },
    { name: 'rejects something that is not a calendar', input: '24/7', path: 'calendar' },
  ];
  it.each(cases)('$name', ({ input, path }) => {
    let err: unknown;
    try {
      compileCalendar(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('validation');
    expect((err as AppError).details).toEqual([expect.objectContaining({ path })]);
  });

  it('accepts touching periods and normalizes the calendar', () => {
    const spec = validateCalendar({ timezone: 'Asia/Shanghai', week: { mon: [['13:00', '18:00'], ['09:00', '13:00']] }, holidays: ['2026-10-02', '2026-10-01'] });
    expect(spec).toEqual({
      timezone: 'Asia/Shanghai',
      week: { mon: [['09:00', '13:00'], ['13:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidays: ['2026-10-01', '2026-10-02'],
      workdays: [],
    });
  });

  it('takes the most common daily hours as the business day', () => {
    expect(typicalWorkdayMinutes(SHANGHAI)).toBe(450);
    const shortFriday: BusinessCalendarSpec = {
      timezone: 'Europe/Berlin',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], fri: [['09:00', '13:00']] },
    };
    expect(typicalWorkdayMinutes(shortFriday)).toBe(480);
    expect(typicalWorkdayPeriods(shortFriday)).toEqual([['09:00', '17:00']]);
    expect(typicalWorkdayMinutes('24x7')).toBe(1440);
  });
});
