import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import { compileCalendar } from '../../../src/domain/sla/calendar.ts';
import { isMakeUpWorkday, parseHolidayCalendar, withHolidayFeed } from '../../../src/domain/sla/ical.ts';
import { DEFAULT_BUSINESS_CALENDAR } from '../../../src/domain/sla/policy.ts';

const ics = (...lines: string[]): string => lines.join('\r\n');
const NATIONAL_DAY = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//CN',
  'BEGIN:VEVENT',
  'UID:national-day-2026',
  'DTSTART;VALUE=DATE:20261001',
  'DTEND;VALUE=DATE:20261008',
  'SUMMARY:国庆节\\, 中秋',
  // a folded line, continued after a space
  'DESCRIPTION:a long descrip',
  ' tion',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'SUMMARY:上班提醒',
  'TRIGGER:-PT15M',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20261010',
  'DTEND;VALUE=DATE:20261011',
  'SUMMARY:国庆节补',
  ' 班',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260920',
  'SUMMARY:调休',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260101',
  'DURATION:P3D',
  'SUMMARY:元旦',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260104',
  'SUMMARY:New Year make-up Workday',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260501',
  'DTEND;VALUE=DATE:20260502',
  'STATUS:CANCELLED',
  'SUMMARY:cancelled',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
);

describe('holiday feeds (.ics)', () => {
  it('expands multi-day events and tells make-up workdays from holidays', () => {
    expect(parseHolidayCalendar(NATIONAL_DAY)).toEqual({
      holidays: ['2026-01-01', '2026-01-02', '2026-01-03', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
      workdays: [
        { date: '2026-01-04', summary: 'New Year make-up Workday' },
        { date: '2026-09-20', summary: '调休' },
        { date: '2026-10-10', summary: '国庆节补班' },
      ],
    });
  });

  it('reads LF line endings and a date-time event by its written dates', () => {
    const text = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART:20261001T000000', 'DTEND:20261003T000000', 'SUMMARY:Holiday', 'END:VEVENT', 'END:VCALENDAR'].join('\n');
    expect(parseHolidayCalendar(text).holidays).toEqual(['2026-10-01', '2026-10-02']);
  });

  const workdaySummaries: [string, boolean][] = [
    ['国庆节补班', true],
    ['上班', true],
    ['春节调休', true],
    ['Working day', true],
    ['WORKDAY', true],
    ['国庆节', false],
    ['休', false],
    ['Christmas Day', false],
  ];
  it.each(workdaySummaries)('classifies "%s" as a workday: %s', (summary, working) => {
    expect(isMakeUpWorkday(summary)).toBe(working);
  });

  const malformed: { name: string; text: string; path: string }[] = [
    { name: 'rejects text that is not a VCALENDAR', text: 'hello\r\nworld', path: 'ics' },
    { name: 'rejects an event that is never ended', text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261001'), path: 'ics line 2' },
    { name: 'rejects a VCALENDAR that is never ended', text: ics('BEGIN:VCALENDAR', 'VERSION:2.0'), path: 'ics line 1' },
    { name: 'rejects an event without DTSTART', text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'SUMMARY:x', 'END:VEVENT', 'END:VCALENDAR'), path: 'ics line 2' },
    { name: 'rejects a date that does not exist', text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261332', 'END:VEVENT', 'END:VCALENDAR'), path: 'ics line 3' },
    { name: 'rejects a value that is not a date', text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:tomorrow', 'END:VEVENT', 'END:VCALENDAR'), path: 'ics line 3' },
    {
      name: 'rejects an end before the start',
      text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261005', 'DTEND;VALUE=DATE:20261001', 'END:VEVENT', 'END:VCALENDAR'),
      path: 'ics line 4',
    },
    {
      name: 'rejects recurring events',
      text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261001', 'RRULE:FREQ=YEARLY', 'END:VEVENT', 'END:VCALENDAR'),
      path: 'ics line 4',
    },
    { name: 'rejects a line without a colon', text: ics('BEGIN:VCALENDAR', 'VERSION 2.0', 'END:VCALENDAR'), path: 'ics line 2' },
    { name: 'rejects an END that closes the wrong component', text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'END:VCALENDAR'), path: 'ics line 3' },
    {
      name: 'rejects an event longer than a year',
      text: ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260101', 'DTEND;VALUE=DATE:20280101', 'END:VEVENT', 'END:VCALENDAR'),
      path: 'ics line 2',
    },
  ];
  it.each(malformed)('$name', ({ text, path }) => {
    let err: unknown;
    try {
      parseHolidayCalendar(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).details).toEqual([expect.objectContaining({ path })]);
  });

  it('adds a feed to a calendar: holidays are off, make-up days get the usual office hours', () => {
    const spec = withHolidayFeed(DEFAULT_BUSINESS_CALENDAR, parseHolidayCalendar(NATIONAL_DAY));
    expect(spec.workdays).toContainEqual({ date: '2026-10-10', hours: [['09:00', '12:00'], ['13:30', '18:00']] });
    const cal = compileCalendar(spec);
    const day = (d: string): number => cal.businessSeconds(Date.parse(`${d}T00:00:00+08:00`), Date.parse(`${d}T23:59:59+08:00`));
    expect(day('2026-10-08')).toBe(7.5 * 3600); // Thursday after the holidays
    expect(day('2026-10-05')).toBe(0); // Monday inside the holidays
    expect(day('2026-10-10')).toBe(7.5 * 3600); // make-up Saturday
    expect(day('2026-10-11')).toBe(0); // ordinary Sunday
  });

  it('keeps the hours a calendar already gives a workday', () => {
    const own = { ...DEFAULT_BUSINESS_CALENDAR, workdays: [{ date: '2026-10-10', hours: [['10:00', '11:00']] as [string, string][] }] };
    const spec = withHolidayFeed(own, parseHolidayCalendar(NATIONAL_DAY));
    expect(spec.workdays?.filter((w) => w.date === '2026-10-10')).toEqual([{ date: '2026-10-10', hours: [['10:00', '11:00']] }]);
  });
});
