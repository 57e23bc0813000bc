import { describe, expect, it } from 'vitest';
import { coverageGaps, shifts, whoIsOnCall, type Layer, type Override, type Schedule } from '../../../src/domain/oncall/schedule.ts';

// Expectations worked out by hand. 2026-11-02 is a Monday; Asia/Shanghai is UTC+8 with no DST;
// Europe/London is UTC+0 in November.

function schedule(timezone: string, layers: Layer[], overrides: Override[] = []): Schedule {
  return { name: 'test', timezone, layers, overrides };
}

function plain(list: Array<{ start: Date; end: Date; user?: string | null; layer?: string | null; override?: boolean }>) {
  return list.map((x) => ({ ...x, start: x.start.toISOString().replace('.000Z', 'Z'), end: x.end.toISOString().replace('.000Z', 'Z') }));
}

describe('restrictions that cross midnight', () => {
  const nights = schedule('Asia/Shanghai', [
    {
      name: 'fri-night',
      start: '2026-11-02T00:00:00+08:00',
      rotation: { type: 'weekly' },
      users: ['n1', 'n2'],
      restrictions: [{ days: ['fri'], start: '22:00', end: '06:00' }],
    },
  ]);

  it.each<[string, string | null, string]>([
    ['2026-11-06T21:59:59+08:00', null, 'Friday before the window'],
    ['2026-11-06T22:00:00+08:00', 'n1', 'Friday 22:00, the window opens'],
    ['2026-11-06T23:30:00+08:00', 'n1', 'Friday late evening'],
    ['2026-11-07T03:00:00+08:00', 'n1', 'Saturday morning part of the Friday window'],
    ['2026-11-07T05:59:59+08:00', 'n1', 'last second of the window'],
    ['2026-11-07T06:00:00+08:00', null, 'Saturday 06:00, the window is closed'],
    ['2026-11-07T22:30:00+08:00', null, 'Saturday evening is not a window'],
    ['2026-11-06T03:00:00+08:00', null, 'Friday early morning belongs to Thursday, not listed'],
    ['2026-11-13T23:00:00+08:00', 'n2', 'the next Friday, next weekly shift'],
    ['2026-11-14T05:00:00+08:00', 'n2', 'the next Saturday morning'],
  ])('at %s → %s (%s)', (at, user) => {
    expect(whoIsOnCall(nights, new Date(at)).user).toBe(user);
  });

  it('gives the window as one interval from Friday 22:00 to Saturday 06:00', () => {
    expect(plain(shifts(nights, new Date('2026-11-06T00:00:00+08:00'), new Date('2026-11-08T00:00:00+08:00')))).toEqual([
      { start: '2026-11-05T16:00:00Z', end: '2026-11-06T14:00:00Z', user: null, layer: null, override: false },
      { start: '2026-11-06T14:00:00Z', end: '2026-11-06T22:00:00Z', user: 'n1', layer: 'fri-night', override: false },
      { start: '2026-11-06T22:00:00Z', end: '2026-11-07T16:00:00Z', user: null, layer: null, override: false },
    ]);
  });

  it('keeps the rotation turning by time inside a window (the Saturday part is the next daily shift)', () => {
    const daily = schedule('Asia/Shanghai', [
      {
        name: 'nights',
        start: '2026-11-02T00:00:00+08:00',
        rotation: { type: 'daily' },
        users: ['d1', 'd2'],
        restrictions: [{ days: ['fri'], start: '22:00', end: '06:00' }],
      },
    ]);
    expect(whoIsOnCall(daily, new Date('2026-11-06T23:00:00+08:00')).user).toBe('d1'); // Fri, k = 4
    expect(whoIsOnCall(daily, new Date('2026-11-07T03:00:00+08:00')).user).toBe('d2'); // Sat, k = 5
  });

  it('lets an earlier, unrestricted layer cover outside the window', () => {
    const s = schedule('Asia/Shanghai', [
      { name: 'base', start: '2026-11-02T00:00:00+08:00', rotation: { type: 'weekly' }, users: ['b'] },
      {
        name: 'night',
        start: '2026-11-02T00:00:00+08:00',
        rotation: { type: 'weekly' },
        users: ['n'],
        restrictions: [{ days: ['fri'], start: '22:00', end: '06:00' }],
      },
    ]);
    expect(whoIsOnCall(s, new Date('2026-11-06T21:00:00+08:00'))).toEqual({ user: 'b', layer: 'base', override: false });
    expect(whoIsOnCall(s, new Date('2026-11-06T23:00:00+08:00'))).toEqual({ user: 'n', layer: 'night', override: false });
    expect(whoIsOnCall(s, new Date('2026-11-07T06:00:00+08:00'))).toEqual({ user: 'b', layer: 'base', override: false });
  });

  it('measures a night window across the fall-back change in real time (9 hours)', () => {
    // Sat 2026-10-31 22:00 CDT (03:00Z) → Sun 2026-11-01 06:00 CST (12:00Z).
    const s = schedule('America/Chicago', [
      {
        name: 'weekend-night',
        start: '2026-10-01T00:00:00-05:00',
        rotation: { type: 'daily' },
        users: ['u'],
        restrictions: [{ days: ['sat'], start: '22:00', end: '06:00' }],
      },
    ]);
    expect(plain(shifts(s, new Date('2026-10-31T00:00:00Z'), new Date('2026-11-02T00:00:00Z')))).toEqual([
      { start: '2026-10-31T00:00:00Z', end: '2026-11-01T03:00:00Z', user: null, layer: null, override: false },
      { start: '2026-11-01T03:00:00Z', end: '2026-11-01T12:00:00Z', user: 'u', layer: 'weekend-night', override: false },
      { start: '2026-11-01T12:00:00Z', end: '2026-11-02T00:00:00Z', user: null, layer: null, override: false },
    ]);
  });

  it('reads end = start as a 24-hour window and 24:00 as midnight', () => {
    const s = schedule('UTC', [
      {
        name: 'r',
        start: '2026-11-02T00:00:00Z',
        rotation: { type: 'weekly' },
        users: ['u'],
        restrictions: [
          { days: ['sat'], start: '00:00', end: '00:00' },
          { days: ['mon'], start: '18:00', end: '24:00' },
        ],
      },
    ]);
    expect(plain(coverageGaps(s, new Date('2026-11-02T00:00:00Z'), new Date('2026-11-09T00:00:00Z')))).toEqual([
      { start: '2026-11-02T00:00:00Z', end: '2026-11-02T18:00:00Z' },
      { start: '2026-11-03T00:00:00Z', end: '2026-11-07T00:00:00Z' },
      { start: '2026-11-08T00:00:00Z', end: '2026-11-09T00:00:00Z' },
    ]);
  });
});

