import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/domain/clock.ts';
import { makeTenant, makeUser, type Person } from '../helpers/fixtures.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { dialects } from '../helpers/services.ts';

// Expectations worked out by hand.
// - America/Chicago: CDT (UTC−5) until Sun 2026-11-01 02:00, then CST (UTC−6).
// - Europe/London: BST (UTC+1) until Sun 2026-10-25 02:00, then GMT (UTC+0).
// 2026-10-30 is a Friday; 2026-11-02 a Monday.

describe.each(dialects())('on-call schedules over HTTP on $name', (dialect) => {
  let t: TestServer;
  const clock = new VirtualClock('2026-10-20T12:00:00Z');
  let agent: Person;
  let customer: Person;
  const u: Record<string, Person> = {};
  let chicago: any;
  let london: any;

  const oncall = async (id: string, at: string) => {
    const res = await t.api.get(`/api/v1/schedules/${id}/oncall?at=${encodeURIComponent(at)}`, agent.token);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, { clock });
    agent = await makeUser(t.api, { role: 'agent', level: 'L2' });
    customer = (await makeTenant(t.api)).customer;
    for (const name of ['a1', 'a2', 'a3', 'w1', 'p1', 'e1', 'e2', 'm1', 'o1', 'o2']) u[name] = await makeUser(t.api, { role: 'agent', level: 'L2', name });

    // Americas: a daily rotation whose 09:00 handoff stays 09:00 local across the US DST change,
    // plus a Friday-night layer (22:00 → 06:00, crossing midnight) on top.
    const res = await t.api.post(
      '/api/v1/schedules',
      {
        name: 'Americas L2',
        timezone: 'America/Chicago',
        layers: [
          { name: 'Americas', start: '2026-10-29T09:00:00-05:00', rotation: { type: 'daily' }, users: [u.a1!.id, u.a2!.id, u.a3!.id] },
          { name: 'Friday night', start: '2026-10-26T00:00:00', rotation: { type: 'weekly' }, users: [u.w1!.id], restrictions: [{ days: ['fri'], start: '22:00', end: '06:00' }] },
        ],
      },
      ADMIN_TOKEN,
    );
    expect(res.status).toBe(201);
    chicago = res.body;

    // Follow the sun, in London time: APAC 23:00–07:00 (crossing midnight), EMEA 07:00–15:00,
    // Americas 15:00–23:00; the body's own overrides come first in creation order.
    const all = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    const res2 = await t.api.post(
      '/api/v1/schedules',
      {
        name: 'Follow the sun',
        timezone: 'Europe/London',
        layers: [
          { name: 'APAC', start: '2026-10-19T00:00:00+01:00', rotation: { type: 'weekly' }, users: [u.p1!.id], restrictions: [{ days: all, start: '23:00', end: '07:00' }] },
          { name: 'EMEA', start: '2026-10-19T07:00:00+01:00', rotation: { type: 'weekly' }, users: [u.e1!.id, u.e2!.id], restrictions: [{ days: all, start: '07:00', end: '15:00' }] },
          { name: 'Americas', start: '2026-10-19T00:00:00+01:00', rotation: { type: 'hours', hours: 12 }, users: [u.m1!.id], restrictions: [{ days: all, start: '15:00', end: '23:00' }] },
        ],
        overrides: [{ start: '2026-10-25T08:00:00Z', end: '2026-10-25T12:00:00Z', user: u.o1!.id }],
      },
      ADMIN_TOKEN,
    );
    expect(res2.status).toBe(201);
    london = res2.body;
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('stores a schedule as posted and lists it', async () => {
    expect(chicago).toMatchObject({ id: expect.any(String), name: 'Americas L2', timezone: 'America/Chicago' });
    expect(chicago.layers[0]).toMatchObject({ name: 'Americas', start: '2026-10-29T14:00:00.000Z', rotation: { type: 'daily' }, users: [u.a1!.id, u.a2!.id, u.a3!.id] });
    // Wall-clock time without an offset is read in the schedule's zone (CDT on 2026-10-26).
    expect(chicago.layers[1].start).toBe('2026-10-26T05:00:00.000Z');
    const one = await t.api.get(`/api/v1/schedules/${london.id}`, agent.token);
    expect(one.status).toBe(200);
    expect(one.body.overrides).toEqual([expect.objectContaining({ start: '2026-10-25T08:00:00.000Z', end: '2026-10-25T12:00:00.000Z', user: u.o1!.id })]);
    const list = await t.api.get('/api/v1/schedules', agent.token);
    expect(list.body.items.map((s: any) => s.id)).toEqual(expect.arrayContaining([chicago.id, london.id]));
  });

  it('answers exactly {user, layer, override}, at now from the clock when no instant is given', async () => {
    const res = await t.api.get(`/api/v1/schedules/${chicago.id}/oncall`, agent.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: null, layer: null, override: false }); // before the layers start
    const later = await oncall(chicago.id, '2026-10-29T15:00:00Z');
    expect(Object.keys(later).sort()).toEqual(['layer', 'override', 'user']);
    expect(later).toEqual({ user: u.a1!.id, layer: 'Americas', override: false });
  });

  it.each([
    ['2026-10-30T13:59:59Z', 'a1', 'Americas', 'Friday 08:59 CDT: still Thursday’s shift'],
    ['2026-10-30T14:00:00Z', 'a2', 'Americas', 'Friday 09:00 CDT handoff'],
    ['2026-10-31T03:00:00Z', 'w1', 'Friday night', 'Friday 22:00 CDT: the night layer opens'],
    ['2026-10-31T10:59:59Z', 'w1', 'Friday night', 'Saturday 05:59 CDT: still the Friday window'],
    ['2026-10-31T11:00:00Z', 'a2', 'Americas', 'Saturday 06:00 CDT: the window closed'],
    ['2026-10-31T14:00:00Z', 'a3', 'Americas', 'Saturday 09:00 CDT handoff'],
    ['2026-11-01T14:30:00Z', 'a3', 'Americas', 'Sunday 08:30 CST: the 25-hour shift across the DST change'],
    ['2026-11-01T15:00:00Z', 'a1', 'Americas', 'Sunday 09:00 CST handoff, an hour later in UTC'],
    ['2026-11-07T03:59:59Z', 'a3', 'Americas', 'Friday 21:59 CST'],
    ['2026-11-07T04:00:00Z', 'w1', 'Friday night', 'Friday 22:00 CST: the window follows local time'],
  ])('Chicago at %s → %s (%s)', async (at, who, layer) => {
    expect(await oncall(chicago.id, at)).toEqual({ user: u[who]!.id, layer, override: false });
  });

  it.each([
    ['2026-10-24T05:59:59Z', 'p1', 'APAC', 'Saturday 06:59 BST'],
    ['2026-10-24T06:00:00Z', 'e1', 'EMEA', 'Saturday 07:00 BST'],
    ['2026-10-24T14:00:00Z', 'm1', 'Americas', 'Saturday 15:00 BST'],
    ['2026-10-24T22:00:00Z', 'p1', 'APAC', 'Saturday 23:00 BST: the night window starts'],
    ['2026-10-25T06:30:00Z', 'p1', 'APAC', 'Sunday 06:30 GMT: the night that lasted nine hours'],
    ['2026-10-25T07:00:00Z', 'e1', 'EMEA', 'Sunday 07:00 GMT'],
    ['2026-10-26T06:59:59Z', 'p1', 'APAC', 'Monday 06:59 GMT'],
    ['2026-10-26T07:00:00Z', 'e2', 'EMEA', 'Monday 07:00 GMT: weekly handoff at local 07:00'],
    ['2026-10-26T15:00:00Z', 'm1', 'Americas', 'Monday 15:00 GMT'],
  ])('London at %s → %s (%s)', async (at, who, layer) => {
    expect(await oncall(london.id, at)).toEqual({ user: u[who]!.id, layer, override: false });
  });

  it('lets the override created last win, and the layers return where no override is active', async () => {
    const res = await t.api.post(`/api/v1/schedules/${london.id}/overrides`, { start: '2026-10-25T10:00:00Z', end: '2026-10-25T11:00:00Z', user: u.o2!.id }, ADMIN_TOKEN);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ start: '2026-10-25T10:00:00.000Z', end: '2026-10-25T11:00:00.000Z', user: u.o2!.id });
    expect(await oncall(london.id, '2026-10-25T09:00:00Z')).toEqual({ user: u.o1!.id, layer: null, override: true });
    expect(await oncall(london.id, '2026-10-25T10:30:00Z')).toEqual({ user: u.o2!.id, layer: null, override: true });
    expect(await oncall(london.id, '2026-10-25T11:00:00Z')).toEqual({ user: u.o1!.id, layer: null, override: true });
    expect(await oncall(london.id, '2026-10-25T12:00:00Z')).toEqual({ user: u.e1!.id, layer: 'EMEA', override: false });
    // An override created later, covering the earlier ones entirely, wins over both.
    await t.api.post(`/api/v1/schedules/${london.id}/overrides`, { start: '2026-10-25T09:30:00Z', end: '2026-10-25T11:30:00Z', user: u.m1!.id }, ADMIN_TOKEN);
    expect(await oncall(london.id, '2026-10-25T10:30:00Z')).toEqual({ user: u.m1!.id, layer: null, override: true });
  });

  it('reads an unencoded "+" offset in ?at= (it arrives as a space)', async () => {
    const res = await t.api.get(`/api/v1/schedules/${chicago.id}/oncall?at=2026-11-01T09:30:00-06:00`, agent.token);
    expect(res.body).toEqual({ user: u.a1!.id, layer: 'Americas', override: false });
    const plus = await t.api.get(`/api/v1/schedules/${london.id}/oncall?at=2026-10-24T08:00:00+01:00`, agent.token);
    expect(plus.status).toBe(200);
    expect(plus.body).toEqual({ user: u.e1!.id, layer: 'EMEA', override: false });
  });

  it('gives the shift timeline built from boundaries, with the 25-hour shift whole', async () => {
    const res = await t.api.get(`/api/v1/schedules/${chicago.id}/shifts?from=2026-10-31T14:00:00Z&to=2026-11-01T16:00:00Z`, agent.token);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { start: '2026-10-31T14:00:00.000Z', end: '2026-11-01T15:00:00.000Z', user: u.a3!.id, layer: 'Americas', override: false },
      { start: '2026-11-01T15:00:00.000Z', end: '2026-11-01T16:00:00.000Z', user: u.a1!.id, layer: 'Americas', override: false },
    ]);
    const night = await t.api.get(`/api/v1/schedules/${chicago.id}/shifts?from=2026-10-30T20:00:00-05:00&to=2026-10-31T08:00:00-05:00`, agent.token);
    expect(night.body.items.map((s: any) => [s.start, s.end, s.layer])).toEqual([
      ['2026-10-31T01:00:00.000Z', '2026-10-31T03:00:00.000Z', 'Americas'],
      ['2026-10-31T03:00:00.000Z', '2026-10-31T11:00:00.000Z', 'Friday night'],
      ['2026-10-31T11:00:00.000Z', '2026-10-31T13:00:00.000Z', 'Americas'],
    ]);
  });

  it('reports coverage gaps over the next days', async () => {
    const gaps = await t.api.get(`/api/v1/schedules/${chicago.id}/gaps?days=14`, agent.token);
    expect(gaps.status).toBe(200);
    expect(gaps.body.items).toEqual([{ start: '2026-10-20T12:00:00.000Z', end: '2026-10-29T14:00:00.000Z' }]);
    const none = await t.api.get(`/api/v1/schedules/${london.id}/gaps`, agent.token);
    expect(none.body.items).toEqual([]);
  });

  it('exports iCal feeds per schedule and per person', async () => {
    const ics = await t.api.get(`/api/v1/schedules/${chicago.id}.ics?lang=en`, agent.token);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(ics.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.body).toContain('DTSTART:20261031T140000Z\r\nDTEND:20261101T150000Z');
    expect(ics.body).toContain('SUMMARY:On call: a3 — Americas L2');
    const mine = await t.api.get(`/api/v1/users/${u.a3!.id}/oncall.ics?lang=zh`, agent.token);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(mine.body).toContain('DTSTART:20261031T140000Z');
    expect(mine.body).toContain('值班：a3');
    expect(mine.body).not.toContain('a1 —');
  });

  it('keeps schedules to staff: customers 403, agents read, only admins write', async () => {
    expect((await t.api.get(`/api/v1/schedules/${chicago.id}/oncall`, customer.token)).status).toBe(403);
    expect((await t.api.get('/api/v1/schedules', customer.token)).status).toBe(403);
    expect((await t.api.get(`/api/v1/schedules/${chicago.id}.ics`, customer.token)).status).toBe(403);
    const body = { name: 'x', timezone: 'UTC', layers: [] };
    expect((await t.api.post('/api/v1/schedules', body, customer.token)).status).toBe(403);
    expect((await t.api.post('/api/v1/schedules', body, agent.token)).status).toBe(403);
    expect((await t.api.post(`/api/v1/schedules/${chicago.id}/overrides`, { start: '2026-11-01T00:00:00Z', end: '2026-11-01T01:00:00Z', user: agent.id }, agent.token)).status).toBe(403);
    expect((await t.api.get('/api/v1/schedules/nope/oncall', agent.token)).status).toBe(404);
    expect((await t.api.get('/api/v1/schedules/nope/oncall', null)).status).toBe(401);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'body.timezone'],
    ['a bad layer start', { layers: [{ name: 'L', start: '2026-13-40T09:00:00Z', rotation: { type: 'daily' }, users: ['x'] }] }, 'body.layers.0.start'],
    ['a zero-hour rotation', { layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'hours', hours: 0 }, users: ['x'] }] }, 'body.layers.0.rotation.hours'],
    ['a rotation of a million days', { layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'days', days: 1_000_000 }, users: ['x'] }] }, 'body.layers.0.rotation.days'],
    ['an unknown rotation type', { layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'monthly' }, users: ['x'] }] }, 'body.layers.0.rotation.type'],
    ['a restriction time past 24:00', { layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'daily' }, users: ['x'], restrictions: [{ days: ['mon'], start: '25:00', end: '06:00' }] }] }, 'body.layers.0.restrictions.0.start'],
    ['an override ending before it starts', { overrides: [{ start: '2026-11-02T10:00:00Z', end: '2026-11-02T09:00:00Z', user: 'x' }] }, 'body.overrides.0.end'],
    ['a layer without users', { layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'daily' }, users: [] }] }, 'body.layers.0.users'],
    ['a wrong type', { name: 42 }, 'body.name'],
  ])('rejects %s with 400 and the field path', async (_what, patch, path) => {
    const res = await t.api.post('/api/v1/schedules', { name: 'bad', timezone: 'Asia/Shanghai', layers: [], ...patch }, ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation');
    expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
  });

  it('rejects users that do not exist or are customers, with their paths', async () => {
    const res = await t.api.post(
      '/api/v1/schedules',
      { name: 'bad users', timezone: 'UTC', layers: [{ name: 'L', start: '2026-11-02T09:00:00Z', rotation: { type: 'daily' }, users: [u.a1!.id, 'ghost', customer.id] }] },
      ADMIN_TOKEN,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.path)).toEqual(['body.layers.0.users.1', 'body.layers.0.users.2']);
  });

  it('rejects bad query instants and ranges with 400, never 500', async () => {
    for (const q of ['at=yesterday', 'at=2026-02-30T00:00:00Z', 'at=2026-11-01T09:00:00%2B99:00']) {
      const res = await t.api.get(`/api/v1/schedules/${chicago.id}/oncall?${q}`, agent.token);
      expect(res.status, q).toBe(400);
      expect(res.body.error.details[0].path).toBe('querystring.at');
    }
    expect((await t.api.get(`/api/v1/schedules/${chicago.id}/shifts?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`, agent.token)).status).toBe(400);
    expect((await t.api.get(`/api/v1/schedules/${chicago.id}/shifts?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, agent.token)).status).toBe(400);
    expect((await t.api.get(`/api/v1/schedules/${chicago.id}/gaps?days=0`, agent.token)).status).toBe(400);
    const badOverride = await t.api.post(`/api/v1/schedules/${chicago.id}/overrides`, { start: 'soon', end: '2026-11-01T00:00:00Z', user: 'ghost' }, ADMIN_TOKEN);
    expect(badOverride.status).toBe(400);
    expect(badOverride.body.error.details.map((d: any) => d.path)).toEqual(['body.start', 'body.user']);
  });

  it('describes the on-call endpoints in the OpenAPI document', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    const paths = Object.keys(doc.body.paths);
    for (const p of ['/api/v1/schedules', '/api/v1/schedules/{id}/oncall', '/api/v1/schedules/{id}/overrides', '/api/v1/escalation-policies', '/api/v1/pages', '/api/v1/pages/{id}/ack', '/api/v1/outbox']) {
      expect(paths).toContain(p);
    }
  });
});
