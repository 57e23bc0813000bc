/**
 * Holidays and make-up working days (调休/补班) from an iCalendar (.ics, RFC 5545) feed, such as
 * the Chinese government-holiday calendars. Pure string parsing.
 *
 * Each VEVENT is one or more whole local dates: DTSTART as a DATE (`DTSTART;VALUE=DATE:20261001`)
 * up to DTEND exclusive (or DURATION in days/weeks; neither: one day). A DATE-TIME start or end is
 * read by its written date (a holiday feed has no business with instants); a DATE-TIME end at
 * midnight is exclusive, any other is inclusive. Lines are unfolded; TEXT values unescaped. A
 * cancelled event (STATUS:CANCELLED) is skipped. An event whose SUMMARY names a working day — it
 * contains "班" (上班, 补班), "调休", or "workday" / "work day" / "working day" in any case — is a
 * make-up working day; every other event is a holiday. A date can appear in both lists; the
 * calendar's rule decides (a workday wins over a holiday).
 */
import { AppError } from '../errors.ts';
import {
  formatLocalDate,
  parseLocalDate,
  typicalWorkdayPeriods,
  validateCalendar,
  type BusinessCalendarSpec,
  type Period,
  type WorkdaySpec,
} from './calendar.ts';

export interface HolidayFeed {
  /** Sorted, unique YYYY-MM-DD dates. */
  holidays: string[];
  /** Sorted by date, one entry per date (the first event's summary). */
  workdays: { date: string; summary: string }[];
}

/** Longest event accepted, in days (a year, with a leap day). */
const MAX_EVENT_DAYS = 366;

const WORKDAY_RE = /班|调休|work(?:ing)?[\s-]?day/i;

/** Whether an event's SUMMARY marks a make-up working day (补班, 上班, 调休, workday …). */
export function isMakeUpWorkday(summary: string): boolean {
  return WORKDAY_RE.test(summary);
}

interface ContentLine {
  line: number;
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Splits `s` at `sep` outside double quotes, at most once when `once`. */
function splitOutsideQuotes(s: string, sep: string, once: boolean): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
      if (once) break;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function parseContentLine(text: string, line: number, path: string): ContentLine {
  const [head, value] = splitOutsideQuotes(text, ':', true);
  if (value === undefined) throw AppError.validation(`${path} line ${line}`, `"${text.slice(0, 40)}" is not "NAME:value"`);
  const [name = '', ...rawParams] = splitOutsideQuotes(head!, ';', false);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw AppError.validation(`${path} line ${line}`, `"${name}" is not a property name`);
  const params: Record<string, string> = {};
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw AppError.validation(`${path} line ${line}`, `parameter "${p}" is not NAME=value`);
    params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return { line, name: name.toUpperCase(), params, value };
}

/** RFC 5545 §3.1: a line break followed by one space or tab continues the previous line. */
function unfold(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((raw, i) => {
      const last = out.at(-1);
      if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) last.text += raw.slice(1);
      else out.push({ text: raw, line: i + 1 });
    });
  return out.filter((l) => l.text.trim() !== '');
}

function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** The epoch day of a DATE or DATE-TIME value, and whether it was a DATE-TIME not at midnight. */
function parseDateValue(p: ContentLine, path: string): { day: number; timed: boolean } {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(p.value.trim());
  const at = `${path} line ${p.line}`;
  if (!m) throw AppError.validation(at, `${p.name} "${p.value}" is not a date YYYYMMDD (or YYYYMMDDTHHMMSS)`);
  if (p.params.VALUE === 'DATE' && m[4] !== undefined) throw AppError.validation(at, `${p.name} says VALUE=DATE but has a time`);
  const day = parseLocalDate(`${m[1]}-${m[2]}-${m[3]}`, at);
  return { day, timed: m[4] !== undefined && `${m[4]}${m[5]}${m[6]}` !== '000000' };
}

function parseDurationDays(p: ContentLine, path: string): number {
  const m = /^P(?:(\d+)W|(\d+)D(?:T0+H)?)$/.exec(p.value.trim());
  if (!m) throw AppError.validation(`${path} line ${p.line}`, `DURATION "${p.value}" is not a number of days or weeks (P3D, P1W)`);
  return m[1] !== undefined ? Number(m[1]) * 7 : Number(m[2]);
}

/**
 * Parses an .ics text into holidays and make-up workdays. Throws `AppError` 'validation' with
 * `${path} line N` for malformed input (not a VCALENDAR, unbalanced BEGIN/END, an event without
 * DTSTART, a bad date, an end before the start, an event longer than a year, RRULE).
 */
