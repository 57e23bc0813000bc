import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import type { BusinessCalendarSpec, Period } from '../../../src/domain/sla/calendar.ts';
import {
  evaluateClocks,
  isWarningDue,
  nextDeadlines,
  type Clock,
  type EvaluateInput,
  type SlaEvent,
  type SlaTargets,
} from '../../../src/domain/sla/clocks.ts';

const OFFICE: Period[] = [['09:00', '12:00'], ['13:30', '18:00']];
const SHANGHAI: BusinessCalendarSpec = {
  timezone: 'Asia/Shanghai',
  week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] },
};

/** A clock with the defaults of an open, unbreached one; `extra` overrides. */
const clock = (state: Clock['state'], targetMinutes: number, elapsedSeconds: number, extra: Partial<Clock> = {}): Clock => ({
  state,
  targetMinutes,
  elapsedSeconds,
  breached: false,
  breachedAt: null,
  dueAt: null,
  metAt: null,
  ...extra,
});

/** Events at "HH:MM[:SS]" on 2026-11-20 (UTC), on a 24×7 calendar. */
const t = (hhmm: string): string => `2026-11-20T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`;
const e = (hhmm: string, type: 'created' | 'agent_reply' | 'customer_reply' | 'internal_note' | 'auto_reply'): SlaEvent => ({ at: t(hhmm), type });
const status = (hhmm: string, s: 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed'): SlaEvent => ({ at: t(hhmm), type: 'status', status: s });
const retarget = (hhmm: string, targets: SlaTargets): SlaEvent => ({ at: t(hhmm), type: 'targets', targets });
const run = (targets: SlaTargets, events: SlaEvent[], now: string, calendar: EvaluateInput['calendar'] = '24x7') =>
  evaluateClocks({ calendar, targets, events, now: t(now) });

describe('first response', () => {
  const FR = { firstResponse: 60 };
  const cases: { name: string; events: SlaEvent[]; now: string; want: Clock }[] = [
    {
      name: 'runs from created and projects its due time',
      events: [e('10:00', 'created')],
      now: '10:20',
      want: clock('running', 60, 1200, { dueAt: t('11:00') }),
    },
    {
      name: 'is met by the first agent reply in time',
      events: [e('10:00', 'created'), e('10:30', 'agent_reply'), e('10:50', 'agent_reply')],
      now: '12:00',
      want: clock('met', 60, 1800, { metAt: t('10:30') }),
    },
    {
      name: 'is met in time by a reply exactly at the target',
      events: [e('10:00', 'created'), e('11:00', 'agent_reply')],
      now: '12:00',
      want: clock('met', 60, 3600, { metAt: t('11:00') }),
    },
    {
      name: 'is not breached while the elapsed time equals the target',
      events: [e('10:00', 'created')],
      now: '11:00',
      want: clock('running', 60, 3600, { dueAt: t('11:00') }),
    },
    {
      name: 'is breached one second past the target, at the instant it reached it',
      events: [e('10:00', 'created')],
      now: '11:00:01',
      want: clock('running', 60, 3601, { breached: true, breachedAt: t('11:00'), dueAt: t('11:00') }),
    },
    {
      name: 'keeps breached when met late',
      events: [e('10:00', 'created'), e('11:30', 'agent_reply')],
      now: '12:00',
      want: clock('met', 60, 5400, { breached: true, breachedAt: t('11:00'), dueAt: t('11:00'), metAt: t('11:30') }),
    },
    {
      name: 'is never met by internal notes or auto replies',
      events: [e('10:00', 'created'), e('10:00:05', 'auto_reply'), e('10:10', 'internal_note')],
      now: '11:30',
      want: clock('running', 60, 5400, { breached: true, breachedAt: t('11:00'), dueAt: t('11:00') }),
    },
    {
      name: 'pauses while pending, without a due time',
      events: [e('10:00', 'created'), status('10:20', 'pending')],
      now: '10:40',
      want: clock('paused', 60, 1200),
    },
    {
      name: 'runs again after a customer reply moves pending to open',
      events: [e('10:00', 'created'), status('10:20', 'pending'), e('10:50', 'customer_reply')],
      now: '11:00',
      want: clock('running', 60, 1800, { dueAt: t('11:30') }),
    },
    {
      name: 'stays paused on hold when the customer replies',
      events: [e('10:00', 'created'), status('10:20', 'on_hold'), e('10:30', 'customer_reply')],
      now: '11:00',
      want: clock('paused', 60, 1200),
    },
    {
      name: 'runs again when on_hold ends',
      events: [e('10:00', 'created'), status('10:20', 'on_hold'), status('10:50', 'open')],
      now: '11:00',
      want: clock('running', 60, 1800, { dueAt: t('11:30') }),
    },
    {
      name: 'is stopped when solved before any agent reply, and a reopen does not restart it',
      events: [e('10:00', 'created'), status('10:30', 'solved'), e('11:00', 'customer_reply'), e('11:10', 'agent_reply')],
      now: '12:00',
      want: clock('stopped', 60, 1800),
    },
    {
      name: 'is stopped when closed before any agent reply',
      events: [e('10:00', 'created'), status('10:30', 'closed'), e('10:40', 'agent_reply')],
      now: '12:00',
      want: clock('stopped', 60, 1800),
    },
    {
      name: 'ignores events after now',
      events: [e('10:00', 'created'), e('12:00', 'agent_reply')],
      now: '10:30',
      want: clock('running', 60, 1800, { dueAt: t('11:00') }),
    },
    {
      name: 'sorts events given out of order',
      events: [e('10:30', 'agent_reply'), status('10:10', 'pending'), e('10:00', 'created'), status('10:20', 'open')],
      now: '12:00',
      want: clock('met', 60, 1200, { metAt: t('10:30') }),
    },
    {
      name: 'ignores events before created (also a tie listed before it)',
      events: [e('09:00', 'agent_reply'), e('10:00', 'agent_reply'), e('10:00', 'created')],
      now: '10:30',
      want: clock('running', 60, 1800, { dueAt: t('11:00') }),
    },
    {
      name: 'applies a tie in the order given: solved, then agent reply, stops it',
      events: [e('10:00', 'created'), status('10:30', 'solved'), e('10:30', 'agent_reply')],
      now: '12:00',
      want: clock('stopped', 60, 1800),
    },
    {
      name: 'applies a tie in the order given: agent reply, then solved, meets it',
      events: [e('10:00', 'created'), e('10:30', 'agent_reply'), status('10:30', 'solved')],
      now: '12:00',
      want: clock('met', 60, 1800, { metAt: t('10:30') }),
    },
  ];
  it.each(cases)('$name', ({ events, now, want }) => {
    expect(run(FR, events, now).firstResponse).toEqual(want);
  });
});

describe('resolution', () => {
  const cases: { name: string; targets: SlaTargets; events: SlaEvent[]; now: string; want: Clock | null }[] = [
    {
      name: 'is met when solved',
      targets: { resolution: 240 },
      events: [e('10:00', 'created'), e('10:10', 'agent_reply'), status('10:40', 'solved')],
      now: '12:00',
      want: clock('met', 240, 2400, { metAt: t('10:40') }),
    },
    {
      name: 'continues after a customer reply reopens the solved ticket, with metAt cleared',
      targets: { resolution: 120 },
      events: [e('10:00', 'created'), e('10:10', 'agent_reply'), status('10:40', 'solved'), e('12:00', 'customer_reply')],
      now: '12:20',
      // 40 min before solving + 20 min since the reopen; 60 min left from now.
      want: clock('running', 120, 3600, { dueAt: t('13:20') }),
    },
    {
      name: 'is paused when reopened to pending',
      targets: { resolution: 120 },
      events: [e('10:00', 'created'), status('10:40', 'solved'), status('11:00', 'pending')],
      now: '11:30',
      want: clock('paused', 120, 2400),
    },
    {
      name: 'keeps an earlier breach after a reopen',
      targets: { resolution: 30 },
      events: [e('10:00', 'created'), status('10:40', 'solved'), status('11:00', 'open')],
      now: '11:10',
      want: clock('running', 30, 3000, { breached: true, breachedAt: t('10:30'), dueAt: t('10:30') }),
    },
    {
      name: 'stays met once closed: later replies and status changes do nothing',
      targets: { resolution: 240 },
      events: [
        e('10:00', 'created'),
        e('10:10', 'agent_reply'),
        status('10:40', 'solved'),
        status('11:00', 'closed'),
        e('11:30', 'customer_reply'),
        status('11:40', 'open'),
      ],
      now: '12:00',
      want: clock('met', 240, 2400, { metAt: t('10:40') }),
    },
    {
      name: 'is stopped, never met, when closed without being solved',
      targets: { resolution: 240 },
      events: [e('10:00', 'created'), status('10:30', 'closed')],
      now: '12:00',
      want: clock('stopped', 240, 1800),
    },
    {
      name: 'is not kept without a target',
      targets: { firstResponse: 60 },
      events: [e('10:00', 'created')],
      now: '12:00',
      want: null,
    },
  ];
  it.each(cases)('$name', ({ targets, events, now, want }) => {
    expect(run(targets, events, now).resolution).toEqual(want);
  });

  it('does not let a customer reply reopen a closed ticket', () => {
    const r = run(
      { resolution: 240, nextReply: 30 },
      [e('10:00', 'created'), e('10:10', 'agent_reply'), status('10:40', 'solved'), status('11:00', 'closed'), e('11:30', 'customer_reply')],
      '12:00',
    );
    expect(r.nextReply).toEqual([]);
    expect(r.resolution?.state).toBe('met');
  });
});

describe('target changes', () => {
  const cases: { name: string; targets: SlaTargets; events: SlaEvent[]; now: string; want: Clock | null }[] = [
    {
      name: 'breaches at once when the new target is below the elapsed time; breachedAt lies before the change',
      targets: { firstResponse: 60 },
      events: [e('10:00', 'created'), retarget('10:45', { firstResponse: 30 })],
      now: '10:50',
      want: clock('running', 30, 3000, { breached: true, breachedAt: t('10:30'), dueAt: t('10:30') }),
    },
    {
      name: 'breaches a paused clock at once',
      targets: { firstResponse: 60 },
      events: [e('10:00', 'created'), status('10:40', 'pending'), retarget('11:00', { firstResponse: 30 })],
      now: '11:30',
      want: clock('paused', 30, 2400, { breached: true, breachedAt: t('10:30'), dueAt: t('10:30') }),
    },
    {
      name: 'keeps a breach when a later change raises the target',
      targets: { firstResponse: 30 },
      events: [e('10:00', 'created'), retarget('10:45', { firstResponse: 120 })],
      now: '10:50',
      want: clock('running', 120, 3000, { breached: true, breachedAt: t('10:30'), dueAt: t('10:30') }),
    },
    {
      name: 'carries the elapsed time over to a longer target',
      targets: { firstResponse: 30 },
      events: [e('10:00', 'created'), retarget('10:20', { firstResponse: 60 })],
      now: '10:40',
      want: clock('running', 60, 2400, { dueAt: t('11:00') }),
    },
    {
      name: 'does not touch a clock that was already met',
      targets: { firstResponse: 60 },
      events: [e('10:00', 'created'), e('10:40', 'agent_reply'), retarget('10:50', { firstResponse: 15 })],
      now: '11:00',
      want: clock('met', 60, 2400, { metAt: t('10:40') }),
    },
    {
      name: 'replaces the whole target set, so a clock it leaves out is no longer kept',
      targets: { firstResponse: 60, resolution: 240 },
      events: [e('10:00', 'created'), retarget('10:20', { resolution: 480 })],
      now: '10:40',
      want: null,
    },
    {
      name: 'starts keeping a clock with its elapsed time when a target is added',
      targets: {},
      events: [e('10:00', 'created'), retarget('10:20', { firstResponse: 15 })],
      now: '10:40',
      want: clock('running', 15, 2400, { breached: true, breachedAt: t('10:15'), dueAt: t('10:15') }),
    },
  ];
  it.each(cases)('$name', ({ targets, events, now, want }) => {
    expect(run(targets, events, now).firstResponse).toEqual(want);
  });
});

describe('next reply cycles', () => {
  it('starts a cycle at a customer reply after the first agent reply and meets it with the next agent reply', () => {
    const r = run(
      { firstResponse: 60, nextReply: 30 },
      [
        e('10:00', 'created'),
        e('10:05', 'customer_reply'), // before any agent reply: first response covers it
        e('10:10', 'agent_reply'),
        e('11:00', 'customer_reply'), // cycle 1
        e('11:10', 'customer_reply'), // cycle 1 still open: no new one
        e('11:20', 'agent_reply'),
        e('12:00', 'customer_reply'), // cycle 2
      ],
      '12:50',
    );
    expect(r.nextReply).toEqual([
      clock('met', 30, 1200, { metAt: t('11:20') }),
      clock('running', 30, 3000, { breached: true, breachedAt: t('12:30'), dueAt: t('12:30') }),
    ]);
  });

  it('stops the open cycle when solved and starts a new one when the customer reopens', () => {
    const r = run(
      { nextReply: 30 },
      [e('10:00', 'created'), e('10:10', 'agent_reply'), e('10:20', 'customer_reply'), status('10:30', 'solved'), e('11:00', 'customer_reply')],
      '11:10',
    );
    expect(r.nextReply).toEqual([clock('stopped', 30, 600), clock('running', 30, 600, { dueAt: t('11:30') })]);
  });

  it('starts a paused cycle for a customer reply while on hold', () => {
    const r = run({ nextReply: 30 }, [e('10:00', 'created'), e('10:10', 'agent_reply'), status('10:20', 'on_hold'), e('10:30', 'customer_reply')], '11:00');
    expect(r.nextReply).toEqual([clock('paused', 30, 0)]);
  });

  it('is an empty list without a target', () => {
    const r = run({ firstResponse: 60 }, [e('10:00', 'created'), e('10:10', 'agent_reply'), e('10:20', 'customer_reply')], '11:00');
    expect(r.nextReply).toEqual([]);
  });
});

describe('periodic update cycles', () => {
  const events = [
    e('10:00', 'created'),
    e('10:10', 'agent_reply'), // cycle 1 starts
    e('10:35', 'agent_reply'), // cycle 1 met after 25 min; cycle 2 starts
    status('10:50', 'pending'), // cycle 2 paused at 15 min
    e('11:20', 'customer_reply'), // open again
  ];

  it('ends the open cycle at every agent reply and starts a new one, pausing while pending', () => {
    const r = run({ firstResponse: 15, periodicUpdate: 30 }, events, '11:40');
    expect(r.periodicUpdate).toEqual([
      clock('met', 30, 1500, { metAt: t('10:35') }),
      // 15 min before pending + 20 min since 11:20: it reached 30 min at 11:35.
      clock('running', 30, 2100, { breached: true, breachedAt: t('11:35'), dueAt: t('11:35') }),
    ]);
  });

  it('stops the open cycle when solved and starts none for a reply on a solved ticket', () => {
    const r = run({ periodicUpdate: 30 }, [...events, status('11:30', 'solved'), e('11:40', 'agent_reply')], '12:00');
    expect(r.periodicUpdate).toEqual([clock('met', 30, 1500, { metAt: t('10:35') }), clock('stopped', 30, 1500)]);
  });

  it('is an empty list without a target', () => {
    expect(run({ firstResponse: 15 }, events, '11:40').periodicUpdate).toEqual([]);
  });
});

describe('missing targets', () => {
  it('keeps no clock without targets', () => {
    expect(run({}, [e('10:00', 'created'), e('10:10', 'agent_reply'), e('10:20', 'customer_reply')], '11:00')).toEqual({
      firstResponse: null,
      resolution: null,
      nextReply: [],
      periodicUpdate: [],
    });
  });

  it('treats a null target as missing', () => {
    expect(run({ firstResponse: null, resolution: 60 }, [e('10:00', 'created')], '10:30').firstResponse).toBeNull();
  });
});

describe('clocks on a business calendar (Asia/Shanghai, lunch 12:00–13:30)', () => {
  const sh = (local: string): string => `${local}+08:00`;
  const go = (targets: SlaTargets, events: { at: string; type: 'created' | 'agent_reply' }[], now: string) =>
    evaluateClocks({ calendar: SHANGHAI, targets, events: events.map((x) => ({ ...x, at: sh(x.at) })), now: sh(now) });

  it('carries a Friday-evening ticket over the weekend', () => {
    const r = go({ firstResponse: 60 }, [{ at: '2026-11-20T17:30:00', type: 'created' }], '2026-11-23T09:15:00');
    // 30 min on Friday + 15 min on Monday; 15 min left: due 09:30 local.
    expect(r.firstResponse).toEqual(clock('running', 60, 2700, { dueAt: '2026-11-23T01:30:00Z' }));
  });

  it('starts a Sunday-night ticket on Monday morning', () => {
    const created = { at: '2026-11-22T22:00:00', type: 'created' as const };
    expect(go({ firstResponse: 60 }, [created, { at: '2026-11-23T09:50:00', type: 'agent_reply' }], '2026-11-23T11:00:00').firstResponse).toEqual(
      clock('met', 60, 3000, { metAt: '2026-11-23T01:50:00Z' }),
    );
    expect(go({ firstResponse: 60 }, [created], '2026-11-23T10:30:00').firstResponse).toEqual(
      clock('running', 60, 5400, { breached: true, breachedAt: '2026-11-23T02:00:00Z', dueAt: '2026-11-23T02:00:00Z' }),
    );
  });

  it('holds at the target over lunch: due at 12:00, in time during lunch, breached only once the afternoon starts', () => {
    const created = { at: '2026-11-23T11:00:00', type: 'created' as const };
    expect(go({ firstResponse: 60 }, [created], '2026-11-23T12:30:00').firstResponse).toEqual(
      clock('running', 60, 3600, { dueAt: '2026-11-23T04:00:00Z' }),
    );
    expect(go({ firstResponse: 60 }, [created, { at: '2026-11-23T13:00:00', type: 'agent_reply' }], '2026-11-23T14:00:00').firstResponse).toEqual(
      clock('met', 60, 3600, { metAt: '2026-11-23T05:00:00Z' }),
    );
    expect(go({ firstResponse: 60 }, [created], '2026-11-23T13:30:01').firstResponse).toEqual(
      clock('running', 60, 3601, { breached: true, breachedAt: '2026-11-23T04:00:00Z', dueAt: '2026-11-23T04:00:00Z' }),
    );
  });

  it('projects a resolution target of one business day across the lunch break and the night', () => {
    const r = go({ resolution: 450 }, [{ at: '2026-11-23T14:00:00', type: 'created' }], '2026-11-23T15:00:00');
    // 1 h done; 6.5 h left: 3 h until 18:00, then Tuesday 09:00–12:00 and 13:30–14:00.
    expect(r.resolution).toEqual(clock('running', 450, 3600, { dueAt: '2026-11-24T06:00:00Z' }));
  });
});

describe('next deadlines', () => {
  it('lists the warning and breach instants of the running clocks, earliest first', () => {
    const input = { calendar: '24x7' as const, targets: { firstResponse: 60, resolution: 240 }, events: [e('10:00', 'created')], now: t('10:30') };
    expect(nextDeadlines(evaluateClocks(input), 0.8, input)).toEqual([
      { clock: 'firstResponse', index: null, kind: 'warning', at: t('10:48') },
      { clock: 'firstResponse', index: null, kind: 'breach', at: t('11:00:01') },
      { clock: 'resolution', index: null, kind: 'warning', at: t('13:12') },
      { clock: 'resolution', index: null, kind: 'breach', at: t('14:00:01') },
    ]);
  });

  it('leaves out passed warnings, breached clocks and paused clocks', () => {
    const targets = { firstResponse: 60, resolution: 240, periodicUpdate: 30 };
    const events = [e('10:00', 'created'), e('10:10', 'agent_reply')];
    const input = { calendar: '24x7' as const, targets, events, now: t('10:40') };
    expect(nextDeadlines(evaluateClocks(input), 0.8, input)).toEqual([
      { clock: 'periodicUpdate', index: 0, kind: 'breach', at: t('10:40:01') },
      { clock: 'resolution', index: null, kind: 'warning', at: t('13:12') },
      { clock: 'resolution', index: null, kind: 'breach', at: t('14:00:01') },
    ]);
    const paused = { ...input, events: [...events, status('10:20', 'pending')] };
    expect(nextDeadlines(evaluateClocks(paused), 0.8, paused)).toEqual([]);
  });

  it('projects on the business calendar: the breach comes when the afternoon starts', () => {
    const input = { calendar: SHANGHAI, targets: { firstResponse: 60 }, events: [{ at: '2026-11-23T11:00:00+08:00', type: 'created' as const }], now: '2026-11-23T11:30:00+08:00' };
    const deadlines = nextDeadlines(evaluateClocks(input), 0.8, input);
    expect(deadlines).toEqual([
      { clock: 'firstResponse', index: null, kind: 'warning', at: '2026-11-23T03:48:00Z' },
      { clock: 'firstResponse', index: null, kind: 'breach', at: '2026-11-23T05:30:01Z' },
    ]);
    // Evaluating at those instants shows the change, one second earlier does not.
    const at = (now: string) => evaluateClocks({ ...input, now }).firstResponse!;
    expect(isWarningDue(at('2026-11-23T03:47:59Z'))).toBe(false);
    expect(isWarningDue(at('2026-11-23T03:48:00Z'))).toBe(true);
    expect(at('2026-11-23T05:30:00Z').breached).toBe(false);
    expect(at('2026-11-23T05:30:01Z').breached).toBe(true);
  });

  it('rejects a warning share outside (0, 1]', () => {
    const input = { calendar: '24x7' as const, targets: {}, events: [e('10:00', 'created')], now: t('10:30') };
    expect(() => nextDeadlines(evaluateClocks(input), 1.5, input)).toThrow(AppError);
  });
});

describe('input validation', () => {
  const cases: { name: string; input: Record<string, unknown>; path: string }[] = [
    { name: 'needs a created event', input: { events: [e('10:00', 'agent_reply')] }, path: 'events' },
    { name: 'rejects a second created event', input: { events: [e('10:00', 'created'), e('10:05', 'created')] }, path: 'events[1].type' },
    { name: 'rejects a time without a UTC offset', input: { events: [e('10:00', 'created'), { at: '2026-11-20T10:05:00', type: 'agent_reply' }] }, path: 'events[1].at' },
    { name: 'rejects a date that does not exist', input: { events: [{ at: '2026-02-30T10:00:00Z', type: 'created' }] }, path: 'events[0].at' },
    { name: 'rejects an unknown event type', input: { events: [e('10:00', 'created'), { at: t('10:05'), type: 'phone_call' }] }, path: 'events[1].type' },
    { name: 'rejects an unknown status', input: { events: [e('10:00', 'created'), { at: t('10:05'), type: 'status', status: 'waiting' }] }, path: 'events[1].status' },
    { name: 'rejects a non-positive target', input: { targets: { firstResponse: 0 } }, path: 'targets.firstResponse' },
    { name: 'rejects an unknown clock in a targets event', input: { events: [e('10:00', 'created'), { at: t('10:05'), type: 'targets', targets: { firstReply: 5 } }] }, path: 'events[1].targets.firstReply' },
    { name: 'rejects now before the ticket was created', input: { now: t('09:00') }, path: 'now' },
    { name: 'rejects a bad calendar with its path', input: { calendar: { timezone: 'Asia/Shanghai', week: { mon: [['09:00', '12:60']] } } }, path: 'calendar.week.mon[0][1]' },
  ];
  it.each(cases)('$name', ({ input, path }) => {
    const full = { calendar: '24x7', targets: { firstResponse: 60 }, events: [e('10:00', 'created')], now: t('11:00'), ...input };
    let err: unknown;
    try {
      evaluateClocks(full as EvaluateInput);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).details).toEqual([expect.objectContaining({ path })]);
  });

  it('accepts Date instants and offsets without a colon, and truncates to the second', () => {
    const r = evaluateClocks({
      calendar: '24x7',
      targets: { firstResponse: 60 },
      events: [{ at: new Date('2026-11-20T10:00:00.900Z'), type: 'created' }, { at: '2026-11-20T18:30:00.5+0800', type: 'agent_reply' }],
      now: '2026-11-20T12:00:00Z',
    });
    expect(r.firstResponse).toEqual(clock('met', 60, 1800, { metAt: t('10:30') }));
  });
});
