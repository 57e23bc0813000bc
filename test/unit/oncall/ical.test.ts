import { describe, expect, it } from 'vitest';
import { buildCalendar, escapeText, foldLine, formatDateTime, personToIcal, scheduleToIcal } from '../../../src/domain/oncall/ical.ts';
import type { Schedule } from '../../../src/domain/oncall/schedule.ts';

const octets = (s: string) => new TextEncoder().encode(s).length;
const lines = (doc: string) => {
  expect(doc.endsWith('\r\n')).toBe(true);
  return doc.slice(0, -2).split('\r\n');
};
const unfold = (doc: string) => doc.replace(/\r\n /g, '');

describe('escapeText', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a;b', 'a\\;b'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines', 'two\\nlines'],
    ['crlf\r\nline', 'crlf\\nline'],
    ['a,b;c\\d\ne', 'a\\,b\\;c\\\\d\\ne'],
    ['值班：张三', '值班：张三'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe('foldLine', () => {
  it.each([
    ['a line of exactly 75 octets stays whole', 'A'.repeat(75), 'A'.repeat(75)],
    ['76 octets fold after 75', 'A'.repeat(76), `${'A'.repeat(75)}\r\n A`],
    ['a 108-octet SUMMARY', `SUMMARY:${'x'.repeat(100)}`, `SUMMARY:${'x'.repeat(67)}\r\n ${'x'.repeat(33)}`],
    ['continuations carry 74 octets after the space', 'x'.repeat(159), `${'x'.repeat(75)}\r\n ${'x'.repeat(74)}\r\n ${'x'.repeat(10)}`],
    ['three-octet characters are never split', `DESCRIPTION:${'值'.repeat(30)}`, `DESCRIPTION:${'值'.repeat(21)}\r\n ${'值'.repeat(9)}`],
    ['a four-octet character moves whole to the next line', `${'A'.repeat(73)}😀B`, `${'A'.repeat(73)}\r\n 😀B`],
  ])('%s', (_what, input, expected) => {
    expect(foldLine(input)).toBe(expected);
  });
});

describe('formatDateTime', () => {
  it('writes UTC to the second', () => {
    expect(formatDateTime(new Date('2026-11-01T12:00:00.789Z'))).toBe('20261101T120000Z');
  });
});

const schedule: Schedule = {
  name: 'L2, global; night',
  timezone: 'UTC',
  layers: [{ name: 'primary', start: '2026-11-02T09:00:00Z', rotation: { type: 'daily' }, users: ['alice', 'bob'] }],
  overrides: [],
};
const now = new Date('2026-11-01T12:00:00.789Z');

describe('scheduleToIcal', () => {
  const doc = scheduleToIcal('sch_1', schedule, { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z'), now });

  it('writes a complete calendar with CRLF lines, escaped text and whole shifts', () => {
    const got = lines(doc).map((l) => (l.startsWith('UID:') ? 'UID:*' : l));
    expect(got).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Signaldesk//On-call//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:On call: L2\\, global\\; night',
      'X-WR-TIMEZONE:UTC',
      'BEGIN:VEVENT',
      'UID:*',
      'DTSTAMP:20261101T120000Z',
      'DTSTART:20261102T090000Z', // alice's shift began before the window: exported whole
      'DTEND:20261103T090000Z',
      'SUMMARY:On call: alice — L2\\, global\\; night',
      'DESCRIPTION:Schedule: L2\\, global\\; night\\nLayer: primary',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:*',
      'DTSTAMP:20261101T120000Z',
      'DTSTART:20261103T090000Z',
      'DTEND:20261104T090000Z',
      'SUMMARY:On call: bob — L2\\, global\\; night',
      'DESCRIPTION:Schedule: L2\\, global\\; night\\nLayer: primary',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
    expect(doc.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('gives each shift a UID that does not change when the export window moves', () => {
    const uids = (d: string) => lines(d).filter((l) => l.startsWith('UID:'));
    const first = uids(doc);
    expect(first).toHaveLength(2);
    for (const u of first) expect(u).toMatch(/^UID:[0-9a-f]{16}-\d{8}T\d{6}Z@signaldesk$/);
    expect(first[0]).not.toBe(first[1]);
    const later = uids(
      scheduleToIcal('sch_1', schedule, { from: new Date('2026-11-03T06:00:00Z'), to: new Date('2026-11-05T00:00:00Z'), now: new Date('2026-11-03T06:00:00Z') }),
    );
    expect(later).toHaveLength(3);
    expect(later.slice(0, 2)).toEqual(first);
    const otherCalendar = uids(scheduleToIcal('sch_2', schedule, { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z'), now }));
    expect(otherCalendar[0]).not.toBe(first[0]);
  });

  it('filters one person', () => {
    const bob = scheduleToIcal('sch_1', schedule, { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-06T00:00:00Z'), now, user: 'bob' });
    expect(lines(bob).filter((l) => l.startsWith('DTSTART:'))).toEqual(['DTSTART:20261103T090000Z', 'DTSTART:20261105T090000Z']);
    expect(bob).not.toContain('alice');
  });

  it('leaves gaps out and marks overrides', () => {
    const s: Schedule = {
      ...schedule,
      layers: [{ ...schedule.layers[0]!, restrictions: [{ days: ['tue'], start: '10:00', end: '12:00' }] }],
      overrides: [{ start: '2026-11-03T15:00:00Z', end: '2026-11-03T16:00:00Z', user: 'carol' }],
    };
    const d = unfold(scheduleToIcal('sch_1', s, { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z'), now }));
    expect(d.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(d).toContain('SUMMARY:On call: bob — ');
    expect(d).toContain('SUMMARY:On call (override): carol — ');
    expect(d).toContain('DESCRIPTION:Schedule: L2\\, global\\; night\\nOverride');
  });

  it('folds long Chinese lines at 75 octets without breaking characters', () => {
    const zh: Schedule = { ...schedule, name: '二线技术支持全球值班表（亚太、欧洲、美洲轮值，含节假日安排）' };
    const d = scheduleToIcal('sch_zh', zh, {
      from: new Date('2026-11-03T00:00:00Z'),
      to: new Date('2026-11-04T00:00:00Z'),
      now,
      lang: 'zh',
      userName: (id) => ({ alice: '张三', bob: '李四' })[id] ?? id,
    });
    for (const l of lines(d)) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(lines(d).some((l) => l.startsWith(' '))).toBe(true);
    const logical = lines(unfold(d));
    expect(logical).toContain(`SUMMARY:值班：张三 — ${zh.name}`);
    expect(logical).toContain(`DESCRIPTION:排班：${zh.name}\\n层：primary`);
    expect(logical).toContain(`X-WR-CALNAME:值班：${zh.name}`);
  });
});

describe('personToIcal', () => {
  it('merges one person’s shifts from several schedules in time order', () => {
    const other: Schedule = {
      name: 'Architects',
      timezone: 'Asia/Shanghai',
      layers: [{ name: 'arch', start: '2026-11-03T00:00:00+08:00', rotation: { type: 'weekly' }, users: ['bob'] }],
      overrides: [],
    };
    const d = personToIcal(
      'bob',
      [
        { id: 'sch_1', schedule },
        { id: 'sch_arch', schedule: other },
      ],
      { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z'), now, userName: () => 'Bob' },
    );
    expect(lines(d).filter((l) => /^(DTSTART|SUMMARY|X-WR-CALNAME)/.test(l))).toEqual([
      'X-WR-CALNAME:On call: Bob',
      'DTSTART:20261102T160000Z', // Architects: Tue 00:00 +08
      'SUMMARY:On call: Bob — Architects',
      'DTSTART:20261103T090000Z',
      'SUMMARY:On call: Bob — L2\\, global\\; night',
    ]);
  });
});

describe('buildCalendar', () => {
  it('writes an empty calendar', () => {
    expect(buildCalendar({ name: 'x', now, events: [] })).toBe(
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Signaldesk//On-call//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:x\r\nEND:VCALENDAR\r\n',
    );
  });
});
