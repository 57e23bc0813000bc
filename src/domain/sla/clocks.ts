/**
 * SLA clocks derived from a ticket's event history (contract.md, "SLA clocks", rules 1–10).
 * `POST /api/v1/sla/simulate` and the stored tickets both call `evaluateClocks`; the durable
 * timers call `nextDeadlines` on its result.
 *
 * How it works: the events are folded in time order (ties: the order given). Between two events
 * the ticket's status is constant, so the business time of that stretch is counted once and, when
 * the status is `new` or `open`, added to a single running total R ("running time since
 * created"). A clock is a window on R: it starts at some R, ends (met or stopped) at a later R, and
 * its elapsed time is the difference. Because every running clock accrues the same time, one list
 * of running stretches answers "at which instant did this clock reach X seconds" for all of them.
 *
 * Decisions where the contract is silent:
 * - Instants are truncated to the whole second on input; output instants are UTC "…Z" to the
 *   second. Event times need a UTC offset or "Z" (a bare local time would depend on the host).
 * - Exactly one `created` event is required, at or before `now`. Events before `created` (in the
 *   sorted order, so also a tie listed before it) are ignored; events after `now` are ignored.
 * - A `targets` event replaces the whole target set (a key it leaves out is no longer kept from
 *   then on), like re-applying a policy after a priority or tier change. It applies to clocks that
 *   are still open (running or paused) and to cycles started later; a met or stopped clock keeps
 *   the target it ended with. A reopened resolution clock takes the targets in force at reopening.
 * - `breached` means the running time exceeded the target (strictly: meeting a clock exactly at its
 *   target is in time). `breachedAt` is the earliest instant at which the elapsed time equalled the
 *   target that was exceeded. After a `targets` event that lowers a target below the elapsed time,
 *   the clock is breached at once and `breachedAt` lies in the past, possibly before the change.
 *   A breach is a fact: it stays when a later `targets` event raises the target again, when the
 *   clock is met late (`state: 'met'`, `breached: true`), stopped, paused, or reopened.
 * - `dueAt`: the breach instant for a breached clock (whatever its state); for a running clock the
 *   instant it reaches its target if it keeps running (projected on the calendar; if it already
 *   sits exactly at its target, e.g. across a lunch break, the past instant it got there); null for
 *   a paused clock and for a met or stopped clock that did not breach.
 * - firstResponse: `solved` or `closed` before any agent reply stops it for good (a reopen does not
 *   restart it). resolution: `closed` while it is open stops it (`stopped`, never met); `closed`
 *   after `solved` keeps it met. Any move out of `solved` other than to `closed` is a reopen
 *   (`met` → `running`, or `paused` when reopened to pending/on_hold; elapsed and breach carry over,
 *   `metAt` is cleared).
 * - `closed` is final for the whole ticket: later events change nothing.
 * - periodicUpdate cycles start at agent replies (the first cycle at the first agent reply: before
 *   it, firstResponse is the promise). An agent reply on a solved ticket starts no cycle.
 *   Cycles and the other clocks are tracked even while their target is missing, so a `targets`
 *   event that adds a target carries their elapsed time over; a clock or cycle whose target is
 *   missing is not reported (null / left out of the list).
 * - A customer reply on an on_hold ticket starts a nextReply cycle (paused until the hold ends).
 * - `agent_reply` does not change the status (new and open both run the clocks).
 */
import { AppError } from '../errors.ts';
import { STATUSES, statusAfterComment, type StatusCode } from '../tickets.ts';
import { toWorkCalendar, type CalendarInput, type WorkCalendar } from './calendar.ts';

