import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCase, scoreF1, type CaseLayer, type DimensionSpec } from '../../src/domain/rca/cuboid.ts';
import type { Combination, Measure, RcaRow } from '../../src/domain/rca/types.ts';
import { makeTenant, makeUser, type Person } from '../helpers/fixtures.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';

const PATH = '/api/v1/rca/localize';

const DIMS: DimensionSpec[] = [
  { name: 'country', size: 8 },
  { name: 'isp', size: 6 },
  { name: 'os', size: 5 },
  { name: 'sdk', size: 6 },
  { name: 'net', size: 4 },
];

const sig = (cs: readonly Combination[]): string[] => cs.map((c) => JSON.stringify(Object.entries(c).sort())).sort();

/**
 * A hand-built cube: 4 countries × 4 operators × 3 platforms. Expected values follow a smooth
 * traffic model; the observed ones equal them except on Telkomsel in Indonesia (all platforms),
 * where the measure rises by 60 % (additive: the count; ratio: numerator at the same traffic).
 */
function operatorCube(measure: Measure): RcaRow[] {
  const countries = ['ID', 'VN', 'TH', 'PH'];
  const isps = ['Telkomsel', 'Indosat', 'XL', 'Smart'];
  const oses = ['android', 'ios', 'web'];
  const rows: RcaRow[] = [];
  countries.forEach((country, ci) =>
    isps.forEach((isp, ii) =>
      oses.forEach((os, oi) => {
        const traffic = 20_000 / (1 + ci) / (1 + ii * 0.5) / (1 + oi);
        const bad = country === 'ID' && isp === 'Telkomsel';
        if (measure === 'additive') {
          const expected = Math.round(traffic / 10);
          rows.push({ dims: { country, isp, os }, real: bad ? Math.round(expected * 1.6) : expected, expected });
        } else {
          const total = Math.round(traffic);
          const expected = Math.round(total * 0.02);
          rows.push({ dims: { country, isp, os }, real: bad ? Math.round(expected * 1.6) : expected, expected, realTotal: total, expectedTotal: total });
        }
      }),
    ),
  );
  return rows;
}

