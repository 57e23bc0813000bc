import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeOrg, makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

describe.each(dialects())('help desk over HTTP on $name', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers health and the OpenAPI document without a token', async () => {
    expect((await t.api.get('/api/v1/health')).status).toBe(200);
    const doc = await t.api.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    for (const p of ['/api/v1/orgs', '/api/v1/users', '/api/v1/users/{id}/tokens', '/api/v1/tickets', '/api/v1/tickets/{id}', '/api/v1/tickets/{id}/comments', '/api/v1/tickets/{id}/escalations']) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
  });

  it('rejects calls without a valid token with 401 and the error shape', async () => {
    const none = await t.api.get('/api/v1/tickets');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const bad = await t.api.get('/api/v1/tickets', 'sd_not-a-real-token');
    expect(bad.status).toBe(401);
  });

  it('creates orgs, users and tokens that work, stored hashed', async () => {
    const org = await makeOrg(t.api, { tier: 'advanced', industry: 'voice_chat', timezone: 'Europe/Berlin' });
    expect(org).toMatchObject({ tier: 'advanced', industry: 'voice_chat', timezone: 'Europe/Berlin' });
    const agent = await makeUser(t.api, { role: 'agent', level: 'L2' });
    const me = await t.api.get('/api/v1/me', agent.token);
    expect(me.body.user).toMatchObject({ id: agent.id, role: 'agent', level: 'L2' });
    const stored = await t.server.ctx.db.selectFrom('api_tokens').select('token_hash').where('user_id', '=', agent.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(agent.token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('creates a ticket with RTC facts, routes it to the matching group and round-robins inside it', async () => {
    const a1 = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const a2 = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const industry = 'education';
    const group = await t.api.post('/api/v1/groups', { name: `edu-${a1.id}`, industry, region: 'EMEA', memberIds: [a1.id, a2.id] }, ADMIN_TOKEN);
    expect(group.status).toBe(201);
    const { customer } = await makeTenant(t.api, { industry, regions: ['EMEA'], timezone: 'Europe/London' });
    const rtc = { appId: 'app-1', sdkVersion: '4.2.1', os: 'android', osVersion: '14', device: 'Pixel 8', net: '4g', region: 'GB', channelId: 'room-1', errorCode: '110', happenedAt: '2026-11-20T10:00:00+08:00' };
    const first = await makeTicket(t.api, customer.token, { rtc, priority: 'P1' });
    expect(first).toMatchObject({ priority: 'P1', status: 'new', channel: 'api', level: 'L1', groupId: group.body.id, rtc });
    expect(first.sla).toBeTypeOf('object');
    const second = await makeTicket(t.api, customer.token);
    const third = await makeTicket(t.api, customer.token);
    const assignees = [first.assigneeId, second.assigneeId, third.assigneeId];
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([a1.id, a2.id]));
    expect(assignees[2]).toBe(assignees[0]);
  });

  it('keeps replies, internal notes and history; customers never see internal notes', async () => {
    const { customer } = await makeTenant(t.api);
    const agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const ticket = await makeTicket(t.api, customer.token);
    expect((await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Please send logs', public: true }, agent.token)).status).toBe(201);
    expect((await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'secret: probably ISP', public: false }, agent.token)).status).toBe(201);
    await t.api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending' }, agent.token);
    await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'logs attached', public: true }, customer.token);

    const after = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(after.body.status).toBe('open'); // a customer reply moves pending back to open
    expect(after.body.firstResponseAt).not.toBeNull();

    const seen = await t.api.get(`/api/v1/tickets/${ticket.id}/events`, customer.token);
    const bodies = seen.body.items.map((e: any) => e.body);
    expect(bodies).toContain('Please send logs');
    expect(bodies).toContain('logs attached');
    expect(bodies).not.toContain('secret: probably ISP');
    const staff = await t.api.get(`/api/v1/tickets/${ticket.id}/events`, agent.token);
    expect(staff.body.items.map((e: any) => e.type)).toEqual(['created', 'agent_reply', 'status', 'internal_note', 'status', 'customer_reply', 'status']);
    expect(staff.body.items.find((e: any) => e.type === 'internal_note').body).toBe('secret: probably ISP');

    const customerNote = await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'x', public: false }, customer.token);
    expect(customerNote.status).toBe(403);
  });

  it('patches status, priority, assignee and level, and audits every change', async () => {
    const { customer } = await makeTenant(t.api);
    const agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const other = await makeUser(t.api, { role: 'agent', level: 'L2' });
    const ticket = await makeTicket(t.api, customer.token);
    const res = await t.api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'on_hold', priority: 'P0', assigneeId: other.id, level: 'L2' }, agent.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'on_hold', priority: 'P0', assigneeId: other.id, level: 'L2', assignee: { id: other.id, level: 'L2' } });
    const audit = await t.api.get(`/api/v1/audit?entity=ticket&entityId=${ticket.id}`, ADMIN_TOKEN);
    const update = audit.body.items.find((a: any) => a.action === 'update');
    expect(update.actorId).toBe(agent.id);
    expect(update.changes).toMatchObject({ status: { from: 'new', to: 'on_hold' }, priority: { from: 'P2', to: 'P0' } });
    expect((await t.api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'closed' }, agent.token)).status).toBe(200);
    const reopen = await t.api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'open' }, agent.token);
    expect(reopen.status).toBe(409);
  });

  it('escalates with a mandatory reason, and tells the customer the new level, owner, plan and next update', async () => {
    const { customer } = await makeTenant(t.api);
    const agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const expert = await makeUser(t.api, { role: 'agent', level: 'RD' });
    const ticket = await makeTicket(t.api, customer.token, { priority: 'P1' });
    const noReason = await t.api.post(`/api/v1/tickets/${ticket.id}/escalations`, { to: 'RD', reason: '   ' }, agent.token);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('body.reason');
    const missing = await t.api.post(`/api/v1/tickets/${ticket.id}/escalations`, { to: 'RD' }, agent.token);
    expect(missing.status).toBe(400);

    const esc = await t.api.post(`/api/v1/tickets/${ticket.id}/escalations`, { to: 'RD', reason: 'crash in capture module', plan: 'R&D reproduces and ships a hotfix' }, agent.token);
    expect(esc.status).toBe(201);
    expect(esc.body).toMatchObject({ kind: 'manual', fromLevel: 'L1', toLevel: 'RD', plan: 'R&D reproduces and ships a hotfix' });
    expect(esc.body.owner).not.toBeNull();
    expect(new Date(esc.body.nextUpdateAt).getTime() - new Date(esc.body.createdAt).getTime()).toBe(120 * 60_000); // P1: every 2 hours

    const seen = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(seen.body.level).toBe('RD');
    expect(seen.body.assignee.level).toBe('RD');
    const events = await t.api.get(`/api/v1/tickets/${ticket.id}/events`, customer.token);
    const public_ = events.body.items.find((e: any) => e.type === 'escalated');
    expect(public_.data).toMatchObject({ to: 'RD', nextUpdateAt: esc.body.nextUpdateAt });
    expect(public_.body).toBe('R&D reproduces and ships a hotfix');
    expect(events.body.items.map((e: any) => e.body)).not.toContain('crash in capture module');

    const down = await t.api.post(`/api/v1/tickets/${ticket.id}/escalations`, { to: 'L2', reason: 'x' }, agent.token);
    expect(down.status).toBe(400);
    void expert;
  });

  it("routes a customer's escalation request to the escalation manager", async () => {
    const manager = await makeUser(t.api, { role: 'agent', level: 'L2', escalationManager: true });
    const { customer } = await makeTenant(t.api);
    const ticket = await makeTicket(t.api, customer.token);
    const req = await t.api.post(`/api/v1/tickets/${ticket.id}/escalations`, { reason: 'No answer for two days' }, customer.token);
    expect(req.status).toBe(201);
    expect(req.body.kind).toBe('customer_request');
    const owners = await t.server.ctx.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'escalation.requested').execute();
    expect(owners.some((o) => (o.payload as any).ticketId === ticket.id && (o.payload as any).managerId === manager.id)).toBe(true);
  });

  it('lists the queue with filters, sorting and a cursor', async () => {
    const { org, customer } = await makeTenant(t.api);
    const made = [];
    for (const p of ['P3', 'P0', 'P2', 'P1']) made.push(await makeTicket(t.api, customer.token, { priority: p, subject: `queue ${p}` }));
    const agent = await makeUser(t.api, { role: 'agent' });
    const byPrio = await t.api.get(`/api/v1/tickets?orgId=${org.id}&sort=priority`, agent.token);
    expect(byPrio.body.items.map((x: any) => x.priority)).toEqual(['P0', 'P1', 'P2', 'P3']);
    const page1 = await t.api.get(`/api/v1/tickets?orgId=${org.id}&limit=3`, agent.token);
    expect(page1.body.items).toHaveLength(3);
    const page2 = await t.api.get(`/api/v1/tickets?orgId=${org.id}&limit=3&cursor=${page1.body.nextCursor}`, agent.token);
    expect(page2.body.items).toHaveLength(1);
    expect([...page1.body.items, ...page2.body.items].map((x: any) => x.id).sort()).toEqual(made.map((m) => m.id).sort());
    const urgent = await t.api.get(`/api/v1/tickets?orgId=${org.id}&priority=P0,P1`, agent.token);
    expect(urgent.body.items.map((x: any) => x.priority).sort()).toEqual(['P0', 'P1']);
  });

  it('stores attachments with their hash and serves them only as downloads to those allowed', async () => {
    const { customer } = await makeTenant(t.api);
    const stranger = (await makeTenant(t.api)).customer;
    const ticket = await makeTicket(t.api, customer.token);
    const content = new TextEncoder().encode('<script>alert(1)</script> sdk log line\n');
    const up = await t.api.call('POST', `/api/v1/tickets/${ticket.id}/attachments?filename=${encodeURIComponent('../../etc/sdk log.txt')}`, { token: customer.token, raw: content, headers: { 'content-type': 'text/html' } });
    expect(up.status).toBe(201);
    expect(up.body.filename).toBe('sdk log.txt');
    const down = await t.api.call('GET', `/api/v1/attachments/${up.body.id}`, { token: customer.token });
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('application/octet-stream');
    expect(down.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(down.body).toBe('<script>alert(1)</script> sdk log line\n');
    expect((await t.api.call('GET', `/api/v1/attachments/${up.body.id}`, { token: stranger.token })).status).toBe(404);
    const big = await t.api.call('POST', `/api/v1/tickets/${ticket.id}/attachments?filename=big.log`, { token: customer.token, raw: new Uint8Array(t.server.ctx.config.attachmentMaxBytes + 1) });
    expect(big.status).toBe(413);
  });
});
