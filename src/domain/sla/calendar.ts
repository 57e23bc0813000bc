/**
 * Business calendars and business time (contract.md, "SLA clocks", rule 1).
 *
 * A calendar is `'24x7'` or a time zone with weekly working periods, holidays and extra working
 * days (调休). Periods are `[start, end)` in the zone's local wall-clock time; `"24:00"` may end a
 * period. Business time is real elapsed time inside the periods, so a period that a DST change
 * shortens counts fewer seconds. A holiday removes the whole local date; a `workdays` entry
 * replaces that date's periods and wins over a holiday and over the weekday.
 *
 * Wall-clock times that do not name exactly one instant (DST changes) — one rule for both ends of
 * a period: a wall-clock time T stands for the first instant at which the zone's clock reads T or
 * later. So
 * - a time in a spring-forward gap (02:30 on a night when 02:00 jumps to 03:00) is the instant of
 *   the jump (03:00 new time): a period starting in the gap starts at the first valid instant, one
 *   ending in the gap ends there, and one lying wholly inside the gap is empty that day;
 * - an ambiguous time in a fall-back overlap (01:30 when 02:00 goes back to 01:00) is its first
 *   occurrence (the earlier instant): a period starting there includes the repeated hour that
 *   follows, one ending there does not.
 * This mapping never goes backwards in time, so the periods of all dates stay ordered and disjoint.
 *
 * Instants are epoch milliseconds. Compile a calendar once (`compileCalendar`) and reuse it: each
 * local date's periods are converted to UTC once and cached, so counting and projecting walk a
 * few cached intervals per day and never build a luxon DateTime.
 */
import { IANAZone } from 'luxon';
import { AppError } from '../errors.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working period `[start, end)` as "HH:MM" local wall-clock times; `end` may be "24:00". */
export type Period = readonly [start: string, end: string];

export interface WorkdaySpec {
  /** YYYY-MM-DD, a local date. */
  date: string;
  hours: readonly Period[];
}

export interface BusinessCalendarSpec {
  /** IANA zone name, e.g. "Asia/Shanghai". */
  timezone: string;
  /** Working periods per weekday; a missing day has none. */
  week: Partial<Record<Weekday, readonly Period[]>>;
  /** Local dates (YYYY-MM-DD) with no working time. */
  holidays?: readonly string[];
  /** Local dates whose periods replace the weekday's (and win over a holiday). */
  workdays?: readonly WorkdaySpec[];
}

export type CalendarSpec = '24x7' | BusinessCalendarSpec;

/** A compiled calendar: build it once with `compileCalendar`, then ask it many times. */
export interface WorkCalendar {
  /** The validated, normalized specification. */
  readonly spec: CalendarSpec;
  /** Business seconds in `[from, to)` (0 when `to <= from`). */
  businessSeconds(from: number, to: number): number;
  /**
   * The earliest instant `t >= from` with `businessSeconds(from, t) === seconds`. When the count
   * completes exactly at the end of a period, that end (not the start of the next period).
   */
  addBusinessSeconds(from: number, seconds: number): number;
  /** The working intervals `[start, end)` in UTC milliseconds that overlap `[from, to)`, clipped. */
  workingIntervals(from: number, to: number): Generator<[start: number, end: number]>;
}

export type CalendarInput = CalendarSpec | WorkCalendar;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

