import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/jobs/outbox.ts';
import type { Server } from '../../src/server.ts';
import { enqueueNotification, type NotificationPayload } from '../../src/services/notify/topics.ts';
import { claimOutbox } from '../../src/store/repos/outbox.ts';
import { FakeSmtp } from '../helpers/fake-smtp.ts';
import { FakeWebhook } from '../helpers/fake-webhook.ts';
import { makeTenant, makeTicket, makeUser } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient, bootServer } from '../helpers/server.ts';
import { dialects, durableTarget, freshPostgresDatabase, postgresUrl } from '../helpers/services.ts';

const SEC = 1000;

const count = async (server: Server, table: 'outbox') => Number((await server.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('the backoff policy', () => {
  it('doubles per attempt up to the cap, and jitter only ever shortens the wait by up to half', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const full = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, () => 0)).toBe(full);
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999)).toBeGreaterThanOrEqual(full / 2);
      for (let i = 0; i < 20; i++) {
        const d = backoffDelay(attempt, DEFAULT_BACKOFF);
        expect(d).toBeGreaterThanOrEqual(full / 2);
        expect(d).toBeLessThanOrEqual(full);
      }
    }
  });
});

describe.each(dialects())('the outbox deliverer on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  const hook = new FakeWebhook({ genericSecret: 'outbox-secret', providerKey: 'provider-key' });
  const smtp = new FakeSmtp({ refuseFirst: 1 });
  let target: Awaited<ReturnType<typeof durableTarget>>;
  let server: Server;
  let api: ApiClient;
  let seq = 0;
  let contactId: string;

  const notify = async (over: Partial<NotificationPayload> = {}, key = `test:${++seq}`) => {
    await server.ctx.db.transaction().execute((tx) =>
      enqueueNotification(tx, clock.now(), key, { channel: 'webhook', to: `${hook.url}/generic`, contactId, template: 'test', vars: { title: key }, lang: 'en', ...over }),
    );
    return key;
  };
  const row = (key: string) => server.ctx.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  const tick = () => server.background.outbox.tick();

  beforeAll(async () => {
    await hook.start();
    await smtp.start();
    target = await durableTarget(dialect, 'sd-outbox-');
    ({ server, api } = await bootServer(target, clock, {
      poll: false,
      outbox: { random: () => 0.5, backoff: { baseMs: 10 * SEC, jitter: 0.5, maxAttempts: 4 } },
      channels: { smtpUrl: smtp.url, mailFrom: 'Signaldesk 支持 <support@signaldesk.test>', sms: { url: `${hook.url}/provider`, apiKey: 'provider-key' }, voice: null },
    }));
    // The signing secret lives with the contact method; the outbox row only names it.
    const receiver = await makeUser(api, { role: 'agent', level: 'L1' });
    const c = await api.post(`/api/v1/users/${receiver.id}/contact-methods`, { type: 'webhook', kind: 'generic', address: `${hook.url}/generic`, secret: 'outbox-secret' }, ADMIN_TOKEN);
    contactId = c.body.id;
  });

  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
    await hook.close();
    await smtp.close();
  });

  beforeEach(async () => {
    await tick();
    hook.reset();
    hook.options.failFirst = 0;
    hook.options.loseAnswerFirst = 0;
  });

  it('retries a failing receiver with exponential backoff and jitter; the application gets the message once', async () => {
    hook.options.failFirst = 2;
    const key = await notify();
    expect(await tick()).toMatchObject({ retrying: 1 });
    let r = await row(key);
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
    expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(7.5 * SEC); // 10 s, less half of the jitter share
    expect(r.last_error).toMatch(/^attempt 1: HTTP 500/);

    clock.advance(7 * SEC);
    expect(await tick()).toMatchObject({ retrying: 0, delivered: 0 });
    clock.advance(0.5 * SEC);
    await tick();
    r = await row(key);
    expect(r).toMatchObject({ status: 'pending', attempts: 2 });
    expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(15 * SEC); // 20 s less a quarter

    clock.advance(15 * SEC);
    expect(await tick()).toMatchObject({ delivered: 1 });
    expect(await row(key)).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    const mine = hook.requests.filter((q) => q.key === key);
    expect(mine).toHaveLength(3);
    expect(mine.map((q) => q.status)).toEqual([500, 500, 200]);
    expect(new Set(mine.map((q) => q.headers['idempotency-key']))).toEqual(new Set([key]));
    expect(mine.every((q) => q.verified === true)).toBe(true);
    expect(hook.applied.has(key)).toBe(true);
  });

  it('sends again after a lost answer, and the receiver applies it once by its Idempotency-Key', async () => {
    hook.options.loseAnswerFirst = 1;
    const key = await notify();
    await tick();
    clock.advance(10 * SEC);
    await tick();
    expect(hook.requests.filter((q) => q.key === key).map((q) => q.status)).toEqual([500, 200]);
    expect([...hook.applied.keys()].filter((k) => k === key)).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('gives up after the last attempt: dead, listed for admins, and an admin can send it again', async () => {
    hook.options.failFirst = 100;
    const key = await notify();
    for (let i = 0; i < 6; i++) {
      await tick();
      clock.advance(5 * 60 * SEC);
    }
    const dead = await row(key);
    expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
    expect(hook.requests.filter((q) => q.key === key)).toHaveLength(4);

    const agent = await makeUser(api, { role: 'agent', level: 'L1' });
    expect((await api.get('/api/v1/outbox?status=dead', agent.token)).status).toBe(403);
    const list = await api.get('/api/v1/outbox?status=dead', ADMIN_TOKEN);
    expect(list.status).toBe(200);
    expect(list.body.items.find((m: any) => m.key === key)).toMatchObject({ status: 'dead', attempts: 4, topic: 'notification', lastError: expect.stringMatching(/^attempt 4: HTTP 500/) });

    hook.options.failFirst = 0;
    const retry = await api.post(`/api/v1/outbox/${Number(dead.id)}/retry`, {}, ADMIN_TOKEN);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await api.post(`/api/v1/outbox/${Number(dead.id)}/retry`, {}, ADMIN_TOKEN)).status).toBe(409);
    expect((await api.post('/api/v1/outbox/999999999/retry', {}, ADMIN_TOKEN)).status).toBe(404);
    await tick();
    expect(await row(key)).toMatchObject({ status: 'done', attempts: 1 });
    expect(hook.applied.has(key)).toBe(true);
  });

  it('sends a permanent failure (a 4xx answer) straight to the dead letters', async () => {
    const key = await notify({ to: `${hook.url}/nowhere` });
    expect(await tick()).toMatchObject({ dead: 1 });
    expect(await row(key)).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('keeps to a robot’s rate limit without spending attempts', async () => {
    const dingtalk = new FakeWebhook();
    await dingtalk.start();
    try {
      const keys: string[] = [];
      for (let i = 0; i < 25; i++) keys.push(await notify({ channel: 'dingtalk', to: `${dingtalk.url}/dingtalk?access_token=busy-robot` }));
      expect(await tick()).toMatchObject({ delivered: 20, deferred: 5 });
      const waiting = await Promise.all(keys.map(row)).then((rs) => rs.filter((r) => r.status === 'pending'));
      expect(waiting).toHaveLength(5);
      expect(waiting.every((r) => r.attempts === 0 && r.next_attempt_at > clock.now())).toBe(true);
      clock.advance(15 * SEC); // 20 a minute: one every 3 s
      expect(await tick()).toMatchObject({ delivered: 5 });
      expect(dingtalk.requests).toHaveLength(25);
    } finally {
      await dingtalk.close();
    }
  });

  it('sends SMS through the provider webhook with its API key, and skips a channel this server has not configured', async () => {
    const sms = await notify({ channel: 'sms', to: '+8613800138000', vars: { title: '值班' }, lang: 'zh' });
    const voice = await notify({ channel: 'voice', to: '+8613800138000' });
    expect(await tick()).toMatchObject({ delivered: 1, skipped: 1 });
    const req = hook.requests.find((q) => q.key === sms)!;
    expect(req.path).toBe('/provider');
    expect(req.verified).toBe(true);
    expect(req.json).toMatchObject({ to: '+8613800138000', channel: 'sms', lang: 'zh', idempotencyKey: sms, text: 'Signaldesk 测试通知：值班' });
    expect(await row(voice)).toMatchObject({ status: 'done', last_error: expect.stringMatching(/^skipped: voice is not configured/) });
  });

  it('e-mails through a real SMTP exchange: a Chinese subject, the reply, a stable Message-ID, and a retry after a 451', async () => {
    const { customer } = await makeTenant(api);
    const agent = await makeUser(api, { role: 'agent', level: 'L1', name: '王工' });
    const ticket = await makeTicket(api, customer.token, { subject: '直播卡顿 after upgrading to 4.2.1' });
    const reply = await api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: '请提供 SDK 日志，谢谢。', public: true }, agent.token);
    expect(reply.status).toBe(201);
    smtp.messages.length = 0;
    expect(await tick()).toMatchObject({ retrying: 1 }); // the server refused the first one (451)
    clock.advance(10 * SEC);
    expect(await tick()).toMatchObject({ delivered: 1 });
    await smtp.waitFor(1);
    const mail = smtp.messages[0]!;
    expect(mail.subject).toBe(`工单 #${ticket.number} 有新回复：直播卡顿 after upgrading to 4.2.1`);
    expect(mail.text).toContain('王工 回复：');
    expect(mail.text).toContain('请提供 SDK 日志，谢谢。');
    expect(mail.html).toContain('查看工单');
    expect(mail.envelope.to).toEqual([`${customer.handle}@example.com`]);
    expect(mail.from?.value[0]).toMatchObject({ address: 'support@signaldesk.test', name: 'Signaldesk 支持' });
    const key = String(mail.headers.get('x-signaldesk-idempotency-key'));
    expect(key).toBe(`ticket.comment:${reply.body.id}`);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{40}@signaldesk\.test>$/);
    const created = await server.ctx.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', `ticket.created:${ticket.id}`).executeTakeFirstOrThrow();
    expect(created).toMatchObject({ status: 'done', last_error: 'skipped: no notification for ticket.created' });
  });

  it('e-mails the escalation manager when a customer asks for an escalation, in English for an English reader', async () => {
    const manager = await makeUser(api, { role: 'agent', level: 'L2', escalationManager: true, locale: 'en', name: 'Esc Manager' });
    const { customer } = await makeTenant(api);
    const ticket = await makeTicket(api, customer.token, { subject: 'Audio drops' });
    await tick();
    smtp.messages.length = 0;
    const esc = await api.post(`/api/v1/tickets/${ticket.id}/escalations`, { reason: 'three days without a fix' }, customer.token);
    expect(esc.status).toBe(201);
    await tick();
    await smtp.waitFor(1);
    const mail = smtp.messages.find((m) => m.envelope.to.includes(`${manager.handle}@example.com`));
    expect(mail?.subject).toBe(`Escalation requested on ticket #${ticket.number}: Audio drops`);
    expect(mail?.text).toContain('Reason: three days without a fix');
  });

  it('pages someone without contact methods by e-mail, with the one-time links in it', async () => {
    const oncall = await makeUser(api, { role: 'agent', level: 'L2', name: '值班工程师' });
    const policy = await api.post('/api/v1/escalation-policies', { name: 'mail only', steps: [{ targets: [{ type: 'user', id: oncall.id }], ackTimeoutMinutes: 10 }] }, ADMIN_TOKEN);
    const page = await api.post('/api/v1/pages', { title: 'Video freezes in Jakarta', titleZh: '雅加达视频卡顿', summary: 'Freeze rate 4x baseline', policyId: policy.body.id, severity: 'P1' }, oncall.token);
    expect(page.status).toBe(201);
    smtp.messages.length = 0;
    await tick();
    await smtp.waitFor(1);
    const mail = smtp.messages[0]!;
    expect(mail.envelope.to).toEqual([`${oncall.handle}@example.com`]);
    expect(mail.subject).toBe('【值班告警 P1】雅加达视频卡顿');
    expect(mail.text).toMatch(/确认（我来处理）: http:\/\/[^\s]+\/api\/v1\/public\/pages\/ack\?token=[\w-]{43}/);
    await api.post(`/api/v1/pages/${page.body.id}/resolve`, {}, oncall.token);
  });

  it('delivers a message committed just before the server stopped exactly once, from the next server', async () => {
    const key = await notify();
    await server.stop(); // nothing was delivered: the deliverer never ran
    expect(hook.requests.filter((q) => q.key === key)).toHaveLength(0);
    ({ server, api } = await bootServer(target, clock, { poll: false, outbox: { random: () => 0.5, backoff: { baseMs: 10 * SEC, jitter: 0.5, maxAttempts: 4 } }, channels: { smtpUrl: smtp.url } }));
    expect(await tick()).toMatchObject({ delivered: 1 });
    expect(await tick()).toMatchObject({ delivered: 0 });
    expect(hook.requests.filter((q) => q.key === key)).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('takes over a message whose deliverer died after claiming it, once its lease runs out', async () => {
    const key = await notify();
    const claimed = await claimOutbox(server.ctx.db, clock.now(), 60 * SEC, 100); // a process that then dies
    expect(claimed.map((c) => c.idempotency_key)).toContain(key);
    await server.stop();
    ({ server, api } = await bootServer(target, clock, { poll: false, channels: { smtpUrl: smtp.url } }));
    expect(await tick()).toMatchObject({ delivered: 0 });
    clock.advance(61 * SEC);
    expect(await tick()).toMatchObject({ delivered: 1 });
    expect(hook.requests.filter((q) => q.key === key)).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await count(server, 'outbox')).toBeGreaterThan(0);
  });
});