export const CLOCK_NAMES = ['firstResponse', 'nextReply', 'periodicUpdate', 'resolution'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

/** Target minutes per clock, counted on the calendar; a missing (or null) one is not kept. */
export type SlaTargets = Partial<Record<ClockName, number | null>>;

export type InstantInput = string | Date;

export const EVENT_TYPES = ['created', 'agent_reply', 'customer_reply', 'internal_note', 'auto_reply', 'status', 'targets'] as const;
export type SlaEventType = (typeof EVENT_TYPES)[number];

export type SlaEvent =
  | { at: InstantInput; type: 'created' | 'agent_reply' | 'customer_reply' | 'internal_note' | 'auto_reply' }
  | { at: InstantInput; type: 'status'; status: StatusCode }
  | { at: InstantInput; type: 'targets'; targets: SlaTargets };

export interface EvaluateInput {
  calendar: CalendarInput;
  targets: SlaTargets;
  events: readonly SlaEvent[];
  now: InstantInput;
}

export type ClockState = 'running' | 'paused' | 'met' | 'stopped';

export interface Clock {
  state: ClockState;
  targetMinutes: number;
  elapsedSeconds: number;
  breached: boolean;
  breachedAt: string | null;
  dueAt: string | null;
  metAt: string | null;
}

export interface SlaClocks {
  firstResponse: Clock | null;
  resolution: Clock | null;
  nextReply: Clock[];
  periodicUpdate: Clock[];
}

// ---------------------------------------------------------------------------------------------
// Input

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * An ISO-8601 date-time with a UTC offset or "Z" (or a Date) as epoch milliseconds, truncated to
 * the whole second. Throws `AppError` 'validation' at `path`.
 */
export function parseInstant(value: unknown, path: string): number {
  let ms = NaN;
  if (value instanceof Date) {
    ms = value.getTime();
  } else if (typeof value === 'string') {
    const m = ISO_RE.exec(value);
    if (m) {
      const y = +m[1]!;
      const mo = +m[2]!;
      const d = +m[3]!;
      const h = +m[4]!;
      const mi = +m[5]!;
      const sec = m[6] === undefined ? 0 : +m[6];
      const offMin = m[7] !== undefined ? 0 : (m[8] === '-' ? -1 : 1) * (+m[9]! * 60 + (m[10] === undefined ? 0 : +m[10]));
      const monthDays = mo === 2 && isLeap(y) ? 29 : MONTH_DAYS[mo - 1];
      if (monthDays !== undefined && d >= 1 && d <= monthDays && h < 24 && mi < 60 && sec < 60 && Math.abs(offMin) < 24 * 60) {
        ms = Date.UTC(y, mo - 1, d, h, mi, sec) - offMin * 60_000;
      }
    }
  }
  if (!Number.isFinite(ms)) {
    throw AppError.validation(path, `${JSON.stringify(value)} is not an ISO-8601 date-time with a UTC offset (e.g. "2026-11-20T10:00:00+08:00")`);
  }
  return Math.floor(ms / 1000) * 1000;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * An instant as ISO-8601 UTC to the second: "2026-11-20T02:00:00Z" (years 0000–9999). Written out
 * by hand (days → civil date, H. Hinnant's algorithm): several times faster than `toISOString`.
 */
export function formatInstant(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86_400);
  let rest = secs - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(rest - minute * 60)}Z`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Targets as minutes (null = not kept); throws on unknown clocks or non-positive numbers. */
export function parseTargets(value: unknown, path: string): Record<ClockName, number | null> {
  if (!isRecord(value)) throw AppError.validation(path, 'must be an object {firstResponse, nextReply, periodicUpdate, resolution} of minutes');
  const out: Record<ClockName, number | null> = { firstResponse: null, nextReply: null, periodicUpdate: null, resolution: null };
  for (const [key, v] of Object.entries(value)) {
    if (!(CLOCK_NAMES as readonly string[]).includes(key)) {
      throw AppError.validation(`${path}.${key}`, `unknown clock (expected ${CLOCK_NAMES.join(', ')})`);
    }
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw AppError.validation(`${path}.${key}`, 'must be a positive number of minutes (or null: not kept)');
    }
    out[key as ClockName] = v;
  }
  return out;
}

type ParsedEvent =
  | { ms: number; index: number; type: 'created' | 'agent_reply' | 'customer_reply' | 'internal_note' | 'auto_reply' }
  | { ms: number; index: number; type: 'status'; status: StatusCode }
  | { ms: number; index: number; type: 'targets'; targets: Record<ClockName, number | null> };

function parseEvents(value: unknown): ParsedEvent[] {
  if (!Array.isArray(value)) throw AppError.validation('events', 'must be a list of events');
  const out: ParsedEvent[] = value.map((e: unknown, index): ParsedEvent => {
    const path = `events[${index}]`;
    if (!isRecord(e)) throw AppError.validation(path, 'must be an object {at, type, …}');
    const ms = parseInstant(e.at, `${path}.at`);
    const type = e.type;
    switch (type) {
      case 'created':
      case 'agent_reply':
      case 'customer_reply':
      case 'internal_note':
      case 'auto_reply':
        return { ms, index, type };
      case 'status':
        if (typeof e.status !== 'string' || !(STATUSES as readonly string[]).includes(e.status)) {
          throw AppError.validation(`${path}.status`, `must be one of ${STATUSES.join(', ')}`);
        }
        return { ms, index, type, status: e.status as StatusCode };
      case 'targets':
        return { ms, index, type, targets: parseTargets(e.targets, `${path}.targets`) };
      default:
        throw AppError.validation(`${path}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
    }
  });
  // Array.prototype.sort is stable: ties keep the order given.
  return out.sort((a, b) => a.ms - b.ms);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Track {
  /** Target in ms of running time, and as given in minutes; null: not kept. */
  target: number | null;
  targetMinutes: number | null;
  /** Running total R when the clock started, and when it ended (null while open). */
  startR: number;
  endR: number | null;
  phase: 'open' | 'met' | 'stopped';
  metAt: number | null;
  breachedAt: number | null;
}

