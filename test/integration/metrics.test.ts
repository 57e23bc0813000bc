import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { csvField } from '../../src/http/routes/metrics/csv.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser, type Person } from '../helpers/fixtures.ts';

const MIN = 60;
const HOUR = 3600;
const RANGE = 'from=2026-11-02T08:00:00%2B08:00&to=2026-11-03T08:00:00%2B08:00'; // Monday in Shanghai

/**
 * A small desk with known answers (Shanghai = UTC+8; the default business calendar is
 * Mon–Fri 09:00–12:00 and 13:30–18:00 Shanghai). Inside the range, Monday 2026-11-02:
 * - E1, E2, E3: Enterprise P1 (24×7: first response 30 min, resolution 8 h), created 01:00Z,
 *   answered after 10, 20 and 40 minutes; E1 solved after 1 h, E2 solved after 9 h and closed,
 *   E3 still open (a customer asked to escalate it).
 * - E4: Enterprise P0 (24×7: 15 min / 4 h), pending from +5 to +25 min, answered at +30 min
 *   (10 min on the clock, 30 wall), escalated by an agent to L2.
 * - B1: Basic P2 (business calendar: 8 business hours / 3 business days), created Monday 17:00
 *   Shanghai, answered Tuesday 10:00 (2 business hours, 17 wall), solved Tuesday 11:00.
 * Outside it: B0 (Sunday before) and X (Tuesday after). Evaluated at Tuesday 03:00Z.
 */