const pgUrl = postgresUrl();

describe.skipIf(!pgUrl)('two deliverers on one PostgreSQL', () => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  const hook = new FakeWebhook({ delayMs: 2 });
  let drop: () => Promise<void>;
  const servers: Server[] = [];

  beforeAll(async () => {
    await hook.start();
    const db = await freshPostgresDatabase(pgUrl as string);
    drop = db.drop;
    for (let i = 0; i < 2; i++) servers.push((await bootServer({ databaseUrl: db.url }, clock, { poll: false, outbox: { batch: 20, concurrency: 8 } })).server);
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await drop?.();
    await hook.close();
  });

  it('deliver each message once when they race for the same rows', async () => {
    const [a, b] = servers as [Server, Server];
    await a.ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 300; i++) await enqueueNotification(tx, clock.now(), `race:${i}`, { channel: 'webhook', to: `${hook.url}/generic`, template: 'test', vars: { title: `race ${i}` }, lang: 'en' });
    });
    const stats = await Promise.all([a.background.outbox.tick(), b.background.outbox.tick(), a.background.outbox.tick(), b.background.outbox.tick()]);
    const delivered = stats.map((s) => s.delivered);
    expect(delivered.reduce((x, y) => x + y, 0)).toBe(300);
    expect(delivered[0]! + delivered[2]!).toBeGreaterThan(0);
    expect(delivered[1]! + delivered[3]!).toBeGreaterThan(0);
    expect(hook.requests).toHaveLength(300);
    expect(new Set(hook.requests.map((r) => r.key)).size).toBe(300);
    const left = await a.ctx.db.selectFrom('outbox').select('status').where('idempotency_key', 'like', 'race:%').where('status', '<>', 'done').execute();
    expect(left).toEqual([]);
  });
});
