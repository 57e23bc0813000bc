/**
 * On-call schedules: who is on call at an instant, and the resolved timeline over a range.
 * Pure functions; the exact rules are in docs (contract.md, "On-call"):
 *
 * - Shift k of a layer is [start + k·len, start + (k+1)·len). `daily`, `weekly` and `days` (N
 *   calendar days) lengths are calendar days in the schedule's zone: the handoff keeps its
 *   wall-clock time, so a daily shift across a DST change lasts 23 or 25 hours. `hours` is real
 *   hours. Shift k belongs to users[k mod n]; before `start` the layer has nobody.
 * - Restrictions are windows in the schedule's zone named by the day on which they start; an `end`
 *   at or before `start` runs past midnight. Outside them the layer has nobody, and the rotation
 *   keeps turning by time.
 * - An active override wins (the one listed last, i.e. created last, if several), else the last
 *   layer in the list with someone on call, else nobody. Intervals are [start, end).
 */
import { z } from 'zod';
import { AppError, type FieldIssue } from '../errors.ts';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  localEpochDay,
  localMsOfDay,
  localToInstant,
  parseInstant,
  weekdayOfEpochDay,
  zoneOf,
  type Zone,
} from './zoned.ts';

// ---------------------------------------------------------------------------------------------
// Types

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** An ISO-8601 string (with `Z`/offset, or wall-clock time in the schedule's zone) or a Date. */
export type Instant = string | Date;

export type Rotation =
  | { type: 'daily' }
  | { type: 'weekly' }
  | { type: 'hours'; hours: number }
  | { type: 'days'; days: number };

export interface Restriction {
  days: Weekday[];
  /** "HH:MM", 00:00–23:59 */
  start: string;
  /** "HH:MM", 00:00–24:00; at or before `start` it runs past midnight (equal: 24 hours). */
  end: string;
}

export interface Layer {
  name: string;
  start: Instant;
  rotation: Rotation;
  users: string[];
  restrictions?: Restriction[];
}

export interface Override {
  start: Instant;
  end: Instant;
  user: string;
}

export interface Schedule {
  name: string;
  timezone: string;
  layers: Layer[];
  overrides: Override[];
}

export interface OnCall {
  user: string | null;
  layer: string | null;
  override: boolean;
}

export interface Shift extends OnCall {
  start: Date;
  end: Date;
}

export interface Interval {
  start: Date;
  end: Date;
}

// ---------------------------------------------------------------------------------------------
// Validation

const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
/** The smallest `hours` rotation: one minute. */
export const MIN_ROTATION_HOURS = 1 / 60;

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const instant = z.union([z.string(), z.date()], { error: 'must be an ISO-8601 date-time' });

const rotationSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('daily') }),
    z.object({ type: z.literal('weekly') }),
    z.object({
      type: z.literal('hours'),
      hours: z
        .number({ error: 'must be a number of hours' })
        .gt(0, 'must be greater than 0')
        .refine((h) => h <= 0 || h >= MIN_ROTATION_HOURS, 'must be at least one minute (1/60 hour)'),
    }),
    z.object({
      type: z.literal('days'),
      days: z.number({ error: 'must be a number of days' }).int('must be a whole number of days').gt(0, 'must be greater than 0'),
    }),
  ],
  { error: 'type must be one of daily, weekly, hours, days' },
);

const restrictionSchema = z.object({
  days: z
    .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }))
    .min(1, 'must name at least one day'),
  start: z.string().regex(HHMM_RE, 'must be HH:MM between 00:00 and 23:59'),
  end: z.string().refine((s) => HHMM_RE.test(s) || s === '24:00', 'must be HH:MM between 00:00 and 24:00'),
});

const layerSchema = z.object({
  name: nonEmpty,
  start: instant,
  rotation: rotationSchema,
  users: z.array(nonEmpty).min(1, 'must list at least one user'),
  restrictions: z.array(restrictionSchema).optional(),
});

const overrideSchema = z.object({ start: instant, end: instant, user: nonEmpty });

/**
 * The `POST /api/v1/schedules` body (plus the `days` rotation). Zone-dependent checks (zone name,
 * date-times, override order) are in the refinement, with their field paths.
 */