describe('follow-the-sun', () => {
  const fts = schedule('Asia/Shanghai', [
    {
      name: 'APAC',
      start: '2026-11-02T08:00:00+08:00',
      rotation: { type: 'daily' },
      users: ['ap1', 'ap2'],
      restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '16:00' }],
    },
    {
      name: 'EMEA',
      start: '2026-11-02T16:00:00+08:00',
      rotation: { type: 'daily' },
      users: ['em1', 'em2'],
      restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '16:00', end: '24:00' }],
    },
    {
      name: 'Americas',
      start: '2026-11-02T00:00:00+08:00',
      rotation: { type: 'daily' },
      users: ['am1', 'am2'],
      restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '08:00' }],
    },
  ]);

  it.each<[string, string | null, string | null]>([
    ['2026-11-01T23:59:59+08:00', null, null],
    ['2026-11-02T00:00:00+08:00', 'am1', 'Americas'],
    ['2026-11-02T09:00:00+08:00', 'ap1', 'APAC'],
    ['2026-11-02T16:00:00+08:00', 'em1', 'EMEA'],
    ['2026-11-02T23:59:59+08:00', 'em1', 'EMEA'],
    ['2026-11-03T00:00:00+08:00', 'am2', 'Americas'],
    ['2026-11-03T08:00:00+08:00', 'ap2', 'APAC'],
    ['2026-11-03T16:00:00+08:00', 'em2', 'EMEA'],
    ['2026-11-04T00:00:00+08:00', 'am1', 'Americas'],
  ])('at %s → %s (%s)', (at, user, layer) => {
    expect(whoIsOnCall(fts, new Date(at))).toEqual({ user, layer, override: false });
  });

  it('hands the pager around the world with no gap', () => {
    const from = new Date('2026-11-03T00:00:00+08:00');
    const to = new Date('2026-11-04T00:00:00+08:00');
    expect(plain(shifts(fts, from, to))).toEqual([
      { start: '2026-11-02T16:00:00Z', end: '2026-11-03T00:00:00Z', user: 'am2', layer: 'Americas', override: false },
      { start: '2026-11-03T00:00:00Z', end: '2026-11-03T08:00:00Z', user: 'ap2', layer: 'APAC', override: false },
      { start: '2026-11-03T08:00:00Z', end: '2026-11-03T16:00:00Z', user: 'em2', layer: 'EMEA', override: false },
    ]);
    expect(coverageGaps(fts, from, to)).toEqual([]);
  });
});

