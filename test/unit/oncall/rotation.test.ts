import { describe, expect, it } from 'vitest';
import { shifts, whoIsOnCall, type Layer, type Override, type Schedule } from '../../../src/domain/oncall/schedule.ts';

// Every expectation below was worked out by hand from the DST dates:
//   America/Chicago 2026-03-08 02:00 CST (UTC-6) → 03:00 CDT (UTC-5), i.e. at 08:00Z;
//                   2026-11-01 02:00 CDT → 01:00 CST, i.e. at 07:00Z.
//   Europe/London   2026-03-29 01:00 GMT → 02:00 BST, at 01:00Z;
//                   2026-10-25 02:00 BST → 01:00 GMT, at 01:00Z.

function schedule(timezone: string, layers: Layer[], overrides: Override[] = []): Schedule {
  return { name: 'test', timezone, layers, overrides };
}

const H = 3_600_000;

type Row = [at: string, user: string | null];

function expectTable(s: Schedule, rows: Row[]): void {
  for (const [at, user] of rows) {
    const got = whoIsOnCall(s, new Date(at));
    expect({ at, user: got.user }).toEqual({ at, user });
  }
}

function plain(list: ReturnType<typeof shifts>) {
  return list.map((x) => ({ start: x.start.toISOString(), end: x.end.toISOString(), user: x.user, hours: (x.end.getTime() - x.start.getTime()) / H }));
}

describe('daily rotation across DST (America/Chicago)', () => {
  const spring = schedule('America/Chicago', [
    { name: 'primary', start: '2026-03-06T09:00:00-06:00', rotation: { type: 'daily' }, users: ['alice', 'bob', 'carol'] },
  ]);

  it('hands off at 09:00 local time on both sides of the spring-forward change', () => {
    expectTable(spring, [
      ['2026-03-06T14:59:59Z', null], // 08:59:59 CST, before start
      ['2026-03-06T15:00:00Z', 'alice'], // Fri 09:00 CST
      ['2026-03-07T14:59:59Z', 'alice'],
      ['2026-03-07T15:00:00Z', 'bob'], // Sat 09:00 CST
      ['2026-03-08T13:30:00Z', 'bob'], // Sun 08:30 CDT
      ['2026-03-08T13:59:59Z', 'bob'],
      ['2026-03-08T14:00:00Z', 'carol'], // Sun 09:00 CDT
      ['2026-03-09T13:59:59Z', 'carol'],
      ['2026-03-09T14:00:00Z', 'alice'], // Mon 09:00 CDT, k = 3
    ]);
  });

  it('gives the shift across the spring-forward night 23 hours', () => {
    expect(plain(shifts(spring, new Date('2026-03-07T15:00:00Z'), new Date('2026-03-09T14:00:00Z')))).toEqual([
      { start: '2026-03-07T15:00:00.000Z', end: '2026-03-08T14:00:00.000Z', user: 'bob', hours: 23 },
      { start: '2026-03-08T14:00:00.000Z', end: '2026-03-09T14:00:00.000Z', user: 'carol', hours: 24 },
    ]);
  });

  const fall = schedule('America/Chicago', [
    { name: 'primary', start: '2026-10-30T09:00:00-05:00', rotation: { type: 'daily' }, users: ['alice', 'bob', 'carol'] },
  ]);

  it('hands off at 09:00 local time on both sides of the fall-back change', () => {
    expectTable(fall, [
      ['2026-10-30T14:00:00Z', 'alice'], // Fri 09:00 CDT
      ['2026-10-31T13:59:59Z', 'alice'],
      ['2026-10-31T14:00:00Z', 'bob'], // Sat 09:00 CDT
      ['2026-11-01T14:00:00Z', 'bob'], // Sun 08:00 CST
      ['2026-11-01T14:59:59Z', 'bob'],
      ['2026-11-01T15:00:00Z', 'carol'], // Sun 09:00 CST
      ['2026-11-02T14:59:59Z', 'carol'],
      ['2026-11-02T15:00:00Z', 'alice'],
    ]);
  });

  it('gives the shift across the fall-back night 25 hours', () => {
    expect(plain(shifts(fall, new Date('2026-10-31T14:00:00Z'), new Date('2026-11-02T15:00:00Z')))).toEqual([
      { start: '2026-10-31T14:00:00.000Z', end: '2026-11-01T15:00:00.000Z', user: 'bob', hours: 25 },
      { start: '2026-11-01T15:00:00.000Z', end: '2026-11-02T15:00:00.000Z', user: 'carol', hours: 24 },
    ]);
  });

  it('moves a handoff that falls in the spring-forward gap to 03:30 CDT', () => {
    // 02:30 does not exist on 2026-03-08; it is read as 03:30 CDT (08:30Z).
    const s = schedule('America/Chicago', [
      { name: 'p', start: '2026-03-06T02:30:00-06:00', rotation: { type: 'daily' }, users: ['a', 'b', 'c'] },
    ]);
    expectTable(s, [
      ['2026-03-07T08:29:59Z', 'a'],
      ['2026-03-07T08:30:00Z', 'b'], // Sat 02:30 CST
      ['2026-03-08T08:29:59Z', 'b'],
      ['2026-03-08T08:30:00Z', 'c'], // Sun 03:30 CDT
      ['2026-03-09T07:29:59Z', 'c'],
      ['2026-03-09T07:30:00Z', 'a'], // Mon 02:30 CDT
    ]);
  });

  it('takes the first 01:30 for a handoff on the fall-back night', () => {
    const s = schedule('America/Chicago', [
      { name: 'p', start: '2026-10-30T01:30:00-05:00', rotation: { type: 'daily' }, users: ['a', 'b', 'c'] },
    ]);
    expectTable(s, [
      ['2026-10-31T06:29:59Z', 'a'],
      ['2026-10-31T06:30:00Z', 'b'], // Sat 01:30 CDT
      ['2026-11-01T06:29:59Z', 'b'],
      ['2026-11-01T06:30:00Z', 'c'], // Sun 01:30 CDT (the first one)
      ['2026-11-02T07:29:59Z', 'c'], // c keeps it 25 h
      ['2026-11-02T07:30:00Z', 'a'], // Mon 01:30 CST
    ]);
  });
});

