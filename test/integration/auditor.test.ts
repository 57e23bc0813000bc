import { createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { VirtualClock } from '../../src/domain/clock.ts';
import { startServer, type Server } from '../../src/server.ts';
import { FakeSmtp } from '../helpers/fake-smtp.ts';
import { makeUser, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

const MIN = 60_000;

/** A local heartbeat receiver (what an uptime monitor such as a dead man's switch offers). */
class HeartbeatReceiver {
  readonly pings: Array<{ method: string; body: Record<string, unknown> }> = [];
  status = 200;
  url = '';
  private server: HttpServer | null = null;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.pings.push({ method: req.method ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
        res.writeHead(this.status, { 'content-type': 'text/plain' });
        res.end('OK');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/ping/escalations`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

describe.each(dialects())('escalation auditor on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  const beat = new HeartbeatReceiver();
  const smtp = new FakeSmtp();
  let server: Server;
  let api: ApiClient;
  let cleanup: () => Promise<void>;
  let agent: Person;
  let policyId: string;
  let emptyPolicyId: string;

  const audit = () => server.background.auditor.tick();
  const page = async (title: string, policy = policyId) => {
    const res = await api.post('/api/v1/pages', { title, policyId: policy, severity: 'P0' }, agent.token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; escalation: { pass: number; step: number; nextStepAt: string | null } };
  };
  const getPage = async (id: string) => (await api.get(`/api/v1/pages/${id}`, agent.token)).body;
  const loseTimer = (pageId: string) => server.ctx.db.deleteFrom('jobs').where('key', '=', `page:${pageId}`).execute();
  const timerOf = (pageId: string) => server.ctx.db.selectFrom('jobs').selectAll().where('key', '=', `page:${pageId}`).executeTakeFirst();
  const reports = async (pageId: string) => {
    const rows = await server.ctx.db.selectFrom('outbox').select('idempotency_key').where('idempotency_key', 'like', `auditor:${pageId}:%`).execute();
    return rows.map((r) => r.idempotency_key);
  };

  beforeAll(async () => {
    await beat.start();
    await smtp.start();
    const db = await dialect.setup();
    cleanup = db.cleanup;
    const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : { dataDir: db.dataDir ?? 'memory://' }) });
    server = await startServer(config, { clock, logger: false, background: { poll: false, channels: { smtpUrl: smtp.url }, auditor: { heartbeatUrl: beat.url } } });
    api = new ApiClient(server.url);
    agent = await makeUser(api, { role: 'agent', level: 'L2' });
    const u1 = await makeUser(api, { role: 'agent', level: 'L2' });
    const u2 = await makeUser(api, { role: 'agent', level: 'L2' });
    const p = await api.post('/api/v1/escalation-policies', { name: 'audited', steps: [{ targets: [{ type: 'user', id: u1.id }], ackTimeoutMinutes: 5 }, { targets: [{ type: 'user', id: u2.id }], ackTimeoutMinutes: 10 }], repeat: 0 }, ADMIN_TOKEN);
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    policyId = p.body.id;
    const g = await api.post('/api/v1/groups', { name: `empty-${dialect.name}`, memberIds: [] }, ADMIN_TOKEN);
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    const e = await api.post('/api/v1/escalation-policies', { name: 'nobody', steps: [{ targets: [{ type: 'group', id: g.body.id }], ackTimeoutMinutes: 5 }] }, ADMIN_TOKEN);
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    emptyPolicyId = e.body.id;
  });

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
    await beat.close();
    await smtp.close();
  });

  beforeEach(async () => {
    // Earlier tests' pages are settled: resolve every open one.
    const open = await api.get('/api/v1/pages?status=triggered,acknowledged', agent.token);
    for (const p of open.body.items as Array<{ id: string }>) await api.post(`/api/v1/pages/${p.id}/resolve`, {}, agent.token);
    beat.status = 200;
  });

  it('leaves healthy and acknowledged pages alone and pings the heartbeat after each run', async () => {
    const healthy = await page('healthy');
    const acked = await page('acknowledged');
    await api.post(`/api/v1/pages/${acked.id}/ack`, {}, agent.token);
    await loseTimer(acked.id); // an acknowledged page needs no next step
    const before = beat.pings.length;
    const r = await audit();
    expect(r.findings).toEqual([]);
    expect(r.checked).toBe(1);
    expect(r.heartbeat).toBe(true);
    expect(beat.pings.slice(before)).toEqual([{ method: 'POST', body: { check: 'escalation-auditor', checked: 1, repaired: 0, at: clock.now().toISOString() } }]);
    await audit();
    expect(beat.pings.length).toBe(before + 2);
    expect(await timerOf(healthy.id)).toMatchObject({ status: 'pending' });
  });

  it('re-arms a lost timer at the recorded next step, and the page then escalates on time', async () => {
    const p = await page('lost timer ahead');
    await loseTimer(p.id);
    clock.advance(2 * MIN);
    const r = await audit();
    expect(r.findings).toEqual([{ pageId: p.id, problem: 'missing_timer', repair: 'rescheduled', pass: 0, step: 0 }]);
    expect((await timerOf(p.id))?.due_at.toISOString()).toBe(p.escalation.nextStepAt);
    expect(r.heartbeat).toBe(true);
    expect(beat.pings.at(-1)?.body).toMatchObject({ repaired: 1 });

    // Admins hear about it (a real e-mail), once.
    expect((await reports(p.id)).length).toBeGreaterThan(0);
    await server.background.tick();
    expect(smtp.messages.some((m) => m.subject?.includes('lost timer ahead'))).toBe(true);
    expect((await audit()).findings).toEqual([]);

    clock.advance(3 * MIN); // the original 5-minute timeout
    await server.background.tick();
    expect((await getPage(p.id)).escalation).toMatchObject({ pass: 0, step: 1 });
  });

  it('escalates at once when the lost timer was already due, and when a timer is long overdue', async () => {
    const lost = await page('lost timer behind');
    await loseTimer(lost.id);
    clock.advance(7 * MIN);
    const r = await audit();
    expect(r.findings).toEqual([{ pageId: lost.id, problem: 'missing_timer', repair: 'escalated', pass: 0, step: 0 }]);
    const after = await getPage(lost.id);
    expect(after.escalation).toMatchObject({ pass: 0, step: 1, nextStepAt: new Date(clock.now().getTime() + 10 * MIN).toISOString() });
    expect(after.notifications.map((n: { step: number }) => n.step)).toEqual([0, 1]);

    // No timer runner fires (this process's runner is stalled): the step is 11 minutes late.
    const stuck = await page('stuck runner');
    clock.advance(16 * MIN);
    const r2 = await audit();
    expect(r2.findings).toContainEqual({ pageId: stuck.id, problem: 'overdue_timer', repair: 'escalated', pass: 0, step: 0 });
    expect((await getPage(stuck.id)).escalation).toMatchObject({ pass: 0, step: 1 });
    // The stale version of the timer (if a runner wakes up) changes nothing: the page moved on.
    await server.background.tick();
    expect((await getPage(stuck.id)).escalation).toMatchObject({ pass: 0, step: 1 });
  });

  it('reports a page nobody can be paged for once, and keeps pinging', async () => {
    const p = await page('nobody to page', emptyPolicyId);
    expect((await getPage(p.id)).escalation.exhaustedAt).not.toBeNull();
    const r = await audit();
    expect(r.findings).toEqual([{ pageId: p.id, problem: 'exhausted', repair: 'reported', pass: 0, step: 0 }]);
    const keys = await reports(p.id);
    expect(keys.length).toBeGreaterThan(0);
    expect((await audit()).findings).toEqual([]);
    expect(await reports(p.id)).toEqual(keys);

    beat.status = 503; // the monitor is down: the run itself still succeeds
    const r3 = await audit();
    expect(r3.heartbeat).toBe(false);
    expect(r3.checked).toBe(1);
  });

  it('is part of the background work of every server process', () => {
    expect(server.background.auditor.heartbeatUrl).toBe(beat.url);
  });
});
