import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import type { Server } from '../../src/server.ts';
import { openPage } from '../../src/services/paging.ts';
import { FakeWebhook } from '../helpers/fake-webhook.ts';
import { makeTenant, makeUser, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient, startTestServer } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

const MIN = 60_000;

/** The path and query of a link in a notification (the server's public URL is not this port). */
const pathOf = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe.each(dialects())('paging on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  const fake = new FakeWebhook({ dingtalkSecret: 'SECdingtalk-secret', feishuSecret: 'feishu-secret', genericSecret: 'generic-secret' });
  let server: Server;
  let api: ApiClient;
  let stop: () => Promise<void>;
  let agent: Person;
  let customer: Person;
  const u: Record<string, Person> = {};
  let scheduleId: string;
  let groupId: string;
  let policyId: string;

  const contact = async (who: Person, body: Record<string, unknown>) => {
    const res = await api.post(`/api/v1/users/${who.id}/contact-methods`, body, ADMIN_TOKEN);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const tick = () => server.background.tick();
  const forPage = (pageId: string) => fake.requests.filter((r) => r.key?.startsWith(`page:${pageId}:`));
  const newPage = async (body: Record<string, unknown> = {}) => {
    const res = await api.post('/api/v1/pages', { title: 'Join failures in Jakarta', titleZh: '雅加达加入频道失败', summary: 'Join success rate fell to 71%', policyId, severity: 'P0', ...body }, agent.token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    await fake.start();
    ({ server, api, stop } = await startTestServer(dialect, { clock, background: { poll: false } }));
    agent = await makeUser(api, { role: 'agent', level: 'L2' });
    customer = (await makeTenant(api)).customer;
    for (const name of ['u1', 'u2', 'u3', 'u4']) u[name] = await makeUser(api, { role: 'agent', level: 'L2', name });
    await contact(u.u1!, { type: 'webhook', kind: 'generic', address: `${fake.url}/generic`, secret: 'generic-secret' });
    await contact(u.u2!, { type: 'webhook', kind: 'dingtalk', address: `${fake.url}/dingtalk?access_token=robot-1`, secret: 'SECdingtalk-secret' });
    await contact(u.u3!, { type: 'webhook', kind: 'feishu', address: `${fake.url}/feishu`, secret: 'feishu-secret' });
    await contact(u.u4!, { type: 'webhook', kind: 'wecom', address: `${fake.url}/wecom?key=wecom-key` });
    await contact(u.u4!, { type: 'webhook', kind: 'slack', address: `${fake.url}/slack` });
    const sched = await api.post('/api/v1/schedules', { name: 'L2 primary', timezone: 'Asia/Shanghai', layers: [{ name: 'all', start: '2026-11-01T09:00:00+08:00', rotation: { type: 'daily' }, users: [u.u2!.id] }] }, ADMIN_TOKEN);
    scheduleId = sched.body.id;
    const group = await api.post('/api/v1/groups', { name: `architects-${u.u3!.id}`, memberIds: [u.u3!.id, u.u4!.id] }, ADMIN_TOKEN);
    expect(group.status).toBe(201);
    groupId = group.body.id;
    const policy = await api.post(
      '/api/v1/escalation-policies',
      { name: 'P0', steps: [{ targets: [{ type: 'user', id: u.u1!.id }], ackTimeoutMinutes: 5 }, { targets: [{ type: 'schedule', id: scheduleId }], ackTimeoutMinutes: 10 }], repeat: 1, default: true },
      ADMIN_TOKEN,
    );
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    policyId = policy.body.id;
  });

  afterAll(async () => {
    await stop?.();
    await fake.close();
  });

  beforeEach(async () => {
    await tick(); // nothing of an earlier test left due
    fake.reset();
  });

  it('notifies step 1, goes to step 2 when nobody acknowledges, repeats the policy, then stops', async () => {
    const t0 = clock.now().getTime();
    const page = await newPage();
    expect(page).toMatchObject({ status: 'triggered', source: 'manual', policyId, escalation: { pass: 0, step: 0, nextStepAt: new Date(t0 + 5 * MIN).toISOString() } });

    await tick();
    expect(forPage(page.id).map((r) => r.path)).toEqual(['/generic']);
    const first = forPage(page.id)[0]!;
    expect(first.verified).toBe(true);
    expect(first.json).toMatchObject({ type: 'page.triggered', lang: 'zh', subject: '【值班告警 P0】雅加达加入频道失败', data: { pageId: page.id, pass: 0, step: 0, userId: u.u1!.id } });

    clock.advance(4 * MIN);
    await tick();
    expect(forPage(page.id)).toHaveLength(1);

    clock.advance(1 * MIN); // step 1 times out: the schedule's on-call person is paged
    await tick();
    expect(forPage(page.id).map((r) => r.path)).toEqual(['/generic', '/dingtalk']);
    expect(forPage(page.id)[1]!.verified).toBe(true);
    expect(forPage(page.id)[1]!.json.markdown.title).toContain('雅加达加入频道失败');

    clock.advance(10 * MIN); // the last step times out: the policy repeats once
    await tick();
    clock.advance(5 * MIN);
    await tick();
    expect(forPage(page.id).map((r) => r.path)).toEqual(['/generic', '/dingtalk', '/generic', '/dingtalk']);

    clock.advance(10 * MIN); // exhausted: nobody more to page
    await tick();
    clock.advance(60 * MIN);
    await tick();
    expect(forPage(page.id)).toHaveLength(4);
    const after = await api.get(`/api/v1/pages/${page.id}`, agent.token);
    expect(after.body.status).toBe('triggered');
    expect(after.body.escalation).toMatchObject({ pass: 1, step: 1, exhaustedAt: new Date(t0 + 30 * MIN).toISOString(), nextStepAt: null });
    expect(after.body.notifications.map((n: any) => [n.pass, n.step, n.userId, n.at])).toEqual([
      [0, 0, u.u1!.id, new Date(t0).toISOString()],
      [0, 1, u.u2!.id, new Date(t0 + 5 * MIN).toISOString()],
      [1, 0, u.u1!.id, new Date(t0 + 15 * MIN).toISOString()],
      [1, 1, u.u2!.id, new Date(t0 + 20 * MIN).toISOString()],
    ]);
  });

  it('acknowledges through the one-time link in the notification; a second use is refused and escalation stops', async () => {
    const page = await newPage();
    await tick();
    const msg = forPage(page.id)[0]!;
    // Opening the link (a mail scanner, a chat preview) shows what it would do and changes nothing.
    const opened = await api.get(pathOf(msg.json.data.ackUrl), null);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ action: 'ack', changed: false, page: { id: page.id, status: 'triggered' } });
    const ack = await api.call('POST', pathOf(msg.json.data.ackUrl), { token: null });
    expect(ack.status).toBe(200);
    expect(ack.headers.get('cache-control')).toBe('no-store');
    expect(ack.body).toMatchObject({ action: 'ack', changed: true, page: { id: page.id, status: 'acknowledged', acknowledgedBy: u.u1!.id } });
    const again = await api.call('POST', pathOf(msg.json.data.ackUrl), { token: null });
    expect(again.status).toBe(409);
    expect((await api.get(pathOf(msg.json.data.ackUrl), null)).status).toBe(409);
    expect(again.body.error.message).toMatch(/already been used/);

    clock.advance(60 * MIN);
    await tick();
    expect(forPage(page.id)).toHaveLength(1); // no step 2: the timer was cancelled

    const token = new URL(msg.json.data.ackUrl).searchParams.get('token')!;
    const stored = await server.ctx.db.selectFrom('page_tokens').select('token_hash').where('page_id', '=', page.id).execute();
    expect(stored.length).toBe(2);
    expect(stored.map((s) => s.token_hash)).not.toContain(token);

    const resolved = await api.call('POST', pathOf(msg.json.data.resolveUrl), { token: null });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ action: 'resolve', changed: true, page: { status: 'resolved', resolvedBy: u.u1!.id } });
    expect((await api.get('/api/v1/public/pages/ack?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', null)).status).toBe(404);
  });

  it('refuses an expired link, and answers a person in a browser with a page in their language', async () => {
    const page = await newPage();
    await tick();
    const msg = forPage(page.id)[0]!;
    const html = { accept: 'text/html,application/xhtml+xml', 'accept-language': 'en-GB,en;q=0.8' };
    const opened = await api.call('GET', pathOf(msg.json.data.ackUrl), { headers: html });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toMatch(/text\/html/);
    expect(opened.body).toContain('Join failures in Jakarta');
    expect(opened.body).toMatch(/<form method="post" action="\/api\/v1\/public\/pages\/ack\?token=[A-Za-z0-9_-]+"><button type="submit"[^>]*>Acknowledge: I am on it<\/button>/);
    // The button: a plain form post, as a browser sends it.
    const browser = await api.call('POST', pathOf(msg.json.data.ackUrl), { headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' }, raw: 'x=1' });
    expect(browser.status).toBe(200);
    expect(browser.headers.get('content-type')).toMatch(/text\/html/);
    expect(browser.body).toContain('Acknowledged — thank you.');
    expect(browser.body).toContain('Join failures in Jakarta');
    clock.advance(25 * 60 * MIN);
    const expired = await api.call('GET', pathOf(msg.json.data.resolveUrl), { headers: { accept: 'text/html', 'accept-language': 'zh-CN' } });
    expect(expired.status).toBe(409);
    expect(expired.headers.get('content-type')).toMatch(/text\/html/);
    expect(expired.body).toContain('链接无效');
    await api.post(`/api/v1/pages/${page.id}/resolve`, {}, agent.token);
    await tick();
  });

  it('acknowledges and resolves through the API, for staff only', async () => {
    const page = await newPage();
    expect((await api.post(`/api/v1/pages/${page.id}/ack`, {}, customer.token)).status).toBe(403);
    const ack = await api.post(`/api/v1/pages/${page.id}/ack`, {}, agent.token);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: agent.id, acknowledgedAt: clock.now().toISOString(), escalation: { nextStepAt: null } });
    expect((await api.post(`/api/v1/pages/${page.id}/ack`, {}, agent.token)).body.status).toBe('acknowledged');
    const res = await api.post(`/api/v1/pages/${page.id}/resolve`, {}, agent.token);
    expect(res.body).toMatchObject({ status: 'resolved', resolvedBy: agent.id });
    expect((await api.post(`/api/v1/pages/${page.id}/ack`, {}, agent.token)).status).toBe(409);
    const list = await api.get('/api/v1/pages?status=resolved', agent.token);
    expect(list.body.items.map((p: any) => p.id)).toContain(page.id);
    expect((await api.get('/api/v1/pages', customer.token)).status).toBe(403);
    expect((await api.get('/api/v1/pages?status=bogus', agent.token)).status).toBe(400);
  });

  it('signs DingTalk and Feishu messages the way their robots verify them, and speaks WeCom and Slack', async () => {
    const pol = await api.post('/api/v1/escalation-policies', { name: 'architects', steps: [{ targets: [{ type: 'group', id: groupId }, { type: 'schedule', id: scheduleId }], ackTimeoutMinutes: 15 }] }, ADMIN_TOKEN);
    expect(pol.status).toBe(201);
    const page = await newPage({ policyId: pol.body.id });
    await tick();
    const byPath = Object.fromEntries(forPage(page.id).map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual(['/dingtalk', '/feishu', '/slack', '/wecom']);
    expect(byPath['/feishu']!.verified).toBe(true);
    expect(byPath['/feishu']!.status).toBe(200);
    expect(byPath['/feishu']!.json).toMatchObject({ msg_type: 'interactive', card: { header: { title: { content: '【值班告警 P0】雅加达加入频道失败' }, template: 'red' } } });
    expect(byPath['/feishu']!.json.card.elements[1].actions[0].url).toContain('/api/v1/public/pages/ack?token=');
    expect(byPath['/dingtalk']!.verified).toBe(true);
    expect(byPath['/dingtalk']!.query.get('access_token')).toBe('robot-1');
    expect(byPath['/wecom']!.json.msgtype).toBe('markdown');
    expect(byPath['/wecom']!.query.get('key')).toBe('wecom-key');
    expect(byPath['/slack']!.json.blocks[0]).toMatchObject({ type: 'header' });
    for (const r of Object.values(byPath)) expect(r.status).toBe(200);
    await api.post(`/api/v1/pages/${page.id}/resolve`, {}, agent.token);
  });

  it('records a signature the receiver rejects as a failed attempt with its error code', async () => {
    const who = await makeUser(api, { role: 'agent', level: 'L2' });
    await contact(who, { type: 'webhook', kind: 'dingtalk', address: `${fake.url}/dingtalk?access_token=robot-2`, secret: 'SECwrong' });
    const pol = await api.post('/api/v1/escalation-policies', { name: 'wrong secret', steps: [{ targets: [{ type: 'user', id: who.id }], ackTimeoutMinutes: 5 }] }, ADMIN_TOKEN);
    const page = await newPage({ policyId: pol.body.id });
    await tick();
    expect(forPage(page.id)[0]!.verified).toBe(false);
    const row = await server.ctx.db.selectFrom('outbox').selectAll().where('idempotency_key', 'like', `page:${page.id}:%`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/310000 sign not match/);
    await api.post(`/api/v1/pages/${page.id}/resolve`, {}, agent.token);
  });

  it('passes over a step whose schedule has nobody on call, at once', async () => {
    const empty = await api.post('/api/v1/schedules', { name: 'not yet', timezone: 'UTC', layers: [{ name: 'later', start: '2027-01-01T00:00:00Z', rotation: { type: 'weekly' }, users: [u.u2!.id] }] }, ADMIN_TOKEN);
    const pol = await api.post('/api/v1/escalation-policies', { name: 'gap first', steps: [{ targets: [{ type: 'schedule', id: empty.body.id }], ackTimeoutMinutes: 30 }, { targets: [{ type: 'user', id: u.u1!.id }], ackTimeoutMinutes: 5 }] }, ADMIN_TOKEN);
    const page = await newPage({ policyId: pol.body.id });
    expect(page.escalation).toMatchObject({ pass: 0, step: 1, stepStartedAt: clock.now().toISOString() });
    await tick();
    expect(forPage(page.id).map((r) => r.path)).toEqual(['/generic']);
    await api.post(`/api/v1/pages/${page.id}/resolve`, {}, agent.token);
  });

  it('opens pages inside the caller’s transaction: one open page per source, nothing left after a rollback', async () => {
    const ctx = server.ctx;
    const first = await ctx.db.transaction().execute((tx) => openPage(ctx, tx, { source: 'ticket', sourceId: 'T-100', title: { zh: 'P0 工单', en: 'P0 ticket' } }));
    const second = await ctx.db.transaction().execute((tx) => openPage(ctx, tx, { source: 'ticket', sourceId: 'T-100', title: { zh: 'P0 工单', en: 'P0 ticket' } }));
    expect(first.created).toBe(true);
    expect(first.page.policy_id).toBe(policyId); // the default policy
    expect(second).toMatchObject({ created: false, page: { id: first.page.id } });

    const count = async (table: 'outbox' | 'jobs' | 'pages') => Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = { outbox: await count('outbox'), jobs: await count('jobs'), pages: await count('pages') };
    await expect(
      ctx.db.transaction().execute(async (tx) => {
        await openPage(ctx, tx, { source: 'incident', sourceId: 'INC-7', title: { zh: '事件', en: 'incident' } });
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect({ outbox: await count('outbox'), jobs: await count('jobs'), pages: await count('pages') }).toEqual(before);

    await api.post(`/api/v1/pages/${first.page.id}/resolve`, {}, agent.token);
    const third = await ctx.db.transaction().execute((tx) => openPage(ctx, tx, { source: 'ticket', sourceId: 'T-100', title: { zh: 'P0 工单', en: 'P0 ticket' } }));
    expect(third.created).toBe(true); // the earlier one is resolved
    await api.post(`/api/v1/pages/${third.page.id}/resolve`, {}, agent.token);
  });

  it('validates escalation policies: targets must exist, admins write, staff read', async () => {
    const bad = await api.post('/api/v1/escalation-policies', { name: 'x', steps: [{ targets: [{ type: 'schedule', id: 'ghost' }, { type: 'team', id: 'x' }], ackTimeoutMinutes: 0 }] }, ADMIN_TOKEN);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['body.steps.0.targets.1.type', 'body.steps.0.ackTimeoutMinutes']));
    const ghost = await api.post('/api/v1/escalation-policies', { name: 'x', steps: [{ targets: [{ type: 'schedule', id: 'ghost' }], ackTimeoutMinutes: 5 }] }, ADMIN_TOKEN);
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.details[0].path).toBe('body.steps.0.targets.0.id');
    const huge = await api.post('/api/v1/escalation-policies', { name: 'x', steps: [{ targets: [{ type: 'user', id: u.u1!.id }], ackTimeoutMinutes: 1e12 }] }, ADMIN_TOKEN);
    expect(huge.status).toBe(400);
    expect(huge.body.error.details[0].path).toBe('body.steps.0.ackTimeoutMinutes');
    expect((await api.post('/api/v1/escalation-policies', { name: 'x', steps: [] }, agent.token)).status).toBe(403);
    const list = await api.get('/api/v1/escalation-policies', agent.token);
    expect(list.status).toBe(200);
    expect(list.body.items.find((p: any) => p.id === policyId)).toMatchObject({ default: true, repeat: 1 });
    expect((await api.get('/api/v1/escalation-policies', customer.token)).status).toBe(403);
  });

  it('keeps contact methods to their owner and admins, and never shows secrets', async () => {
    const list = await api.get(`/api/v1/users/${u.u2!.id}/contact-methods`, u.u2!.token);
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ type: 'webhook', kind: 'dingtalk', hasSecret: true });
    expect(JSON.stringify(list.body)).not.toContain('SECdingtalk-secret');
    expect((await api.get(`/api/v1/users/${u.u2!.id}/contact-methods`, u.u1!.token)).status).toBe(403);
    const own = await api.post(`/api/v1/users/${agent.id}/contact-methods`, { type: 'sms', address: '+8613800138000' }, agent.token);
    expect(own.status).toBe(201);
    const bad = await api.post(`/api/v1/users/${agent.id}/contact-methods`, { type: 'email', address: 'not an address' }, agent.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.address');
    expect((await api.post(`/api/v1/users/${agent.id}/contact-methods`, { type: 'webhook', address: 'https://example.com/hook' }, agent.token)).status).toBe(400);
    expect((await api.call('DELETE', `/api/v1/users/${agent.id}/contact-methods/${own.body.id}`, { token: agent.token })).status).toBe(204);
  });
});
