import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { cancel, registerTimerHandler, schedule, TimerRunner } from '../../src/jobs/timers.ts';
import type { Server } from '../../src/server.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { recordAudit } from '../../src/store/repos/audit.ts';
import { claimJobs } from '../../src/store/repos/outbox.ts';
import { FakeWebhook } from '../helpers/fake-webhook.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient, bootServer, spawnServer, stopProcesses } from '../helpers/server.ts';
import { dialects, durableTarget, freshPostgresDatabase, postgresUrl } from '../helpers/services.ts';

const MIN = 60_000;

// A test timer: each firing leaves one audit row, written in the timer's own transaction.
let failuresLeft = 0;
registerTimerHandler('test.fire', async (tx, job) => {
  if (failuresLeft > 0) {
    failuresLeft--;
    throw new Error('handler failed on purpose');
  }
  await recordAudit(tx, { at: job.dueAt, actorId: null, orgId: null, entity: 'timer-test', entityId: job.key, action: 'fired', changes: { attempts: job.attempts, payload: job.payload } });
});

const firings = async (server: Server, prefix: string) =>
  (await server.ctx.db.selectFrom('audit_log').select(['entity_id', 'changes']).where('entity', '=', 'timer-test').where('entity_id', 'like', `${prefix}%`).orderBy('id').execute()).map((r) => r.entity_id);

describe.each(dialects())('durable timers on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  let target: Awaited<ReturnType<typeof durableTarget>>;
  let server: Server;
  let api: ApiClient;
  const arm = (key: string, inMs: number, payload: Record<string, unknown> = {}) =>
    server.ctx.db.transaction().execute((tx) => schedule(tx, { kind: 'test.fire', key, dueAt: new Date(clock.now().getTime() + inMs), payload, now: clock.now() }));

  beforeAll(async () => {
    target = await durableTarget(dialect, 'sd-timers-');
    ({ server, api } = await bootServer(target, clock));
  });

  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
  });

  it('fires when the clock reaches the due time, once, and survives a restart in between', async () => {
    await arm('restart:a', 1 * MIN, { n: 1 });
    await arm('restart:b', 2 * MIN, { n: 2 });
    expect(await server.background.timers.tick()).toBe(0);
    await server.stop();
    ({ server, api } = await bootServer(target, clock));
    clock.advance(90_000);
    expect(await server.background.timers.tick()).toBe(1);
    expect(await server.background.timers.tick()).toBe(0);
    clock.advance(MIN);
    expect(await server.background.timers.tick()).toBe(1);
    expect(await firings(server, 'restart:')).toEqual(['restart:a', 'restart:b']);
  });

  it('moves a timer when its key is scheduled again, and forgets a cancelled one', async () => {
    await arm('move:a', 1 * MIN);
    await arm('move:a', 10 * MIN);
    await arm('move:b', 1 * MIN);
    await server.ctx.db.transaction().execute((tx) => cancel(tx, 'move:b'));
    clock.advance(5 * MIN);
    expect(await server.background.timers.tick()).toBe(0);
    clock.advance(5 * MIN);
    expect(await server.background.timers.tick()).toBe(1);
    expect(await firings(server, 'move:')).toEqual(['move:a']);
  });

  it('fires a timer claimed by a process that died only after its lease ran out, and once', async () => {
    await arm('lease:a', 0);
    const claimed = await claimJobs(server.ctx.db, { kinds: ['test.fire'], now: clock.now(), leaseMs: 60_000, limit: 10, token: 'a-dead-process' });
    expect(claimed.map((j) => j.key)).toEqual(['lease:a']);
    expect(await server.background.timers.tick()).toBe(0);
    clock.advance(61_000);
    expect(await server.background.timers.tick()).toBe(1);
    expect(await server.background.timers.tick()).toBe(0);
    expect(await firings(server, 'lease:')).toEqual(['lease:a']);
  });

  it('retries a failing handler with backoff, and its writes of the failed runs never commit', async () => {
    failuresLeft = 2;
    await arm('fail:a', 0);
    expect(await server.background.timers.tick()).toBe(0);
    let job = await server.ctx.db.selectFrom('jobs').selectAll().where('key', '=', 'fail:a').executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'handler failed on purpose' });
    expect(job.due_at.getTime() - clock.now().getTime()).toBe(5_000);
    clock.advance(5_000);
    expect(await server.background.timers.tick()).toBe(0);
    job = await server.ctx.db.selectFrom('jobs').selectAll().where('key', '=', 'fail:a').executeTakeFirstOrThrow();
    expect(job.due_at.getTime() - clock.now().getTime()).toBe(10_000);
    clock.advance(10_000);
    expect(await server.background.timers.tick()).toBe(1);
    expect(await firings(server, 'fail:')).toEqual(['fail:a']);
    expect((await server.ctx.db.selectFrom('jobs').select(['status', 'attempts']).where('key', '=', 'fail:a').executeTakeFirstOrThrow())).toEqual({ status: 'done', attempts: 3 });
  });

  it('keeps escalating a page across a restart: the next step fires from the new server', async () => {
    const hook = new FakeWebhook();
    await hook.start();
    try {
      const first = await makeUser(api, { role: 'agent', level: 'L2' });
      const second = await makeUser(api, { role: 'agent', level: 'L2' });
      for (const who of [first, second]) await api.post(`/api/v1/users/${who.id}/contact-methods`, { type: 'webhook', kind: 'generic', address: `${hook.url}/generic` }, ADMIN_TOKEN);
      const policy = await api.post('/api/v1/escalation-policies', { name: 'restart', steps: [{ targets: [{ type: 'user', id: first.id }], ackTimeoutMinutes: 5 }, { targets: [{ type: 'user', id: second.id }], ackTimeoutMinutes: 5 }] }, ADMIN_TOKEN);
      const page = await api.post('/api/v1/pages', { title: 'restart me', policyId: policy.body.id }, first.token);
      expect(page.status).toBe(201);
      await server.background.tick();
      await server.stop();
      clock.advance(5 * MIN); // step 1 times out while no server runs
      ({ server, api } = await bootServer(target, clock));
      await server.background.tick();
      await server.background.tick();
      const users = hook.requests.filter((r) => r.json?.data?.pageId === page.body.id).map((r) => r.json.data.userId);
      expect(users).toEqual([first.id, second.id]);
    } finally {
      await hook.close();
    }
  });

  // Last in this suite: a runner on the real clock also fires what the virtual clock left pending.
  it('wakes for its next timer instead of sleeping a whole poll interval', async () => {
    const runner = new TimerRunner({ ...server.ctx, clock: { now: () => new Date() } }, { pollMs: 60 * MIN });
    await server.ctx.db.transaction().execute((tx) => schedule(tx, { kind: 'test.fire', key: 'wake:a', dueAt: new Date(Date.now() + 300), now: new Date() }));
    runner.start();
    try {
      // With an hour between polls, only waking at the timer's due time fires it within the wait.
      await expect.poll(() => firings(server, 'wake:'), { timeout: 20_000, interval: 100 }).toEqual(['wake:a']);
    } finally {
      await runner.stop();
    }
  });
});

