import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import { nextChange, shifts, validateSchedule, whoIsOnCall, type Schedule } from '../../../src/domain/oncall/schedule.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Four layers, odd-minute overrides, a window on the ambiguous hour, the fall-back week. */
const complex: Schedule = {
  name: 'complex',
  timezone: 'America/Chicago',
  layers: [
    { name: 'base', start: '2026-10-05T09:00:00-05:00', rotation: { type: 'weekly' }, users: ['b1', 'b2', 'b3'] },
    {
      name: 'nights',
      start: '2026-10-01T19:00:00-05:00',
      rotation: { type: 'daily' },
      users: ['n1', 'n2'],
      restrictions: [{ days: [...WEEKDAYS], start: '19:00', end: '07:00' }],
    },
    {
      name: 'weekend',
      start: '2026-10-03T08:00:00-05:00',
      rotation: { type: 'hours', hours: 12 },
      users: ['w1', 'w2', 'w3'],
      restrictions: [
        { days: ['sat', 'sun'], start: '08:00', end: '20:00' },
        { days: ['sun'], start: '01:30', end: '01:45' },
      ],
    },
    {
      name: 'late',
      start: '2026-11-03T10:07:00-06:00',
      rotation: { type: 'hours', hours: 5 },
      users: ['z'],
      restrictions: [{ days: ['tue'], start: '10:00', end: '12:00' }],
    },
  ],
  overrides: [
    { start: '2026-10-30T10:07:00-05:00', end: '2026-10-31T02:53:00-05:00', user: 'o1' },
    { start: '2026-11-01T00:30:00-05:00', end: '2026-11-01T01:30:00-06:00', user: 'o2' },
    { start: '2026-10-30T12:00:00-05:00', end: '2026-10-30T13:00:00-05:00', user: 'o3' },
  ],
};