describe.each(dialects())('service metrics on $name', (dialect) => {
  let t: TestServer;
  const clock = new VirtualClock('2026-11-01T12:00:00Z');
  let agent: Person;
  let enterpriseCustomer: Person;
  let basicCustomer: Person;
  let basicOrgId = '';
  const ids: Record<string, string> = {};
  const reply = async (id: string, token: string) => {
    const r = await t.api.post(`/api/v1/tickets/${id}/comments`, { body: 'on it', public: true }, token);
    expect(r.status).toBe(201);
  };
  const status = async (id: string, s: string) => expect((await t.api.patch(`/api/v1/tickets/${id}`, { status: s }, agent.token)).status).toBe(200);

  beforeAll(async () => {
    t = await startTestServer(dialect, { clock });
    agent = await makeUser(t.api, { role: 'agent' });
    const ent = await makeTenant(t.api, { tier: 'enterprise' });
    const basic = await makeTenant(t.api, { tier: 'basic' });
    enterpriseCustomer = ent.customer;
    basicCustomer = basic.customer;
    basicOrgId = basic.org.id;

    clock.set('2026-11-01T12:00:00Z');
    await makeTicket(t.api, basicCustomer.token, { priority: 'P3', subject: 'B0 before the range' });

    clock.set('2026-11-02T01:00:00Z');
    const e1 = await makeTicket(t.api, enterpriseCustomer.token, { priority: 'P1', subject: 'E1' });
    const e2 = await makeTicket(t.api, enterpriseCustomer.token, { priority: 'P1', subject: 'E2' });
    const e3 = await makeTicket(t.api, enterpriseCustomer.token, { priority: 'P1', subject: 'E3' });
    const e4 = await makeTicket(t.api, enterpriseCustomer.token, { priority: 'P0', subject: 'E4' });
    Object.assign(ids, { e1: e1.id, e2: e2.id, e3: e3.id, e4: e4.id });
    clock.set('2026-11-02T01:05:00Z');
    await status(e4.id, 'pending');
    clock.set('2026-11-02T01:10:00Z');
    await reply(e1.id, agent.token);
    clock.set('2026-11-02T01:20:00Z');
    await reply(e2.id, agent.token);
    clock.set('2026-11-02T01:25:00Z');
    await reply(e4.id, enterpriseCustomer.token); // pending → open
    clock.set('2026-11-02T01:30:00Z');
    await reply(e4.id, agent.token);
    // (A P0 already has L2 on it: the emergency process escalates it automatically.)
    expect((await t.api.post(`/api/v1/tickets/${e4.id}/escalations`, { to: 'ARCH', reason: 'needs the architect' }, agent.token)).status).toBe(201);
    clock.set('2026-11-02T01:40:00Z');
    await reply(e3.id, agent.token);
    expect((await t.api.post(`/api/v1/tickets/${e3.id}/escalations`, { reason: 'still broken' }, enterpriseCustomer.token)).status).toBe(201);
    clock.set('2026-11-02T02:00:00Z');
    await status(e1.id, 'solved');
    clock.set('2026-11-02T09:00:00Z');
    const b1 = await makeTicket(t.api, basicCustomer.token, { priority: 'P2', subject: 'B1' });
    ids.b1 = b1.id;
    clock.set('2026-11-02T10:00:00Z');
    await status(e2.id, 'solved');
    await status(e2.id, 'closed');
    clock.set('2026-11-03T01:00:00Z');
    await makeTicket(t.api, enterpriseCustomer.token, { priority: 'P1', subject: 'X after the range' });
    clock.set('2026-11-03T02:00:00Z');
    await reply(b1.id, agent.token);
    clock.set('2026-11-03T03:00:00Z');
    await status(b1.id, 'solved');
    // Let the durable timers catch up with the virtual clock (SLA breaches may escalate on their
    // own), so nothing changes under the figures while the clock stands still.
    await t.server.background.tick();
  });

  afterAll(async () => {
    await t?.stop();
  });

  /**
   * Escalations the desk makes on its own (the P0 emergency process, SLA breaches through the
   * timers), whose number this suite does not fix: counted in the table for the given tickets.
   */
  const autoEscalations = async (...names: string[]) =>
    Number(
      (
        await t.server.ctx.db
          .selectFrom('escalations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'auto')
          .where('ticket_id', 'in', names.map((n) => ids[n]!))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('reports every figure overall for the tickets created in [from, to)', async () => {
    const res = await t.api.get(`/api/v1/metrics/sla?${RANGE}`, agent.token);
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m).toMatchObject({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', asOf: '2026-11-03T03:00:00.000Z', unevaluated: 0 });
    expect(m.filters).toEqual({ tier: null, priority: null, orgId: null });
    const o = m.overall;
    expect(o.tickets).toBe(5); // E1–E4, B1 (not B0, not X)
    expect(o.resolved).toBe(3); // E1 solved, E2 closed, B1 solved
    expect(o.resolutionRate).toBeCloseTo(3 / 5, 12);
    // First response on the clock: 600, 1200, 2400, 600 (E4 paused 20 min), 7200 (B1: Mon 17–18 + Tue 09–10).
    expect(o.firstResponse).toEqual({ count: 5, business: { avgSeconds: 2400, p90Seconds: 7200 }, wall: { avgSeconds: 13_440, p90Seconds: 61_200 } });
    // Resolution: E1 3600, E2 32400, B1 10800 on the clock (64800 wall: Mon 17:00 → Tue 11:00).
    expect(o.resolution).toEqual({ count: 3, business: { avgSeconds: 15_600, p90Seconds: 32_400 }, wall: { avgSeconds: 33_600, p90Seconds: 64_800 } });
    expect(o.attainment.firstResponse).toEqual({ clocks: 5, breached: 1, inProgress: 0, rate: 0.8 }); // E3 answered after 40 of 30 min
    expect(o.attainment.resolution).toEqual({ clocks: 5, breached: 3, inProgress: 0, rate: 0.4 }); // E2 late, E3 and E4 still open past 8 h / 4 h
    const auto = await autoEscalations('e1', 'e2', 'e3', 'e4', 'b1');
    expect(o.escalations).toEqual({ manual: 1, customer_request: 1, auto, total: 2 + auto });
  });

  it('groups by tier, by priority and by tier × priority', async () => {
    const m = (await t.api.get(`/api/v1/metrics/sla?${RANGE}`, agent.token)).body;
    expect(m.byTier.map((g: any) => [g.tier, g.tickets])).toEqual([
      ['basic', 1],
      ['enterprise', 4],
    ]);
    expect(m.byPriority.map((g: any) => [g.priority, g.tickets])).toEqual([
      ['P0', 1],
      ['P1', 3],
      ['P2', 1],
    ]);
    expect(m.byTierPriority.map((g: any) => `${g.tier}/${g.priority}`)).toEqual(['basic/P2', 'enterprise/P0', 'enterprise/P1']);

    const p1 = m.byTierPriority.find((g: any) => g.tier === 'enterprise' && g.priority === 'P1');
    // Answered after 10, 20 and 40 minutes: average 23:20, p90 40 min, 2 of 3 in time.
    expect(p1.firstResponse).toEqual({ count: 3, business: { avgSeconds: 23 * MIN + 20, p90Seconds: 40 * MIN }, wall: { avgSeconds: 23 * MIN + 20, p90Seconds: 40 * MIN } });
    expect(p1.attainment.firstResponse.rate).toBeCloseTo(2 / 3, 12);
    expect(p1.attainment.firstResponse).toMatchObject({ clocks: 3, breached: 1 });
    expect(p1.resolution).toEqual({ count: 2, business: { avgSeconds: 5 * HOUR, p90Seconds: 9 * HOUR }, wall: { avgSeconds: 5 * HOUR, p90Seconds: 9 * HOUR } });
    expect(p1.attainment.resolution).toMatchObject({ clocks: 3, breached: 2 });
    expect(p1.resolved).toBe(2);
    expect(p1.resolutionRate).toBeCloseTo(2 / 3, 12);
    expect(p1.escalations).toMatchObject({ manual: 0, customer_request: 1 });

    const p0 = m.byTierPriority.find((g: any) => g.priority === 'P0');
    // Pending pauses the clock: 10 minutes counted, 30 minutes waited.
    expect(p0.firstResponse).toEqual({ count: 1, business: { avgSeconds: 600, p90Seconds: 600 }, wall: { avgSeconds: 1800, p90Seconds: 1800 } });
    expect(p0.attainment.firstResponse.rate).toBe(1);
    expect(p0.attainment.resolution).toMatchObject({ clocks: 1, breached: 1, rate: 0 });
    expect(p0.resolution.count).toBe(0);
    expect(p0.resolution.business).toEqual({ avgSeconds: null, p90Seconds: null });
    expect(p0.escalations).toEqual({ manual: 1, customer_request: 0, auto: await autoEscalations('e4'), total: 1 + (await autoEscalations('e4')) });

    const basic = m.byTier.find((g: any) => g.tier === 'basic');
    expect(basic.firstResponse).toEqual({ count: 1, business: { avgSeconds: 2 * HOUR, p90Seconds: 2 * HOUR }, wall: { avgSeconds: 17 * HOUR, p90Seconds: 17 * HOUR } });
    expect(basic.resolution).toEqual({ count: 1, business: { avgSeconds: 3 * HOUR, p90Seconds: 3 * HOUR }, wall: { avgSeconds: 18 * HOUR, p90Seconds: 18 * HOUR } });
    expect(basic.attainment.firstResponse.rate).toBe(1);
    expect(basic.attainment.resolution.rate).toBe(1);

    const ent = m.byTier.find((g: any) => g.tier === 'enterprise');
    expect(ent.firstResponse.business).toEqual({ avgSeconds: (600 + 1200 + 2400 + 600) / 4, p90Seconds: 2400 });
    expect(ent.firstResponse.wall).toEqual({ avgSeconds: (600 + 1200 + 2400 + 1800) / 4, p90Seconds: 2400 });
  });

  it('counts a running clock as attained until it breaches (evaluated as of now)', async () => {
    clock.set('2026-11-03T03:00:00Z');
    const { customer } = await makeTenant(t.api, { tier: 'enterprise' });
    await makeTicket(t.api, customer.token, { priority: 'P1' });
    const range = 'from=2026-11-03T03:00:00Z&to=2026-11-03T04:00:00Z';
    const fresh = (await t.api.get(`/api/v1/metrics/sla?${range}`, agent.token)).body.overall;
    expect(fresh.attainment.firstResponse).toEqual({ clocks: 1, breached: 0, inProgress: 1, rate: 1 });
    expect(fresh.firstResponse.count).toBe(0);
    clock.set('2026-11-03T03:31:00Z');
    const late = (await t.api.get(`/api/v1/metrics/sla?${range}`, agent.token)).body.overall;
    expect(late.attainment.firstResponse).toEqual({ clocks: 1, breached: 1, inProgress: 0, rate: 0 });
    clock.set('2026-11-03T03:00:00Z');
  });

  it('filters by tier, priority and organization', async () => {
    const basic = (await t.api.get(`/api/v1/metrics/sla?${RANGE}&tier=basic`, agent.token)).body;
    expect(basic.filters).toEqual({ tier: ['basic'], priority: null, orgId: null });
    expect(basic.overall.tickets).toBe(1);
    expect(basic.byTierPriority.map((g: any) => `${g.tier}/${g.priority}`)).toEqual(['basic/P2']);
    const p1 = (await t.api.get(`/api/v1/metrics/sla?${RANGE}&priority=P1`, agent.token)).body;
    expect(p1.overall.tickets).toBe(3);
    expect(p1.overall.firstResponse.business.avgSeconds).toBe(1400);
    const several = (await t.api.get(`/api/v1/metrics/sla?${RANGE}&priority=P0,P2`, agent.token)).body;
    expect(several.overall.tickets).toBe(2);
    const org = (await t.api.get(`/api/v1/metrics/sla?${RANGE}&orgId=${basicOrgId}`, agent.token)).body;
    expect(org.overall.tickets).toBe(1);
    expect(org.filters.orgId).toBe(basicOrgId);
    const none = (await t.api.get(`/api/v1/metrics/sla?${RANGE}&orgId=no-such-org`, agent.token)).body;
    expect(none.overall).toMatchObject({ tickets: 0, resolved: 0, resolutionRate: null });
    expect(none.overall.firstResponse).toEqual({ count: 0, business: { avgSeconds: null, p90Seconds: null }, wall: { avgSeconds: null, p90Seconds: null } });
    expect(none.overall.attainment.firstResponse.rate).toBeNull();
    expect(none.byTier).toEqual([]);
  });

  it('pages through more tickets than one chunk without losing or repeating any', async () => {
    // 501 tickets created within one millisecond: the keyset cursor must break ties by id and keep
    // the column's microseconds.
    clock.set('2026-11-10T01:00:00Z');
    const { org, customer } = await makeTenant(t.api, { tier: 'advanced' });
    const db = t.server.ctx.db;
    const ids = Array.from({ length: 501 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
    const at = new Date('2026-11-10T01:00:00.000Z');
    await db
      .insertInto('tickets')
      .values(ids.map((id) => ({ id, org_id: org.id, requester_id: customer.id, subject: id, description: 'x', priority: 'P1' as const, status: 'new' as const, channel: 'api', level: 'L1' as const, rtc: '{}', tags: '[]', incident_ids: '[]', created_at: at, updated_at: at })))
      .execute();
    await db
      .insertInto('ticket_events')
      .values(ids.map((id) => ({ ticket_id: id, at, type: 'created', actor_id: customer.id, public: true, body: 'x', data: JSON.stringify({ priority: 'P1' }) })))
      .execute();
    // Stored instants have microseconds (a Date has milliseconds): spread some within the millisecond.
    await sql`update tickets set created_at = created_at + (cast(substr(id, 6) as integer) % 3) * interval '1 microsecond' where org_id = ${org.id}`.execute(db);
    clock.set('2026-11-10T02:00:00Z');
    const m = (await t.api.get(`/api/v1/metrics/sla?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z&orgId=${org.id}`, agent.token)).body;
    expect(m.overall.tickets).toBe(501);
    // Advanced P1: 60-minute first response, so every one of them is exactly at its target, not over it.
    expect(m.overall.attainment.firstResponse).toEqual({ clocks: 501, breached: 0, inProgress: 501, rate: 1 });
    clock.set('2026-11-03T03:00:00Z');
  });

  it('exports the same figures as CSV with a header row', async () => {
    const res = await t.api.get(`/api/v1/metrics/sla.csv?${RANGE}`, agent.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sla-metrics-20261102T000000Z-20261103T000000Z.csv"');
    const text = res.body as unknown as string;
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.trimEnd().split('\r\n').map((l) => l.split(','));
    const header = lines[0]!;
    expect(header.slice(0, 6)).toEqual(['from', 'to', 'group', 'tier', 'priority', 'tickets']);
    expect(lines.slice(1).map((l) => l.slice(2, 5).join('/'))).toEqual([
      'overall//',
      'tier/basic/',
      'tier/enterprise/',
      'priority//P0',
      'priority//P1',
      'priority//P2',
      'tier_priority/basic/P2',
      'tier_priority/enterprise/P0',
      'tier_priority/enterprise/P1',
    ]);
    for (const l of lines) expect(l).toHaveLength(header.length);
    const rec = (l: string[]) => Object.fromEntries(header.map((h, i) => [h, l[i]]));
    const overall = rec(lines[1]!);
    expect(overall).toMatchObject({ from: '2026-11-02T00:00:00.000Z', tickets: '5', resolved: '3', resolution_rate: '0.6', first_response_avg_s: '2400', first_response_p90_s: '7200', first_response_wall_avg_s: '13440', resolution_p90_s: '32400', first_response_attainment: '0.8', resolution_attainment: '0.4', escalations_manual: '1', escalations_customer_request: '1' });
    const p1 = rec(lines[9]!);
    expect(p1).toMatchObject({ tickets: '3', first_response_count: '3', first_response_avg_s: '1400', first_response_p90_s: '2400', first_response_attainment: '0.666667', resolution_avg_s: '18000' });
    const p0 = rec(lines[8]!);
    expect(p0).toMatchObject({ resolution_count: '0', resolution_avg_s: '', resolution_p90_s: '' }); // no figure: an empty field
  });

  it('escapes CSV fields', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('is for support staff only', async () => {
    for (const path of ['/api/v1/metrics/sla', '/api/v1/metrics/sla.csv']) {
      const customer = await t.api.get(`${path}?${RANGE}`, enterpriseCustomer.token);
      expect(customer.status).toBe(403);
      expect(customer.body.error.code).toBe('forbidden');
      expect((await t.api.get(`${path}?${RANGE}`)).status).toBe(401);
      expect((await t.api.get(`${path}?${RANGE}`, ADMIN_TOKEN)).status).toBe(200);
    }
    expect((await t.api.get(`/api/v1/metrics/sla?${RANGE}&orgId=x`, basicCustomer.token)).status).toBe(403);
  });

  it('rejects bad ranges and filters with 400 and the field path', async () => {
    const cases: Array<[string, string]> = [
      ['to=2026-11-03T00:00:00Z', 'querystring.from'],
      ['from=2026-11-02T00:00:00Z', 'querystring.to'],
      ['from=2026-11-02T00:00:00&to=2026-11-03T00:00:00Z', 'querystring.from'], // no offset
      ['from=2026-11-02&to=2026-11-03T00:00:00Z', 'querystring.from'],
      ['from=yesterday&to=2026-11-03T00:00:00Z', 'querystring.from'],
      ['from=2026-02-30T00:00:00Z&to=2026-11-03T00:00:00Z', 'querystring.from'],
      ['from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z', 'querystring.to'], // to before from
      ['from=2026-11-02T00:00:00Z&to=2026-11-02T00:00:00Z', 'querystring.to'], // empty range
      ['from=2026-11-02T08:00:00%2B08:00&to=2026-11-02T00:00:00Z', 'querystring.to'], // the same instant
      ['from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:01Z', 'querystring.to'], // 366 days and a second
      [`${RANGE}&tier=gold`, 'querystring.tier'],
      [`${RANGE}&tier=basic,`, 'querystring.tier'],
      [`${RANGE}&priority=P7`, 'querystring.priority'],
      [`${RANGE}&orgId=${'x'.repeat(101)}`, 'querystring.orgId'],
    ];
    for (const [q, path] of cases) {
      for (const p of ['/api/v1/metrics/sla', '/api/v1/metrics/sla.csv']) {
        const res = await t.api.get(`${p}?${q}`, agent.token);
        expect(res.status, `${p}?${q}`).toBe(400);
        expect(res.body.error.code).toBe('validation');
        expect(res.body.error.details.map((d: any) => d.path), `${p}?${q}`).toContain(path);
      }
    }
    // 366 days exactly is allowed (a leap year's worth).
    expect((await t.api.get('/api/v1/metrics/sla?from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', agent.token)).status).toBe(200);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.api.get('/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/metrics/sla'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'tier', 'priority', 'orgId']));
    expect(Object.keys(doc.paths['/api/v1/metrics/sla.csv'].get.responses['200'].content)).toEqual(['text/csv']);
  });
});
