import type { Locale } from './locale.ts';

type Instant = string | number | null | undefined;

/**
 * Dates and times in the viewer's time zone (Intl picks the browser's zone when none is given),
 * or in a zone named by the caller (a customer's, a calendar's), in the viewer's language.
 */
export function makeFormatters(locale: Locale) {
  const cache = new Map<string, Intl.DateTimeFormat>();
  const dtf = (kind: 'dateTime' | 'zone' | 'time' | 'day' | 'date', zone: string | undefined): Intl.DateTimeFormat => {
    const key = `${kind}|${zone ?? ''}`;
    let f = cache.get(key);
    if (!f) {
      const tz = zone ? { timeZone: zone } : {};
      const opts: Intl.DateTimeFormatOptions =
        kind === 'dateTime'
          ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
          : kind === 'zone'
            ? { timeZoneName: 'short' }
            : kind === 'time'
              ? { hour: '2-digit', minute: '2-digit', hour12: false }
              : kind === 'day'
                ? { month: '2-digit', day: '2-digit', weekday: 'short' }
                : { year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' };
      try {
        f = new Intl.DateTimeFormat(locale, { ...opts, ...tz });
      } catch {
        f = new Intl.DateTimeFormat(locale, opts); // an unknown zone: the viewer's own
      }
      cache.set(key, f);
    }
    return f;
  };
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'narrow' });

  const parse = (v: Instant): Date | null => {
    if (v === null || v === undefined || v === '') return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const zoneName = (d: Date, zone?: string): string | undefined => dtf('zone', zone).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;

  return {
    /** 2026/11/03 14:05 (zh-CN) or 11/03/2026, 14:05 (en); a dash when absent. */
    dateTime(iso: Instant, zone?: string): string {
      const d = parse(iso);
      return d ? dtf('dateTime', zone).format(d) : '—';
    },
    /** The same with the zone's name, for instants a customer and an engineer compare. */
    dateTimeZone(iso: Instant, zone?: string): string {
      const d = parse(iso);
      if (!d) return '—';
      const name = zoneName(d, zone);
      return name ? `${dtf('dateTime', zone).format(d)} ${name}` : dtf('dateTime', zone).format(d);
    },
    /** The zone's short name at an instant: "GMT+8", "CET". */
    zoneName(iso: Instant, zone?: string): string {
      const d = parse(iso) ?? new Date();
      return zoneName(d, zone) ?? zone ?? '';
    },
    /** 14:05 */
    time(iso: Instant, zone?: string): string {
      const d = parse(iso);
      return d ? dtf('time', zone).format(d) : '—';
    },
    /** 11/03 Tue / 11/03周二 */
    day(iso: Instant, zone?: string): string {
      const d = parse(iso);
      return d ? dtf('day', zone).format(d) : '—';
    },
    /** 2026/11/03 周二 — for a `YYYY-MM-DD` calendar date (read as that date, whatever the zone). */
    calendarDate(date: string): string {
      const d = parse(`${date}T12:00:00Z`);
      return d ? dtf('date', 'UTC').format(d) : date;
    },
    /** "3 hr. ago" / "3小时前", in the largest unit that fits. */
    relative(iso: Instant, now: number = Date.now()): string {
      const d = parse(iso);
      if (!d) return '—';
      const s = Math.round((d.getTime() - now) / 1000);
      const abs = Math.abs(s);
      if (abs < 60) return relative.format(s, 'second');
      if (abs < 3600) return relative.format(Math.round(s / 60), 'minute');
      if (abs < 86_400) return relative.format(Math.round(s / 3600), 'hour');
      return relative.format(Math.round(s / 86_400), 'day');
    },
  };
}

export type Formatters = ReturnType<typeof makeFormatters>;
