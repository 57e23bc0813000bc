import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, postgresUrl } from '../helpers/services.ts';
import { ADMIN_TOKEN, ApiClient, spawnServer, stopProcesses } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';

const pgUrl = postgresUrl();

describe.skipIf(!pgUrl)('two server processes on one PostgreSQL', () => {
  const procs: ChildProcess[] = [];
  const apis: ApiClient[] = [];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const db = await freshPostgresDatabase(pgUrl as string);
    drop = db.drop;
    // Both start at once: migrations must serialize themselves.
    await Promise.all(
      [0, 1].map(async () => {
        const server = await spawnServer({ DATABASE_URL: db.url });
        procs.push(server.proc);
        apis.push(new ApiClient(server.url));
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await stopProcesses(procs);
    await drop?.();
  });

  it('serves the same data from both processes', async () => {
    const [a, b] = apis as [ApiClient, ApiClient];
    const { customer } = await makeTenant(a);
    const ticket = await makeTicket(a, customer.token, { subject: 'written through process A' });
    const read = await b.get(`/api/v1/tickets/${ticket.id}`, customer.token);
    expect(read.status).toBe(200);
    expect(read.body.subject).toBe('written through process A');
    const reply = await b.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'via B', public: true }, customer.token);
    expect(reply.status).toBe(201);
    const events = await a.get(`/api/v1/tickets/${ticket.id}/events`, customer.token);
    expect(events.body.items.map((e: any) => e.body)).toContain('via B');
  });

  it('round-robins fairly when both processes create tickets at the same time', async () => {
    const [a, b] = apis as [ApiClient, ApiClient];
    const agents = [await makeUser(a, { role: 'agent', level: 'L1' }), await makeUser(a, { role: 'agent', level: 'L1' })];
    const g = await a.post('/api/v1/groups', { name: 'rr-multi', industry: 'overseas', memberIds: agents.map((x) => x.id) }, ADMIN_TOKEN);
    expect(g.status).toBe(201);
    const { customer } = await makeTenant(a, { industry: 'overseas' });
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => makeTicket(i % 2 ? a : b, customer.token)));
    const perAgent = new Map<string, number>();
    for (const t of made) perAgent.set(t.assigneeId, (perAgent.get(t.assigneeId) ?? 0) + 1);
    expect([...perAgent.values()]).toEqual([10, 10]);
  });
});
