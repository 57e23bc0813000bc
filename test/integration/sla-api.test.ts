import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

const SHANGHAI = {
  timezone: 'Asia/Shanghai',
  week: { mon: [['09:00', '12:00'], ['13:30', '18:00']], tue: [['09:00', '12:00'], ['13:30', '18:00']], wed: [['09:00', '12:00'], ['13:30', '18:00']], thu: [['09:00', '12:00'], ['13:30', '18:00']], fri: [['09:00', '12:00'], ['13:30', '18:00']], sat: [], sun: [] },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09'],
  workdays: [{ date: '2026-10-10', hours: [['09:00', '18:00']] }],
};

describe.each(dialects())('SLA API on $name', (dialect) => {
  let t: TestServer;
  const clock = new VirtualClock('2026-11-20T01:00:00Z');
  beforeAll(async () => {
    t = await startTestServer(dialect, { clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('simulates a timeline over the National Day holidays and a make-up Saturday', async () => {
    const agent = await makeUser(t.api, { role: 'agent' });
    const res = await t.api.post(
      '/api/v1/sla/simulate',
      {
        calendar: SHANGHAI,
        targets: { firstResponse: 60, resolution: 480 },
        // Created Wed 30 Sep 17:30 local: 30 min that day, then nothing until the Saturday workday.
        events: [{ at: '2026-09-30T17:30:00+08:00', type: 'created' }],
        now: '2026-10-10T12:00:00+08:00',
      },
      agent.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.firstResponse).toMatchObject({ state: 'running', targetMinutes: 60, breached: true, breachedAt: '2026-10-10T01:30:00Z' });
    expect(res.body.resolution).toMatchObject({ state: 'running', elapsedSeconds: 30 * 60 + 3 * 3600, breached: false });
    expect(res.body.nextReply).toEqual([]);
  });

  it('answers a bad time zone or instant in a simulation with 400 and the field path', async () => {
    const agent = await makeUser(t.api, { role: 'agent' });
    const bad = await t.api.post('/api/v1/sla/simulate', { calendar: { ...SHANGHAI, timezone: 'Asia/Peking' }, targets: { firstResponse: 60 }, events: [], now: '2026-10-10T12:00:00Z' }, agent.token);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toMatch(/timezone/);
    const noOffset = await t.api.post('/api/v1/sla/simulate', { calendar: '24x7', targets: { firstResponse: 60 }, events: [{ at: '2026-10-10 12:00', type: 'created' }], now: '2026-10-10T12:00:00Z' }, agent.token);
    expect(noOffset.status).toBe(400);
    expect(JSON.stringify(noOffset.body.error.details)).toMatch(/events\[0\]\.at/);
  });

  it('recomputes only the affected open tickets when an admin edits a policy', async () => {
    clock.set('2026-11-20T01:00:00Z');
    const { customer } = await makeTenant(t.api, { tier: 'enterprise' });
    const agent = await makeUser(t.api, { role: 'agent' });
    const p1 = await makeTicket(t.api, customer.token, { priority: 'P1' });
    const p2 = await makeTicket(t.api, customer.token, { priority: 'P2' });
    const policies = await t.api.get('/api/v1/sla/policies', agent.token);
    const row = policies.body.items.find((r: any) => r.tier === 'enterprise' && r.priority === 'P1');
    expect(row).toMatchObject({ calendar: '24x7', firstResponse: 30, resolution: 480, periodicUpdate: 120 });
    expect((await t.api.call('PUT', '/api/v1/sla/policies', { token: agent.token, body: { items: [{ ...row, firstResponse: 20 }] } })).status).toBe(403);
    const saved = await t.api.call('PUT', '/api/v1/sla/policies', { token: ADMIN_TOKEN, body: { items: [{ ...row, firstResponse: 20 }] } });
    expect(saved.status).toBe(200);
    expect(saved.body.recomputed).toBeGreaterThanOrEqual(1);
    const stored = await t.server.ctx.db.selectFrom('ticket_sla').select(['ticket_id', 'next_due_at']).where('ticket_id', 'in', [p1.id, p2.id]).execute();
    const due = new Map(stored.map((s) => [s.ticket_id, s.next_due_at?.toISOString()]));
    expect(due.get(p1.id)).toBe('2026-11-20T01:20:00.000Z');
    expect((await t.api.get(`/api/v1/tickets/${p1.id}`, agent.token)).body.sla.firstResponse.targetMinutes).toBe(20);
    expect((await t.api.get(`/api/v1/tickets/${p2.id}`, agent.token)).body.sla.firstResponse.targetMinutes).toBe(120);
  });

  it('previews an iCal holiday import and applies it only when confirmed', async () => {
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:元旦', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'DTSTART;VALUE=DATE:20270104', 'SUMMARY:元旦补班', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const preview = await t.api.post('/api/v1/sla/calendars/default-business/import', { ics }, ADMIN_TOKEN);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ applied: false, addedHolidays: ['2027-01-01'], addedWorkdays: [{ date: '2027-01-04', summary: '元旦补班' }] });
    const before = await t.api.get('/api/v1/sla/calendars', ADMIN_TOKEN);
    expect(JSON.stringify(before.body.items)).not.toContain('2027-01-01');
    const applied = await t.api.post('/api/v1/sla/calendars/default-business/import', { ics, apply: true }, ADMIN_TOKEN);
    expect(applied.body.applied).toBe(true);
    const after = await t.api.get('/api/v1/sla/calendars', ADMIN_TOKEN);
    expect(JSON.stringify(after.body.items)).toContain('2027-01-01');
    const broken = await t.api.post('/api/v1/sla/calendars/default-business/import', { ics: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027XX01\r\nEND:VEVENT\r\nEND:VCALENDAR' }, ADMIN_TOKEN);
    expect(broken.status).toBe(400);
  });
});