const toTargetMs = (minutes: number | null): number | null => (minutes === null ? null : Math.round(minutes * 60) * 1000);

/** The fold over one ticket's events (a class, so nothing is allocated per call but the state). */
class TicketFold {
  private status: StatusCode = 'new';
  private closed = false;
  private hadAgentReply = false;
  /** Time up to which running time has been counted. */
  private t: number;
  /** R: running time (ms) since created. */
  private runningTotal = 0;
  /** Running stretches: start instant, and R at their start and end (strictly increasing). */
  private readonly stretchStart: number[] = [];
  private readonly stretchFromR: number[] = [];
  private readonly stretchToR: number[] = [];
  readonly firstResponse: Track;
  readonly resolution: Track;
  readonly nextReply: Track[] = [];
  readonly periodicUpdate: Track[] = [];

  constructor(
    private readonly calendar: WorkCalendar,
    private targets: Record<ClockName, number | null>,
    createdAt: number,
  ) {
    this.t = createdAt;
    this.firstResponse = this.startTrack(targets.firstResponse);
    this.resolution = this.startTrack(targets.resolution);
  }

  apply(ev: ParsedEvent): void {
    this.advance(ev.ms);
    if (this.closed) return;
    switch (ev.type) {
      case 'created':
      case 'internal_note':
      case 'auto_reply':
        break;
      case 'agent_reply':
        this.end(this.firstResponse, 'met');
        this.end(this.nextReply.at(-1), 'met');
        this.end(this.periodicUpdate.at(-1), 'met');
        if (this.status !== 'solved') this.periodicUpdate.push(this.startTrack(this.targets.periodicUpdate));
        this.hadAgentReply = true;
        break;
      case 'customer_reply':
        this.setStatus(statusAfterComment(this.status, 'customer_reply')); // pending, solved → open
        if (this.hadAgentReply && !isOpen(this.nextReply.at(-1))) this.nextReply.push(this.startTrack(this.targets.nextReply));
        break;
      case 'status':
        this.setStatus(ev.status);
        break;
      case 'targets':
        this.targets = ev.targets;
        this.retarget(this.firstResponse, ev.targets.firstResponse);
        this.retarget(this.resolution, ev.targets.resolution);
        this.retarget(this.nextReply.at(-1), ev.targets.nextReply);
        this.retarget(this.periodicUpdate.at(-1), ev.targets.periodicUpdate);
        break;
    }
  }

  /** Counts running time up to `to` and notes every open clock that exceeds its target. */
  advance(to: number): void {
    if (to <= this.t) return;
    if (this.isRunning()) {
      const worked = this.calendar.businessSeconds(this.t, to) * 1000;
      if (worked > 0) {
        this.stretchStart.push(this.t);
        this.stretchFromR.push(this.runningTotal);
        this.runningTotal += worked;
        this.stretchToR.push(this.runningTotal);
      }
    }
    this.t = to;
    this.checkBreach(this.firstResponse);
    this.checkBreach(this.resolution);
    this.checkBreach(this.nextReply.at(-1));
    this.checkBreach(this.periodicUpdate.at(-1));
  }

  isRunning(): boolean {
    return !this.closed && (this.status === 'new' || this.status === 'open');
  }

