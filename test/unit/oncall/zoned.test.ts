import { describe, expect, it } from 'vitest';
import { localEpochDay, localMsOfDay, localToInstant, parseInstant, weekdayOfEpochDay, zoneOf, type Zone } from '../../../src/domain/oncall/zoned.ts';

const DAY = 86_400_000;
const dayOf = (ymd: string) => Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10))) / DAY;
const hm = (h: number, m = 0) => (h * 60 + m) * 60_000;
const zone = (name: string) => zoneOf(name) as Zone;

describe('localToInstant', () => {
  it.each([
    ['America/Chicago', '2026-03-08', 1, 59, '2026-03-08T07:59:00.000Z', 'just before the gap (CST)'],
    ['America/Chicago', '2026-03-08', 2, 30, '2026-03-08T08:30:00.000Z', 'in the gap: moves forward to 03:30 CDT'],
    ['America/Chicago', '2026-03-08', 3, 0, '2026-03-08T08:00:00.000Z', 'first valid time after the gap (CDT)'],
    ['America/Chicago', '2026-11-01', 1, 30, '2026-11-01T06:30:00.000Z', 'ambiguous: the earlier (CDT) instant'],
    ['America/Chicago', '2026-11-01', 2, 0, '2026-11-01T08:00:00.000Z', 'after the repeated hour (CST)'],
    ['Europe/London', '2026-03-29', 1, 30, '2026-03-29T01:30:00.000Z', 'London gap: 02:30 BST'],
    ['Europe/London', '2026-10-25', 1, 30, '2026-10-25T00:30:00.000Z', 'London ambiguous: the BST one'],
    ['Asia/Shanghai', '2026-11-02', 9, 0, '2026-11-02T01:00:00.000Z', 'no DST'],
    ['Australia/Lord_Howe', '2026-10-04', 2, 15, '2026-10-03T15:45:00.000Z', 'half-hour gap 02:00→02:30: read with +10:30, i.e. 02:45 +11:00'],
  ])('%s %s %d:%d → %s (%s)', (name, date, h, m, expected) => {
    expect(new Date(localToInstant(zone(name), dayOf(date), hm(h, m))).toISOString()).toBe(expected);
  });

  it('carries 24:00 into the next day', () => {
    expect(new Date(localToInstant(zone('Asia/Shanghai'), dayOf('2026-11-02'), hm(24))).toISOString()).toBe('2026-11-02T16:00:00.000Z');
  });

  it('reads back the local date and time of an instant', () => {
    const z = zone('America/Chicago');
    const t = Date.parse('2026-11-01T07:30:00Z'); // 01:30 CST, the second one
    expect(localEpochDay(z, t)).toBe(dayOf('2026-11-01'));
    expect(localMsOfDay(z, t)).toBe(hm(1, 30));
  });

  it('numbers weekdays from Monday = 1', () => {
    expect(weekdayOfEpochDay(dayOf('2026-11-02'))).toBe(1);
    expect(weekdayOfEpochDay(dayOf('2026-11-08'))).toBe(7);
    expect(weekdayOfEpochDay(dayOf('1969-12-31'))).toBe(3);
  });
});

describe('parseInstant', () => {
  const chicago = zone('America/Chicago');
  it.each([
    ['2026-11-02T09:00:00+08:00', '2026-11-02T01:00:00.000Z'],
    ['2026-11-02T09:00:00+0800', '2026-11-02T01:00:00.000Z'],
    ['2026-11-02T09:00+08', '2026-11-02T01:00:00.000Z'],
    ['2026-11-02 09:00:00Z', '2026-11-02T09:00:00.000Z'],
    ['2026-11-02T09:00:00.250Z', '2026-11-02T09:00:00.250Z'],
    ['2026-11-02T09:00:00-05:30', '2026-11-02T14:30:00.000Z'],
    ['2026-11-02', '2026-11-02T06:00:00.000Z'], // local midnight, CST
    ['2026-03-08T02:30', '2026-03-08T08:30:00.000Z'], // in the gap
    ['2026-11-01T01:30', '2026-11-01T06:30:00.000Z'], // ambiguous: earlier
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseInstant(text, chicago) as number).toISOString()).toBe(iso);
  });

  it.each(['garbage', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-11-02T24:00:00Z', '2026-11-02T09:60Z', '2026-11-02T09:00:00+25:00', ''])(
    'rejects %j',
    (text) => {
      expect(parseInstant(text, chicago)).toBeNull();
    },
  );

  it('takes a Date as it is and rejects an invalid one', () => {
    expect(parseInstant(new Date('2026-01-01T00:00:00Z'), chicago)).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseInstant(new Date(Number.NaN), chicago)).toBeNull();
  });

  it('knows zone names', () => {
    expect(zoneOf('Asia/Shanghai')?.name).toBe('Asia/Shanghai');
    expect(zoneOf('Mars/Olympus_Mons')).toBeNull();
    expect(zoneOf('')).toBeNull();
  });
});
