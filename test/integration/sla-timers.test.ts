import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { dialects, type DialectCase } from '../helpers/services.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

const MIN = 60_000;
const T0 = '2026-11-20T09:00:00Z';

/** A database that outlives one server: a PGlite directory or a fresh PostgreSQL database. */
async function durable(dialect: DialectCase) {
  if (dialect.name === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'sd-sla-'));
    return { database: { dataDir: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await dialect.setup();
  return { database: { ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}) }, cleanup: db.cleanup };
}

describe.each(dialects())('durable SLA timers on $name', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function desk(clock: VirtualClock, database?: { databaseUrl?: string; dataDir?: string }): Promise<TestServer> {
    const t = await startTestServer(dialect, { clock, background: { poll: false }, ...(database ? { database } : {}) });
    return t;
  }

  async function events(t: TestServer, ticketId: string, token: string): Promise<string[]> {
    return (await t.api.get(`/api/v1/tickets/${ticketId}/events`, token)).body.items.map((e: any) => e.type);
  }

  it('warns at 80 %, breaches on time, escalates one level and tells the escalation manager — once', async () => {
    const clock = new VirtualClock(T0);
    const t = await desk(clock);
    cleanups.push(() => t.stop());
    const manager = await makeUser(t.api, { role: 'agent', level: 'L2', escalationManager: true });
    await makeUser(t.api, { role: 'agent', level: 'L2' });
    const { customer } = await makeTenant(t.api, { tier: 'enterprise' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P1' }); // first response 30 min
    const staff = manager.token;

    clock.advance(23 * MIN);
    await t.server.background.tick();
    expect(await events(t, ticket.id, staff)).not.toContain('sla_warning');
    clock.advance(1 * MIN); // 24 min = 80 %
    await t.server.background.tick();
    expect(await events(t, ticket.id, staff)).toContain('sla_warning');

    const atRisk = await t.api.get(`/api/v1/tickets?atRisk=true&limit=200`, staff);
    expect(atRisk.body.items.map((x: any) => x.id)).toContain(ticket.id); // still at risk after the warning fired

    clock.advance(6 * MIN + 1000); // past 30 min
    await t.server.background.tick();
    const after = await t.api.get(`/api/v1/tickets/${ticket.id}`, staff);
    expect(after.body.level).toBe('L2');
    expect(after.body.sla.firstResponse.breached).toBe(true);
    const esc = await t.api.get(`/api/v1/tickets/${ticket.id}/escalations`, staff);
    expect(esc.body.items.map((e: any) => e.kind)).toEqual(['auto']);
    const notices = await t.server.ctx.db.selectFrom('outbox').select(['idempotency_key']).where('idempotency_key', 'like', `sla.breach:${ticket.id}:%`).execute();
    expect(notices.map((n) => n.idempotency_key)).toEqual([`sla.breach:${ticket.id}:firstResponse:0:${manager.id}`]);
    const pages = await t.server.ctx.db.selectFrom('pages').select(['source', 'source_id']).where('source', '=', 'sla').execute();
    expect(pages.map((p) => p.source_id)).toContain(`${ticket.id}:firstResponse:0`);

    // More ticks and recomputes raise nothing again.
    clock.advance(5 * MIN);
    await t.server.background.tick();
    await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'note', public: false }, staff);
    await t.server.background.tick();
    const types = await events(t, ticket.id, staff);
    expect(types.filter((x) => x === 'sla_breach')).toHaveLength(1);
    expect(types.filter((x) => x === 'sla_warning')).toHaveLength(1);

    // Solving the ticket resolves the breach's page.
    expect((await t.api.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: staff, body: { status: 'solved' } })).status).toBe(200);
    const page = await t.server.ctx.db.selectFrom('pages').select(['status']).where('source', '=', 'sla').where('source_id', '=', `${ticket.id}:firstResponse:0`).executeTakeFirstOrThrow();
    expect(page.status).toBe('resolved');
  });

  it('fires a timer that fell due while the server was down, once, after a restart', async () => {
    const clock = new VirtualClock(T0);
    const db = await durable(dialect);
    cleanups.push(db.cleanup);
    const first = await desk(clock, db.database);
    await makeUser(first.api, { role: 'agent', level: 'L2' });
    const agent = await makeUser(first.api, { role: 'agent', level: 'L1' });
    const { customer } = await makeTenant(first.api, { tier: 'enterprise' });
    const ticket = await makeTicket(first.api, customer.token, { priority: 'P1' });
    await first.server.stop();

    clock.advance(45 * MIN);
    const second = await desk(clock, db.database);
    cleanups.push(() => second.server.stop());
    await second.server.background.tick();
    await second.server.background.tick();
    const types = await events(second, ticket.id, agent.token);
    expect(types.filter((x) => x === 'sla_breach')).toHaveLength(1);
    expect((await second.api.get(`/api/v1/tickets/${ticket.id}`, agent.token)).body.level).toBe('L2');
  });

  it.skipIf(dialect.name !== 'postgres')('escalates once when two processes fire the same timers at once', async () => {
    const clock = new VirtualClock(T0);
    const db = await durable(dialect);
    cleanups.push(db.cleanup);
    const a = await desk(clock, db.database);
    const b = await desk(clock, db.database);
    cleanups.push(() => a.server.stop(), () => b.server.stop());
    await makeUser(a.api, { role: 'agent', level: 'L2' });
    const agent = await makeUser(a.api, { role: 'agent', level: 'L1' });
    const { customer } = await makeTenant(a.api, { tier: 'enterprise' });
    const tickets = [];
    for (let i = 0; i < 10; i++) tickets.push(await makeTicket(i % 2 ? a.api : b.api, customer.token, { priority: 'P1' }));
    clock.advance(31 * MIN);
    await Promise.all([a.server.background.tick(), b.server.background.tick(), a.server.background.tick(), b.server.background.tick()]);
    const escalations = await a.server.ctx.db.selectFrom('escalations').select(['ticket_id']).where('kind', '=', 'auto').where('ticket_id', 'in', tickets.map((x) => x.id)).execute();
    expect(escalations).toHaveLength(10);
    expect(new Set(escalations.map((e) => e.ticket_id)).size).toBe(10);
    void agent;
  });

  it('pulls L2 in at once on a P0 and pages the on-call', async () => {
    const clock = new VirtualClock(T0);
    const t = await desk(clock);
    cleanups.push(() => t.stop());
    const l2 = await makeUser(t.api, { role: 'agent', level: 'L2' });
    const { customer } = await makeTenant(t.api, { tier: 'advanced' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P0', subject: '全部用户无法进房' });
    expect(ticket.level).toBe('L2');
    expect(ticket.assigneeId).toBe(l2.id);
    const seen = await t.api.get(`/api/v1/tickets/${ticket.id}/events`, customer.token);
    expect(seen.body.items.find((e: any) => e.type === 'escalated').data).toMatchObject({ to: 'L2', kind: 'auto' });
    const pages = await t.server.ctx.db.selectFrom('pages').select(['source', 'severity', 'status']).where('source_id', '=', ticket.id).execute();
    expect(pages).toEqual([{ source: 'ticket', severity: 'P0', status: 'triggered' }]);
    // Solving the ticket resolves its page: the on-call is not paged on for a solved P0.
    expect((await t.api.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: l2.token, body: { status: 'solved' } })).status).toBe(200);
    const after = await t.server.ctx.db.selectFrom('pages').select(['status', 'resolved_by', 'next_step_at']).where('source_id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'resolved', resolved_by: l2.id, next_step_at: null });
  });
});