  /** The clock as the contract shows it at the current time (`now` after the last advance). */
  toClock(tr: Track): Clock | null {
    if (tr.target === null || tr.targetMinutes === null) return null;
    const elapsed = (tr.endR ?? this.runningTotal) - tr.startR;
    const state: ClockState = tr.phase === 'open' ? (this.isRunning() ? 'running' : 'paused') : tr.phase;
    let dueAt: number | null = tr.breachedAt;
    if (dueAt === null && state === 'running') {
      dueAt =
        elapsed >= tr.target
          ? this.instantAtR(tr.startR + tr.target)
          : this.calendar.addBusinessSeconds(this.t, (tr.target - elapsed) / 1000);
    }
    return {
      state,
      targetMinutes: tr.targetMinutes,
      elapsedSeconds: Math.floor(elapsed / 1000),
      breached: tr.breachedAt !== null,
      breachedAt: tr.breachedAt === null ? null : formatInstant(tr.breachedAt),
      dueAt: dueAt === null ? null : formatInstant(dueAt),
      metAt: tr.metAt === null ? null : formatInstant(tr.metAt),
    };
  }

  private setStatus(next: StatusCode): void {
    if (next === this.status) return;
    const prev = this.status;
    this.status = next;
    if (next === 'solved') {
      this.end(this.firstResponse, 'stopped');
      this.end(this.nextReply.at(-1), 'stopped');
      this.end(this.periodicUpdate.at(-1), 'stopped');
      this.end(this.resolution, 'met');
    } else if (next === 'closed') {
      this.end(this.firstResponse, 'stopped');
      this.end(this.nextReply.at(-1), 'stopped');
      this.end(this.periodicUpdate.at(-1), 'stopped');
      this.end(this.resolution, 'stopped');
      this.closed = true;
    } else if (prev === 'solved' && this.resolution.phase === 'met') {
      // Reopen: R did not move while solved, so the elapsed time simply continues.
      const res = this.resolution;
      res.phase = 'open';
      res.endR = null;
      res.metAt = null;
      this.retarget(res, this.targets.resolution);
    }
  }

  private startTrack(minutes: number | null): Track {
    return { target: toTargetMs(minutes), targetMinutes: minutes, startR: this.runningTotal, endR: null, phase: 'open', metAt: null, breachedAt: null };
  }

  private end(tr: Track | undefined, phase: 'met' | 'stopped'): void {
    if (!isOpen(tr)) return;
    tr.phase = phase;
    tr.endR = this.runningTotal;
    if (phase === 'met') tr.metAt = this.t;
  }

  /** New targets apply to open clocks only; a met or stopped one keeps the target it ended with. */
  private retarget(tr: Track | undefined, minutes: number | null): void {
    if (!isOpen(tr)) return;
    tr.targetMinutes = minutes;
    tr.target = toTargetMs(minutes);
    this.checkBreach(tr);
  }

  private checkBreach(tr: Track | undefined): void {
    if (isOpen(tr) && tr.target !== null && tr.breachedAt === null && this.runningTotal - tr.startR > tr.target) {
      tr.breachedAt = this.instantAtR(tr.startR + tr.target);
    }
  }

  /** The earliest instant at which R reached `r` (0 < r <= R). */
  private instantAtR(r: number): number {
    let lo = 0;
    let hi = this.stretchToR.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.stretchToR[mid]! >= r) hi = mid;
      else lo = mid + 1;
    }
    return this.calendar.addBusinessSeconds(this.stretchStart[lo]!, (r - this.stretchFromR[lo]!) / 1000);
  }
}

function isOpen(tr: Track | undefined): tr is Track {
  return tr !== undefined && tr.phase === 'open';
}

