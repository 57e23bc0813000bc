import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import {
  escalationState,
  escalationTimeline,
  stepRecipients,
  validateEscalationPolicy,
  type EscalationPolicy,
  type PageTimes,
  type TargetResolver,
} from '../../../src/domain/oncall/escalation.ts';
import { whoIsOnCall, type Schedule } from '../../../src/domain/oncall/schedule.ts';

// Schedule s1 hands off daily at 10:10Z: sa until 2026-06-02T10:10Z, then sb.
const s1: Schedule = {
  name: 's1',
  timezone: 'UTC',
  layers: [{ name: 'L', start: '2026-06-01T10:10:00Z', rotation: { type: 'daily' }, users: ['sa', 'sb'] }],
  overrides: [],
};
const groups: Record<string, string[]> = { g1: ['u2', 'u3', 'u2'], empty: [] };
const resolve: TargetResolver = (target, at) => {
  switch (target.type) {
    case 'schedule': {
      if (target.id !== 's1') return [];
      const { user } = whoIsOnCall(s1, at);
      return user === null ? [] : [user];
    }
    case 'group':
      return groups[target.id] ?? [];
  }
};

const policy: EscalationPolicy = {
  steps: [
    { targets: [{ type: 'user', id: 'u1' }], ackTimeoutMinutes: 5 },
    {
      targets: [
        { type: 'schedule', id: 's1' },
        { type: 'user', id: 'u1' },
      ],
      ackTimeoutMinutes: 10,
    },
  ],
  repeat: 1,
};
const T = (hhmmss: string) => new Date(`2026-06-02T${hhmmss}Z`);
const started: PageTimes = { startedAt: T('10:00:00') };

type Summary = {
  status: string;
  active: string | null;
  users: string[] | null;
  next: string | null;
  notified: number;
};
function summary(page: PageTimes, at: string): Summary {
  const s = escalationState(policy, page, T(at), resolve);
  return {
    status: s.status,
    active: s.active ? `p${s.active.pass}s${s.active.step}` : null,
    users: s.active ? s.active.users : null,
    next: s.next ? `${s.next.at.toISOString().slice(11, 19)} ${s.next.kind} p${s.next.pass}s${s.next.step ?? '-'}` : null,
    notified: s.notified.length,
  };
}

describe('escalationState without an acknowledgement', () => {
  it.each<[string, Summary]>([
    ['09:59:59', { status: 'not_started', active: null, users: null, next: '10:00:00 step p0s0', notified: 0 }],
    ['10:00:00', { status: 'notifying', active: 'p0s0', users: ['u1'], next: '10:05:00 step p0s1', notified: 1 }],
    ['10:04:59', { status: 'notifying', active: 'p0s0', users: ['u1'], next: '10:05:00 step p0s1', notified: 1 }],
    // step 2 when nobody acknowledges; the schedule is asked at 10:05 (sa, before the 10:10 handoff)
    ['10:05:00', { status: 'notifying', active: 'p0s1', users: ['sa', 'u1'], next: '10:15:00 repeat p1s0', notified: 2 }],
    ['10:14:59', { status: 'notifying', active: 'p0s1', users: ['sa', 'u1'], next: '10:15:00 repeat p1s0', notified: 2 }],
    // repeat: the whole policy once more
    ['10:15:00', { status: 'notifying', active: 'p1s0', users: ['u1'], next: '10:20:00 step p1s1', notified: 3 }],
    // at 10:20 the schedule has handed off to sb
    ['10:20:00', { status: 'notifying', active: 'p1s1', users: ['sb', 'u1'], next: '10:30:00 exhaust p1s-', notified: 4 }],
    ['10:29:59', { status: 'notifying', active: 'p1s1', users: ['sb', 'u1'], next: '10:30:00 exhaust p1s-', notified: 4 }],
    ['10:30:00', { status: 'exhausted', active: null, users: null, next: null, notified: 4 }],
    ['23:00:00', { status: 'exhausted', active: null, users: null, next: null, notified: 4 }],
  ])('at %s', (at, expected) => {
    expect(summary(started, at)).toEqual(expected);
  });

  it('reports when the page became exhausted', () => {
    expect(escalationState(policy, started, T('11:00:00'), resolve).exhaustedAt).toEqual(T('10:30:00'));
  });
});