// ---------------------------------------------------------------------------------------------
// Validation

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TIME_RE = /^(\d{2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight of "HH:MM"; "24:00" only where `allow24` (a period's end). */
function parseTime(v: unknown, path: string, allow24: boolean): number {
  const m = typeof v === 'string' ? TIME_RE.exec(v) : null;
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (h < 24 && min < 60) return h * 60 + min;
    if (h === 24 && min === 0) {
      if (allow24) return DAY_MINUTES;
      throw AppError.validation(path, '"24:00" may only end a period');
    }
  }
  throw AppError.validation(path, `${JSON.stringify(v)} is not a time "HH:MM" (00:00–23:59, or "24:00" as an end)`);
}

/** The epoch day (days since 1970-01-01) of a "YYYY-MM-DD" date. */
export function parseLocalDate(v: unknown, path: string): number {
  const m = typeof v === 'string' ? DATE_RE.exec(v) : null;
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (mo >= 1 && mo <= 12 && back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms / DAY_MS;
    }
  }
  throw AppError.validation(path, `${JSON.stringify(v)} is not a date "YYYY-MM-DD"`);
}

/** "YYYY-MM-DD" of an epoch day. */
export function formatLocalDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Parses a list of periods: sorted, non-overlapping (touching is fine), start < end.
 * Returns flat minutes `[s0, e0, s1, e1, …]`, sorted by start.
 */
function parsePeriods(v: unknown, path: string): number[] {
  if (!Array.isArray(v)) throw AppError.validation(path, 'must be a list of periods [["09:00","12:00"], …]');
  const periods: { s: number; e: number; i: number }[] = [];
  v.forEach((p: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(p) || p.length !== 2) throw AppError.validation(at, 'must be a period ["HH:MM", "HH:MM"]');
    const s = parseTime(p[0], `${at}[0]`, false);
    const e = parseTime(p[1], `${at}[1]`, true);
    if (s >= e) throw AppError.validation(at, `starts at or after it ends (${String(p[0])}–${String(p[1])})`);
    periods.push({ s, e, i });
  });
  periods.sort((a, b) => a.s - b.s || a.i - b.i);
  const flat: number[] = [];
  for (let k = 0; k < periods.length; k++) {
    const p = periods[k]!;
    const prev = periods[k - 1];
    if (prev && p.s < prev.e) {
      throw AppError.validation(`${path}[${Math.max(p.i, prev.i)}]`, `overlaps ${path}[${Math.min(p.i, prev.i)}]`);
    }
    flat.push(p.s, p.e);
  }
  return flat;
}

interface ParsedCalendar {
  spec: BusinessCalendarSpec;
  /** Flat minute periods per weekday, index 0 = Monday. */
  week: number[][];
  holidays: Set<number>;
  workdays: Map<number, number[]>;
}

function parseBusinessCalendar(input: unknown, path: string): ParsedCalendar {
  if (!isRecord(input)) {
    throw AppError.validation(path, 'must be "24x7" or an object {timezone, week, holidays, workdays}');
  }
  for (const key of Object.keys(input)) {
    if (!['timezone', 'week', 'holidays', 'workdays'].includes(key)) {
      throw AppError.validation(`${path}.${key}`, 'unknown field (expected timezone, week, holidays, workdays)');
    }
  }
  const tz = input.timezone;
  if (typeof tz !== 'string' || tz.trim() === '' || !IANAZone.isValidZone(tz)) {
    throw AppError.validation(`${path}.timezone`, `${JSON.stringify(tz)} is not an IANA time zone (e.g. "Asia/Shanghai")`);
  }
  if (!isRecord(input.week)) throw AppError.validation(`${path}.week`, 'must be an object {mon: [...], …, sun: [...]}');
  const weekIn = input.week;
  for (const key of Object.keys(weekIn)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) {
      throw AppError.validation(`${path}.week.${key}`, `unknown day (expected one of ${WEEKDAYS.join(', ')})`);
    }
  }
  const week: number[][] = [];
  const weekSpec: Partial<Record<Weekday, Period[]>> = {};
  for (const day of WEEKDAYS) {
    const raw = weekIn[day];
    const flat = raw === undefined ? [] : parsePeriods(raw, `${path}.week.${day}`);
    week.push(flat);
    weekSpec[day] = toPeriods(flat);
  }
  if (week.every((d) => d.length === 0)) {
    throw AppError.validation(`${path}.week`, 'has no working period on any day');
  }

  const holidays = new Set<number>();
  if (input.holidays !== undefined) {
    if (!Array.isArray(input.holidays)) throw AppError.validation(`${path}.holidays`, 'must be a list of dates "YYYY-MM-DD"');
    input.holidays.forEach((d: unknown, i) => holidays.add(parseLocalDate(d, `${path}.holidays[${i}]`)));
  }

  const workdays = new Map<number, number[]>();
  if (input.workdays !== undefined) {
    if (!Array.isArray(input.workdays)) {
      throw AppError.validation(`${path}.workdays`, 'must be a list of {date, hours}');
    }
    input.workdays.forEach((w: unknown, i) => {
      const at = `${path}.workdays[${i}]`;
      if (!isRecord(w)) throw AppError.validation(at, 'must be {date: "YYYY-MM-DD", hours: [["09:00","18:00"], …]}');
      const day = parseLocalDate(w.date, `${at}.date`);
      if (workdays.has(day)) throw AppError.validation(`${at}.date`, `${String(w.date)} is listed twice`);
      workdays.set(day, parsePeriods(w.hours, `${at}.hours`));
    });
  }

  const spec: BusinessCalendarSpec = {
    timezone: tz,
    week: weekSpec,
    holidays: [...holidays].sort((a, b) => a - b).map(formatLocalDate),
    workdays: [...workdays.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([day, flat]) => ({ date: formatLocalDate(day), hours: toPeriods(flat) })),
  };
  return { spec, week, holidays, workdays };
}