/** Evaluates every clock of a ticket at `now` (see the module comment for the exact semantics). */
export function evaluateClocks(input: EvaluateInput): SlaClocks {
  const calendar = toWorkCalendar(input.calendar, 'calendar');
  const targets = parseTargets(input.targets, 'targets');
  const now = parseInstant(input.now, 'now');
  const events = parseEvents(input.events);

  const createdAt = events.findIndex((e) => e.type === 'created');
  const created = events[createdAt];
  if (!created) throw AppError.validation('events', 'needs a "created" event');
  const twice = events.find((e, i) => i > createdAt && e.type === 'created');
  if (twice) throw AppError.validation(`events[${twice.index}].type`, `a ticket is created once (events[${created.index}] already is "created")`);
  if (created.ms > now) throw AppError.validation('now', `is before the ticket was created (events[${created.index}].at)`);

  const fold = new TicketFold(calendar, targets, created.ms);
  // Events before `created` (in sorted order) are ignored, and so are those after `now`.
  for (let i = createdAt + 1; i < events.length && events[i]!.ms <= now; i++) fold.apply(events[i]!);
  fold.advance(now);

  const cycles = (list: Track[]): Clock[] => {
    const out: Clock[] = [];
    for (const tr of list) {
      const c = fold.toClock(tr);
      if (c) out.push(c);
    }
    return out;
  };
  return {
    firstResponse: fold.toClock(fold.firstResponse),
    resolution: fold.toClock(fold.resolution),
    nextReply: cycles(fold.nextReply),
    periodicUpdate: cycles(fold.periodicUpdate),
  };
}

// ---------------------------------------------------------------------------------------------
// Deadlines for the durable timers

export const DEFAULT_WARN_SHARE = 0.8;

export interface Deadline {
  clock: ClockName;
  /** Position in the `nextReply` / `periodicUpdate` list; null for firstResponse and resolution. */
  index: number | null;
  kind: 'warning' | 'breach';
  /** The first whole second at which the warning is due / `evaluateClocks` reports `breached`. */
  at: string;
}

function checkShare(warnShare: number): void {
  if (!Number.isFinite(warnShare) || warnShare <= 0 || warnShare > 1) {
    throw AppError.validation('warnShare', 'must be a share of the target in (0, 1]');
  }
}

/** Elapsed seconds at which a clock with this target is due a warning: ⌈share × target⌉. */
export function warningThresholdSeconds(targetMinutes: number, warnShare = DEFAULT_WARN_SHARE): number {
  checkShare(warnShare);
  return Math.ceil(warnShare * Math.round(targetMinutes * 60));
}

/** Whether an open clock has used its warning share without breaching yet. */
export function isWarningDue(clock: Clock, warnShare = DEFAULT_WARN_SHARE): boolean {
  return (
    (clock.state === 'running' || clock.state === 'paused') &&
    !clock.breached &&
    clock.elapsedSeconds >= warningThresholdSeconds(clock.targetMinutes, warnShare)
  );
}

/**
 * The future instants at which a warning becomes due or a breach happens, if no further event
 * arrives, earliest first: for each running, not yet breached clock, its warning (when elapsed
 * reaches ⌈share × target⌉, only if still ahead) and its breach (the first second at which elapsed
 * exceeds the target — one second after `dueAt` on a 24×7 calendar). Paused, met and stopped
 * clocks change only with an event, so they have none. `result` must be `evaluateClocks` of the
 * same calendar at `now`; this only projects, it does not fold the events again.
 */
export function nextDeadlines(
  result: SlaClocks,
  warnShare: number,
  context: { calendar: CalendarInput; now: InstantInput },
): Deadline[] {
  checkShare(warnShare);
  const calendar = toWorkCalendar(context.calendar, 'calendar');
  const now = parseInstant(context.now, 'now');
  const out: { d: Deadline; ms: number; order: number }[] = [];
  const consider = (clock: Clock | null, name: ClockName, index: number | null): void => {
    if (!clock || clock.state !== 'running' || clock.breached) return;
    const target = Math.round(clock.targetMinutes * 60);
    const warnAt = warningThresholdSeconds(clock.targetMinutes, warnShare);
    const order = CLOCK_NAMES.indexOf(name) * 2;
    if (clock.elapsedSeconds < warnAt) {
      const ms = calendar.addBusinessSeconds(now, warnAt - clock.elapsedSeconds);
      out.push({ d: { clock: name, index, kind: 'warning', at: formatInstant(ms) }, ms, order });
    }
    const ms = calendar.addBusinessSeconds(now, target + 1 - clock.elapsedSeconds);
    out.push({ d: { clock: name, index, kind: 'breach', at: formatInstant(ms) }, ms, order: order + 1 });
  };
  consider(result.firstResponse, 'firstResponse', null);
  result.nextReply.forEach((c, i) => consider(c, 'nextReply', i));
  result.periodicUpdate.forEach((c, i) => consider(c, 'periodicUpdate', i));
  consider(result.resolution, 'resolution', null);
  return out.sort((a, b) => a.ms - b.ms || a.order - b.order).map((x) => x.d);
}