describe('escalationState with an acknowledgement or resolution', () => {
  it.each<[string, PageTimes, string, Summary]>([
    ['ignores an ack that has not happened yet', { ...started, acknowledgedAt: T('10:07:00') }, '10:06:00', { status: 'notifying', active: 'p0s1', users: ['sa', 'u1'], next: '10:15:00 repeat p1s0', notified: 2 }],
    ['stops on ack', { ...started, acknowledgedAt: T('10:07:00') }, '10:07:00', { status: 'acknowledged', active: null, users: null, next: null, notified: 2 }],
    ['stays stopped after ack', { ...started, acknowledgedAt: T('10:07:00') }, '12:00:00', { status: 'acknowledged', active: null, users: null, next: null, notified: 2 }],
    ['lets an ack at a step boundary win', { ...started, acknowledgedAt: T('10:05:00') }, '10:05:00', { status: 'acknowledged', active: null, users: null, next: null, notified: 1 }],
    ['stops on resolve', { ...started, resolvedAt: T('10:03:00') }, '10:10:00', { status: 'resolved', active: null, users: null, next: null, notified: 1 }],
    ['is acknowledged before it is resolved', { ...started, acknowledgedAt: T('10:02:00'), resolvedAt: T('10:20:00') }, '10:10:00', { status: 'acknowledged', active: null, users: null, next: null, notified: 1 }],
    ['is resolved once resolved', { ...started, acknowledgedAt: T('10:02:00'), resolvedAt: T('10:20:00') }, '10:20:00', { status: 'resolved', active: null, users: null, next: null, notified: 1 }],
    ['is acknowledged even after exhaustion', { ...started, acknowledgedAt: T('10:45:00') }, '10:50:00', { status: 'acknowledged', active: null, users: null, next: null, notified: 4 }],
  ])('%s', (_what, page, at, expected) => {
    expect(summary(page, at)).toEqual(expected);
  });
});

describe('steps with groups and empty targets', () => {
  it('notifies each user once, in target order', () => {
    const step = {
      targets: [
        { type: 'group' as const, id: 'g1' },
        { type: 'user' as const, id: 'u2' },
        { type: 'user' as const, id: 'u4' },
      ],
      ackTimeoutMinutes: 5,
    };
    expect(stepRecipients(step, T('10:00:00'), resolve)).toEqual(['u2', 'u3', 'u4']);
  });

  it('skips a step that resolves to nobody without waiting its timeout', () => {
    const p: EscalationPolicy = {
      steps: [
        { targets: [{ type: 'group', id: 'empty' }], ackTimeoutMinutes: 30 },
        { targets: [{ type: 'user', id: 'u9' }], ackTimeoutMinutes: 5 },
      ],
      repeat: 0,
    };
    const s = escalationState(p, started, T('10:00:00'), resolve);
    expect(s.status).toBe('notifying');
    expect(s.active?.step).toBe(1);
    expect(s.notified.map((a) => [a.step, a.skipped, a.users])).toEqual([
      [0, true, []],
      [1, false, ['u9']],
    ]);
    expect(s.next).toEqual({ at: T('10:05:00'), kind: 'exhaust', pass: 0, step: null });
  });

  it('is exhausted at once when nobody can be reached', () => {
    const p: EscalationPolicy = { steps: [{ targets: [{ type: 'schedule', id: 'nope' }], ackTimeoutMinutes: 10 }], repeat: 2 };
    const s = escalationState(p, started, T('10:00:00'), resolve);
    expect(s.status).toBe('exhausted');
    expect(s.exhaustedAt).toEqual(T('10:00:00'));
    expect(s.notified).toHaveLength(3);
  });

  it('lists the whole plan, one pass per repeat', () => {
    const plan = escalationTimeline(policy, T('10:00:00'), resolve).map((a) => [a.pass, a.step, a.at.toISOString().slice(11, 16), a.until.toISOString().slice(11, 16), a.users.join(',')]);
    expect(plan).toEqual([
      [0, 0, '10:00', '10:05', 'u1'],
      [0, 1, '10:05', '10:15', 'sa,u1'],
      [1, 0, '10:15', '10:20', 'u1'],
      [1, 1, '10:20', '10:30', 'sb,u1'],
    ]);
  });

  it('runs a single pass when repeat is 0', () => {
    const once = { ...policy, repeat: 0 };
    expect(escalationState(once, started, T('10:05:00'), resolve).next).toEqual({ at: T('10:15:00'), kind: 'exhaust', pass: 0, step: null });
    expect(escalationState(once, started, T('10:15:00'), resolve).status).toBe('exhausted');
  });
});

describe('validateEscalationPolicy', () => {
  const valid = () => ({
    steps: [{ targets: [{ type: 'user', id: 'u1' }], ackTimeoutMinutes: 5 }],
    repeat: 1,
  });

  it('accepts a policy and defaults repeat to 0', () => {
    expect(validateEscalationPolicy(valid())).toEqual(valid());
    expect(validateEscalationPolicy({ steps: valid().steps }).repeat).toBe(0);
  });

  it.each<[string, (b: ReturnType<typeof valid>) => void, string]>([
    ['no steps', (b) => void (b.steps = []), 'steps'],
    ['no targets', (b) => void (b.steps[0]!.targets = []), 'steps.0.targets'],
    ['an unknown target type', (b) => void (b.steps[0]!.targets[0]!.type = 'team'), 'steps.0.targets.0.type'],
    ['an empty id', (b) => void (b.steps[0]!.targets[0]!.id = ''), 'steps.0.targets.0.id'],
    ['a zero timeout', (b) => void (b.steps[0]!.ackTimeoutMinutes = 0), 'steps.0.ackTimeoutMinutes'],
    ['a negative repeat', (b) => void (b.repeat = -1), 'repeat'],
    ['too many repeats', (b) => void (b.repeat = 100), 'repeat'],
  ])('rejects %s with the field path', (_what, mutate, path) => {
    const b = valid();
    mutate(b);
    try {
      validateEscalationPolicy(b);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('validation');
      expect((e as AppError).details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
  });
});