function formatMinutes(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function toPeriods(flat: number[]): Period[] {
  const out: Period[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([formatMinutes(flat[i]!), formatMinutes(flat[i + 1]!)]);
  return out;
}

/**
 * Checks a calendar and returns it normalized (every weekday present, periods sorted, holidays
 * and workdays sorted by date). Throws `AppError` 'validation' naming the field path, e.g.
 * `calendar.week.mon[1][0]`.
 */
export function validateCalendar(input: unknown, path = 'calendar'): CalendarSpec {
  if (input === '24x7') return '24x7';
  return parseBusinessCalendar(input, path).spec;
}

const dayTotal = (flat: readonly number[]): number => {
  let total = 0;
  for (let i = 0; i < flat.length; i += 2) total += flat[i + 1]! - flat[i]!;
  return total;
};

/** Flat minutes of the first weekday whose total is the week's most common non-zero total. */
function typicalDay(calendar: BusinessCalendarSpec): number[] {
  const { week } = parseBusinessCalendar(calendar, 'calendar');
  const counts = new Map<number, number>();
  for (const flat of week) {
    const total = dayTotal(flat);
    if (total > 0) counts.set(total, (counts.get(total) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [total, count] of counts) {
    if (count > bestCount) {
      best = total;
      bestCount = count;
    }
  }
  return week.find((flat) => dayTotal(flat) === best) ?? [];
}

/**
 * The periods of a typical working day: those of the first weekday (mon…sun) whose working
 * minutes are the most common non-zero daily total of the week.
 */
export function typicalWorkdayPeriods(calendar: BusinessCalendarSpec): Period[] {
  return toPeriods(typicalDay(calendar));
}

/**
 * Working minutes of a typical working day by the wall clock (see `typicalWorkdayPeriods`);
 * 1440 for `'24x7'`. This is the length of a "business day" in targets.
 */
export function typicalWorkdayMinutes(calendar: CalendarSpec): number {
  return calendar === '24x7' ? DAY_MINUTES : dayTotal(typicalDay(calendar));
}

// ---------------------------------------------------------------------------------------------
// Compiled calendars

class AlwaysOpenCalendar implements WorkCalendar {
  readonly spec = '24x7' as const;

  businessSeconds(from: number, to: number): number {
    return to > from ? (to - from) / 1000 : 0;
  }

  addBusinessSeconds(from: number, seconds: number): number {
    checkSeconds(seconds);
    return from + seconds * 1000;
  }

  *workingIntervals(from: number, to: number): Generator<[number, number]> {
    if (to > from) yield [from, to];
  }
}

function checkSeconds(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new AppError('internal', `business seconds to add must be a finite number >= 0, got ${seconds}`);
  }
}

/** One local date's working intervals in UTC: flat `[s0, e0, s1, e1, …]`, ascending. */
type DayPlan = readonly number[];
const NO_INTERVALS: DayPlan = Object.freeze([]);
/** Bound on cached dates per calendar (about 55 years); the cache starts over beyond it. */
const MAX_CACHED_DAYS = 20_000;

class ZonedCalendar implements WorkCalendar {
  readonly spec: BusinessCalendarSpec;
  private readonly zone: IANAZone;
  private readonly week: number[][];
  private readonly holidays: Set<number>;
  private readonly workdays: Map<number, number[]>;
  /** The last date that a holiday or workday entry names; only the week applies after it. */
  private readonly lastSpecialDay: number;
  private readonly plans = new Map<number, DayPlan>();

  constructor(parsed: ParsedCalendar) {
    this.spec = parsed.spec;
    this.zone = IANAZone.create(parsed.spec.timezone);
    this.week = parsed.week;
    this.holidays = parsed.holidays;
    this.workdays = parsed.workdays;
    this.lastSpecialDay = Math.max(-Infinity, ...parsed.holidays, ...parsed.workdays.keys());
  }

  businessSeconds(from: number, to: number): number {
    if (!(to > from)) return 0;
    let sum = 0;
    // The local date of an instant is its UTC date ±1; one more day each side covers the periods
    // of neighbouring dates (all intervals are disjoint and ordered, so extra days are harmless).
    const last = utcDay(to) + 2;
    for (let day = utcDay(from) - 2; day <= last; day++) {
      const plan = this.plan(day);
      for (let i = 0; i < plan.length; i += 2) {
        const s = plan[i]!;
        const e = plan[i + 1]!;
        if (s >= to) return sum / 1000;
        if (e <= from) continue;
        sum += Math.min(e, to) - Math.max(s, from);
      }
    }
    return sum / 1000;
  }

  addBusinessSeconds(from: number, seconds: number): number {
    checkSeconds(seconds);
    let remaining = seconds * 1000;
    if (remaining === 0) return from;
    let idle = 0;
    for (let day = utcDay(from) - 2; ; day++) {
      const plan = this.plan(day);
      let worked = false;
      for (let i = 0; i < plan.length; i += 2) {
        const s = Math.max(plan[i]!, from);
        const e = plan[i + 1]!;
        if (e <= s) continue;
        worked = true;
        if (remaining <= e - s) return s + remaining;
        remaining -= e - s;
      }
      idle = worked ? 0 : idle + 1;
      // Validation guarantees a working period in the week, but DST can empty a date; two weeks
      // with nothing after the last special date mean the week never yields time again.
      if (idle > 14 && day > this.lastSpecialDay) {
        throw new AppError('internal', `calendar ${this.spec.timezone} has no working time after ${formatLocalDate(day - idle)}`);
      }
    }
  }

  *workingIntervals(from: number, to: number): Generator<[number, number]> {
    if (!(to > from)) return;
    const last = utcDay(to) + 2;
    for (let day = utcDay(from) - 2; day <= last; day++) {
      const plan = this.plan(day);
      for (let i = 0; i < plan.length; i += 2) {
        const s = plan[i]!;
        const e = plan[i + 1]!;
        if (s >= to) return;
        if (e <= from) continue;
        yield [Math.max(s, from), Math.min(e, to)];
      }
    }
  }

  /** The UTC working intervals of one local date, computed once. */
  private plan(day: number): DayPlan {
    const cached = this.plans.get(day);
    if (cached) return cached;
    const minutes =
      this.workdays.get(day) ?? (this.holidays.has(day) ? [] : this.week[isoWeekdayIndex(day)]!);
    let plan: DayPlan = NO_INTERVALS;
    if (minutes.length > 0) {
      const flat: number[] = [];
      const base = day * DAY_MS;
      for (let i = 0; i < minutes.length; i += 2) {
        const s = this.instantOfWallClock(base + minutes[i]! * MINUTE_MS);
        const e = this.instantOfWallClock(base + minutes[i + 1]! * MINUTE_MS);
        if (e > s) flat.push(s, e);
      }
      plan = flat;
    }
    if (this.plans.size >= MAX_CACHED_DAYS) this.plans.clear();
    this.plans.set(day, plan);
    return plan;
  }

  /**
   * The first instant at which the zone's clock reads `wall` or later, where `wall` is the local
   * wall-clock time written as if it were UTC milliseconds (see the module comment: a time in a
   * gap is the instant of the jump, an ambiguous time is its first occurrence).
   */
  private instantOfWallClock(wall: number): number {
    const zone = this.zone;
    const before = zone.offset(wall - DAY_MS);
    const after = zone.offset(wall + DAY_MS);
    if (before === after) {
      const t = wall - before * MINUTE_MS;
      if (zone.offset(t) === before) return t;
    }
    const offsets = new Set([before, after, zone.offset(wall - before * MINUTE_MS), zone.offset(wall - after * MINUTE_MS)]);
    let best = Infinity;
    let lo = Infinity;
    let hi = -Infinity;
    for (const off of offsets) {
      const t = wall - off * MINUTE_MS;
      if (zone.offset(t) === off && t < best) best = t;
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    if (best !== Infinity) return best;
    // In a gap: the clock reads less than `wall` at `lo` and more at `hi`; find the jump.
    const reads = (t: number): number => t + zone.offset(t) * MINUTE_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (reads(mid) >= wall) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** 0 = Monday … 6 = Sunday (1970-01-01, epoch day 0, was a Thursday). */
function isoWeekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

const ALWAYS_OPEN = new AlwaysOpenCalendar();

/** Validates and compiles a calendar (throws `AppError` 'validation' with the field path). */
export function compileCalendar(spec: unknown, path = 'calendar'): WorkCalendar {
  if (spec === '24x7') return ALWAYS_OPEN;
  return new ZonedCalendar(parseBusinessCalendar(spec, path));
}

/** Recently compiled specs, so callers that pass a plain spec again do not lose the day cache. */
const compiledBySpec = new Map<string, WorkCalendar>();
const MAX_COMPILED = 64;

/** A compiled calendar for either form of input (specs are compiled once and kept, a few at a time). */
export function toWorkCalendar(input: CalendarInput, path = 'calendar'): WorkCalendar {
  if (input instanceof ZonedCalendar || input instanceof AlwaysOpenCalendar) return input;
  if (input === '24x7') return ALWAYS_OPEN;
  const key = JSON.stringify(input);
  const hit = compiledBySpec.get(key);
  if (hit) return hit;
  const compiled = compileCalendar(input, path);
  if (compiledBySpec.size >= MAX_COMPILED) compiledBySpec.delete(compiledBySpec.keys().next().value as string);
  compiledBySpec.set(key, compiled);
  return compiled;
}

/** Business seconds in `[from, to)` (epoch milliseconds). */
export function businessSeconds(calendar: CalendarInput, from: number, to: number): number {
  return toWorkCalendar(calendar).businessSeconds(from, to);
}

/** The earliest instant after `from` by which `seconds` business seconds have passed. */
export function addBusinessSeconds(calendar: CalendarInput, from: number, seconds: number): number {
  return toWorkCalendar(calendar).addBusinessSeconds(from, seconds);
}

/** The working intervals overlapping `[from, to)`, clipped to it, ascending. */
export function workingIntervals(calendar: CalendarInput, from: number, to: number): Generator<[number, number]> {
  return toWorkCalendar(calendar).workingIntervals(from, to);
}
