import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, type ApiClient } from './server.ts';

const uniq = () => randomUUID().slice(0, 8);

export interface Person {
  id: string;
  handle: string;
  token: string;
}

export async function makeOrg(api: ApiClient, over: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/orgs', { name: `Org ${uniq()}`, tier: 'enterprise', industry: 'live_streaming', timezone: 'Asia/Shanghai', regions: ['APAC'], ...over }, ADMIN_TOKEN);
  if (res.status !== 201) throw new Error(`makeOrg: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; tier: string };
}

export async function makeUser(api: ApiClient, body: Record<string, unknown>): Promise<Person> {
  const handle = `u${uniq()}`;
  const res = await api.post('/api/v1/users', { handle, name: handle, email: `${handle}@example.com`, ...body }, ADMIN_TOKEN);
  if (res.status !== 201) throw new Error(`makeUser: ${res.status} ${JSON.stringify(res.body)}`);
  const tok = await api.post(`/api/v1/users/${res.body.id}/tokens`, {}, ADMIN_TOKEN);
  if (tok.status !== 201) throw new Error(`makeToken: ${tok.status} ${JSON.stringify(tok.body)}`);
  return { id: res.body.id, handle, token: tok.body.token };
}

/** One customer organization with a customer user, plus an agent; each test builds its own. */
export async function makeTenant(api: ApiClient, orgOver: Record<string, unknown> = {}) {
  const org = await makeOrg(api, orgOver);
  const customer = await makeUser(api, { role: 'customer', orgId: org.id });
  return { org, customer };
}

export async function makeTicket(api: ApiClient, token: string, over: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/tickets', { subject: 'Audio drops in room', body: 'Users lose audio for 3 s', priority: 'P2', ...over }, token);
  if (res.status !== 201) throw new Error(`makeTicket: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; [k: string]: any };
}
