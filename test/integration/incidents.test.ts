import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFor } from '../../src/ingest/runtime.ts';
import { FleetSim, type Injection } from '../../src/sim/generator.ts';
import { makeOrg, makeUser, type Person } from '../helpers/fixtures.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0, 0); // 20:00 in Jakarta: evening peak
const OUTAGE: Injection = {
  id: 'outage', kind: 'isp_outage', start: T0 + 5 * 60_000, end: T0 + 8 * 60_000,
  target: { country: 'ID', isp: 'Telkomsel' }, effect: { lossAdd: 0.07, rttAdd: 80, jitterAdd: 15, joinFailAdd: 0.03 },
  rootCause: [{ country: 'ID', isp: 'Telkomsel' }],
};
const APPS = [
  { id: 'app-nusa-live', industry: 'live_streaming' as const, countries: ['ID'] },
  { id: 'app-huaying-live', industry: 'live_streaming' as const, countries: ['CN', 'ID'] },
  { id: 'app-tandem', industry: 'social_1v1' as const, countries: ['US', 'BR'] },
];

/** Replays 16 minutes of a small fleet with a Telkomsel outage through the server's pipeline. */
async function replayOutage(t: TestServer): Promise<void> {
  const rt = ingestFor(t.server.ctx.db)!;
  const sim = new FleetSim({ seed: 7, start: T0, sessions: 2500, apps: 10, knownApps: APPS, injections: [OUTAGE] });
  function* seconds() {
    while (sim.now < T0 + 16 * 60_000) yield sim.step();
  }
  await rt.replay(seconds());
}

const INCIDENT_KEYS = ['id', 'status', 'severity', 'metrics', 'startedAt', 'detectedAt', 'resolvedAt', 'rootCause', 'scope', 'observed', 'expected', 'summary', 'ticketId'];