describe('daily rotation across DST (Europe/London)', () => {
  it('gives the shift across 2026-03-29 23 hours', () => {
    const s = schedule('Europe/London', [
      { name: 'eu', start: '2026-03-27T08:00:00Z', rotation: { type: 'daily' }, users: ['A', 'B', 'C'] },
    ]);
    expectTable(s, [
      ['2026-03-28T07:59:59Z', 'A'],
      ['2026-03-28T08:00:00Z', 'B'], // Sat 08:00 GMT
      ['2026-03-29T06:59:59Z', 'B'],
      ['2026-03-29T07:00:00Z', 'C'], // Sun 08:00 BST
      ['2026-03-30T07:00:00Z', 'A'],
    ]);
    expect(plain(shifts(s, new Date('2026-03-28T08:00:00Z'), new Date('2026-03-29T07:00:00Z')))).toEqual([
      { start: '2026-03-28T08:00:00.000Z', end: '2026-03-29T07:00:00.000Z', user: 'B', hours: 23 },
    ]);
  });

  it('gives the shift across 2026-10-25 25 hours (start given as local time without offset)', () => {
    const s = schedule('Europe/London', [
      { name: 'eu', start: '2026-10-23T08:00:00', rotation: { type: 'daily' }, users: ['A', 'B', 'C'] },
    ]);
    expectTable(s, [
      ['2026-10-23T06:59:59Z', null],
      ['2026-10-23T07:00:00Z', 'A'], // Fri 08:00 BST
      ['2026-10-24T07:00:00Z', 'B'], // Sat 08:00 BST
      ['2026-10-25T07:59:59Z', 'B'],
      ['2026-10-25T08:00:00Z', 'C'], // Sun 08:00 GMT
      ['2026-10-26T08:00:00Z', 'A'],
    ]);
    expect(plain(shifts(s, new Date('2026-10-24T07:00:00Z'), new Date('2026-10-25T08:00:00Z')))).toEqual([
      { start: '2026-10-24T07:00:00.000Z', end: '2026-10-25T08:00:00.000Z', user: 'B', hours: 25 },
    ]);
  });
});