describe('shifts()', () => {
  const from = new Date('2026-10-29T00:00:00Z');
  const to = new Date('2026-11-05T00:00:00Z');
  const timeline = shifts(complex, from, to);

  it('equals whoIsOnCall sampled every 15 minutes over a week', () => {
    let checked = 0;
    for (let t = from.getTime(); t < to.getTime(); t += 15 * 60_000) {
      const at = new Date(t);
      const interval = timeline.find((s) => s.start.getTime() <= t && t < s.end.getTime());
      expect(interval, at.toISOString()).toBeDefined();
      const { user, layer, override } = interval as (typeof timeline)[number];
      expect({ at: at.toISOString(), user, layer, override }).toEqual({ at: at.toISOString(), ...whoIsOnCall(complex, at) });
      checked++;
    }
    expect(checked).toBe(7 * 24 * 4);
  });

  it('agrees with whoIsOnCall on both sides of every boundary', () => {
    for (const s of timeline) {
      for (const t of [s.start.getTime(), s.end.getTime() - 1]) {
        const { user, layer, override } = whoIsOnCall(complex, new Date(t));
        expect({ user, layer, override }).toEqual({ user: s.user, layer: s.layer, override: s.override });
      }
    }
  });

  it('covers [from, to) with adjacent, non-empty, merged intervals', () => {
    expect(timeline[0]?.start).toEqual(from);
    expect(timeline[timeline.length - 1]?.end).toEqual(to);
    for (let i = 0; i < timeline.length; i++) {
      const s = timeline[i]!;
      expect(s.end.getTime()).toBeGreaterThan(s.start.getTime());
      const next = timeline[i + 1];
      if (next) {
        expect(next.start).toEqual(s.end);
        expect([next.user, next.layer, next.override]).not.toEqual([s.user, s.layer, s.override]);
      }
    }
  });

  it('contains the hand-checked pieces of the fall-back night', () => {
    const pick = (iso: string) => {
      const t = new Date(iso).getTime();
      const s = timeline.find((x) => x.start.getTime() <= t && t < x.end.getTime())!;
      return { start: s.start.toISOString(), end: s.end.toISOString(), user: s.user };
    };
    // o2 runs 00:30 CDT (05:30Z) to 01:30 CST (07:30Z), covering the whole repeated hour.
    expect(pick('2026-11-01T06:00:00Z')).toEqual({ start: '2026-11-01T05:30:00.000Z', end: '2026-11-01T07:30:00.000Z', user: 'o2' });
    // Sunday 01:30–01:45 window: 01:30 is the first (CDT) one, 06:30Z, hidden by o2; afterwards
    // no nights window (Sat and Sun are not in its days), so base is on: week k = 3 → b1.
    expect(pick('2026-11-01T07:30:00Z').user).toBe('b1');
    // Base, week of Mon 2026-10-26 09:00 CDT: k = 3 → b1; the week from Mon 2026-11-02 09:00 CST → b2.
    expect(pick('2026-11-02T14:59:00Z').user).toBe('b1');
    expect(pick('2026-11-02T15:00:00Z').user).toBe('b2');
    // Tuesday 2026-11-03: late starts 10:07 CST (16:07Z), window until 12:00 CST (18:00Z).
    expect(pick('2026-11-03T16:07:00Z')).toEqual({ start: '2026-11-03T16:07:00.000Z', end: '2026-11-03T18:00:00.000Z', user: 'z' });
  });

  it('returns nothing for an empty range and rejects a reversed one', () => {
    expect(shifts(complex, from, from)).toEqual([]);
    expect(() => shifts(complex, to, from)).toThrow(AppError);
  });

  it('keeps the true extent of the first and last intervals when asked not to clip', () => {
    const s: Schedule = {
      name: 's',
      timezone: 'UTC',
      layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'daily' }, users: ['alice', 'bob'] }],
      overrides: [],
    };
    const got = shifts(s, new Date('2026-11-03T00:00:00Z'), new Date('2026-11-04T00:00:00Z'), { clip: false });
    expect(got.map((x) => [x.start.toISOString(), x.end.toISOString(), x.user])).toEqual([
      ['2026-11-02T09:00:00.000Z', '2026-11-03T09:00:00.000Z', 'alice'],
      ['2026-11-03T09:00:00.000Z', '2026-11-04T09:00:00.000Z', 'bob'],
    ]);
    // One person on a layer that started long ago: extends back to the layer start (40 days).
    const solo: Schedule = { ...s, layers: [{ ...s.layers[0]!, start: '2026-09-24T00:00:00Z', users: ['solo'] }] };
    const [only] = shifts(solo, new Date('2026-11-03T00:00:00Z'), new Date('2026-11-04T00:00:00Z'), { clip: false });
    expect(only?.start.toISOString()).toBe('2026-09-24T00:00:00.000Z');
  });
});