describe.each(dialects())('quality incidents on $name', (dialect) => {
  let t: TestServer;
  let nusa: { id: string };
  let huaying: { id: string };
  let nusaCustomer: Person;
  let otherCustomer: Person;
  let agent: Person;
  let incidentId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    nusa = await makeOrg(t.api, { name: 'Nusantara Live', tier: 'basic', appIds: ['app-nusa-live'], regions: ['APAC'], timezone: 'Asia/Jakarta' });
    huaying = await makeOrg(t.api, { name: '华映直播', tier: 'enterprise', appIds: ['app-huaying-live'], regions: ['APAC'] });
    const other = await makeOrg(t.api, { name: 'Tandem', tier: 'advanced', appIds: ['app-tandem'], regions: ['AMER'] });
    nusaCustomer = await makeUser(t.api, { role: 'customer', orgId: nusa.id });
    otherCustomer = await makeUser(t.api, { role: 'customer', orgId: other.id });
    agent = await makeUser(t.api, { role: 'agent', level: 'L2' });
    await replayOutage(t);
  }, 400_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('turns an injected operator outage into one incident localized to Telkomsel in Indonesia', async () => {
    const res = await t.api.get(`/api/v1/incidents?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 3_600_000).toISOString()}`, agent.token);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const inc = res.body.items[0];
    incidentId = inc.id;
    expect(inc.rootCause).toEqual([{ country: 'ID', isp: 'Telkomsel' }]);
    expect(inc.status).toBe('resolved'); // it recovered within the replay
    expect(Date.parse(inc.startedAt)).toBeGreaterThanOrEqual(OUTAGE.start - 5_000);
    expect(Date.parse(inc.detectedAt) - OUTAGE.start).toBeLessThanOrEqual(30_000);
    expect(Date.parse(inc.resolvedAt)).toBeGreaterThan(OUTAGE.end);
    expect(inc.metrics).toEqual(expect.arrayContaining(['lossRate']));
    expect(inc.scope.apps).toEqual(expect.arrayContaining(['app-nusa-live', 'app-huaying-live']));
    expect(inc.scope.sessions).toBeGreaterThan(50);
    expect(inc.scope.share).toBeGreaterThan(0.02);
    expect(inc.scope.share).toBeLessThan(0.5);
    expect(inc.summary.zh).toContain('额外');
    expect(inc.summary.zh).toContain('印尼的 Telkomsel');
    expect(inc.summary.zh).toContain('运营商网络问题');
    expect(inc.summary.en).toContain('Telkomsel in Indonesia');
    expect(inc.summary.en).toContain('an operator network problem');
    expect(inc.affectedOrgs).toEqual(expect.arrayContaining([nusa.id, huaying.id]));
    // An enterprise customer (华映直播) is affected: at least P1, whatever the share.
    expect(['P0', 'P1']).toContain(inc.severity);
  });

  it('answers exactly the contract fields and types', async () => {
    const res = await t.api.get(`/api/v1/incidents/${incidentId}`, agent.token);
    expect(res.status).toBe(200);
    const inc = res.body;
    for (const k of INCIDENT_KEYS) expect(inc).toHaveProperty(k);
    expect(inc.status).toMatch(/^(open|acknowledged|resolved)$/);
    expect(inc.severity).toMatch(/^P[012]$/);
    expect(Array.isArray(inc.metrics) && inc.metrics.every((m: unknown) => typeof m === 'string')).toBe(true);
    for (const k of ['startedAt', 'detectedAt', 'resolvedAt']) expect(new Date(inc[k]).toISOString()).toBe(inc[k]);
    expect(inc.rootCause.every((c: Record<string, unknown>) => Object.values(c).every((v) => typeof v === 'string'))).toBe(true);
    expect(Object.keys(inc.scope).sort()).toEqual(['apps', 'sessions', 'share']);
    expect(typeof inc.observed).toBe('number');
    expect(typeof inc.expected).toBe('number');
    expect(Object.keys(inc.summary).sort()).toEqual(['en', 'zh']);
    expect(typeof inc.ticketId).toBe('string');
    expect((await t.api.get('/api/v1/incidents/nope', agent.token)).status).toBe(404);
  });

  it('opens a monitoring ticket for the first affected organization, linked to the incident', async () => {
    const inc = (await t.api.get(`/api/v1/incidents/${incidentId}`, agent.token)).body;
    const ticket = await t.server.ctx.db.selectFrom('tickets').selectAll().where('id', '=', inc.ticketId).executeTakeFirstOrThrow();
    expect(ticket.channel).toBe('monitoring');
    expect(ticket.incident_ids).toEqual([incidentId]);
    expect(ticket.org_id).toBe(nusa.id); // app-nusa-live carries most of the affected sessions
    expect(ticket.priority).toBe(inc.severity);
    const tickets = await t.server.ctx.db.selectFrom('tickets').select(['id']).where('channel', '=', 'monitoring').execute();
    expect(tickets).toHaveLength(1);
    // The customer sees the ticket in its portal.
    expect((await t.api.get(`/api/v1/tickets/${ticket.id}`, nusaCustomer.token)).status).toBe(200);
  });

  it('records incident.opened, a page and one customer notice per affected organization in the outbox', async () => {
    const db = t.server.ctx.db;
    const opened = await db.selectFrom('outbox').selectAll().where('topic', '=', 'incident.opened').execute();
    expect(opened).toHaveLength(1);
    expect(opened[0]!.payload).toMatchObject({ incidentId });
    const notices = await db.selectFrom('outbox').selectAll().where('topic', '=', 'incident.customer_notice').execute();
    expect(notices.map((n) => n.payload.orgId).sort()).toEqual([nusa.id, huaying.id].sort());
    const pages = await db.selectFrom('pages').selectAll().where('source', '=', 'incident').where('source_id', '=', incidentId).execute();
    expect(pages).toHaveLength(1);
    const resolved = await db.selectFrom('outbox').selectAll().where('topic', '=', 'incident.resolved').execute();
    expect(resolved).toHaveLength(1);
    // The metrics recovered: the page stopped with the incident (nobody is paged on for it).
    expect(pages[0]).toMatchObject({ status: 'resolved', resolved_by: null, next_step_at: null });
  });

  it('shows a customer only the incidents of its organization', async () => {
    const mine = await t.api.get('/api/v1/incidents', nusaCustomer.token);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([incidentId]);
    expect(mine.body.items[0].affectedOrgs).toEqual([nusa.id]);
    // No other customer's name or app, no internal diagnosis.
    expect(mine.body.items[0].scope.apps).toEqual(['app-nusa-live']);
    expect(mine.body.items[0].summary.en).not.toContain('华映');
    expect(mine.body.items[0].summary.en).not.toContain('app-huaying-live');
    expect(mine.body.items[0].summary.zh).toContain('运营商网络问题');
    expect(typeof mine.body.items[0].ticketId).toBe('string'); // its own monitoring ticket
    expect(mine.body.items[0].diagnosis).toEqual({});
    const theirs = await t.api.get('/api/v1/incidents', otherCustomer.token);
    expect(theirs.body.items).toEqual([]);
    expect((await t.api.get(`/api/v1/incidents/${incidentId}`, otherCustomer.token)).status).toBe(404);
    expect((await t.api.call('POST', `/api/v1/incidents/${incidentId}/ack`, { token: nusaCustomer.token })).status).toBe(403);
  });

  it('filters by time: an interval before the incident finds nothing', async () => {
    const before = await t.api.get(`/api/v1/incidents?from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0).toISOString()}`, agent.token);
    expect(before.body.items).toEqual([]);
    const bad = await t.api.get('/api/v1/incidents?from=yesterday', agent.token);
    expect(bad.status).toBe(400);
  });

  it('lets staff acknowledge and resolve an incident', async () => {
    // A fresh open incident: reopen the stored one for the purpose of the test.
    const db = t.server.ctx.db;
    await db.updateTable('incidents').set({ status: 'open', resolved_at: null }).where('id', '=', incidentId).execute();
    await db.updateTable('pages').set({ status: 'triggered', resolved_at: null }).where('source', '=', 'incident').where('source_id', '=', incidentId).execute();
    const page = () => db.selectFrom('pages').selectAll().where('source', '=', 'incident').where('source_id', '=', incidentId).executeTakeFirstOrThrow();
    const ack = await t.api.call('POST', `/api/v1/incidents/${incidentId}/ack`, { token: agent.token });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    expect(ack.body.acknowledgedAt).not.toBeNull();
    // The incident's page follows: the on-call is not paged on for an incident someone took.
    expect(await page()).toMatchObject({ status: 'acknowledged', acknowledged_by: agent.id });
    const res = await t.api.call('POST', `/api/v1/incidents/${incidentId}/resolve`, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('resolved');
    expect(res.body.resolvedAt).not.toBeNull();
    expect((await page()).status).toBe('resolved');
    const again = await t.api.call('POST', `/api/v1/incidents/${incidentId}/ack`, { token: agent.token });
    expect(again.body.status).toBe('resolved');
  });

  it('stores 1-minute rollups of the rollup slices', async () => {
    const db = t.server.ctx.db;
    const global = await db.selectFrom('telemetry_rollups').selectAll().where('dims_key', '=', '').orderBy('minute').execute();
    expect(global.length).toBeGreaterThanOrEqual(12);
    const one = global[3]!;
    expect(one.stats).toBeGreaterThan(1000);
    expect(one.sessions).toBeGreaterThan(1000);
    const tel = await db.selectFrom('telemetry_rollups').selectAll().where('dims_key', '=', 'country=ID|isp=Telkomsel').orderBy('minute').execute();
    const lossOf = (r: (typeof tel)[number]) => r.loss_ms / r.interval_ms;
    const during = tel.find((r) => r.minute.getTime() === OUTAGE.start + 60_000)!;
    const beforeRow = tel.find((r) => r.minute.getTime() === OUTAGE.start - 2 * 60_000)!;
    expect(lossOf(during)).toBeGreaterThan(lossOf(beforeRow) + 0.04);
  });
});
