import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFor } from '../../src/ingest/runtime.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';

const LIMIT = 64 * 1024;

function record(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1, ts: Date.now(), type: 'stats', app: 'app-intake', cid: 'c1', sid: 's1', country: 'ID', isp: 'Telkomsel', net: '4g', os: 'android',
    sdk: '4.2.1', edge: 'edge-jkt-1', intervalMs: 5000, rttMs: 80, jitterMs: 10, lossPct: 1.5, aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 0, ...over,
  };
}

const ndjson = (lines: unknown[]): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

describe.each(dialects())('telemetry intake over HTTP on $name', (dialect) => {
  let t: TestServer;
  let ingest: string;
  let apiOnly: string;

  const post = (body: string | Uint8Array, token: string | null = ingest, headers: Record<string, string> = {}) =>
    t.api.call('POST', '/api/v1/telemetry', { token, raw: body, headers: { 'content-type': 'application/x-ndjson', ...headers } });

  beforeAll(async () => {
    t = await startTestServer(dialect, { config: { telemetryBodyLimit: LIMIT } });
    const collector = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const tok = await t.api.post(`/api/v1/users/${collector.id}/tokens`, { scopes: ['ingest'] }, ADMIN_TOKEN);
    expect(tok.status).toBe(201);
    ingest = tok.body.token;
    apiOnly = collector.token;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('accepts good NDJSON with 202 and counts the records', async () => {
    const res = await post(ndjson([record(), record({ sid: 's2', type: 'join', ok: true, code: 0, joinMs: 800, firstFrameMs: 1200 }), record({ sid: 's3', type: 'leave', durMs: 60000, reason: 'normal' })]));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, rejected: 0, late: 0, errors: [] });
  });

  it('rejects bad lines with their line numbers and keeps the good lines around them', async () => {
    const res = await post(ndjson([record(), '{not json', record({ lossPct: 140 }), '', record({ country: undefined }), record({ sid: 's9' }), '[1,2]']));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toBe(4);
    expect(res.body.errors).toEqual([
      { line: 2, error: 'line is not valid JSON' },
      { line: 3, error: "field 'lossPct' must be a number between 0 and 100" },
      { line: 5, error: "missing required field 'country'" },
      { line: 7, error: 'line must be a JSON object, not an array' },
    ]);
  });

  it('lists at most the first 100 errors and counts them all', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => (i % 2 ? record({ sid: `s${i}` }) : record({ v: 2 })));
    const res = await post(ndjson(lines));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 75, rejected: 75 });
    expect(res.body.errors).toHaveLength(75);
    const many = await post(ndjson(Array.from({ length: 130 }, () => record({ v: 2 }))));
    expect(many.body.rejected).toBe(130);
    expect(many.body.errors).toHaveLength(100);
    expect(many.body.errors[99].line).toBe(100);
  });

  it('takes a gzip body (Content-Encoding: gzip)', async () => {
    const body = gzipSync(Buffer.from(ndjson([record(), record({ sid: 'g2' })])));
    const res = await post(body, ingest, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
    const broken = await post(Buffer.from('not gzip at all'), ingest, { 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
    const br = await post(Buffer.from(ndjson([record()])), ingest, { 'content-encoding': 'br' });
    expect(br.status).toBe(415);
  });

  it('answers 413 over the limit, also when only the decompressed body is too large', async () => {
    const big = ndjson(Array.from({ length: Math.ceil((LIMIT * 1.5) / 300) }, (_, i) => record({ sid: `big-${i}` })));
    expect(Buffer.byteLength(big)).toBeGreaterThan(LIMIT);
    const raw = await post(big);
    expect(raw.status).toBe(413);
    expect(raw.body.error.code).toBe('payload_too_large');
    const zipped = gzipSync(Buffer.from(big));
    expect(zipped.length).toBeLessThan(LIMIT);
    const bomb = await post(zipped, ingest, { 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.code).toBe('payload_too_large');
  });

  it('counts records behind the watermark as late and stores the count per minute', async () => {
    const now = Date.now();
    // Event time runs ahead within the allowed 5 minutes; the watermark follows the server clock.
    await post(ndjson([record({ ts: now, sid: 'w1' })]));
    const old = now - 10 * 60_000;
    const res = await post(ndjson([record({ ts: old, sid: 'late1' }), record({ ts: old + 1, sid: 'late2' }), record({ ts: now, sid: 'w2' })]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 0, late: 2 });
    const rt = ingestFor(t.server.ctx.db)!;
    await rt.drain();
    const minute = new Date(old - (old % 60_000));
    const row = await t.server.ctx.db.selectFrom('telemetry_late').selectAll().where('minute', '=', minute).executeTakeFirst();
    expect(row?.records).toBe(2);
  });

  it('rejects records more than 5 minutes ahead of the server clock', async () => {
    const res = await post(ndjson([record({ ts: Date.now() + 10 * 60_000 }), record({ ts: Date.now() + 60_000, sid: 'soon' })]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.errors[0]).toEqual({ line: 1, error: "field 'ts' is more than 5 minutes ahead of the server clock" });
  });

  it('answers 400 for a body that is not NDJSON at all', async () => {
    const arr = await post(JSON.stringify([record(), record()]));
    expect(arr.status).toBe(400);
    expect(arr.body.error.code).toBe('bad_request');
    const pretty = await post(JSON.stringify(record(), null, 2));
    expect(pretty.status).toBe(400);
    const text = await post('hello\nworld\n');
    expect(text.status).toBe(400);
    const zipped = await post(gzipSync(Buffer.from(ndjson([record()]))));
    expect(zipped.status).toBe(400);
    const empty = await post('');
    expect(empty.status).toBe(202);
    expect(empty.body).toEqual({ accepted: 0, rejected: 0, late: 0, errors: [] });
  });

  it('needs the ingest scope (403), a valid token (401) and the NDJSON content type (415)', async () => {
    const noScope = await post(ndjson([record()]), apiOnly);
    expect(noScope.status).toBe(403);
    expect(noScope.body.error.code).toBe('forbidden');
    const none = await post(ndjson([record()]), null);
    expect(none.status).toBe(401);
    const json = await t.api.call('POST', '/api/v1/telemetry', { token: ingest, raw: JSON.stringify(record()), headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const charset = await post(ndjson([record()]), ingest, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    expect(charset.status).toBe(202);
    // An ingest-only token reaches nothing else.
    expect((await t.api.get('/api/v1/incidents', ingest)).status).toBe(403);
  });

  it('limits the request rate per token (429)', async () => {
    const rt = ingestFor(t.server.ctx.db)!;
    const before = { ...rt.limiter.limits };
    const other = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const tok = (await t.api.post(`/api/v1/users/${other.id}/tokens`, { scopes: ['ingest'] }, ADMIN_TOKEN)).body.token as string;
    rt.limiter.configure({ perToken: 2, burstSeconds: 1 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await post(ndjson([record()]), tok)).status);
      expect(statuses.slice(0, 2)).toEqual([202, 202]);
      expect(statuses).toContain(429);
    } finally {
      rt.limiter.configure(before);
    }
  });

  it('documents the intake in the OpenAPI document', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/telemetry', '/api/v1/incidents', '/api/v1/incidents/{id}', '/api/v1/incidents/{id}/ack', '/api/v1/incidents/{id}/resolve']));
  });
});
