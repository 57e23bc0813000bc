import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryRecord } from '../../src/domain/telemetry/record.ts';
import { ingestFor } from '../../src/ingest/runtime.ts';
import { makeOrg, makeUser, type Person } from '../helpers/fixtures.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 3, 12, 0, 0);
const MINUTES = 4;
const iso = (ms: number) => new Date(ms).toISOString();
const RANGE = `from=${iso(T0)}&to=${iso(T0 + MINUTES * MIN)}`;

interface SessionDef {
  app: string;
  country: string;
  isp: string;
  os: 'android' | 'ios';
  sdk: string;
  edge: string;
  lossPct: number;
  rttMs: number;
  /** e2eMs per stats record (undefined: none, so rttMs decides network delay). */
  e2eMs?: number;
  vFreezeMs: number;
  aFreezeMs: number;
  avSyncMs?: number;
  join: { ok: boolean; joinMs: number; firstFrameMs?: number };
  leave: 'normal' | 'error' | 'timeout';
}

// Small, hand-made traffic: every value is chosen so sums are exact in binary floating point.
const SESSIONS: SessionDef[] = [
  { app: 'app-q-a', country: 'ID', isp: 'Telkomsel', os: 'android', sdk: '4.2.1', edge: 'edge-jkt-1', lossPct: 10, rttMs: 120, vFreezeMs: 500, aFreezeMs: 250, avSyncMs: 300, join: { ok: true, joinMs: 800, firstFrameMs: 2500 }, leave: 'error' },
  { app: 'app-q-a', country: 'ID', isp: 'Telkomsel', os: 'ios', sdk: '4.3.0', edge: 'edge-jkt-1', lossPct: 8, rttMs: 450, vFreezeMs: 250, aFreezeMs: 0, join: { ok: true, joinMs: 6000, firstFrameMs: 1500 }, leave: 'normal' },
  { app: 'app-q-a', country: 'ID', isp: 'Indosat', os: 'android', sdk: '4.2.1', edge: 'edge-jkt-2', lossPct: 1, rttMs: 80, e2eMs: 500, vFreezeMs: 0, aFreezeMs: 0, avSyncMs: 100, join: { ok: true, joinMs: 700, firstFrameMs: 900 }, leave: 'normal' },
  { app: 'app-q-b', country: 'ID', isp: 'Telkomsel', os: 'android', sdk: '4.3.0', edge: 'edge-jkt-1', lossPct: 6, rttMs: 140, e2eMs: 200, vFreezeMs: 250, aFreezeMs: 125, join: { ok: false, joinMs: 3000 }, leave: 'timeout' },
  { app: 'app-q-b', country: 'VN', isp: 'Viettel', os: 'ios', sdk: '4.2.1', edge: 'edge-sgn-1', lossPct: 2, rttMs: 60, vFreezeMs: 0, aFreezeMs: 0, avSyncMs: -250, join: { ok: true, joinMs: 400, firstFrameMs: 700 }, leave: 'normal' },
  { app: 'app-q-b', country: 'VN', isp: 'Viettel', os: 'android', sdk: '4.2.1', edge: 'edge-sgn-1', lossPct: 3, rttMs: 70, vFreezeMs: 0, aFreezeMs: 0, join: { ok: true, joinMs: 500 }, leave: 'normal' },
  { app: 'app-q-c', country: 'ID', isp: 'Indosat', os: 'android', sdk: '4.2.1', edge: 'edge-jkt-2', lossPct: 0.5, rttMs: 90, vFreezeMs: 0, aFreezeMs: 0, join: { ok: true, joinMs: 900, firstFrameMs: 1100 }, leave: 'normal' },
];