export const scheduleSchema = z
  .object({
    name: nonEmpty,
    timezone: z.string(),
    layers: z.array(layerSchema),
    overrides: z.array(overrideSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const zone = zoneOf(s.timezone);
    if (!zone) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'must be an IANA time zone such as Asia/Shanghai' });
      return;
    }
    s.layers.forEach((layer, i) => {
      if (parseInstant(layer.start, zone) === null) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'start'], message: 'must be an ISO-8601 date-time' });
      }
    });
    s.overrides.forEach((o, i) => {
      const start = parseInstant(o.start, zone);
      const end = parseInstant(o.end, zone);
      if (start === null) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'start'], message: 'must be an ISO-8601 date-time' });
      if (end === null) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'end'], message: 'must be an ISO-8601 date-time' });
      if (start !== null && end !== null && end <= start) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, 'end'], message: 'must be after start' });
      }
    });
  });

/** Joins a zod-style path: ['layers', 0, 'users'] → "layers.0.users" (empty: "body"). */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map((p) => String(p)).join('.');
}

/** Turns a failed zod parse into the one validation AppError, with every field path. */
export function zodToAppError(error: z.ZodError, prefix?: string): AppError {
  const issues: FieldIssue[] = error.issues.map((i) => ({
    path: issuePath(prefix === undefined ? i.path : [prefix, ...i.path]),
    message: i.message,
  }));
  const first = issues[0] ?? { path: 'body', message: 'invalid' };
  return new AppError('validation', `${first.path}: ${first.message}`, issues);
}