describe('nextChange()', () => {
  it('finds the next handoff, restriction edge or override edge', () => {
    expect(nextChange(complex, new Date('2026-11-02T14:00:00Z'))?.toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(nextChange(complex, new Date('2026-11-01T05:00:00Z'))?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('returns null when nothing ever changes', () => {
    const s: Schedule = {
      name: 's',
      timezone: 'UTC',
      layers: [{ name: 'L', start: '2026-01-01T00:00:00Z', rotation: { type: 'weekly' }, users: ['only'] }],
      overrides: [],
    };
    expect(nextChange(s, new Date('2026-06-01T00:00:00Z'))).toBeNull();
  });
});

describe('validateSchedule()', () => {
  const valid = () => ({
    name: 'L2 global',
    timezone: 'Asia/Shanghai',
    layers: [
      {
        name: 'APAC',
        start: '2026-11-02T09:00:00+08:00',
        rotation: { type: 'hours', hours: 12 },
        users: ['u1', 'u2'],
        restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00' }],
      },
    ],
    overrides: [{ start: '2026-11-03T09:00:00+08:00', end: '2026-11-03T12:00:00+08:00', user: 'u3' }],
  });
  type Body = ReturnType<typeof valid>;
  type Mut = (b: Body) => void;

  it('accepts the contract example and defaults overrides to []', () => {
    expect(validateSchedule(valid())).toEqual(valid());
    const { overrides: _omit, ...rest } = valid();
    expect(validateSchedule(rest).overrides).toEqual([]);
  });

  it('accepts days rotations, 24:00 ends and local date-times', () => {
    const b = valid() as unknown as { layers: Array<Record<string, unknown>> };
    b.layers[0]!.rotation = { type: 'days', days: 3 };
    b.layers[0]!.start = '2026-11-02T09:00';
    b.layers[0]!.restrictions = [{ days: ['sat'], start: '18:00', end: '24:00' }];
    expect(() => validateSchedule(b)).not.toThrow();
  });

  it.each<[string, Mut, string]>([
    ['an unknown zone', (b) => void (b.timezone = 'Mars/Olympus_Mons'), 'timezone'],
    ['zero hours', (b) => void (b.layers[0]!.rotation.hours = 0), 'layers.0.rotation.hours'],
    ['negative hours', (b) => void (b.layers[0]!.rotation.hours = -12), 'layers.0.rotation.hours'],
    ['less than a minute', (b) => void (b.layers[0]!.rotation.hours = 0.001), 'layers.0.rotation.hours'],
    ['an unknown rotation', (b) => void (b.layers[0]!.rotation.type = 'monthly'), 'layers.0.rotation.type'],
    ['fractional days', (b) => void ((b.layers[0] as { rotation: unknown }).rotation = { type: 'days', days: 1.5 }), 'layers.0.rotation.days'],
    ['empty users', (b) => void (b.layers[0]!.users = []), 'layers.0.users'],
    ['an empty user id', (b) => void (b.layers[0]!.users = ['u1', '']), 'layers.0.users.1'],
    ['a bad layer start', (b) => void (b.layers[0]!.start = 'next monday'), 'layers.0.start'],
    ['an impossible date', (b) => void (b.layers[0]!.start = '2026-02-30T09:00:00Z'), 'layers.0.start'],
    ['a bad day name', (b) => void (b.layers[0]!.restrictions[0]!.days = ['mon', 'funday']), 'layers.0.restrictions.0.days.1'],
    ['no days', (b) => void (b.layers[0]!.restrictions[0]!.days = []), 'layers.0.restrictions.0.days'],
    ['a bad HH:MM start', (b) => void (b.layers[0]!.restrictions[0]!.start = '25:00'), 'layers.0.restrictions.0.start'],
    ['a one-digit hour', (b) => void (b.layers[0]!.restrictions[0]!.end = '7:00'), 'layers.0.restrictions.0.end'],
    ['24:00 as a start', (b) => void (b.layers[0]!.restrictions[0]!.start = '24:00'), 'layers.0.restrictions.0.start'],
    ['an override ending at its start', (b) => void (b.overrides[0]!.end = b.overrides[0]!.start), 'overrides.0.end'],
    ['an override ending before its start', (b) => void (b.overrides[0]!.end = '2026-11-03T08:00:00+08:00'), 'overrides.0.end'],
    ['an override without a user', (b) => void (b.overrides[0]!.user = ' '), 'overrides.0.user'],
    ['no name', (b) => void (b.name = ''), 'name'],
  ])('rejects %s with the field path', (_what, mutate, path) => {
    const b = valid();
    mutate(b);
    let error: unknown;
    try {
      validateSchedule(b);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const err = error as AppError;
    expect(err.code).toBe('validation');
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(err.message.startsWith(`${path}: `)).toBe(true);
  });

  it('rejects a body that is not an object', () => {
    expect(() => validateSchedule(null)).toThrow(AppError);
  });

  it('makes whoIsOnCall fail with a validation error for a bad zone', () => {
    const b = { ...valid(), timezone: 'Nowhere/Land' } as unknown as Schedule;
    expect(() => whoIsOnCall(b, new Date('2026-11-03T00:00:00Z'))).toThrow(/timezone/);
  });
});