describe('weekly rotation', () => {
  const s = schedule('America/Chicago', [
    { name: 'weekly', start: '2026-03-02T09:00:00-06:00', rotation: { type: 'weekly' }, users: ['a', 'b'] },
  ]);

  it('hands off every Monday at 09:00 local time, far from the start too', () => {
    expectTable(s, [
      ['2026-03-02T15:00:00Z', 'a'], // Mon 09:00 CST, k = 0
      ['2026-03-09T13:59:59Z', 'a'], // Mon 08:59:59 CDT
      ['2026-03-09T14:00:00Z', 'b'], // Mon 09:00 CDT, k = 1
      ['2026-03-16T13:59:59Z', 'b'],
      ['2026-03-16T14:00:00Z', 'a'],
      ['2026-11-02T14:59:59Z', 'a'], // k = 34 (Oct 26) still
      ['2026-11-02T15:00:00Z', 'b'], // Mon 09:00 CST, k = 35
      ['2026-12-28T14:59:59Z', 'a'], // k = 42
      ['2026-12-28T15:00:00Z', 'b'], // k = 43
    ]);
  });

  it('gives the weeks across DST 167 and 169 hours', () => {
    expect(plain(shifts(s, new Date('2026-03-02T15:00:00Z'), new Date('2026-03-09T14:00:00Z')))).toEqual([
      { start: '2026-03-02T15:00:00.000Z', end: '2026-03-09T14:00:00.000Z', user: 'a', hours: 167 },
    ]);
    expect(plain(shifts(s, new Date('2026-10-26T14:00:00Z'), new Date('2026-11-02T15:00:00Z')))).toEqual([
      { start: '2026-10-26T14:00:00.000Z', end: '2026-11-02T15:00:00.000Z', user: 'a', hours: 169 },
    ]);
  });
});

describe('hours rotation', () => {
  it('keeps 12-hour shifts of real time across the spring-forward change', () => {
    const s = schedule('America/Chicago', [
      { name: 'twelve', start: '2026-03-07T08:00:00-06:00', rotation: { type: 'hours', hours: 12 }, users: ['x', 'y'] },
    ]);
    expectTable(s, [
      ['2026-03-08T01:59:59Z', 'x'],
      ['2026-03-08T02:00:00Z', 'y'],
      ['2026-03-08T13:59:59Z', 'y'],
      ['2026-03-08T14:00:00Z', 'x'], // 09:00 CDT, not 08:00: real hours
    ]);
    expect(plain(shifts(s, new Date('2026-03-07T14:00:00Z'), new Date('2026-03-09T14:00:00Z')))).toEqual([
      { start: '2026-03-07T14:00:00.000Z', end: '2026-03-08T02:00:00.000Z', user: 'x', hours: 12 },
      { start: '2026-03-08T02:00:00.000Z', end: '2026-03-08T14:00:00.000Z', user: 'y', hours: 12 },
      { start: '2026-03-08T14:00:00.000Z', end: '2026-03-09T02:00:00.000Z', user: 'x', hours: 12 },
      { start: '2026-03-09T02:00:00.000Z', end: '2026-03-09T14:00:00.000Z', user: 'y', hours: 12 },
    ]);
  });

  it('keeps 12-hour shifts of real time across the fall-back change', () => {
    const s = schedule('America/Chicago', [
      { name: 'twelve', start: '2026-10-31T08:00:00-05:00', rotation: { type: 'hours', hours: 12 }, users: ['x', 'y'] },
    ]);
    expect(plain(shifts(s, new Date('2026-10-31T13:00:00Z'), new Date('2026-11-02T01:00:00Z')))).toEqual([
      { start: '2026-10-31T13:00:00.000Z', end: '2026-11-01T01:00:00.000Z', user: 'x', hours: 12 },
      { start: '2026-11-01T01:00:00.000Z', end: '2026-11-01T13:00:00.000Z', user: 'y', hours: 12 },
      { start: '2026-11-01T13:00:00.000Z', end: '2026-11-02T01:00:00.000Z', user: 'x', hours: 12 }, // 07:00 CST
    ]);
  });

  it('supports fractional hours', () => {
    const s = schedule('UTC', [{ name: 'h', start: '2026-01-01T00:00:00Z', rotation: { type: 'hours', hours: 1.5 }, users: ['a', 'b', 'c'] }]);
    expectTable(s, [
      ['2026-01-01T01:29:59Z', 'a'],
      ['2026-01-01T01:30:00Z', 'b'],
      ['2026-01-01T03:00:00Z', 'c'],
      ['2026-01-01T04:30:00Z', 'a'],
    ]);
  });
});

