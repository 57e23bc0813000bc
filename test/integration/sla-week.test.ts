import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

const MIN = 60_000;
// Monday 26 Oct 2026, 08:00 in New York; the week crosses the US fall-back change (1 Nov).
const START = '2026-10-26T12:00:00Z';
const NEW_YORK = {
  timezone: 'America/New_York',
  week: { mon: [['09:00', '12:00'], ['13:00', '17:00']], tue: [['09:00', '12:00'], ['13:00', '17:00']], wed: [['09:00', '12:00'], ['13:00', '17:00']], thu: [['09:00', '12:00'], ['13:00', '17:00']], fri: [['09:00', '12:00'], ['13:00', '17:00']], sat: [], sun: [] },
  holidays: ['2026-10-29'],
  workdays: [{ date: '2026-10-31', hours: [['10:00', '14:00']] }],
};

/** A seeded PRNG, so the week is the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(dialects())('a week of a busy desk through the real services on $name', (dialect) => {
  let t: TestServer;
  const clock = new VirtualClock(START);
  beforeAll(async () => {
    t = await startTestServer(dialect, { clock, background: { poll: false } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps every stored clock equal to the simulator and raises each breach exactly once', async () => {
    expect((await t.api.call('PUT', '/api/v1/sla/calendars/default-business', { token: ADMIN_TOKEN, body: { name: 'New York office', spec: NEW_YORK } })).status).toBe(200);
    for (const h of ['L2', 'RD', 'ARCH'] as const) await makeUser(t.api, { role: 'agent', level: h });
    const agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const tenants = [await makeTenant(t.api, { tier: 'basic', timezone: 'America/New_York' }), await makeTenant(t.api, { tier: 'advanced', timezone: 'America/New_York' }), await makeTenant(t.api, { tier: 'enterprise', timezone: 'America/New_York' })];
    const random = rng(7);
    const tickets: Array<{ id: string; token: string }> = [];
    const priorities = ['P1', 'P2', 'P3', 'P2', 'P3'];
    // 7 days in 20-minute steps: new tickets, replies, pauses, solves, reopens; timers fire as it goes.
    for (let step = 0; step < 7 * 72; step++) {
      clock.advance(20 * MIN);
      if (random() < 0.45) {
        const tenant = tenants[Math.floor(random() * tenants.length)]!;
        const tk = await makeTicket(t.api, tenant.customer.token, { priority: priorities[Math.floor(random() * priorities.length)] });
        tickets.push({ id: tk.id, token: tenant.customer.token });
      }
      const pick = tickets[Math.floor(random() * tickets.length)];
      if (pick) {
        const r = random();
        if (r < 0.3) await t.api.post(`/api/v1/tickets/${pick.id}/comments`, { body: 'update', public: true }, agent.token);
        else if (r < 0.4) await t.api.post(`/api/v1/tickets/${pick.id}/comments`, { body: 'more info', public: true }, pick.token);
        else if (r < 0.5) await t.api.patch(`/api/v1/tickets/${pick.id}`, { status: 'pending' }, agent.token);
        else if (r < 0.6) await t.api.patch(`/api/v1/tickets/${pick.id}`, { status: 'solved' }, agent.token);
        else if (r < 0.65) await t.api.post(`/api/v1/tickets/${pick.id}/comments`, { body: 'internal', public: false }, agent.token);
      }
      await t.server.background.timers.tick();
    }
    expect(tickets.length).toBeGreaterThan(150);

    const policies = (await t.api.get('/api/v1/sla/policies', ADMIN_TOKEN)).body.items as any[];
    const calendarFor = (tier: string, priority: string) => (policies.find((p) => p.tier === tier && p.priority === priority).calendar === '24x7' ? '24x7' : NEW_YORK);
    let breachedClocks = 0;
    for (const { id } of tickets) {
      const ticket = (await t.api.get(`/api/v1/tickets/${id}`, agent.token)).body;
      const history = (await t.api.get(`/api/v1/tickets/${id}/events`, agent.token)).body.items as any[];
      const events = history
        .filter((e) => ['created', 'agent_reply', 'customer_reply', 'internal_note', 'status'].includes(e.type))
        .map((e) => (e.type === 'status' ? { at: e.at, type: 'status', status: e.data.status } : { at: e.at, type: e.type }));
      const p = policies.find((x) => x.tier === ticket.orgTier && x.priority === ticket.priority);
      const targets = { firstResponse: p.firstResponse, nextReply: p.nextReply, periodicUpdate: p.periodicUpdate, resolution: p.resolution };
      const sim = await t.api.post('/api/v1/sla/simulate', { calendar: calendarFor(ticket.orgTier, ticket.priority), targets, events, now: clock.now().toISOString() }, agent.token);
      expect(sim.status).toBe(200);
      expect(ticket.sla).toEqual(sim.body);
      const open = [sim.body.firstResponse, sim.body.resolution, ...sim.body.nextReply, ...sim.body.periodicUpdate].filter((c: any) => c && c.breached && (c.state === 'running' || c.state === 'paused'));
      breachedClocks += open.length;
      const alerts = history.filter((e) => e.type === 'sla_breach');
      expect(new Set(alerts.map((a) => `${a.data.clock}:${a.data.index}`)).size).toBe(alerts.length);
    }
    const raised = await t.server.ctx.db.selectFrom('sla_alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'breach').executeTakeFirstOrThrow();
    expect(breachedClocks).toBeGreaterThan(0);
    // Every clock still open and breached now was alerted; alerts of clocks met late since stay counted.
    expect(Number(raised.n)).toBeGreaterThanOrEqual(breachedClocks);
  }, 600_000);
});
