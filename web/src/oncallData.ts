import { api } from './api.ts';
import { useLoad, type Loaded } from './hooks.ts';
import { serverNow } from './serverTime.ts';
import type { Gap, Group, OnCall, Schedule, Shift, User } from './types.ts';
import { localMidnights } from './zoned.ts';

/** Days the board looks ahead. */
export const BOARD_DAYS = 7;

export interface ScheduleBoard {
  schedule: Schedule;
  now: OnCall;
  /** Resolved shifts over the board's range (nobody on call: `user: null`). */
  shifts: Shift[];
  gaps: Gap[];
}

export interface Board {
  from: number;
  to: number;
  schedules: ScheduleBoard[];
}

/** Every schedule with who is on call now, its shifts over the next days and its coverage gaps. */
export function useOnCallBoard(zone: string): Loaded<Board> {
  return useLoad(async () => {
    const now = serverNow();
    const from = localMidnights(now, 0, zone)[0] ?? now;
    const to = from + BOARD_DAYS * 86_400_000;
    const { items } = await api.schedules();
    const schedules = await Promise.all(
      items.map(async (schedule): Promise<ScheduleBoard> => {
        const [onCall, shifts, gaps] = await Promise.all([
          api.onCall(schedule.id, new Date(now).toISOString()),
          api.shifts(schedule.id, new Date(from).toISOString(), new Date(to).toISOString()),
          api.gaps(schedule.id, BOARD_DAYS),
        ]);
        return { schedule, now: onCall, shifts: shifts.items, gaps: gaps.items };
      }),
    );
    return { from, to, schedules };
  }, [zone]);
}

/** Staff people (agents and admins) by id, for names of on-call users. */
export function useStaff(): Loaded<User[]> {
  return useLoad(() => api.staff(), []);
}

export function useGroups(): Loaded<Group[]> {
  return useLoad(async () => (await api.groups()).items, []);
}

const ms = (iso: string) => new Date(iso).getTime();

/** The shift at an instant, and the next one with someone else (or nobody) after it. */
export function nowAndNext(shifts: Shift[], at: number): { current: Shift | null; next: Shift | null } {
  const sorted = [...shifts].sort((a, b) => ms(a.start) - ms(b.start));
  const current = sorted.find((s) => ms(s.start) <= at && at < ms(s.end)) ?? null;
  const after = sorted.filter((s) => ms(s.start) >= (current ? ms(current.end) : at));
  const next = after.find((s) => s.user !== current?.user || s.layer !== current?.layer) ?? null;
  return { current, next };
}

export interface RegionTurn {
  layer: string;
  /** The layer's current shift, or its next one; null when it has none in the range. */
  shift: Shift | null;
  active: boolean;
}

/** Per layer (region of a follow-the-sun schedule): who holds it now, or who takes it next. */
export function regionTurns(schedule: Schedule, shifts: Shift[], at: number): RegionTurn[] {
  const sorted = [...shifts].sort((a, b) => ms(a.start) - ms(b.start));
  return schedule.layers.map((l) => {
    const shift = sorted.find((s) => s.layer === l.name && s.user !== null && ms(s.end) > at) ?? null;
    return { layer: l.name, shift, active: !!shift && ms(shift.start) <= at };
  });
}