/** Per minute: every session joins, sends 12 stats of 5 s and leaves; minute 2 doubles Telkomsel's loss. */
function records(): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  for (let m = 0; m < MINUTES; m++) {
    SESSIONS.forEach((s, i) => {
      const base = { v: 1 as const, app: s.app, cid: `c${i}`, sid: `s${m}-${i}`, country: s.country, isp: s.isp, net: '4g' as const, os: s.os, sdk: s.sdk, edge: s.edge };
      const t = T0 + m * MIN + i * 10;
      out.push({ ...base, ts: t, type: 'join', ok: s.join.ok, code: s.join.ok ? 0 : 17, joinMs: s.join.joinMs, ...(s.join.firstFrameMs !== undefined ? { firstFrameMs: s.join.firstFrameMs } : {}) });
      for (let k = 0; k < 12; k++) {
        const loss = m === 2 && s.isp === 'Telkomsel' ? s.lossPct * 2 : s.lossPct;
        out.push({
          ...base, ts: t + 1 + k * 5_000, type: 'stats', intervalMs: 5000, rttMs: s.rttMs, jitterMs: 10 + i, lossPct: loss, aMs: 5000, aFreezeMs: s.aFreezeMs, vMs: 5000, vFreezeMs: s.vFreezeMs,
          ...(s.e2eMs !== undefined ? { e2eMs: s.e2eMs } : {}), ...(s.avSyncMs !== undefined ? { avSyncMs: s.avSyncMs } : {}),
        });
      }
      out.push({ ...base, ts: t + 59_000, type: 'leave', durMs: 59_000, reason: s.leave });
    });
  }
  return out.sort((a, b) => a.ts - b.ts);
}

type Rec = TelemetryRecord;
type Sums = { num: number; den: number };

/** The metric definitions of telemetry.md, straight from the records (the reference). */
const REFERENCE: Record<string, (rs: Rec[]) => Sums> = {
  joinSuccessRate: (rs) => sum(rs, (r) => (r.type === 'join' ? [r.ok ? 1 : 0, 1] : null)),
  join5sRate: (rs) => sum(rs, (r) => (r.type === 'join' ? [r.ok && r.joinMs <= 5000 ? 1 : 0, 1] : null)),
  videoFreezeRate: (rs) => sum(rs, (r) => (r.type === 'stats' ? [r.vFreezeMs, r.vMs] : null)),
  audioFreezeRate: (rs) => sum(rs, (r) => (r.type === 'stats' ? [r.aFreezeMs, r.aMs] : null)),
  networkDelayRate: (rs) => sum(rs, (r) => (r.type === 'stats' ? [(r.e2eMs !== undefined ? r.e2eMs > 400 : r.rttMs > 400) ? r.intervalMs : 0, r.intervalMs] : null)),
  lossRate: (rs) => {
    const s = sum(rs, (r) => (r.type === 'stats' ? [r.lossPct * r.intervalMs, 100 * r.intervalMs] : null));
    return { num: s.num / 100, den: s.den / 100 };
  },
  rttMean: (rs) => sum(rs, (r) => (r.type === 'stats' ? [r.rttMs * r.intervalMs, r.intervalMs] : null)),
  jitterMean: (rs) => sum(rs, (r) => (r.type === 'stats' ? [r.jitterMs * r.intervalMs, r.intervalMs] : null)),
  abnormalLeaveRate: (rs) => sum(rs, (r) => (r.type === 'leave' ? [r.reason === 'error' || r.reason === 'timeout' ? 1 : 0, 1] : null)),
  avSyncBadRate: (rs) => sum(rs, (r) => (r.type === 'stats' && r.avSyncMs !== undefined ? [Math.abs(r.avSyncMs) > 200 ? r.intervalMs : 0, r.intervalMs] : null)),
  firstFrameMs: (rs) => sum(rs, (r) => (r.type === 'join' && r.ok && r.firstFrameMs !== undefined ? [r.firstFrameMs > 2000 ? 1 : 0, 1] : null)),
};

function sum(rs: Rec[], f: (r: Rec) => [number, number] | null): Sums {
  let num = 0;
  let den = 0;
  for (const r of rs) {
    const x = f(r);
    if (x) {
      num += x[0];
      den += x[1];
    }
  }
  return { num, den };
}

const ALL = records();
const where = (slice: Record<string, string>, from = T0, to = T0 + MINUTES * MIN) =>
  ALL.filter((r) => r.ts >= from && r.ts < to && Object.entries(slice).every(([k, v]) => (r as unknown as Record<string, string>)[k] === v));

