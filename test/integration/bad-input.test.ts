import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

describe.each(dialects())('bad input on $name: a clear 4xx, never a 5xx, never half-applied', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { config: { bodyLimit: 64 * 1024 } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const count = async (table: 'orgs' | 'users' | 'tickets' | 'ticket_events') =>
    Number((await t.server.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await t.api.call('POST', '/api/v1/orgs', { token: ADMIN_TOKEN, raw: '{"name": "x", "tier":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(/JSON/);
  });

  it('names the field of a wrong type, an unknown enum value, an unknown field and an oversized field', async () => {
    const { customer } = await makeTenant(t.api);
    const cases: Array<[unknown, string]> = [
      [{ subject: 's', body: 'b', priority: 5 }, 'body.priority'],
      [{ subject: 's', body: 'b', priority: 'P9' }, 'body.priority'],
      [{ subject: 'x'.repeat(301), body: 'b', priority: 'P1' }, 'body.subject'],
      [{ subject: 's', body: 'b', priority: 'P1', rtc: { sdkVersion: 'latest' } }, 'body.rtc.sdkVersion'],
      [{ subject: 's', body: 'b', priority: 'P1', rtc: { happenedAt: 'yesterday' } }, 'body.rtc.happenedAt'],
      [{ subject: 's', body: 'b', priority: 'P1', severity: 'high' }, 'body'],
      [{ body: 'b', priority: 'P1' }, 'body.subject'],
    ];
    const before = await count('tickets');
    for (const [body, path] of cases) {
      const res = await t.api.post('/api/v1/tickets', body, customer.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation');
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
    }
    expect(await count('tickets')).toBe(before);
  });

  it('rejects an unknown time zone with the field path and creates nothing', async () => {
    const before = await count('orgs');
    const res = await t.api.post('/api/v1/orgs', { name: 'Bad TZ', tier: 'basic', industry: 'other', timezone: 'Mars/Olympus_Mons' }, ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('timezone');
    const user = await t.api.post('/api/v1/users', { handle: 'tz.bad', name: 'x', email: 'x@example.com', role: 'agent', timezone: 'Asia/Beijing' }, ADMIN_TOKEN);
    expect(user.status).toBe(400);
    expect(await count('orgs')).toBe(before);
  });

  it('rolls back a user whose group does not exist (not half-applied)', async () => {
    const before = await count('users');
    const res = await t.api.post('/api/v1/users', { handle: 'half.applied', name: 'x', email: 'x@example.com', role: 'agent', groupIds: ['no-such-group'] }, ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(await count('users')).toBe(before);
    expect((await t.api.post('/api/v1/users', { handle: 'half.applied', name: 'x', email: 'x@example.com', role: 'agent' }, ADMIN_TOKEN)).status).toBe(201);
    const dup = await t.api.post('/api/v1/users', { handle: 'half.applied', name: 'y', email: 'y@example.com', role: 'agent' }, ADMIN_TOKEN);
    expect(dup.status).toBe(409);
  });

  it('answers unknown ids with 404 and an oversized body with 413', async () => {
    const agent = await makeUser(t.api, { role: 'agent' });
    expect((await t.api.get('/api/v1/tickets/00000000-0000-0000-0000-000000000000', agent.token)).status).toBe(404);
    expect((await t.api.patch('/api/v1/tickets/nope', { status: 'open' }, agent.token)).status).toBe(404);
    expect((await t.api.get('/api/v1/no/such/route', agent.token)).status).toBe(404);
    const huge = await t.api.post('/api/v1/tickets', { subject: 's', body: 'x'.repeat(100 * 1024), priority: 'P1', orgId: 'x' }, agent.token);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  it('answers a body that is not JSON with 415', async () => {
    const { customer } = await makeTenant(t.api);
    const res = await t.api.call('POST', '/api/v1/tickets', { token: customer.token, raw: 'subject=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('rejects a bad query parameter and a forged cursor', async () => {
    const agent = await makeUser(t.api, { role: 'agent' });
    expect((await t.api.get('/api/v1/tickets?status=open,bogus', agent.token)).status).toBe(400);
    expect((await t.api.get('/api/v1/tickets?limit=100000', agent.token)).status).toBe(400);
    expect((await t.api.get('/api/v1/tickets?cursor=abc', agent.token)).status).toBe(400);
  });

  it('stores hostile text as text and returns it unchanged as JSON', async () => {
    const { customer } = await makeTenant(t.api);
    const hostile = `<img src=x onerror=alert(1)> '; drop table tickets; -- 中文 \u202e`;
    const ticket = await makeTicket(t.api, customer.token, { subject: hostile, body: hostile });
    const back = await t.api.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(back.headers.get('content-type')).toMatch(/application\/json/);
    expect(back.body.subject).toBe(hostile);
    expect(await count('tickets')).toBeGreaterThan(0);
  });

  it('never answers garbage with a 5xx', async () => {
    const { customer } = await makeTenant(t.api);
    const garbage: unknown[] = [null, [], 'string', 42, { subject: null }, { subject: {}, body: [], priority: {} }, { rtc: 'x' }, { tags: 'a' }, { subject: 's', body: 'b', priority: 'P1', tags: [1, 2] }];
    for (const g of garbage) {
      const res = await t.api.call('POST', '/api/v1/tickets', { token: customer.token, raw: JSON.stringify(g), headers: { 'content-type': 'application/json' } });
      expect(res.status, JSON.stringify(g)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(g)).toBeLessThan(500);
    }
    const bearer = await t.api.call('GET', '/api/v1/tickets', { headers: { authorization: 'Basic abc' } });
    expect(bearer.status).toBe(401);
  });
});
