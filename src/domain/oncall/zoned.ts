/**
 * Wall-clock arithmetic in an IANA zone, deterministic and independent of the host's zone and of
 * the current date (luxon's own local-time resolution guesses with `Settings.now()`, so it is not
 * used for that). Instants are epoch milliseconds; local dates are "epoch days" (days since
 * 1970-01-01 in local wall-clock time).
 *
 * Rules for wall-clock times that do not map to exactly one instant:
 * - a time in a DST gap (e.g. 02:30 on the spring-forward night) moves forward by the length of
 *   the gap (02:30 → 03:30 of the new offset);
 * - an ambiguous time (e.g. 01:30 on the fall-back night) is the earlier of the two instants.
 */
import { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * A time zone with a memo of its offsets. Intl-based lookups cost ~10–20 µs each, and the same
 * minutes are asked for again and again (the same handoff, the same window edge), so offsets are
 * remembered per UTC minute (zone transitions fall on whole minutes). The memo is only a cache:
 * results never depend on it.
 */
export interface Zone {
  readonly name: string;
  /** Offset from UTC in minutes at an instant (epoch ms). */
  offset(ms: number): number;
}

const MEMO_LIMIT = 100_000;

class MemoZone implements Zone {
  private readonly memo = new Map<number, number>();
  constructor(private readonly iana: IANAZone) {}

  get name(): string {
    return this.iana.name;
  }

  offset(ms: number): number {
    const minute = Math.floor(ms / MINUTE_MS);
    let off = this.memo.get(minute);
    if (off === undefined) {
      off = this.iana.offset(minute * MINUTE_MS);
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(minute, off);
    }
    return off;
  }
}

const zones = new Map<string, Zone>();

/** The zone, or null when `name` is not an IANA zone name. */
export function zoneOf(name: string): Zone | null {
  if (typeof name !== 'string' || name.trim() === '') return null;
  const known = zones.get(name);
  if (known) return known;
  if (!IANAZone.isValidZone(name)) return null;
  const zone = new MemoZone(IANAZone.create(name));
  zones.set(name, zone);
  return zone;
}

/** Offset from UTC in minutes at an instant. */
export function offsetMinutes(zone: Zone, ms: number): number {
  return zone.offset(ms);
}

/** The local wall-clock reading of an instant, as milliseconds since 1970-01-01T00:00 local. */
function localNaive(zone: Zone, ms: number): number {
  return ms + zone.offset(ms) * MINUTE_MS;
}

/** The local date (epoch day) of an instant. */
export function localEpochDay(zone: Zone, ms: number): number {
  return Math.floor(localNaive(zone, ms) / DAY_MS);
}

/** Milliseconds since local midnight of an instant. */
export function localMsOfDay(zone: Zone, ms: number): number {
  const naive = localNaive(zone, ms);
  return naive - Math.floor(naive / DAY_MS) * DAY_MS;
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7 + 1;
}

/**
 * The instant of a local wall-clock time: `msOfDay` may exceed one day (it simply carries into
 * the next date, so "24:00" is the next midnight). Gaps move forward, ambiguity takes the earlier
 * instant (see the module comment).
 */
export function localToInstant(zone: Zone, epochDay: number, msOfDay: number): number {
  const naive = epochDay * DAY_MS + msOfDay;
  const before = zone.offset(naive - DAY_MS);
  const after = zone.offset(naive + DAY_MS);
  // No change of offset within a day either side (nearly always): the time is unique.
  if (before === after) return naive - before * MINUTE_MS;
  const candidates = new Set([before, zone.offset(naive), after]);
  let best: number | null = null;
  for (const off of candidates) {
    const t = naive - off * MINUTE_MS;
    if (zone.offset(t) === off && (best === null || t < best)) best = t;
  }
  // No offset reproduces this wall-clock time: it lies in a gap; read it with the offset in force
  // before the gap, which lands as far after the gap's start as the time is.
  return best ?? naive - before * MINUTE_MS;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO-8601 date-time. With `Z` or an offset it is that instant; without one it is a
 * wall-clock time in `zone` (a date alone is local midnight). Returns null when it is not a valid
 * date-time. A `Date` is taken as it is (null when invalid).
 */
export function parseInstant(value: string | Date, zone: Zone): number | null {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? ms : null;
  }
  if (typeof value !== 'string') return null;
  const m = ISO_RE.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6) : 0;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const naive = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const off = m[8];
  if (off === undefined) {
    const epochDay = Math.floor(naive / DAY_MS);
    return localToInstant(zone, epochDay, naive - epochDay * DAY_MS);
  }
  if (off === 'Z' || off === 'z') return naive;
  const sign = off.startsWith('-') ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (oh > 23 || om > 59) return null;
  return naive - sign * (oh * 60 + om) * MINUTE_MS;
}