describe('coverage gaps', () => {
  it('finds the nights and the weekend of a business-hours layer', () => {
    const s = schedule('Europe/London', [
      {
        name: 'business',
        start: '2026-11-02T09:00:00Z',
        rotation: { type: 'daily' },
        users: ['g1', 'g2'],
        restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      },
    ]);
    const from = new Date('2026-11-02T00:00:00Z');
    const to = new Date('2026-11-09T00:00:00Z');
    expect(plain(coverageGaps(s, from, to))).toEqual([
      { start: '2026-11-02T00:00:00Z', end: '2026-11-02T09:00:00Z' },
      { start: '2026-11-02T17:00:00Z', end: '2026-11-03T09:00:00Z' },
      { start: '2026-11-03T17:00:00Z', end: '2026-11-04T09:00:00Z' },
      { start: '2026-11-04T17:00:00Z', end: '2026-11-05T09:00:00Z' },
      { start: '2026-11-05T17:00:00Z', end: '2026-11-06T09:00:00Z' },
      { start: '2026-11-06T17:00:00Z', end: '2026-11-09T00:00:00Z' },
    ]);
    expect(
      shifts(s, from, to)
        .filter((x) => x.user !== null)
        .map((x) => [x.start.toISOString().slice(0, 13), x.user]),
    ).toEqual([
      ['2026-11-02T09', 'g1'],
      ['2026-11-03T09', 'g2'],
      ['2026-11-04T09', 'g1'],
      ['2026-11-05T09', 'g2'],
      ['2026-11-06T09', 'g1'],
    ]);
  });

  it('is the whole range for an empty schedule', () => {
    const s = schedule('UTC', []);
    expect(plain(coverageGaps(s, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')))).toEqual([
      { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
    ]);
  });
});

describe('overrides', () => {
  const s = schedule(
    'UTC',
    [{ name: 'L', start: '2026-01-01T00:00:00Z', rotation: { type: 'weekly' }, users: ['base'] }],
    [
      { start: '2026-06-01T10:00:00Z', end: '2026-06-01T14:00:00Z', user: 'u1' },
      { start: '2026-06-01T12:00:00Z', end: '2026-06-01T13:00:00Z', user: 'u2' },
      { start: '2026-06-01T11:00:00Z', end: '2026-06-01T12:30:00Z', user: 'u3' },
      { start: '2025-12-31T22:00:00Z', end: '2026-01-01T02:00:00Z', user: 'early' },
    ],
  );

  it.each([
    ['2026-06-01T09:59:59Z', { user: 'base', layer: 'L', override: false }],
    ['2026-06-01T10:00:00Z', { user: 'u1', layer: null, override: true }],
    ['2026-06-01T11:00:00Z', { user: 'u3', layer: null, override: true }], // u1, u3 active: u3 listed last
    ['2026-06-01T12:15:00Z', { user: 'u3', layer: null, override: true }], // all three active
    ['2026-06-01T12:30:00Z', { user: 'u2', layer: null, override: true }], // u3 ended (end exclusive)
    ['2026-06-01T13:00:00Z', { user: 'u1', layer: null, override: true }],
    ['2026-06-01T14:00:00Z', { user: 'base', layer: 'L', override: false }],
    ['2025-12-31T23:00:00Z', { user: 'early', layer: null, override: true }], // before the layer starts
    ['2026-01-01T02:00:00Z', { user: 'base', layer: 'L', override: false }],
  ])('at %s the last active override wins', (at, expected) => {
    expect(whoIsOnCall(s, new Date(at))).toEqual(expected);
  });

  it('cuts the timeline at every override edge', () => {
    expect(plain(shifts(s, new Date('2026-06-01T09:00:00Z'), new Date('2026-06-01T15:00:00Z')))).toEqual([
      { start: '2026-06-01T09:00:00Z', end: '2026-06-01T10:00:00Z', user: 'base', layer: 'L', override: false },
      { start: '2026-06-01T10:00:00Z', end: '2026-06-01T11:00:00Z', user: 'u1', layer: null, override: true },
      { start: '2026-06-01T11:00:00Z', end: '2026-06-01T12:30:00Z', user: 'u3', layer: null, override: true },
      { start: '2026-06-01T12:30:00Z', end: '2026-06-01T13:00:00Z', user: 'u2', layer: null, override: true },
      { start: '2026-06-01T13:00:00Z', end: '2026-06-01T14:00:00Z', user: 'u1', layer: null, override: true },
      { start: '2026-06-01T14:00:00Z', end: '2026-06-01T15:00:00Z', user: 'base', layer: 'L', override: false },
    ]);
  });

  it('keeps an override of the same person apart from their layer shift', () => {
    const same = schedule(
      'UTC',
      [{ name: 'L', start: '2026-01-01T00:00:00Z', rotation: { type: 'weekly' }, users: ['a'] }],
      [{ start: '2026-06-01T10:00:00Z', end: '2026-06-01T11:00:00Z', user: 'a' }],
    );
    expect(shifts(same, new Date('2026-06-01T09:00:00Z'), new Date('2026-06-01T12:00:00Z')).map((x) => x.override)).toEqual([false, true, false]);
  });
});