interface Point {
  t: string;
  num: number;
  den: number;
  value: number | null;
}
interface MetricSeries {
  metric: string;
  points: Point[];
  total: Sums & { value: number | null };
}

describe.each(dialects())('quality dashboard API on $name', (dialect) => {
  let t: TestServer;
  let agent: Person;
  let customerA: Person;
  let customerNoApps: Person;

  const series = (q: string, token: string | null = agent.token) => t.api.get(`/api/v1/quality/series?${q}`, token);
  const breakdown = (q: string, token: string | null = agent.token) => t.api.get(`/api/v1/quality/breakdown?${q}`, token);

  /** Asserts one metric series against the reference, step by step. */
  function expectSeries(s: MetricSeries, slice: Record<string, string>, stepMin: number): void {
    const ref = REFERENCE[s.metric]!;
    expect(s.points).toHaveLength(Math.ceil(MINUTES / stepMin));
    s.points.forEach((p, i) => {
      const from = T0 + i * stepMin * MIN;
      expect(p.t).toBe(iso(from));
      const want = ref(where(slice, from, from + stepMin * MIN));
      expect(p.num, `${s.metric} num @${i}`).toBeCloseTo(want.num, 9);
      expect(p.den, `${s.metric} den @${i}`).toBeCloseTo(want.den, 9);
      if (want.den === 0) expect(p.value).toBeNull();
      else expect(p.value).toBeCloseTo(want.num / want.den, 12);
    });
    const all = ref(where(slice));
    expect(s.total.num).toBeCloseTo(all.num, 9);
    expect(s.total.den).toBeCloseTo(all.den, 9);
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const orgA = await makeOrg(t.api, { name: 'Quality A', appIds: ['app-q-a'] });
    const empty = await makeOrg(t.api, { name: 'Quality none' });
    await makeOrg(t.api, { name: 'Quality B', appIds: ['app-q-b'] });
    agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    customerA = await makeUser(t.api, { role: 'customer', orgId: orgA.id });
    customerNoApps = await makeUser(t.api, { role: 'customer', orgId: empty.id });
    const rt = ingestFor(t.server.ctx.db)!;
    const r = await rt.replay([ALL]);
    expect(r).toEqual({ accepted: ALL.length, late: 0 });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('answers every metric of the whole fleet per minute with the sums and ratios of telemetry.md', async () => {
    const res = await series(RANGE);
    expect(res.status).toBe(200);
    expect(res.body.rollup).toEqual([]);
    expect(res.body.apps).toBeNull();
    expect(res.body.times).toEqual([0, 1, 2, 3].map((m) => iso(T0 + m * MIN)));
    expect(res.body.series.map((s: MetricSeries) => s.metric)).toEqual(ORDER);
    for (const s of res.body.series) expectSeries(s, {}, 1);
    // 7 sessions × 60 s of stats per minute, plus one failed join: 8 session-equivalents.
    expect(res.body.sessions).toEqual([8, 8, 8, 8]);
    // Two hand-checked figures: loss = Σ lossPct·w ÷ (100·Σ w) and video freeze = Σ vFreeze ÷ Σ vMs in minute 0.
    const loss = res.body.series.find((s: MetricSeries) => s.metric === 'lossRate').points[0];
    expect(loss.den).toBe(7 * 60_000);
    expect(loss.num).toBeCloseTo((10 + 8 + 1 + 6 + 2 + 3 + 0.5) * 600, 9);
    expect(loss.value).toBeCloseTo(30.5 / 700, 12);
    const freeze = res.body.series.find((s: MetricSeries) => s.metric === 'videoFreezeRate').points[1];
    expect(freeze).toEqual({ t: iso(T0 + MIN), num: 1000 * 12, den: 7 * 60_000, value: 12_000 / 420_000 });
  });

  it('sums coarser steps and slices of every kept rollup exactly', async () => {
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ country: 'ID', isp: 'Telkomsel' }, ['country', 'isp']],
      [{ country: 'ID' }, ['country']],
      [{ isp: 'Indosat' }, ['country', 'isp']],
      [{ os: 'android' }, ['os', 'sdk']],
      [{ os: 'ios', sdk: '4.3.0' }, ['os', 'sdk']],
      [{ app: 'app-q-a', country: 'ID' }, ['app', 'country']],
      [{ app: 'app-q-b' }, ['app']],
      [{ edge: 'edge-jkt-1' }, ['edge']],
    ];
    for (const [slice, rollup] of cases) {
      const q = new URLSearchParams({ from: iso(T0), to: iso(T0 + MINUTES * MIN), step: '120', ...slice });
      const res = await series(q.toString());
      expect(res.status, JSON.stringify(slice)).toBe(200);
      expect(res.body.rollup).toEqual(rollup);
      expect(res.body.slice).toEqual(slice);
      for (const s of res.body.series) expectSeries(s, slice, 2);
    }
  });

  it('shows the injected change in the slice and the rest of its parent beside it', async () => {
    const res = await series(`${RANGE}&country=ID&isp=Telkomsel&rest=isp&metrics=lossRate`);
    expect(res.status).toBe(200);
    const own = res.body.series[0] as MetricSeries;
    expect(own.points.map((p) => p.value)).toEqual([8, 8, 16, 8].map((x) => expect.closeTo(x / 100, 12)));
    expect(res.body.rest.parent).toEqual({ country: 'ID' });
    const rest = res.body.rest.series[0] as MetricSeries;
    // The rest of Indonesia is Indosat only: (1 + 0.5) ÷ 2 %.
    for (const p of rest.points) {
      expect(p.den).toBe(2 * 60_000);
      expect(p.value).toBeCloseTo(0.0075, 12);
    }
    expect(res.body.rest.sessions).toEqual([2, 2, 2, 2]);
  });

  it('aligns a range to whole minutes and leaves empty steps without a value', async () => {
    const res = await series(`from=${iso(T0 + MINUTES * MIN + 30_000)}&to=${iso(T0 + (MINUTES + 2) * MIN - 1)}&metrics=joinSuccessRate,lossRate`);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(iso(T0 + MINUTES * MIN));
    expect(res.body.to).toBe(iso(T0 + (MINUTES + 2) * MIN));
    expect(res.body.series.map((s: MetricSeries) => s.metric)).toEqual(['joinSuccessRate', 'lossRate']);
    for (const s of res.body.series) expect(s.points).toEqual(res.body.times.map((t: string) => ({ t, num: 0, den: 0, value: null })));
  });

  it('breaks a slice down by one dimension in the asked order, with shares and the excess over the slice', async () => {
    const traffic = await breakdown(`${RANGE}&metric=lossRate&by=isp&country=ID&sort=traffic`);
    expect(traffic.status).toBe(200);
    expect(traffic.body.rollup).toEqual(['country', 'isp']);
    expect(traffic.body.items.map((i: { key: string }) => i.key)).toEqual(['Telkomsel', 'Indosat']);
    const tel = traffic.body.items[0];
    const telRef = REFERENCE.lossRate!(where({ country: 'ID', isp: 'Telkomsel' }));
    const idRef = REFERENCE.lossRate!(where({ country: 'ID' }));
    expect(tel.slice).toEqual({ country: 'ID', isp: 'Telkomsel' });
    expect(tel.num).toBeCloseTo(telRef.num, 9);
    expect(tel.den).toBe(telRef.den);
    expect(tel.share).toBeCloseTo(3 / 5, 12);
    expect(tel.excess).toBeCloseTo(telRef.num - telRef.den * (idRef.num / idRef.den), 6);
    expect(tel.sessions).toBeCloseTo(4, 12); // three sessions' stats time and one failed join
    expect(traffic.body.total.num).toBeCloseTo(idRef.num, 9);
    expect(traffic.body.total.sessions).toBeCloseTo(6, 12);

    const joins = await breakdown(`${RANGE}&metric=joinSuccessRate&by=app&sort=value`);
    expect(joins.body.items.map((i: { key: string; value: number }) => [i.key, i.value])).toEqual([
      ['app-q-b', 2 / 3], // worst first: a down-bad metric sorts the lowest rate first
      ['app-q-a', 1], // a tie on the value: more traffic first
      ['app-q-c', 1],
    ]);
    const excess = await breakdown(`${RANGE}&metric=rttMean&by=edge&sort=excess&limit=1`);
    expect(excess.body.items.map((i: { key: string }) => i.key)).toEqual(['edge-jkt-1']);
    const rest = REFERENCE.rttMean!(where({ edge: 'edge-jkt-2' }));
    const sgn = REFERENCE.rttMean!(where({ edge: 'edge-sgn-1' }));
    expect(excess.body.rest).toEqual({ count: 2, num: expect.closeTo(rest.num + sgn.num, 6), den: rest.den + sgn.den });
    const os = await breakdown(`${RANGE}&metric=videoFreezeRate&by=sdk&os=android&sort=value`);
    expect(os.body.items.map((i: { key: string }) => i.key)).toEqual(['4.3.0', '4.2.1']);
  });

  it('limits a customer to the apps of its organization', async () => {
    const mine = await series(RANGE, customerA.token);
    expect(mine.status).toBe(200);
    expect(mine.body.apps).toEqual(['app-q-a']);
    expect(mine.body.rollup).toEqual(['app']);
    for (const s of mine.body.series) expectSeries(s, { app: 'app-q-a' }, 1);
    const byCountry = await series(`${RANGE}&country=ID`, customerA.token);
    expect(byCountry.body.rollup).toEqual(['app', 'country']);
    for (const s of byCountry.body.series) expectSeries(s, { app: 'app-q-a', country: 'ID' }, 1);
    const apps = await breakdown(`${RANGE}&metric=lossRate&by=app`, customerA.token);
    expect(apps.body.items.map((i: { key: string }) => i.key)).toEqual(['app-q-a']);
    const countries = await breakdown(`${RANGE}&metric=lossRate&by=country`, customerA.token);
    expect(countries.body.items.map((i: { key: string; den: number }) => [i.key, i.den])).toEqual([['ID', 3 * MINUTES * 60_000]]);
    // Another organization's app, or one nobody owns, is not found; slices without an app rollup are refused.
    for (const app of ['app-q-b', 'app-q-c']) {
      expect((await series(`${RANGE}&app=${app}`, customerA.token)).status).toBe(404);
      expect((await breakdown(`${RANGE}&metric=lossRate&by=country&app=${app}`, customerA.token)).status).toBe(404);
    }
    const os = await series(`${RANGE}&os=android`, customerA.token);
    expect(os.status).toBe(400);
    expect(os.body.error.details[0].path).toBe('querystring');
    // An organization without apps sees nothing at all.
    const none = await series(RANGE, customerNoApps.token);
    expect(none.status).toBe(200);
    expect(none.body.apps).toEqual([]);
    for (const s of none.body.series) expect(s.total).toEqual({ num: 0, den: 0, value: null });
    expect((await breakdown(`${RANGE}&metric=lossRate&by=app`, customerNoApps.token)).body.items).toEqual([]);
    const dims = await t.api.get('/api/v1/quality/dimensions', customerA.token);
    expect(dims.body.rollups.every((r: string[]) => r.includes('app'))).toBe(true);
    expect(dims.body.apps).toEqual(['app-q-a']);
  });

  it('describes the kept rollups and the metrics', async () => {
    const res = await t.api.get('/api/v1/quality/dimensions', agent.token);
    expect(res.status).toBe(200);
    expect(res.body.apps).toBeNull();
    expect(res.body.rollups).toEqual(expect.arrayContaining([[], ['country', 'isp'], ['os', 'sdk'], ['edge']]));
    const ff = res.body.metrics.find((m: { name: string }) => m.name === 'firstFrameMs');
    expect(ff).toMatchObject({ kind: 'share', unit: 'ratio', numerator: 'ff_slow', denominator: 'ff_count' });
    expect(res.body.metrics.find((m: { name: string }) => m.name === 'lossRate')).toMatchObject({ kind: 'ratio', bad: 'up', badLine: 0.05 });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.api.get('/api/v1/openapi.json')).body;
    const names = (path: string) => doc.paths[path].get.parameters.map((p: { name: string }) => p.name);
    expect(names('/api/v1/quality/series')).toEqual(expect.arrayContaining(['from', 'to', 'step', 'metrics', 'rest', 'app', 'country', 'isp', 'os', 'sdk', 'device', 'edge']));
    expect(names('/api/v1/quality/breakdown')).toEqual(expect.arrayContaining(['from', 'to', 'metric', 'by', 'sort', 'limit', 'country']));
    expect(doc.paths['/api/v1/quality/dimensions'].get.responses['200']).toBeDefined();
  });

  it('requires a signed-in user', async () => {
    expect((await series(RANGE, null)).status).toBe(401);
    expect((await breakdown(`${RANGE}&metric=lossRate&by=app`, null)).status).toBe(401);
    expect((await t.api.get('/api/v1/quality/dimensions', null)).status).toBe(401);
    expect((await series(RANGE, ADMIN_TOKEN)).status).toBe(200);
  });

  it('rejects bad input with 400 and the field path', async () => {
    const long = `from=${iso(T0)}&to=${iso(T0 + 32 * 86_400_000)}`;
    const cases: Array<[string, string, string]> = [
      ['series', `to=${iso(T0)}`, 'querystring.from'],
      ['series', `from=${iso(T0)}`, 'querystring.to'],
      ['series', `from=yesterday&to=${iso(T0)}`, 'querystring.from'],
      ['series', `from=${iso(T0)}&to=${iso(T0)}`, 'querystring.to'],
      ['series', `from=${iso(T0 + MIN)}&to=${iso(T0)}`, 'querystring.to'],
      ['series', long, 'querystring.to'],
      ['series', `${RANGE}&step=90`, 'querystring.step'],
      ['series', `${RANGE}&step=30`, 'querystring.step'],
      ['series', `${RANGE}&step=172800`, 'querystring.step'],
      ['series', `from=${iso(T0)}&to=${iso(T0 + 2 * 86_400_000)}&step=60`, 'querystring.step'], // 2880 points
      ['series', `${RANGE}&metrics=lossRate,bogus`, 'querystring.metrics'],
      ['series', `${RANGE}&rest=isp&country=ID`, 'querystring.rest'],
      ['series', `${RANGE}&rest=planet`, 'querystring.rest'],
      ['series', `${RANGE}&country=${'x'.repeat(257)}`, 'querystring.country'],
      ['series', `${RANGE}&isp=Telkomsel&os=android`, 'querystring'], // no kept rollup covers isp × os
      ['series', `${RANGE}&region=ID-JK`, 'querystring'],
      ['breakdown', `${RANGE}&by=isp`, 'querystring.metric'],
      ['breakdown', `${RANGE}&metric=lossRate`, 'querystring.by'],
      ['breakdown', `${RANGE}&metric=lossRate&by=planet`, 'querystring.by'],
      ['breakdown', `${RANGE}&metric=lossRate&by=isp&isp=Telkomsel`, 'querystring.by'],
      ['breakdown', `${RANGE}&metric=lossRate&by=device&country=ID`, 'querystring.by'],
      ['breakdown', `${RANGE}&metric=lossRate&by=isp&limit=0`, 'querystring.limit'],
      ['breakdown', `${RANGE}&metric=lossRate&by=isp&limit=101`, 'querystring.limit'],
      ['breakdown', `${RANGE}&metric=lossRate&by=isp&sort=random`, 'querystring.sort'],
      ['breakdown', `${long}&metric=lossRate&by=isp`, 'querystring.to'],
    ];
    for (const [kind, q, path] of cases) {
      const res = await (kind === 'series' ? series(q) : breakdown(q));
      expect(res.status, `${kind}?${q}`).toBe(400);
      expect(res.body.error.code).toBe('validation');
      expect(res.body.error.details.map((d: { path: string }) => d.path), `${kind}?${q}`).toContain(path);
    }
  });
});

const ORDER = ['joinSuccessRate', 'join5sRate', 'videoFreezeRate', 'audioFreezeRate', 'networkDelayRate', 'lossRate', 'rttMean', 'jitterMean', 'firstFrameMs', 'abnormalLeaveRate', 'avSyncBadRate'];