describe('far from the start', () => {
  it('answers a century later without walking the shifts', () => {
    // 2026-01-01 → 2126-01-01 is 36 524 days (24 leap days: 2028 … 2124 without 2100); 36 524 mod 3 = 2.
    const s = schedule('UTC', [{ name: 'd', start: '2026-01-01T00:00:00Z', rotation: { type: 'daily' }, users: ['a', 'b', 'c'] }]);
    expect(whoIsOnCall(s, new Date('2126-01-01T00:00:00Z')).user).toBe('c');
    expect(whoIsOnCall(s, new Date('2125-12-31T23:59:59Z')).user).toBe('b');
  });
});

describe('custom rotation of N calendar days', () => {
  it('hands off every 2 days at the same wall-clock time (a 47-hour shift over DST)', () => {
    const s = schedule('Europe/London', [
      { name: 'two', start: '2026-03-28T09:00:00Z', rotation: { type: 'days', days: 2 }, users: ['p', 'q'] },
    ]);
    expectTable(s, [
      ['2026-03-30T07:59:59Z', 'p'],
      ['2026-03-30T08:00:00Z', 'q'], // Mon 09:00 BST
      ['2026-04-01T07:59:59Z', 'q'],
      ['2026-04-01T08:00:00Z', 'p'],
    ]);
    expect(plain(shifts(s, new Date('2026-03-28T09:00:00Z'), new Date('2026-03-30T08:00:00Z')))).toEqual([
      { start: '2026-03-28T09:00:00.000Z', end: '2026-03-30T08:00:00.000Z', user: 'p', hours: 47 },
    ]);
  });
});

describe('layers and start', () => {
  const s = schedule('UTC', [
    { name: 'primary', start: '2026-01-01T00:00:00Z', rotation: { type: 'daily' }, users: ['a'] },
    { name: 'secondary', start: '2026-02-01T00:00:00Z', rotation: { type: 'weekly' }, users: ['b'] },
  ]);

  it.each([
    ['2025-12-31T23:59:59Z', { user: null, layer: null, override: false }],
    ['2026-01-01T00:00:00Z', { user: 'a', layer: 'primary', override: false }],
    ['2026-01-31T23:59:59Z', { user: 'a', layer: 'primary', override: false }],
    ['2026-02-01T00:00:00Z', { user: 'b', layer: 'secondary', override: false }],
    ['2027-06-01T12:00:00Z', { user: 'b', layer: 'secondary', override: false }],
  ])('at %s the last layer with someone on call answers', (at, expected) => {
    expect(whoIsOnCall(s, new Date(at))).toEqual(expected);
  });

  it('has nobody on call before the start when there is no other layer', () => {
    const only = schedule('Asia/Shanghai', [
      { name: 'APAC', start: '2026-11-02T09:00:00+08:00', rotation: { type: 'hours', hours: 12 }, users: ['u'] },
    ]);
    expect(whoIsOnCall(only, new Date('2026-11-02T00:59:59Z'))).toEqual({ user: null, layer: null, override: false });
    expect(whoIsOnCall(only, new Date('2026-11-02T01:00:00Z'))).toEqual({ user: 'u', layer: 'APAC', override: false });
  });

  it('lets an earlier layer answer when the later one has not started', () => {
    const later = schedule('UTC', [
      { name: 'secondary', start: '2026-02-01T00:00:00Z', rotation: { type: 'weekly' }, users: ['b'] },
      { name: 'primary', start: '2026-03-01T00:00:00Z', rotation: { type: 'daily' }, users: ['a'] },
    ]);
    expect(whoIsOnCall(later, new Date('2026-02-15T00:00:00Z')).layer).toBe('secondary');
    expect(whoIsOnCall(later, new Date('2026-03-01T00:00:00Z')).layer).toBe('primary');
  });
});
