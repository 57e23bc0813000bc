import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { VirtualClock } from '../../src/domain/clock.ts';
import { startServer, type Server } from '../../src/server.ts';
import { enqueue } from '../../src/services/outbox.ts';
import { insertIncident } from '../../src/store/repos/incidents.ts';
import { FakeSmtp } from '../helpers/fake-smtp.ts';
import { makeTenant, makeUser, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, ApiClient } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The path and query of a link in an e-mail (the configured public URL is not this port). */
const pathOf = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const linkIn = (text: string, action: 'confirm' | 'unsubscribe'): string => {
  const m = new RegExp(`https?://\\S+/api/v1/public/status/${action}\\?token=[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${action} link in:\n${text}`);
  return pathOf(m[0]);
};

describe.each(dialects())('status page on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T09:00:00Z');
  const smtp = new FakeSmtp();
  let server: Server;
  let api: ApiClient;
  let cleanup: () => Promise<void>;
  let agent: Person;
  let customer: Person;
  const comp: Record<string, string> = {};

  /** Fires timers and delivers until the outbox has nothing due (fan-outs enqueue more). */
  const drain = async () => {
    for (let i = 0; i < 5; i++) {
      const r = await server.background.tick();
      if (r.delivery.delivered + r.delivery.skipped + r.delivery.retrying + r.delivery.dead === 0) return;
    }
  };
  const mailsTo = (addr: string) => smtp.messages.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === addr.toLowerCase()));

  beforeAll(async () => {
    await smtp.start();
    const db = await dialect.setup();
    cleanup = db.cleanup;
    const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', publicUrl: 'https://status.example.test', ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : { dataDir: db.dataDir ?? 'memory://' }) });
    server = await startServer(config, { clock, logger: false, background: { poll: false, channels: { smtpUrl: smtp.url } } });
    api = new ApiClient(server.url);
    agent = await makeUser(api, { role: 'agent', level: 'L2' });
    customer = (await makeTenant(api)).customer;
    for (const [key, body] of Object.entries({
      apac: { kind: 'region', name: { en: 'Asia Pacific', zh: '亚太' }, position: 1 },
      video: { kind: 'service', name: { en: 'Video calls', zh: '视频通话' }, description: { en: 'Real-time video', zh: '实时视频' } },
    })) {
      const res = await api.post('/api/v1/status/components', body, ADMIN_TOKEN);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      comp[key] = res.body.id;
    }
  });

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
    await smtp.close();
  });

  it('double opt-in end to end over SMTP: subscribe, confirm by link, receive updates, unsubscribe', async () => {
    const email = `reader-${dialect.name}@example.com`;
    const lurker = `lurker-${dialect.name}@example.com`;
    expect((await api.post('/api/v1/public/status/subscribe', { email, lang: 'en' })).status).toBe(202);
    expect((await api.post('/api/v1/public/status/subscribe', { email: lurker, lang: 'zh' })).status).toBe(202);
    await drain();
    const [confirmMail] = mailsTo(email);
    expect(confirmMail?.subject).toBe('Signaldesk status: please confirm your subscription');
    expect(mailsTo(lurker)[0]?.subject).toBe('Signaldesk 服务状态：请确认订阅');
    expect(confirmMail?.html).toContain('Confirm subscription');

    // Nothing is sent to an address that has not confirmed.
    const first = await api.post('/api/v1/status/incidents', { title: { en: 'Elevated join failures in Jakarta', zh: '雅加达加入频道失败率升高' }, impact: 'major', componentIds: [comp.apac], body: { en: 'We are investigating.', zh: '正在调查。' } }, agent.token);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await drain();
    expect(mailsTo(email)).toHaveLength(1);

    // Follow the confirmation link: opening it (as a mail scanner would) confirms nothing; the page's
    // button (a plain HTML form post) does; the link works once.
    const confirm = linkIn(confirmMail?.text ?? '', 'confirm');
    const page = await api.call('GET', confirm, { headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(page.status).toBe(200);
    const form = /<form method="post" action="([^"]+)">/.exec(String(page.body));
    expect(form?.[1]?.replace(/&amp;/g, '&')).toBe(confirm);
    expect((await api.get(confirm)).body).toEqual({ status: 'pending', changed: false });
    const ok = await api.call('POST', form?.[1]?.replace(/&amp;/g, '&') ?? '', { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'accept-language': 'en' } });
    expect(ok.status).toBe(200);
    expect(String(ok.body)).toContain('Subscription confirmed');
    const again = await api.call('POST', confirm);
    expect(again.status).toBe(409);
    expect(again.body.error.details[0]).toEqual({ path: 'token', message: 'used' });
    const html = await api.call('GET', confirm, { headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(html.status).toBe(409);
    expect(String(html.body)).toContain('This link does not work');

    // An update reaches the confirmed subscriber only, in their language, with an unsubscribe link.
    const upd = await api.post(`/api/v1/status/incidents/${first.body.id}/updates`, { status: 'identified', body: { en: 'A carrier route in Indonesia drops UDP.', zh: '印尼某运营商线路丢弃 UDP。' } }, agent.token);
    expect(upd.status, JSON.stringify(upd.body)).toBe(201);
    expect(upd.body.updates.map((u: { status: string }) => u.status)).toEqual(['identified', 'investigating']);
    await drain();
    const updates = mailsTo(email).slice(1);
    expect(updates.map((m) => m.subject)).toEqual(['[Status] Elevated join failures in Jakarta: identified']);
    expect(updates[0]?.text).toContain('A carrier route in Indonesia drops UDP.');
    expect(updates[0]?.text).toContain('Affected components: Asia Pacific');
    expect(updates[0]?.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toMatch(/\/api\/v1\/public\/status\/unsubscribe\?token=/);
    expect(updates[0]?.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toContain('List-Unsubscribe=One-Click');
    expect(mailsTo(lurker)).toHaveLength(1);

    // A mail client's one-click unsubscribe (RFC 8058: a form POST) works from the confirmation mail too.
    const oneClick = await api.call('POST', linkIn(mailsTo(lurker)[0]?.text ?? '', 'unsubscribe'), { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(oneClick.body).toEqual({ status: 'unsubscribed', changed: true });

    // Unsubscribe (the link from the update e-mail): no more mail.
    // Opening the link (as a mail scanner does) only shows the button; pressing it unsubscribes.
    const unsub = linkIn(updates[0]?.text ?? '', 'unsubscribe');
    const unsubPage = await api.call('GET', unsub, { headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(unsubPage.status).toBe(200);
    expect(String(unsubPage.body)).toContain('<form method="post"');
    expect(String(unsubPage.body)).toContain('Unsubscribe</button>');
    expect((await api.get(unsub)).body).toEqual({ status: 'confirmed', changed: false });
    const gone = await api.call('POST', unsub, { raw: '', headers: { accept: 'text/html', 'accept-language': 'en', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(gone.status).toBe(200);
    expect(String(gone.body)).toContain('You are unsubscribed');
    expect((await api.get(unsub)).body).toEqual({ status: 'unsubscribed', changed: false });
    const after = await api.call('GET', unsub, { headers: { accept: 'text/html', 'accept-language': 'zh-CN' } });
    expect(String(after.body)).toContain('已退订');
    expect(String(after.body)).not.toContain('<form');
    await api.post(`/api/v1/status/incidents/${first.body.id}/updates`, { status: 'resolved', body: { en: 'Fixed.', zh: '已修复。' } }, agent.token);
    await drain();
    expect(mailsTo(email)).toHaveLength(2);

    // Subscribing again starts over with a new confirmation.
    await api.post('/api/v1/public/status/subscribe', { email: email.toUpperCase(), lang: 'en' });
    await drain();
    expect(mailsTo(email)).toHaveLength(3);
    expect(mailsTo(email).at(-1)?.subject).toBe('Signaldesk status: please confirm your subscription');
    const summary = await api.get('/api/v1/status/subscribers/summary', ADMIN_TOKEN);
    expect(summary.body).toMatchObject({ pending: 1, unsubscribed: 1 });
  });

  it('serves the public feed without sign-in: components, incidents with updates, maintenance by state', async () => {
    const title = { en: 'Media relay <b>upgrade</b>', zh: '媒体中转<b>升级</b>' };
    const start = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
    const end = new Date(clock.now().getTime() + 4 * HOUR).toISOString();
    const m = await api.post('/api/v1/status/maintenance', { title, body: { en: 'Brief reconnects possible.', zh: '可能短暂重连。' }, componentIds: [comp.video], startsAt: start, endsAt: end }, agent.token);
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    expect(m.body.state).toBe('scheduled');

    let feed = await api.get('/api/v1/public/status.json');
    expect(feed.status).toBe(200);
    expect(feed.body.components.map((c: { name: { en: string } }) => c.name.en)).toEqual(['Video calls', 'Asia Pacific']);
    const mw = feed.body.maintenance.find((x: { id: string }) => x.id === m.body.id);
    expect(mw).toMatchObject({ title, state: 'scheduled' });
    const inc = feed.body.incidents.find((i: { title: { en: string } }) => i.title.en === 'Elevated join failures in Jakarta');
    expect(inc.updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'identified', 'investigating']);
    expect(inc).not.toHaveProperty('qualityIncidentId');

    clock.advance(3 * HOUR);
    feed = await api.get('/api/v1/public/status.json');
    expect(feed.body.maintenance.find((x: { id: string }) => x.id === m.body.id).state).toBe('in_progress');
    expect(feed.body.components.find((c: { id: string }) => c.id === comp.video).status).toBe('maintenance');
    expect(feed.body.status).toBe('maintenance');

    const done = await api.patch(`/api/v1/status/maintenance/${m.body.id}`, { complete: true }, agent.token);
    expect(done.body.state).toBe('completed');
    expect((await api.patch(`/api/v1/status/maintenance/${m.body.id}`, { complete: true }, agent.token)).status).toBe(409);
    feed = await api.get('/api/v1/public/status.json');
    expect(feed.body.components.find((c: { id: string }) => c.id === comp.video).status).toBe('operational');

    const degraded = await api.patch(`/api/v1/status/components/${comp.apac}`, { status: 'degraded' }, agent.token);
    expect(degraded.body.status).toBe('degraded');
    feed = await api.get('/api/v1/public/status.json');
    expect(feed.body.status).toBe('degraded');
    await api.patch(`/api/v1/status/components/${comp.apac}`, { status: 'operational' }, agent.token);

    const spec = await api.get('/api/v1/openapi.json');
    expect(spec.body.paths).toHaveProperty(['/api/v1/public/status.json']);
    expect(spec.body.paths['/api/v1/public/status.json'].get.security).toEqual([]);
  });

  it('puts quality incidents on the status page from the outbox topics, once, and resolves them', async () => {
    const incidentId = `inc-${dialect.name}-1`;
    const payload = { incidentId, severity: 'P1', ticketId: null, title: { en: 'Audio freezes on Telkomsel', zh: 'Telkomsel 用户音频卡顿' }, summary: { en: 'internal', zh: '内部' }, rootCause: [{ isp: 'Telkomsel' }], metrics: ['audioFreeze'], orgIds: [] };
    await server.ctx.db.transaction().execute(async (tx) => {
      await enqueue(tx, clock.now(), { topic: 'incident.opened', key: `incident.opened:${incidentId}`, payload });
    });
    await drain();
    // Delivered again (at least once): still one status page incident.
    await server.ctx.db.transaction().execute(async (tx) => {
      await enqueue(tx, clock.now(), { topic: 'incident.opened', key: `incident.opened:${incidentId}:again`, payload });
    });
    await drain();
    let list = await api.get('/api/v1/status/incidents', agent.token);
    const mine = list.body.items.filter((i: { qualityIncidentId: string | null }) => i.qualityIncidentId === incidentId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: 'quality', status: 'investigating', impact: 'major', title: payload.title });
    expect(JSON.stringify(mine[0])).not.toContain('internal');

    await server.ctx.db.transaction().execute(async (tx) => {
      await enqueue(tx, clock.now(), { topic: 'incident.resolved', key: `incident.resolved:${incidentId}`, payload: { incidentId, ticketId: null, resolvedAt: clock.now().toISOString() } });
    });
    await drain();
    list = await api.get('/api/v1/status/incidents', agent.token);
    const resolved = list.body.items.find((i: { qualityIncidentId: string | null }) => i.qualityIncidentId === incidentId);
    expect(resolved.status).toBe('resolved');
    expect(resolved.updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'investigating']);
  });

  it('resolves the status page incident of a quality incident that was merged into another', async () => {
    const incidentId = `inc-${dialect.name}-merged`;
    const now = clock.now();
    await insertIncident(server.ctx.db, {
      id: incidentId, status: 'open', severity: 'P2', metrics: JSON.stringify(['joinSuccess']), started_at: now, detected_at: now, resolved_at: null,
      root_cause: JSON.stringify([{ country: 'VN' }]), scope: JSON.stringify({ apps: [], sessions: 10, share: 0.1 }), observed: 0.7, expected: 0.95,
      summary: JSON.stringify({ en: 'internal summary', zh: '内部摘要' }), diagnosis: JSON.stringify({ publicSummary: { en: 'Joins fail in Vietnam.', zh: '越南加入失败。' } }),
      ticket_id: null, affected_orgs: JSON.stringify([]), merged_into: null, acknowledged_at: null, acknowledged_by: null, resolved_by: null, created_at: now, updated_at: now,
    });
    await server.ctx.db.transaction().execute(async (tx) => {
      await enqueue(tx, now, { topic: 'incident.opened', key: `incident.opened:${incidentId}`, payload: { incidentId, severity: 'P2', ticketId: null, title: { en: 'Join failures in Vietnam', zh: '越南加入失败' }, summary: { en: 'internal summary', zh: '内部摘要' }, rootCause: [], metrics: [], orgIds: [] } });
    });
    await drain();
    const find = async () => (await api.get('/api/v1/status/incidents', agent.token)).body.items.find((i: { qualityIncidentId: string | null }) => i.qualityIncidentId === incidentId);
    const opened = await find();
    expect(opened.status).toBe('investigating');
    expect(opened.updates[0].body).toEqual({ en: 'Joins fail in Vietnam.', zh: '越南加入失败。' });

    await server.ctx.db.updateTable('incidents').set({ status: 'resolved', merged_into: 'inc-other', resolved_at: now }).where('id', '=', incidentId).execute();
    await server.background.auditor.tick();
    const merged = await find();
    expect(merged.status).toBe('resolved');
    expect(merged.updates[0].body.en).toBe('This issue is now tracked together with a related incident.');
  });

  it('refuses bad input with field paths', async () => {
    const bad = async (method: string, path: string, body: unknown, token: string | null, field: string) => {
      const res = await api.call(method, path, { body, token });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    };
    await bad('POST', '/api/v1/public/status/subscribe', { email: 'not-an-address' }, null, 'body.email');
    await bad('POST', '/api/v1/public/status/subscribe', { email: 'a@example.com', lang: 'fr' }, null, 'body.lang');
    await bad('POST', '/api/v1/status/incidents', { title: { en: 'x' }, body: { en: 'y', zh: 'y' } }, agent.token, 'body.title.zh');
    await bad('POST', '/api/v1/status/incidents', { title: { en: 'x', zh: 'x' }, status: 'exploded', body: { en: 'y', zh: 'y' } }, agent.token, 'body.status');
    await bad('POST', '/api/v1/status/incidents', { title: { en: 'x', zh: 'x' }, componentIds: ['nope'], body: { en: 'y', zh: 'y' } }, agent.token, 'body.componentIds.0');
    const t = clock.now().toISOString();
    await bad('POST', '/api/v1/status/maintenance', { title: { en: 'x', zh: 'x' }, startsAt: t, endsAt: t }, agent.token, 'body.endsAt');
    await bad('POST', '/api/v1/status/maintenance', { title: { en: 'x', zh: 'x' }, startsAt: 'tomorrow', endsAt: t }, agent.token, 'body.startsAt');
    await bad('POST', '/api/v1/status/components', { kind: 'planet', name: { en: 'x', zh: 'x' } }, ADMIN_TOKEN, 'body.kind');
    expect((await api.get('/api/v1/public/status/confirm?token=short')).status).toBe(404);
    expect((await api.call('POST', '/api/v1/public/status/confirm?token=' + 'x'.repeat(43))).status).toBe(404);
    expect((await api.get('/api/v1/public/status/unsubscribe?token=' + 'x'.repeat(43))).status).toBe(404);
    expect((await api.get('/api/v1/public/status/confirm')).status).toBe(400);
    expect((await api.post(`/api/v1/status/incidents/nope/updates`, { status: 'resolved', body: { en: 'y', zh: 'y' } }, agent.token)).status).toBe(404);
  });

  it('lets staff manage the page, and nobody else', async () => {
    const body = { title: { en: 'x', zh: 'x' }, body: { en: 'y', zh: 'y' } };
    expect((await api.post('/api/v1/status/incidents', body, null)).status).toBe(401);
    expect((await api.post('/api/v1/status/incidents', body, customer.token)).status).toBe(403);
    expect((await api.get('/api/v1/status/incidents', customer.token)).status).toBe(403);
    expect((await api.post('/api/v1/status/maintenance', { title: body.title, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-01T01:00:00Z' }, customer.token)).status).toBe(403);
    expect((await api.post('/api/v1/status/components', { kind: 'region', name: { en: 'EU', zh: '欧洲' } }, agent.token)).status).toBe(403);
    expect((await api.patch(`/api/v1/status/components/${comp.apac}`, { name: { en: 'EU', zh: '欧洲' } }, agent.token)).status).toBe(403);
    expect((await api.patch(`/api/v1/status/components/${comp.apac}`, { status: 'degraded' }, customer.token)).status).toBe(403);
    expect((await api.get('/api/v1/status/subscribers/summary', agent.token)).status).toBe(403);
  });

  it('rate-limits the public endpoints', async () => {
    clock.advance(2 * HOUR); // fresh windows
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.post('/api/v1/public/status/subscribe', { email: `same-${dialect.name}@example.com` })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const more: number[] = [];
    for (let i = 0; i < 8; i++) more.push((await api.post('/api/v1/public/status/subscribe', { email: `n${i}-${dialect.name}@example.com` })).status);
    expect(more.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(more.slice(0, 6).every((s) => s === 202)).toBe(true);
    const r = await api.post('/api/v1/public/status/subscribe', { email: `late-${dialect.name}@example.com` });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('60');
  });
});
