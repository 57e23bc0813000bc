import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { makeUser, makeTenant, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, startTestServer, type ApiClient, type TestServer } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

describe.each(dialects())('escalation policy updates and calendar feed tokens on $name', (dialect) => {
  const clock = new VirtualClock('2026-11-02T01:00:00Z');
  let ts: TestServer;
  let api: ApiClient;
  let agent: Person;
  let other: Person;
  let customer: Person;
  let scheduleId: string;
  let policyId: string;
  const put = (id: string, body: unknown, token: string | null) => api.call('PUT', `/api/v1/escalation-policies/${id}`, { body, token });

  beforeAll(async () => {
    ts = await startTestServer(dialect, { clock, background: { poll: false } });
    api = ts.api;
    agent = await makeUser(api, { role: 'agent', level: 'L2', name: 'Mei Lin' });
    other = await makeUser(api, { role: 'agent', level: 'L2' });
    customer = (await makeTenant(api)).customer;
    const s = await api.post('/api/v1/schedules', { name: 'L2 APAC', timezone: 'Asia/Shanghai', layers: [{ name: 'APAC', start: '2026-11-01T09:00:00+08:00', rotation: { type: 'daily' }, users: [agent.id, other.id] }] }, ADMIN_TOKEN);
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    scheduleId = s.body.id;
    const p = await api.post('/api/v1/escalation-policies', { name: 'P1', steps: [{ targets: [{ type: 'user', id: agent.id }], ackTimeoutMinutes: 5 }], repeat: 0 }, ADMIN_TOKEN);
    expect(p.status).toBe(201);
    policyId = p.body.id;
  });

  afterAll(async () => {
    await ts?.stop();
  });

  it('replaces a policy, audits the change, and leaves pages already open on their old copy', async () => {
    const open = await api.post('/api/v1/pages', { title: 'before the edit', policyId }, agent.token);
    expect(open.status).toBe(201);
    clock.advance(60_000);
    const res = await put(policyId, { name: 'P1 (follow the sun)', steps: [{ targets: [{ type: 'schedule', id: scheduleId }], ackTimeoutMinutes: 10 }, { targets: [{ type: 'user', id: other.id }], ackTimeoutMinutes: 15 }], repeat: 2, default: true }, ADMIN_TOKEN);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: policyId, name: 'P1 (follow the sun)', repeat: 2, default: true, updatedAt: clock.now().toISOString() });
    expect(res.body.steps).toHaveLength(2);
    expect((await api.get(`/api/v1/escalation-policies/${policyId}`, agent.token)).body.steps[1]).toEqual({ targets: [{ type: 'user', id: other.id }], ackTimeoutMinutes: 15 });

    const audit = await api.get(`/api/v1/audit?entity=escalation_policy&entityId=${policyId}`, ADMIN_TOKEN);
    const entry = audit.body.items.find((a: { action: string }) => a.action === 'update');
    expect(entry.changes.before).toMatchObject({ name: 'P1', repeat: 0 });
    expect(entry.changes.after).toMatchObject({ name: 'P1 (follow the sun)', repeat: 2, default: true });

    const kept = await api.get(`/api/v1/pages/${open.body.id}`, agent.token);
    expect(kept.body.notifications.map((n: { userId: string }) => n.userId)).toEqual([agent.id]);
    const fresh = await api.post('/api/v1/pages', { title: 'after the edit' }, agent.token);
    expect(fresh.body.policyId).toBe(policyId);
    expect(fresh.body.escalation.nextStepAt).toBe(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
  });

  it('refuses bad policies with field paths, and anyone but an admin', async () => {
    const fields = async (body: unknown) => {
      const r = await put(policyId, body, ADMIN_TOKEN);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      return r.body.error.details.map((d: { path: string }) => d.path);
    };
    const step = { targets: [{ type: 'user', id: agent.id }], ackTimeoutMinutes: 5 };
    expect(await fields({ name: '', steps: [step] })).toContain('body.name');
    expect(await fields({ name: 'x', steps: [{ targets: [{ type: 'user', id: 'nobody' }], ackTimeoutMinutes: 5 }] })).toContain('body.steps.0.targets.0.id');
    expect(await fields({ name: 'x', steps: [{ targets: [{ type: 'user', id: customer.id }], ackTimeoutMinutes: 5 }] })).toContain('body.steps.0.targets.0.id');
    expect(await fields({ name: 'x', steps: [{ ...step, ackTimeoutMinutes: 99_999 }] })).toContain('body.steps.0.ackTimeoutMinutes');
    expect(await fields({ name: 'x', steps: [{ targets: [{ type: 'schedule', id: 'gone' }], ackTimeoutMinutes: 5 }] })).toContain('body.steps.0.targets.0.id');
    expect((await put(policyId, { name: 'x' }, ADMIN_TOKEN)).status).toBe(400);
    expect((await put(policyId, { name: 'x', steps: [step] }, agent.token)).status).toBe(403);
    expect((await put(policyId, { name: 'x', steps: [step] }, customer.token)).status).toBe(403);
    expect((await put(policyId, { name: 'x', steps: [step] }, null)).status).toBe(401);
    expect((await put('no-such-policy', { name: 'x', steps: [step] }, ADMIN_TOKEN)).status).toBe(404);
    expect((await api.get(`/api/v1/escalation-policies/${policyId}`, agent.token)).body.name).toBe('P1 (follow the sun)');
  });

  it('serves calendar feeds by a scoped, revocable token to clients that send no header', async () => {
    const mine = await api.post('/api/v1/ical-tokens', { scope: 'person', targetId: agent.id }, agent.token);
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.token).toMatch(/^ical_/);
    const path = new URL(mine.body.url).pathname;
    expect(path).toBe(`/api/v1/public/calendars/${mine.body.token}.ics`);
    const feed = await api.get(`${path}?lang=en`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    expect(String(feed.body)).toContain('BEGIN:VCALENDAR');
    expect(String(feed.body)).toContain('BEGIN:VEVENT');

    const sched = await api.post('/api/v1/ical-tokens', { scope: 'schedule', targetId: scheduleId }, other.token);
    expect(sched.status).toBe(201);
    const sfeed = await api.get(new URL(sched.body.url).pathname);
    expect(String(sfeed.body)).toContain('L2 APAC');

    // The list never shows the token; only its owner (or an admin) sees and revokes it.
    const list = await api.get('/api/v1/ical-tokens', agent.token);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([mine.body.id]);
    expect(JSON.stringify(list.body)).not.toContain(mine.body.token);
    const stored = await ts.server.ctx.db.selectFrom('ical_tokens').select('token_hash').where('id', '=', mine.body.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(mine.body.token);
    expect((await api.call('DELETE', `/api/v1/ical-tokens/${mine.body.id}`, { token: other.token })).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/ical-tokens/${mine.body.id}`, { token: agent.token })).status).toBe(204);
    expect((await api.get(path)).status).toBe(404);
    expect((await api.get(new URL(sched.body.url).pathname)).status).toBe(200);
    expect((await api.get('/api/v1/ical-tokens', agent.token)).body.items[0].revokedAt).not.toBeNull();

    // Scope and rights.
    expect((await api.post('/api/v1/ical-tokens', { scope: 'person', targetId: other.id }, agent.token)).status).toBe(403);
    expect((await api.post('/api/v1/ical-tokens', { scope: 'person', targetId: other.id }, ADMIN_TOKEN)).status).toBe(201);
    expect((await api.post('/api/v1/ical-tokens', { scope: 'schedule', targetId: scheduleId }, customer.token)).status).toBe(403);
    expect((await api.post('/api/v1/ical-tokens', { scope: 'schedule', targetId: 'nope' }, agent.token)).status).toBe(404);
    const bad = await api.post('/api/v1/ical-tokens', { scope: 'team', targetId: scheduleId }, agent.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.scope');
    expect((await api.get('/api/v1/public/calendars/ical_notarealtokenatallreally000.ics')).status).toBe(404);
    expect((await api.get(`/api/v1/public/calendars/${sched.body.token}.ics?from=soon`)).status).toBe(400);

    // A deactivated creator's feeds stop working.
    await ts.server.ctx.db.updateTable('users').set({ active: false }).where('id', '=', other.id).execute();
    expect((await api.get(new URL(sched.body.url).pathname)).status).toBe(404);
  });
});
