import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser, type Person } from '../helpers/fixtures.ts';

type Who = 'admin' | 'agent' | 'own' | 'other';
interface Cell {
  route: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: (x: Subjects) => string;
  body?: (x: Subjects) => unknown;
  raw?: boolean;
  expect: Record<Who, number>;
}
interface Subjects {
  orgId: string;
  otherOrgId: string;
  ticketId: string;
  customerId: string;
  attachmentId: string;
}

// Every route × every role × own/other organization. "own" is a customer of the ticket's
// organization, "other" a customer of another one: for them, foreign ids are 404, never 403.
const MATRIX: Cell[] = [
  { route: 'POST /orgs', method: 'POST', path: () => '/api/v1/orgs', body: () => ({ name: 'X', tier: 'basic', industry: 'other', timezone: 'UTC' }), expect: { admin: 201, agent: 403, own: 403, other: 403 } },
  { route: 'GET /orgs', method: 'GET', path: () => '/api/v1/orgs', expect: { admin: 200, agent: 200, own: 200, other: 200 } },
  { route: 'GET /orgs/{id}', method: 'GET', path: (x) => `/api/v1/orgs/${x.orgId}`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'POST /users', method: 'POST', path: () => '/api/v1/users', body: (x) => ({ handle: `h${Math.random().toString(36).slice(2, 9)}`, name: 'N', email: 'n@example.com', role: 'customer', orgId: x.orgId }), expect: { admin: 201, agent: 403, own: 403, other: 403 } },
  { route: 'GET /users', method: 'GET', path: () => '/api/v1/users', expect: { admin: 200, agent: 200, own: 200, other: 200 } },
  { route: 'GET /users/{id}', method: 'GET', path: (x) => `/api/v1/users/${x.customerId}`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'POST /users/{id}/tokens', method: 'POST', path: (x) => `/api/v1/users/${x.customerId}/tokens`, body: () => ({}), expect: { admin: 201, agent: 403, own: 201, other: 404 } },
  { route: 'GET /groups', method: 'GET', path: () => '/api/v1/groups', expect: { admin: 200, agent: 200, own: 403, other: 403 } },
  { route: 'POST /groups', method: 'POST', path: () => '/api/v1/groups', body: () => ({ name: `g${Math.random()}` }), expect: { admin: 201, agent: 403, own: 403, other: 403 } },
  { route: 'GET /me', method: 'GET', path: () => '/api/v1/me', expect: { admin: 200, agent: 200, own: 200, other: 200 } },
  { route: 'GET /audit', method: 'GET', path: () => '/api/v1/audit', expect: { admin: 200, agent: 403, own: 403, other: 403 } },
  { route: 'POST /tickets', method: 'POST', path: () => '/api/v1/tickets', body: (x) => ({ subject: 's', body: 'b', priority: 'P3', orgId: x.orgId }), expect: { admin: 201, agent: 201, own: 201, other: 404 } },
  { route: 'GET /tickets', method: 'GET', path: () => '/api/v1/tickets', expect: { admin: 200, agent: 200, own: 200, other: 200 } },
  { route: 'GET /tickets/{id}', method: 'GET', path: (x) => `/api/v1/tickets/${x.ticketId}`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'PATCH /tickets/{id}', method: 'PATCH', path: (x) => `/api/v1/tickets/${x.ticketId}`, body: () => ({ priority: 'P1' }), expect: { admin: 200, agent: 200, own: 403, other: 404 } },
  { route: 'GET /tickets/{id}/events', method: 'GET', path: (x) => `/api/v1/tickets/${x.ticketId}/events`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'POST /tickets/{id}/comments', method: 'POST', path: (x) => `/api/v1/tickets/${x.ticketId}/comments`, body: () => ({ body: 'hi', public: true }), expect: { admin: 201, agent: 201, own: 201, other: 404 } },
  { route: 'POST /tickets/{id}/escalations', method: 'POST', path: (x) => `/api/v1/tickets/${x.ticketId}/escalations`, body: () => ({ to: 'L2', reason: 'needs an expert' }), expect: { admin: 201, agent: 201, own: 201, other: 404 } },
  { route: 'GET /tickets/{id}/escalations', method: 'GET', path: (x) => `/api/v1/tickets/${x.ticketId}/escalations`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'POST /tickets/{id}/attachments', method: 'POST', path: (x) => `/api/v1/tickets/${x.ticketId}/attachments?filename=a.log`, raw: true, expect: { admin: 201, agent: 201, own: 201, other: 404 } },
  { route: 'GET /tickets/{id}/attachments', method: 'GET', path: (x) => `/api/v1/tickets/${x.ticketId}/attachments`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
  { route: 'GET /attachments/{id}', method: 'GET', path: (x) => `/api/v1/attachments/${x.attachmentId}`, expect: { admin: 200, agent: 200, own: 200, other: 404 } },
];

describe.each(dialects())('authorization matrix on $name', (dialect) => {
  let t: TestServer;
  let tokens: Record<Who, string>;
  let own: { org: { id: string }; customer: Person };
  let other: { org: { id: string }; customer: Person };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    own = await makeTenant(t.api);
    other = await makeTenant(t.api);
    await makeUser(t.api, { role: 'agent', level: 'L2' });
    const agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    tokens = { admin: ADMIN_TOKEN, agent: agent.token, own: own.customer.token, other: other.customer.token };
  });
  afterAll(async () => {
    await t?.stop();
  });

  const cells = MATRIX.flatMap((c) => (['admin', 'agent', 'own', 'other'] as Who[]).map((who) => ({ ...c, who, status: c.expect[who] })));
  it.each(cells)('$route as $who → $status', async (cell) => {
    // A fresh ticket (with an attachment) for every cell, so no cell depends on another.
    const ticket = await makeTicket(t.api, own.customer.token);
    const att = await t.api.call('POST', `/api/v1/tickets/${ticket.id}/attachments?filename=x.log`, { token: own.customer.token, raw: new Uint8Array([1, 2, 3]) });
    const x: Subjects = { orgId: own.org.id, otherOrgId: other.org.id, ticketId: ticket.id, customerId: own.customer.id, attachmentId: att.body.id };
    const res = await t.api.call(cell.method, cell.path(x), {
      token: tokens[cell.who],
      ...(cell.raw ? { raw: new Uint8Array([7, 7, 7]) } : cell.body ? { body: cell.body(x) } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(cell.status);
    if (res.status === 404 || res.status === 403) expect(res.body.error.code).toBe(res.status === 404 ? 'not_found' : 'forbidden');
  });

  it('never lists another organization’s tickets or people to a customer', async () => {
    const mine = await makeTicket(t.api, own.customer.token, { subject: 'only for own org' });
    const theirs = await t.api.get('/api/v1/tickets?limit=200', other.customer.token);
    expect(theirs.body.items.some((x: any) => x.orgId !== other.org.id)).toBe(false);
    expect(theirs.body.items.map((x: any) => x.id)).not.toContain(mine.id);
    const filtered = await t.api.get(`/api/v1/tickets?orgId=${own.org.id}`, other.customer.token);
    expect(filtered.body.items).toEqual([]);
    const people = await t.api.get('/api/v1/users', other.customer.token);
    expect(people.body.items.every((u: any) => u.orgId === other.org.id)).toBe(true);
    const orgs = await t.api.get('/api/v1/orgs', other.customer.token);
    expect(orgs.body.items.map((o: any) => o.id)).toEqual([other.org.id]);
  });

  it('keeps a token without the api scope to what its scopes allow', async () => {
    const agent = await makeUser(t.api, { role: 'agent' });
    const ingest = await t.api.post(`/api/v1/users/${agent.id}/tokens`, { scopes: ['ingest'] }, ADMIN_TOKEN);
    expect(ingest.status).toBe(201);
    const res = await t.api.get('/api/v1/tickets', ingest.body.token);
    expect(res.status).toBe(403);
  });
});