const pgUrl = postgresUrl();

describe.skipIf(!pgUrl)('durable timers with two processes on one PostgreSQL', () => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  let drop: () => Promise<void>;
  const servers: Server[] = [];

  beforeAll(async () => {
    const db = await freshPostgresDatabase(pgUrl as string);
    drop = db.drop;
    for (let i = 0; i < 2; i++) servers.push((await bootServer({ databaseUrl: db.url }, clock, { poll: false, timers: { batch: 10 } })).server);
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await drop?.();
  });

  it('fire each timer once when both run them at the same time', async () => {
    const [a, b] = servers as [Server, Server];
    await a.ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 200; i++) await schedule(tx, { kind: 'test.fire', key: `two:${i}`, dueAt: new Date(clock.now().getTime() + (i % 7) * 1000), now: clock.now() });
    });
    clock.advance(10_000);
    const fired = await Promise.all([a.background.timers.tick(), b.background.timers.tick(), a.background.timers.tick(), b.background.timers.tick()]);
    expect(fired.reduce((x, y) => x + y, 0)).toBe(200);
    expect(fired[0]! + fired[2]!).toBeGreaterThan(0);
    expect(fired[1]! + fired[3]!).toBeGreaterThan(0);
    const keys = await firings(a, 'two:');
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
  });
});

describe.skipIf(!pgUrl)('page escalation timers in two server processes on one PostgreSQL', () => {
  const hook = new FakeWebhook();
  const procs: ChildProcess[] = [];
  const apis: ApiClient[] = [];
  let db: { url: string; drop: () => Promise<void> };
  let direct: Store | null = null;

  beforeAll(async () => {
    await hook.start();
    db = await freshPostgresDatabase(pgUrl as string);
    // One process migrates first; the second starts against the migrated database.
    for (let i = 0; i < 2; i++) {
      const server = await spawnServer({ DATABASE_URL: db.url });
      procs.push(server.proc);
      apis.push(new ApiClient(server.url));
    }
    direct = await openStore({ url: db.url, migrate: false, poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await stopProcesses(procs);
    await direct?.close();
    await db?.drop();
    await hook.close();
  });

  it('run each due escalation step once, whichever process takes it', async () => {
    const [a, b] = apis as [ApiClient, ApiClient];
    const first = await makeUser(a, { role: 'agent', level: 'L2' });
    const second = await makeUser(a, { role: 'agent', level: 'L2' });
    for (const who of [first, second]) await a.post(`/api/v1/users/${who.id}/contact-methods`, { type: 'webhook', kind: 'generic', address: `${hook.url}/generic` }, ADMIN_TOKEN);
    const policy = await a.post('/api/v1/escalation-policies', { name: 'two processes', steps: [{ targets: [{ type: 'user', id: first.id }], ackTimeoutMinutes: 30 }, { targets: [{ type: 'user', id: second.id }], ackTimeoutMinutes: 30 }] }, ADMIN_TOKEN);
    const pages: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await (i % 2 ? a : b).post('/api/v1/pages', { title: `two processes ${i}`, policyId: policy.body.id }, first.token);
      expect(res.status).toBe(201);
      pages.push(res.body.id);
    }
    await hook.waitFor(() => hook.requests.length >= 30, 20_000);
    // Let every step-1 timeout fall due now: both processes' timer loops race for them.
    const store = direct as Store;
    await store.db.updateTable('jobs').set({ due_at: new Date(Date.now() - 1000) }).where('kind', '=', 'page.step').execute();
    await hook.waitFor(() => hook.requests.length >= 60, 20_000);
    await new Promise((r) => setTimeout(r, 2500)); // two more poll rounds of each process: nothing more may come
    const secondSteps = hook.requests.filter((r) => r.json?.data?.step === 1);
    expect(secondSteps).toHaveLength(30);
    expect(new Set(secondSteps.map((r) => r.json.data.pageId))).toEqual(new Set(pages));
    const rows = await store.db.selectFrom('page_notifications').select(['page_id']).where('step', '=', 1).execute();
    expect(rows).toHaveLength(30);
    const opened = await store.db.selectFrom('audit_log').select(['entity_id']).where('entity', '=', 'page').where('action', '=', 'open').execute();
    expect(opened).toHaveLength(30);
  });
});
