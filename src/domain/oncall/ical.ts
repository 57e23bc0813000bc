/**
 * iCalendar (RFC 5545) export of on-call shifts: per schedule, and per person across schedules.
 * Pure string building: CRLF line endings, lines folded at 75 octets (never inside a UTF-8
 * sequence), TEXT values escaped, instants in UTC ("…Z"), DTSTAMP from the `now` argument, and a
 * UID that stays the same for the same shift whatever export window it appears in.
 */
import { shifts, type Schedule, type Shift } from './schedule.ts';

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** Escapes a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds one content line (RFC 5545 §3.1): no physical line longer than 75 octets; continuation
 * lines start with one space (which counts); multi-octet characters stay whole. No trailing CRLF.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0) as number);
    if (octets + n > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join(CRLF);
}

/** A DATE-TIME in UTC form, to the second: 20261102T010000Z. */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. Stable across runs and hosts. */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** The UID of a shift of a calendar: the same shift always gets the same UID. */
export function shiftUid(calendarId: string, shift: Pick<Shift, 'start' | 'user' | 'layer' | 'override'>): string {
  const key = [calendarId, shift.override ? 'override' : `layer:${shift.layer ?? ''}`, shift.user ?? '', shift.start.getTime()].join('\u0000');
  return `${fnv1a64(key)}-${formatDateTime(shift.start)}@signaldesk`;
}

export interface IcalEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
}

export interface CalendarInput {
  name: string;
  /** informative X-WR-TIMEZONE (instants are always written in UTC) */
  timezone?: string;
  /** DTSTAMP of every event */
  now: Date;
  events: IcalEvent[];
}

/** A whole VCALENDAR document, CRLF-terminated lines, folded. */
export function buildCalendar(input: CalendarInput): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Signaldesk//On-call//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
  ];
  if (input.timezone) lines.push(`X-WR-TIMEZONE:${escapeText(input.timezone)}`);
  const stamp = formatDateTime(input.now);
  for (const e of input.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${formatDateTime(e.start)}`,
      `DTEND:${formatDateTime(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.description !== undefined) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

export type IcalLang = 'en' | 'zh';

export interface IcalExportOptions {
  /** the export window; shifts overlapping it are exported whole (not cut at from/to) */
  from: Date;
  to: Date;
  /** DTSTAMP */
  now: Date;
  lang?: IcalLang;
  /** display name of a user id (default: the id) */
  userName?: (userId: string) => string;
  /** X-WR-CALNAME (default: derived from the schedule or the person) */
  calendarName?: string;
}

function texts(lang: IcalLang) {
  return lang === 'zh'
    ? {
        summary: (who: string, sched: string, override: boolean) => `${override ? '值班（替班）' : '值班'}：${who} — ${sched}`,
        description: (sched: string, layer: string | null) => `排班：${sched}\n${layer === null ? '替班' : `层：${layer}`}`,
        scheduleCal: (sched: string) => `值班：${sched}`,
        personCal: (who: string) => `${who} 的值班`,
      }
    : {
        summary: (who: string, sched: string, override: boolean) => `${override ? 'On call (override)' : 'On call'}: ${who} — ${sched}`,
        description: (sched: string, layer: string | null) => `Schedule: ${sched}\n${layer === null ? 'Override' : `Layer: ${layer}`}`,
        scheduleCal: (sched: string) => `On call: ${sched}`,
        personCal: (who: string) => `On call: ${who}`,
      };
}

function eventsOf(scheduleId: string, schedule: Schedule, opts: IcalExportOptions, user: string | undefined): IcalEvent[] {
  const t = texts(opts.lang ?? 'en');
  const name = opts.userName ?? ((id: string) => id);
  return shifts(schedule, opts.from, opts.to, { clip: false })
    .filter((s): s is Shift & { user: string } => s.user !== null && (user === undefined || s.user === user))
    .map((s) => ({
      uid: shiftUid(scheduleId, s),
      start: s.start,
      end: s.end,
      summary: t.summary(name(s.user), schedule.name, s.override),
      description: t.description(schedule.name, s.layer),
    }));
}

/**
 * The calendar of one schedule (every person, or only `options.user`): one event per resolved
 * shift with someone on call; gaps are not events.
 */
export function scheduleToIcal(scheduleId: string, schedule: Schedule, options: IcalExportOptions & { user?: string }): string {
  const t = texts(options.lang ?? 'en');
  return buildCalendar({
    name: options.calendarName ?? t.scheduleCal(schedule.name),
    timezone: schedule.timezone,
    now: options.now,
    events: eventsOf(scheduleId, schedule, options, options.user),
  });
}

/** One person's on-call calendar across several schedules, events ordered by start. */
export function personToIcal(user: string, schedules: ReadonlyArray<{ id: string; schedule: Schedule }>, options: IcalExportOptions): string {
  const t = texts(options.lang ?? 'en');
  const name = options.userName ?? ((id: string) => id);
  const events = schedules
    .flatMap(({ id, schedule }) => eventsOf(id, schedule, options, user))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  return buildCalendar({ name: options.calendarName ?? t.personCal(name(user)), now: options.now, events });
}