/** Validates an untrusted schedule; throws AppError('validation') with field paths. */
export function validateSchedule(input: unknown): Schedule {
  const r = scheduleSchema.safeParse(input);
  if (!r.success) throw zodToAppError(r.error);
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Compilation: instants as epoch ms, restrictions as minutes.

type CompiledRotation = { kind: 'fixed'; lenMs: number } | { kind: 'calendar'; lenDays: number; day0: number; msOfDay0: number };

interface CompiledRestriction {
  days: ReadonlySet<number>; // ISO weekdays 1..7
  startMs: number; // ms after local midnight
  endMs: number; // ms after local midnight of the start day + endDayOffset
  endDayOffset: 0 | 1;
}

interface CompiledLayer {
  name: string;
  startMs: number;
  users: readonly string[];
  rotation: CompiledRotation;
  restrictions: readonly CompiledRestriction[] | null;
}

interface CompiledOverride {
  startMs: number;
  endMs: number;
  user: string;
}

interface CompiledSchedule {
  zone: Zone;
  layers: CompiledLayer[];
  overrides: CompiledOverride[];
}

function hhmmToMs(s: string): number {
  const [h, m] = s.split(':');
  return (Number(h) * 60 + Number(m)) * MINUTE_MS;
}

function mustInstant(value: Instant, zone: Zone, path: string): number {
  const ms = parseInstant(value, zone);
  if (ms === null) throw AppError.validation(path, 'must be an ISO-8601 date-time');
  return ms;
}

function compileRotation(r: Rotation, startMs: number, zone: Zone, path: string): CompiledRotation {
  const calendar = (lenDays: number): CompiledRotation => ({
    kind: 'calendar',
    lenDays,
    day0: localEpochDay(zone, startMs),
    msOfDay0: localMsOfDay(zone, startMs),
  });
  switch (r.type) {
    case 'daily':
      return calendar(1);
    case 'weekly':
      return calendar(7);
    case 'days':
      if (!Number.isInteger(r.days) || r.days <= 0) throw AppError.validation(`${path}.days`, 'must be a whole number greater than 0');
      return calendar(r.days);
    case 'hours': {
      if (!Number.isFinite(r.hours) || r.hours < MIN_ROTATION_HOURS) {
        throw AppError.validation(`${path}.hours`, 'must be at least one minute (1/60 hour)');
      }
      return { kind: 'fixed', lenMs: Math.round(r.hours * HOUR_MS) };
    }
  }
}

function compileSchedule(s: Schedule): CompiledSchedule {
  const zone = zoneOf(s.timezone);
  if (!zone) throw AppError.validation('timezone', 'must be an IANA time zone such as Asia/Shanghai');
  const layers = s.layers.map((l, i): CompiledLayer => {
    const startMs = mustInstant(l.start, zone, `layers.${i}.start`);
    if (l.users.length === 0) throw AppError.validation(`layers.${i}.users`, 'must list at least one user');
    const restrictions =
      l.restrictions && l.restrictions.length > 0
        ? l.restrictions.map((r): CompiledRestriction => {
            const startMs = hhmmToMs(r.start);
            const endMs = hhmmToMs(r.end);
            return {
              days: new Set(r.days.map((d) => WEEKDAYS.indexOf(d) + 1)),
              startMs,
              endMs,
              endDayOffset: endMs <= startMs ? 1 : 0,
            };
          })
        : null;
    return {
      name: l.name,
      startMs,
      users: l.users,
      rotation: compileRotation(l.rotation, startMs, zone, `layers.${i}.rotation`),
      restrictions,
    };
  });
  const overrides = s.overrides.map((o, i) => ({
    startMs: mustInstant(o.start, zone, `overrides.${i}.start`),
    endMs: mustInstant(o.end, zone, `overrides.${i}.end`),
    user: o.user,
  }));
  return { zone, layers, overrides };
}

// ---------------------------------------------------------------------------------------------
// Rotation arithmetic

/** Start of shift k ≥ 0 of a layer. */
function shiftStart(l: CompiledLayer, zone: Zone, k: number): number {
  if (k === 0) return l.startMs;
  const r = l.rotation;
  switch (r.kind) {
    case 'fixed':
      return l.startMs + k * r.lenMs;
    case 'calendar':
      return localToInstant(zone, r.day0 + k * r.lenDays, r.msOfDay0);
  }
}

/** Index of the shift containing `t`, or -1 before the layer starts. O(1): no walk from start. */
function shiftIndex(l: CompiledLayer, zone: Zone, t: number): number {
  if (t < l.startMs) return -1;
  const r = l.rotation;
  switch (r.kind) {
    case 'fixed':
      return Math.floor((t - l.startMs) / r.lenMs);
    case 'calendar': {
      // Calendar days between the local dates, then correct by a step or two around the handoff.
      let k = Math.max(0, Math.floor((localEpochDay(zone, t) - r.day0) / r.lenDays));
      while (k > 0 && shiftStart(l, zone, k) > t) k--;
      while (shiftStart(l, zone, k + 1) <= t) k++;
      return k;
    }
  }
}

function userOfShift(l: CompiledLayer, k: number): string {
  return l.users[k % l.users.length] as string;
}

/** The restriction windows that start on local day `day`, as [start, end) instants. */
function windowsStartingOn(rs: readonly CompiledRestriction[], zone: Zone, day: number): Array<[number, number]> {
  const wd = weekdayOfEpochDay(day);
  const out: Array<[number, number]> = [];
  for (const r of rs) {
    if (!r.days.has(wd)) continue;
    out.push([localToInstant(zone, day, r.startMs), localToInstant(zone, day + r.endDayOffset, r.endMs)]);
  }
  return out;
}

function inRestrictions(rs: readonly CompiledRestriction[], zone: Zone, t: number): boolean {
  const day = localEpochDay(zone, t);
  // A window lasts at most one day, so only windows starting today or yesterday can hold t.
  for (const d of [day - 1, day]) {
    for (const [s, e] of windowsStartingOn(rs, zone, d)) if (s <= t && t < e) return true;
  }
  return false;
}

const NOBODY: OnCall = { user: null, layer: null, override: false };

function resolveAt(c: CompiledSchedule, t: number): OnCall {
  for (let i = c.overrides.length - 1; i >= 0; i--) {
    const o = c.overrides[i] as CompiledOverride;
    if (o.startMs <= t && t < o.endMs) return { user: o.user, layer: null, override: true };
  }
  for (let i = c.layers.length - 1; i >= 0; i--) {
    const l = c.layers[i] as CompiledLayer;
    const k = shiftIndex(l, c.zone, t);
    if (k < 0) continue;
    if (l.restrictions && !inRestrictions(l.restrictions, c.zone, t)) continue;
    return { user: userOfShift(l, k), layer: l.name, override: false };
  }
  return NOBODY;
}

function instantMs(d: Date, path: string): number {
  const ms = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw AppError.validation(path, 'must be a valid date-time');
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Public queries

/**
 * Who is on call at `at`. `layer` is null for an override (and for nobody). The schedule is
 * expected to be valid (see validateSchedule); a bad zone or date-time throws AppError.
 */
export function whoIsOnCall(schedule: Schedule, at: Date): OnCall {
  return { ...resolveAt(compileSchedule(schedule), instantMs(at, 'at')) };
}

/** Upper bound on boundaries in one timeline, so a huge range cannot hang the process. */
export const MAX_TIMELINE_BOUNDARIES = 500_000;

function collectBoundaries(c: CompiledSchedule, from: number, to: number): number[] {
  const set = new Set<number>([from, to]);
  const add = (t: number): void => {
    if (t > from && t < to) {
      set.add(t);
      if (set.size > MAX_TIMELINE_BOUNDARIES) {
        throw new AppError('bad_request', 'The time range is too large for this schedule; ask for a shorter one');
      }
    }
  };
  for (const o of c.overrides) {
    add(o.startMs);
    add(o.endMs);
  }
  const firstDay = localEpochDay(c.zone, from) - 1;
  const lastDay = localEpochDay(c.zone, to);
  for (const l of c.layers) {
    add(l.startMs);
    for (let k = Math.max(0, shiftIndex(l, c.zone, from)) + 1; ; k++) {
      const s = shiftStart(l, c.zone, k);
      if (s >= to) break;
      add(s);
    }
    if (l.restrictions) {
      for (let d = firstDay; d <= lastDay; d++) {
        for (const [s, e] of windowsStartingOn(l.restrictions, c.zone, d)) {
          add(s);
          add(e);
        }
      }
    }
  }
  return [...set].sort((a, b) => a - b);
}

function sameHolder(a: OnCall, b: OnCall): boolean {
  return a.user === b.user && a.layer === b.layer && a.override === b.override;
}

function timeline(c: CompiledSchedule, from: number, to: number): Shift[] {
  if (to <= from) return [];
  const bounds = collectBoundaries(c, from, to);
  const out: Shift[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const s = bounds[i] as number;
    const e = bounds[i + 1] as number;
    const who = resolveAt(c, s);
    const last = out[out.length - 1];
    if (last && sameHolder(last, who)) last.end = new Date(e);
    else out.push({ start: new Date(s), end: new Date(e), ...who });
  }
  return out;
}

/** How far `shifts(…, {clip: false})` looks beyond the range for the true start or end. */
export const MAX_UNCLIP_MS = 512 * DAY_MS;

/**
 * Extends the first interval backwards (or the last forwards) to where that holder's turn really
 * begins (ends), looking at most MAX_UNCLIP_MS beyond the range.
 */
function unclip(c: CompiledSchedule, tl: Shift[], from: number, to: number): void {
  const first = tl[0];
  if (first && first.start.getTime() === from) {
    for (let w = DAY_MS; ; w *= 2) {
      const before = timeline(c, from - w, from);
      const prev = before[before.length - 1];
      if (!prev || !sameHolder(prev, first)) break;
      if (prev.start.getTime() > from - w || w >= MAX_UNCLIP_MS) {
        first.start = prev.start;
        break;
      }
    }
  }
  const last = tl[tl.length - 1];
  if (last && last.end.getTime() === to) {
    for (let w = DAY_MS; ; w *= 2) {
      const after = timeline(c, to, to + w);
      const next = after[0];
      if (!next || !sameHolder(next, last)) break;
      if (next.end.getTime() < to + w || w >= MAX_UNCLIP_MS) {
        last.end = next.end;
        break;
      }
    }
  }
}

export interface ShiftsOptions {
  /**
   * true (default): the timeline covers exactly [from, to). false: the first and last intervals
   * keep their true extent beyond the range (for calendar exports, whose events must not change
   * when the window moves).
   */
  clip?: boolean;
}

/**
 * The resolved timeline over [from, to): non-overlapping, adjacent intervals (user null for
 * nobody), merged where the holder (user, layer, override) does not change. Built from the
 * boundaries (handoffs, restriction edges, override edges), never by sampling.
 */
export function shifts(schedule: Schedule, from: Date, to: Date, options: ShiftsOptions = {}): Shift[] {
  const f = instantMs(from, 'from');
  const t = instantMs(to, 'to');
  if (t < f) throw AppError.validation('to', 'must not be before from');
  const c = compileSchedule(schedule);
  const tl = timeline(c, f, t);
  if (options.clip === false) unclip(c, tl, f, t);
  return tl;
}

/** The intervals in [from, to) where nobody is on call. */
export function coverageGaps(schedule: Schedule, from: Date, to: Date): Interval[] {
  return shifts(schedule, from, to)
    .filter((s) => s.user === null)
    .map((s) => ({ start: s.start, end: s.end }));
}

/**
 * The first instant after `at` at which the resolved holder changes (a handoff, a restriction
 * edge, an override edge), or null if nothing changes within `horizonMs`. For handoff timers.
 */
export function nextChange(schedule: Schedule, at: Date, horizonMs = 400 * DAY_MS): Date | null {
  const a = instantMs(at, 'at');
  const c = compileSchedule(schedule);
  for (let w = Math.min(DAY_MS, horizonMs); ; w = Math.min(w * 4, horizonMs)) {
    const tl = timeline(c, a, a + w);
    const second = tl[1];
    if (second) return second.start;
    if (w >= horizonMs) return null;
  }
}
