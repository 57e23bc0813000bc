/**
 * Wall-clock time in a named time zone with nothing but Intl: a `datetime-local` value
 * (`YYYY-MM-DDTHH:mm`) typed in a calendar's or a person's zone becomes an instant, and back.
 */
const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormat.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormat.set(zone, f);
  }
  return f;
}

export function isValidZone(zone: string): boolean {
  if (!zone) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone when it is a real IANA name, else the browser's own. */
export function zoneOr(zone: string | null | undefined): string {
  return zone && isValidZone(zone) ? zone : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallOf(ms: number, zone: string): Wall {
  const get = (parts: Intl.DateTimeFormatPart[], type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const parts = formatter(zone).formatToParts(new Date(ms));
  return { year: get(parts, 'year'), month: get(parts, 'month'), day: get(parts, 'day'), hour: get(parts, 'hour') % 24, minute: get(parts, 'minute'), second: get(parts, 'second') };
}

/** The zone's offset from UTC at an instant, in milliseconds (+08:00 → 28 800 000). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const w = wallOf(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:mm` of an instant in a zone (the value of a datetime-local input). */
export function toWallInput(ms: number, zone: string): string {
  const w = wallOf(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function toDateInput(ms: number, zone: string): string {
  return toWallInput(ms, zone).slice(0, 10);
}

/**
 * The instant a wall-clock time names in a zone; null when the text is not a date-time. Around a
 * DST change a skipped or repeated wall time resolves to a nearby instant.
 */
export function fromWallInput(value: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (Number.isNaN(asUtc)) return null;
  const first = asUtc - zoneOffsetMs(asUtc, zone);
  const second = asUtc - zoneOffsetMs(first, zone);
  return Math.min(first, second);
}

/** Local midnights in a zone from the day of `fromMs` on, `days` of them. */
export function localMidnights(fromMs: number, days: number, zone: string): number[] {
  const start = toDateInput(fromMs, zone);
  const out: number[] = [];
  const [y, mo, d] = start.split('-').map(Number) as [number, number, number];
  for (let i = 0; i <= days; i++) {
    const day = new Date(Date.UTC(y, mo - 1, d + i));
    const text = `${pad(day.getUTCFullYear(), 4)}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T00:00`;
    const ms = fromWallInput(text, zone);
    if (ms !== null) out.push(ms);
  }
  return out;
}

/** `+08:00`-style offset of a zone at an instant. */
export function offsetLabel(ms: number, zone: string): string {
  const off = Math.round(zoneOffsetMs(ms, zone) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