export function parseHolidayCalendar(text: string, path = 'ics'): HolidayFeed {
  if (typeof text !== 'string') throw AppError.validation(path, 'must be the text of an .ics file');
  const lines = unfold(text);
  const first = lines[0];
  if (!first || first.text.trim().toUpperCase() !== 'BEGIN:VCALENDAR') {
    throw AppError.validation(path, 'is not an iCalendar file (it must start with BEGIN:VCALENDAR)');
  }
  const holidays = new Set<number>();
  const workdays = new Map<number, string>();
  const stack: { name: string; line: number }[] = [];
  let event: Map<string, ContentLine> | null = null;
  let eventLine = 0;

  for (const l of lines) {
    const p = parseContentLine(l.text, l.line, path);
    if (p.name === 'BEGIN') {
      const comp = p.value.trim().toUpperCase();
      if (stack.length === 0 && comp !== 'VCALENDAR') {
        throw AppError.validation(`${path} line ${p.line}`, `BEGIN:${comp} outside a VCALENDAR`);
      }
      stack.push({ name: comp, line: p.line });
      if (comp === 'VEVENT' && stack.length === 2) {
        event = new Map();
        eventLine = p.line;
      }
      continue;
    }
    if (p.name === 'END') {
      const comp = p.value.trim().toUpperCase();
      const open = stack.pop();
      if (!open || open.name !== comp) {
        throw AppError.validation(
          `${path} line ${p.line}`,
          open ? `END:${comp} does not close BEGIN:${open.name} (line ${open.line})` : `END:${comp} without BEGIN`,
        );
      }
      if (comp === 'VEVENT' && event && stack.length === 1) {
        addEvent(event, eventLine, path, holidays, workdays);
        event = null;
      }
      continue;
    }
    if (stack.length === 0) throw AppError.validation(`${path} line ${p.line}`, `${p.name} outside a VCALENDAR`);
    // Properties of the event itself (not of a VALARM inside it); the first of each name counts.
    if (event && stack.length === 2 && !event.has(p.name)) event.set(p.name, p);
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw AppError.validation(`${path} line ${unclosed.line}`, `BEGIN:${unclosed.name} is never ended`);

  return {
    holidays: [...holidays].sort((a, b) => a - b).map(formatLocalDate),
    workdays: [...workdays.entries()].sort((a, b) => a[0] - b[0]).map(([day, summary]) => ({ date: formatLocalDate(day), summary })),
  };
}

function addEvent(
  event: Map<string, ContentLine>,
  line: number,
  path: string,
  holidays: Set<number>,
  workdays: Map<number, string>,
): void {
  if (event.get('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return;
  if (event.has('RRULE')) {
    throw AppError.validation(`${path} line ${event.get('RRULE')!.line}`, 'recurring events (RRULE) are not supported in a holiday feed');
  }
  const dtstart = event.get('DTSTART');
  if (!dtstart) throw AppError.validation(`${path} line ${line}`, 'VEVENT without DTSTART');
  const start = parseDateValue(dtstart, path).day;
  let endExclusive = start + 1;
  const dtend = event.get('DTEND');
  const duration = event.get('DURATION');
  if (dtend) {
    const end = parseDateValue(dtend, path);
    endExclusive = end.timed ? end.day + 1 : end.day;
    if (endExclusive <= start) throw AppError.validation(`${path} line ${dtend.line}`, 'DTEND is not after DTSTART');
  } else if (duration) {
    endExclusive = start + Math.max(1, parseDurationDays(duration, path));
  }
  if (endExclusive - start > MAX_EVENT_DAYS) {
    throw AppError.validation(`${path} line ${line}`, `event spans ${endExclusive - start} days (at most ${MAX_EVENT_DAYS})`);
  }
  const summary = unescapeText(event.get('SUMMARY')?.value ?? '').trim();
  const working = isMakeUpWorkday(summary);
  for (let day = start; day < endExclusive; day++) {
    if (working) {
      if (!workdays.has(day)) workdays.set(day, summary);
    } else {
      holidays.add(day);
    }
  }
}

/**
 * A calendar with a feed's holidays and make-up workdays added. A make-up workday gets `hours`
 * (default: the periods of the calendar's typical working day, e.g. 09:00–12:00, 13:30–18:00);
 * a date the calendar already lists as a workday keeps its own hours.
 */
export function withHolidayFeed(calendar: BusinessCalendarSpec, feed: HolidayFeed, hours?: readonly Period[]): BusinessCalendarSpec {
  const periods = hours ?? typicalWorkdayPeriods(calendar);
  const known = new Set((calendar.workdays ?? []).map((w) => w.date));
  const added: WorkdaySpec[] = feed.workdays.filter((w) => !known.has(w.date)).map((w) => ({ date: w.date, hours: periods }));
  const merged = validateCalendar({
    ...calendar,
    holidays: [...new Set([...(calendar.holidays ?? []), ...feed.holidays])],
    workdays: [...(calendar.workdays ?? []), ...added],
  });
  return merged as BusinessCalendarSpec;
}
