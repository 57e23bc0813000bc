import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { dialects } from '../helpers/services.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

const MIN = 60_000;

describe.each(dialects())('SLA clocks on stored tickets on $name', (dialect) => {
  let t: TestServer;
  const clock = new VirtualClock('2026-11-20T09:00:00Z'); // Friday 17:00 in Shanghai
  beforeAll(async () => {
    t = await startTestServer(dialect, { clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('gives an Enterprise P1 a 30-minute first response on the 24×7 calendar and breaches it on time', async () => {
    clock.set('2026-11-20T09:00:00Z');
    const { org, customer } = await makeTenant(t.api, { tier: 'enterprise' });
    const agent = await makeUser(t.api, { role: 'agent' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P1' });
    expect(ticket.sla.firstResponse).toMatchObject({ state: 'running', targetMinutes: 30, elapsedSeconds: 0, breached: false, dueAt: '2026-11-20T09:30:00Z' });
    expect(ticket.sla.resolution).toMatchObject({ targetMinutes: 480, dueAt: '2026-11-20T17:00:00Z' });
    expect(ticket.sla.periodicUpdate).toEqual([]); // cycles start with the first agent reply
    expect(ticket.nextResponseDueAt).toBe('2026-11-20T09:30:00Z');

    clock.advance(31 * MIN);
    const late = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(late.body.sla.firstResponse).toMatchObject({ state: 'running', breached: true, breachedAt: '2026-11-20T09:30:00Z' });
    const breached = await t.api.get(`/api/v1/tickets?orgId=${org.id}&breached=true`, agent.token);
    expect(breached.body.items.map((x: any) => x.id)).toEqual([ticket.id]);

    await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'looking now', public: true }, agent.token);
    const answered = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(answered.body.sla.firstResponse).toMatchObject({ state: 'met', breached: true, metAt: '2026-11-20T09:31:00Z' });
    expect(answered.body.sla.periodicUpdate[0]).toMatchObject({ state: 'running', targetMinutes: 120, dueAt: '2026-11-20T11:31:00Z' });
  });

  it('counts a Basic P2 on business hours: created Friday 17:00 Shanghai, due Monday 17:30', async () => {
    clock.set('2026-11-20T09:00:00Z');
    const { customer } = await makeTenant(t.api, { tier: 'basic' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P2' });
    // 8 business hours: Fri 17:00–18:00, Mon 09:00–12:00 and 13:30–17:30 (Shanghai) = 09:30Z Monday.
    expect(ticket.sla.firstResponse).toMatchObject({ targetMinutes: 480, dueAt: '2026-11-23T09:30:00Z' });
    clock.set('2026-11-22T12:00:00Z'); // Sunday: nothing counts
    const sunday = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(sunday.body.sla.firstResponse.elapsedSeconds).toBe(3600);
  });

  it('pauses while pending and sorts the queue by the nearest due time', async () => {
    clock.set('2026-11-20T09:00:00Z');
    const { org, customer } = await makeTenant(t.api, { tier: 'advanced' });
    const agent = await makeUser(t.api, { role: 'agent' });
    const p1 = await makeTicket(t.api, customer.token, { priority: 'P1' }); // 60 min
    const p0 = await makeTicket(t.api, customer.token, { priority: 'P0' }); // 30 min
    await t.api.patch(`/api/v1/tickets/${p0.id}`, { status: 'pending' }, agent.token);
    clock.advance(10 * MIN);
    const paused = await t.api.get(`/api/v1/tickets/${p0.id}`, agent.token);
    expect(paused.body.sla.firstResponse).toMatchObject({ state: 'paused', elapsedSeconds: 0, dueAt: null });
    const queue = await t.api.get(`/api/v1/tickets?orgId=${org.id}&sort=due`, agent.token);
    expect(queue.body.items.map((x: any) => x.id)).toEqual([p1.id, p0.id]); // the paused one has no due time
  });

  it('re-applies targets when the priority changes, carrying elapsed time over', async () => {
    clock.set('2026-11-20T09:00:00Z');
    const { customer } = await makeTenant(t.api, { tier: 'enterprise' });
    const agent = await makeUser(t.api, { role: 'agent' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P1' });
    clock.advance(20 * MIN);
    await t.api.patch(`/api/v1/tickets/${ticket.id}`, { priority: 'P0' }, agent.token);
    const now = await t.api.get(`/api/v1/tickets/${ticket.id}`, agent.token);
    // 20 minutes used of the new 15-minute target: breached at once, at the moment it reached 15.
    expect(now.body.sla.firstResponse).toMatchObject({ targetMinutes: 15, elapsedSeconds: 1200, breached: true });
  });
});
