import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { VirtualClock } from '../../src/domain/clock.ts';
import { startServer, type Server } from '../../src/server.ts';
import { enqueue } from '../../src/services/outbox.ts';
import { FakeSmtp } from '../helpers/fake-smtp.ts';
import { FakeWebhook } from '../helpers/fake-webhook.ts';
import { makeOrg, makeUser, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

describe.each(dialects())('customer notices by tier on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-03T01:00:00Z');
  const smtp = new FakeSmtp();
  const fake = new FakeWebhook({ feishuSecret: 'feishu-secret', dingtalkSecret: 'SECding' });
  let server: Server;
  let api: ApiClient;
  let cleanup: () => Promise<void>;
  let csm: Person;
  let agent: Person;
  const orgs: Record<'enterprise' | 'advanced' | 'basic', { id: string; name: string }> = {} as never;
  const people: Record<string, Person> = {};

  const drain = async () => {
    for (let i = 0; i < 5; i++) {
      const r = await server.background.tick();
      if (r.delivery.delivered + r.delivery.skipped + r.delivery.retrying + r.delivery.dead === 0) return;
    }
  };
  const mailsTo = (p: Person) => smtp.messages.filter((m) => m.envelope.to.includes(`${p.handle}@example.com`));
  const notice = (incidentId: string, org: { id: string; name: string }, locale: string, keySuffix = '') => ({
    topic: 'incident.customer_notice',
    key: `incident.customer_notice:${incidentId}:${org.id}${keySuffix}`,
    payload: {
      incidentId,
      orgId: org.id,
      orgName: org.name,
      locale,
      severity: 'P1',
      ticketId: null,
      title: { en: 'Join failures in Indonesia', zh: '印尼加入频道失败' },
      summary: { en: 'Joins fail for users on one carrier in Indonesia.', zh: '印尼某运营商用户加入频道失败。' },
    },
  });

  beforeAll(async () => {
    await smtp.start();
    await fake.start();
    const db = await dialect.setup();
    cleanup = db.cleanup;
    const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', publicUrl: 'https://desk.example.test', ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : { dataDir: db.dataDir ?? 'memory://' }) });
    server = await startServer(config, { clock, logger: false, background: { poll: false, channels: { smtpUrl: smtp.url } } });
    api = new ApiClient(server.url);
    csm = await makeUser(api, { role: 'agent', level: 'L2', locale: 'zh-CN' });
    agent = await makeUser(api, { role: 'agent', level: 'L1' });
    orgs.enterprise = await makeOrg(api, { tier: 'enterprise', locale: 'en', csmId: csm.id });
    orgs.advanced = await makeOrg(api, { tier: 'advanced', locale: 'zh-CN' });
    orgs.basic = await makeOrg(api, { tier: 'basic', locale: 'en' });
    people.e1 = await makeUser(api, { role: 'customer', orgId: orgs.enterprise.id });
    people.e2 = await makeUser(api, { role: 'customer', orgId: orgs.enterprise.id });
    people.a1 = await makeUser(api, { role: 'customer', orgId: orgs.advanced.id });
    people.b1 = await makeUser(api, { role: 'customer', orgId: orgs.basic.id });
    const put = async (orgId: string, body: unknown) => {
      const res = await api.call('PUT', `/api/v1/orgs/${orgId}/notification-settings`, { body, token: ADMIN_TOKEN });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const e = await put(orgs.enterprise.id, { im: { kind: 'feishu', url: `${fake.url}/feishu`, secret: 'feishu-secret' } });
    expect(e).toMatchObject({ im: { kind: 'feishu', signed: true }, emails: [] });
    expect(JSON.stringify(e)).not.toContain('feishu-secret');
    await put(orgs.advanced.id, { im: { kind: 'dingtalk', url: `${fake.url}/dingtalk?access_token=adv`, secret: 'SECding' }, emails: ['ops@advanced.example.com'] });
  });

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
    await smtp.close();
    await fake.close();
  });

  it('routes by tier in the customer’s language, once per target however often the notice is handled', async () => {
    const incidentId = `q-${dialect.name}-1`;
    await server.ctx.db.transaction().execute(async (tx) => {
      for (const [tier, locale] of [['enterprise', 'en'], ['advanced', 'zh-CN'], ['basic', 'en']] as const) {
        const n = notice(incidentId, orgs[tier], locale);
        await enqueue(tx, clock.now(), n);
      }
    });
    await drain();

    // Enterprise: its IM group (signed Feishu card), every customer user and the CSM, in English.
    const im = fake.requests.filter((r) => r.path === '/feishu');
    expect(im).toHaveLength(1);
    expect(im[0]?.verified).toBe(true);
    expect(im[0]?.key).toBe(`customer_notice:${incidentId}:${orgs.enterprise.id}:im`);
    expect(JSON.stringify(im[0]?.json)).toContain('Join failures in Indonesia');
    for (const p of [people.e1!, people.e2!]) {
      expect(mailsTo(p).map((m) => m.subject)).toEqual(['[Quality incident P1] Join failures in Indonesia']);
      expect(mailsTo(p)[0]?.text).toContain('Joins fail for users on one carrier in Indonesia.');
    }
    expect(mailsTo(csm).map((m) => m.subject)).toEqual(['[Quality incident P1] Join failures in Indonesia']);

    // Advanced: e-mail (users and the extra address) and IM, in Chinese; no CSM.
    const ding = fake.requests.filter((r) => r.path === '/dingtalk');
    expect(ding).toHaveLength(1);
    expect(ding[0]?.verified).toBe(true);
    expect(JSON.stringify(ding[0]?.json)).toContain('印尼加入频道失败');
    expect(mailsTo(people.a1!).map((m) => m.subject)).toEqual(['【质量事件通知 P1】印尼加入频道失败']);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('ops@advanced.example.com'))).toHaveLength(1);

    // Basic: nothing sent; the incident is on the public status page.
    expect(mailsTo(people.b1!)).toHaveLength(0);
    const feed = await api.get('/api/v1/public/status.json');
    expect(feed.body.incidents.map((i: { title: { en: string } }) => i.title.en)).toContain('Join failures in Indonesia');

    // The same notices handled again (at-least-once): nothing new reaches anyone.
    const before = { mails: smtp.messages.length, hooks: fake.requests.length };
    await server.ctx.db.transaction().execute(async (tx) => {
      for (const tier of ['enterprise', 'advanced', 'basic'] as const) await enqueue(tx, clock.now(), notice(incidentId, orgs[tier], 'en', ':redelivered'));
    });
    await drain();
    expect({ mails: smtp.messages.length, hooks: fake.requests.length }).toEqual(before);
    const staff = await api.get('/api/v1/status/incidents', agent.token);
    expect(staff.body.items.filter((i: { qualityIncidentId: string | null }) => i.qualityIncidentId === incidentId)).toHaveLength(1);
  });

  it('checks the settings input and who may read or change them', async () => {
    const put = (orgId: string, body: unknown, token: string | null) => api.call('PUT', `/api/v1/orgs/${orgId}/notification-settings`, { body, token });
    const fields = async (body: unknown) => {
      const res = await put(orgs.basic.id, body, ADMIN_TOKEN);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.details.map((d: { path: string }) => d.path);
    };
    expect(await fields({ im: { kind: 'feishu', url: 'not a url' } })).toContain('body.im.url');
    expect(await fields({ im: { kind: 'icq', url: 'https://x.example.com' } })).toContain('body.im.kind');
    expect(await fields({ im: { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' } })).toContain('body.im.url');
    expect(await fields({ emails: ['fine@example.com', 'broken'] })).toContain('body.emails.1');

    expect((await put(orgs.basic.id, { emails: [] }, agent.token)).status).toBe(403);
    expect((await put(orgs.basic.id, { emails: [] }, people.b1!.token)).status).toBe(403);
    expect((await put('no-such-org', { emails: [] }, ADMIN_TOKEN)).status).toBe(404);
    expect((await api.get(`/api/v1/orgs/${orgs.enterprise.id}/notification-settings`, null)).status).toBe(401);
    const own = await api.get(`/api/v1/orgs/${orgs.enterprise.id}/notification-settings`, people.e1!.token);
    expect(own.status).toBe(200);
    expect(own.body.im.kind).toBe('feishu');
    expect((await api.get(`/api/v1/orgs/${orgs.advanced.id}/notification-settings`, people.e1!.token)).status).toBe(404);
    expect((await api.get(`/api/v1/orgs/${orgs.advanced.id}/notification-settings`, agent.token)).status).toBe(200);

    const removed = await put(orgs.enterprise.id, { im: null }, ADMIN_TOKEN);
    expect(removed.body.im).toBeNull();
  });

  it('keeps a robot\'s write-only secret when it is left out, and drops it for another robot or when emptied', async () => {
    const put = async (im: unknown) => (await api.call('PUT', `/api/v1/orgs/${orgs.basic.id}/notification-settings`, { body: { im, emails: ['ops@example.com'] }, token: ADMIN_TOKEN })).body;
    const stored = () => server.ctx.db.selectFrom('org_notification_settings').select(['im_secret']).where('org_id', '=', orgs.basic.id).executeTakeFirstOrThrow();
    const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/keep-me';
    expect((await put({ kind: 'feishu', url, secret: 's3cret' })).im).toEqual({ kind: 'feishu', url, signed: true });
    // Saving the form again without retyping the secret keeps it.
    expect((await put({ kind: 'feishu', url })).im.signed).toBe(true);
    expect((await stored()).im_secret).toBe('s3cret');
    // Another robot does not inherit it; an empty secret removes it.
    expect((await put({ kind: 'feishu', url: `${url}-2` })).im.signed).toBe(false);
    await put({ kind: 'feishu', url, secret: 's3cret' });
    expect((await put({ kind: 'feishu', url, secret: '' })).im.signed).toBe(false);
    expect((await stored()).im_secret).toBeNull();
  });

  it('drops a malformed notice to the dead letters', async () => {
    await server.ctx.db.transaction().execute(async (tx) => {
      await enqueue(tx, clock.now(), { topic: 'incident.customer_notice', key: `bad-notice-${dialect.name}`, payload: { incidentId: 'x' } });
    });
    await drain();
    const dead = await api.get('/api/v1/outbox?status=dead&topic=incident.customer_notice', ADMIN_TOKEN);
    expect(dead.body.items.map((r: { key: string }) => r.key)).toContain(`bad-notice-${dialect.name}`);
  });
});