describe.each(dialects())('root-cause localization API on $name', (dialect) => {
  let t: TestServer;
  let agent: Person;
  let customer: Person;
  let ingestOnly: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    agent = await makeUser(t.api, { role: 'agent', level: 'L2' });
    customer = (await makeTenant(t.api)).customer;
    const collector = await makeUser(t.api, { role: 'agent', level: 'L1' });
    ingestOnly = (await t.api.post(`/api/v1/users/${collector.id}/tokens`, { scopes: ['ingest'] }, ADMIN_TOKEN)).body.token;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(['additive', 'ratio'] as const)('names the one changed operator of a country for a %s measure, best candidate first', async (measure) => {
    const res = await t.api.post(PATH, { measure, rows: operatorCube(measure) }, agent.token);
    expect(res.status).toBe(200);
    expect(res.body.rootCause).toEqual([{ country: 'ID', isp: 'Telkomsel' }]);
    expect(Object.keys(res.body).sort()).toEqual(['candidates', 'rootCause']);
    const first = res.body.candidates[0];
    expect(Object.keys(first).sort()).toEqual(['dims', 'score']);
    expect(sig([first.dims])).toEqual(sig([{ country: 'ID', isp: 'Telkomsel' }]));
    for (const c of res.body.candidates) {
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(first.score);
    }
  });

  it('answers an empty root cause when nothing changed', async () => {
    const rows = operatorCube('ratio').map((r) => ({ ...r, real: r.expected }));
    const res = await t.api.post(PATH, { measure: 'ratio', rows }, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rootCause: [], candidates: [] });
  });

  it('finds the injected causes of generated cuboids (1–3 elements, layers 1–3, additive and ratio)', async () => {
    const misses: string[] = [];
    let f1Sum = 0;
    let cases = 0;
    let seed = 4100;
    for (const measure of ['additive', 'ratio'] as const) {
      for (const [layer, elements] of [[1, 1], [2, 1], [3, 1], [1, 2], [2, 2], ['mixed', 3]] as const) {
        seed += 1;
        const c = generateCase({ seed, measure, layer: layer as CaseLayer, elements, dims: DIMS, maxLeaves: 1500 });
        const res = await t.api.post(PATH, { measure, rows: c.rows }, agent.token);
        expect(res.status).toBe(200);
        const { f1 } = scoreF1(res.body.rootCause, c.rootCause);
        f1Sum += f1;
        cases += 1;
        if (f1 < 1) misses.push(`${measure} layer ${layer} × ${elements} (seed ${seed}): got ${JSON.stringify(res.body.rootCause)}, injected ${JSON.stringify(c.rootCause)}`);
      }
    }
    expect(cases).toBe(12);
    expect(f1Sum / cases, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('needs a token (401) and a support-staff user (customers and ingest-only tokens get 403)', async () => {
    const body = { measure: 'additive', rows: operatorCube('additive') };
    expect((await t.api.post(PATH, body, null)).status).toBe(401);
    expect((await t.api.post(PATH, body, 'sd_not_a_real_token')).status).toBe(401);
    const asCustomer = await t.api.post(PATH, body, customer.token);
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.body.error.code).toBe('forbidden');
    // A customer learns nothing from the validation of its input either.
    expect((await t.api.post(PATH, { measure: 'nope' }, customer.token)).status).toBe(403);
    expect((await t.api.post(PATH, body, ingestOnly)).status).toBe(403);
    expect((await t.api.post(PATH, body, ADMIN_TOKEN)).status).toBe(200);
  });

  it('rejects bad input with 400 and the field path', async () => {
    const row = { dims: { country: 'ID' }, real: 5, expected: 4 };
    const ratioRow = { ...row, realTotal: 100, expectedTotal: 100 };
    const cases: Array<[unknown, string]> = [
      [{ measure: 'median', rows: [row] }, 'body.measure'],
      [{ rows: [row] }, 'body.measure'],
      [{ measure: 'additive' }, 'body.rows'],
      [{ measure: 'additive', rows: [] }, 'body.rows'],
      [{ measure: 'additive', rows: [{ dims: { country: 'ID' }, expected: 4 }] }, 'body.rows.0.real'],
      [{ measure: 'additive', rows: [row, { ...row, real: -1 }] }, 'body.rows.1.real'],
      [{ measure: 'additive', rows: [{ ...row, expected: '4' }] }, 'body.rows.0.expected'],
      [{ measure: 'additive', rows: [{ ...row, dims: { country: 7 } }] }, 'body.rows.0.dims.country'],
      [{ measure: 'additive', rows: [{ ...row, dims: {} }] }, 'body.rows.0.dims'],
      [{ measure: 'additive', rows: [{ ...row, dims: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`d${i}`, 'x'])) }] }, 'body.rows.0.dims'],
      [{ measure: 'additive', rows: [{ ...row, weight: 2 }] }, 'body.rows.0'],
      [{ measure: 'additive', rows: [row], options: {} }, 'body'],
      [{ measure: 'additive', rows: [ratioRow] }, 'body.rows.0.realTotal'],
      [{ measure: 'ratio', rows: [ratioRow, row] }, 'body.rows.1.realTotal'],
      [{ measure: 'ratio', rows: [{ ...ratioRow, expectedTotal: undefined }] }, 'body.rows.0.expectedTotal'],
      [{ measure: 'ratio', rows: [{ ...ratioRow, realTotal: 0 }] }, 'body.rows.0.realTotal'],
      [{ measure: 'additive', rows: Array.from({ length: 50_001 }, () => row) }, 'body.rows'],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.post(PATH, body, agent.token);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.error.code).toBe('validation');
      expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(body).slice(0, 200)).toContain(path);
    }
    // Numbers JSON cannot carry finitely (1e400 parses as Infinity) and malformed JSON.
    const inf = await t.api.call('POST', PATH, { token: agent.token, raw: '{"measure":"additive","rows":[{"dims":{"country":"ID"},"real":1e400,"expected":1}]}', headers: { 'content-type': 'application/json' } });
    expect(inf.status).toBe(400);
    expect(inf.body.error.details.map((d: { path: string }) => d.path)).toContain('body.rows.0.real');
    const broken = await t.api.call('POST', PATH, { token: agent.token, raw: '{"measure":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
  });
});
