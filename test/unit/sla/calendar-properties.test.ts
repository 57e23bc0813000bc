import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCalendar, WEEKDAYS, type BusinessCalendarSpec, type Period } from '../../../src/domain/sla/calendar.ts';

/** mulberry32: a small seeded generator, so every run checks the same cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham'];
// Instants near the 2026 DST changes of these zones, and ordinary ones.
const ANCHORS = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01', '2026-06-15', '2026-12-31'].map(
  (d) => Date.parse(`${d}T00:00:00Z`),
);
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Up to three non-overlapping periods on a 15-minute grid, boundaries drawn from `grid`. */
function randomPeriods(r: () => number, grid: number[]): Period[] {
  const picks = [...new Set(Array.from({ length: 2 * Math.floor(r() * 4) }, () => grid[Math.floor(r() * grid.length)]!))].sort((a, b) => a - b);
  const out: Period[] = [];
  for (let i = 0; i + 1 < picks.length; i += 2) out.push([hhmm(picks[i]!), hhmm(picks[i + 1]!)]);
  return out;
}

function randomCalendar(r: () => number, grid: number[]): BusinessCalendarSpec {
  const week: Partial<Record<(typeof WEEKDAYS)[number], Period[]>> = {};
  for (const d of WEEKDAYS) week[d] = randomPeriods(r, grid);
  if (WEEKDAYS.every((d) => week[d]!.length === 0)) week.wed = [['10:00', '11:00']];
  const day = (): string => new Date(ANCHORS[Math.floor(r() * ANCHORS.length)]! + Math.floor(r() * 5 - 2) * 86_400_000).toISOString().slice(0, 10);
  const holidays = Array.from({ length: Math.floor(r() * 4) }, day);
  const workdays = [...new Set(Array.from({ length: Math.floor(r() * 3) }, day))].map((date) => ({ date, hours: randomPeriods(r, grid) }));
  return { timezone: ZONES[Math.floor(r() * ZONES.length)]!, week, holidays, workdays };
}

const randomInstant = (r: () => number): number =>
  ANCHORS[Math.floor(r() * ANCHORS.length)]! + Math.floor((r() * 4 - 2) * 86_400) * 1000;

const FULL_GRID = Array.from({ length: 97 }, (_, i) => i * 15); // 00:00 … 24:00

describe('calendar properties (seeded random calendars and instants)', () => {
  it('counts back exactly the business seconds it added, and not one second earlier', () => {
    const r = rng(20261120);
    for (let i = 0; i < 200; i++) {
      const cal = compileCalendar(randomCalendar(r, FULL_GRID));
      const a = randomInstant(r);
      const n = Math.floor(r() * 60 * 3600);
      const b = cal.addBusinessSeconds(a, n);
      expect(cal.businessSeconds(a, b)).toBe(n);
      if (n > 0) expect(cal.businessSeconds(a, b - 1000)).toBeLessThan(n);
    }
  });

  it('yields working intervals that add up to the business seconds', () => {
    const r = rng(7);
    for (let i = 0; i < 100; i++) {
      const cal = compileCalendar(randomCalendar(r, FULL_GRID));
      const a = randomInstant(r);
      const b = a + Math.floor(r() * 10 * 86_400) * 1000;
      let sum = 0;
      let last = -Infinity;
      for (const [s, e] of cal.workingIntervals(a, b)) {
        expect(s).toBeGreaterThanOrEqual(Math.max(a, last));
        expect(e).toBeGreaterThan(s);
        sum += e - s;
        last = e;
      }
      expect(sum / 1000).toBe(cal.businessSeconds(a, b));
    }
  });

  it('agrees with a minute-by-minute count of local wall-clock time', () => {
    // Boundaries outside 01:00–04:00, where no DST change in these zones can make a wall-clock
    // time skipped or repeated: there "inside a period" is plain set membership, which this
    // slow oracle checks with one luxon DateTime per minute.
    const grid = FULL_GRID.filter((m) => m === 0 || m >= 240);
    const r = rng(42);
    for (let i = 0; i < 12; i++) {
      const spec = randomCalendar(r, grid);
      const cal = compileCalendar(spec);
      const a = Math.floor(randomInstant(r) / 60_000) * 60_000;
      const b = a + 2 * 86_400_000;
      const holidays = new Set(spec.holidays);
      let minutes = 0;
      for (let t = a; t < b; t += 60_000) {
        const local = DateTime.fromMillis(t, { zone: spec.timezone });
        const date = local.toISODate()!;
        const periods =
          spec.workdays?.find((w) => w.date === date)?.hours ??
          (holidays.has(date) ? [] : (spec.week[WEEKDAYS[local.weekday - 1]!] ?? []));
        const m = local.hour * 60 + local.minute;
        if (periods.some(([s, e]) => hhmm(m) >= s && (hhmm(m) < e || e === '24:00'))) minutes++;
      }
      expect(cal.businessSeconds(a, b)).toBe(minutes * 60);
    }
  });
});
