import { describe, expect, it } from 'vitest';
import {
  MAX_REPORTED_ERRORS,
  isNotNdjson,
  parseLine,
  parseNdjson,
  parseRecord,
  type TelemetryRecord,
} from '../../../src/domain/telemetry/record.ts';

const NOW = Date.UTC(2026, 10, 2, 8, 0, 0);

const common = {
  v: 1,
  ts: NOW - 1000,
  app: 'app-1',
  cid: 'room-9',
  sid: 'sess-1',
  uid: 'user-1',
  country: 'ID',
  region: 'ID-JK',
  isp: 'Telkomsel',
  net: '4g',
  os: 'android',
  osv: '14',
  device: 'SM-A515F',
  sdk: '4.2.1',
  edge: 'edge-sgp-3',
};
const join = { ...common, type: 'join', ok: true, code: 0, joinMs: 850, firstFrameMs: 1200 };
const stats = {
  ...common, type: 'stats', intervalMs: 5000, rttMs: 120, jitterMs: 12.5, lossPct: 1.5, e2eMs: 210,
  aMs: 5000, aFreezeMs: 0, vMs: 4800, vFreezeMs: 700, avSyncMs: -40, recvKbps: 900, fps: 24, height: 720,
};
const leave = { ...common, type: 'leave', durMs: 65000, reason: 'normal', code: 0 };
const bases = { join, stats, leave } as const;

function without(o: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...o };
  delete copy[field];
  return copy;
}

function errorOf(value: unknown): string {
  const r = parseRecord(value, NOW);
  if (r.ok) throw new Error('expected a rejection');
  return r.error;
}

describe('parseRecord', () => {
  it.each(Object.entries(bases))('accepts a valid %s record with every field typed', (_type, base) => {
    const r = parseRecord(base, NOW);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.record).toMatchObject(base);
  });

  const required: [keyof typeof bases, string][] = [
    ...['v', 'ts', 'type', 'app', 'cid', 'sid', 'country', 'isp', 'net', 'os', 'sdk', 'edge'].map((f) => ['stats', f] as [keyof typeof bases, string]),
    ['join', 'ok'], ['join', 'code'], ['join', 'joinMs'],
    ['stats', 'intervalMs'], ['stats', 'rttMs'], ['stats', 'jitterMs'], ['stats', 'lossPct'], ['stats', 'aMs'],
    ['stats', 'aFreezeMs'], ['stats', 'vMs'], ['stats', 'vFreezeMs'],
    ['leave', 'durMs'], ['leave', 'reason'],
  ];
  it.each(required)('rejects a %s record without %s and names the field', (type, field) => {
    expect(errorOf(without(bases[type], field))).toBe(`missing required field '${field}'`);
  });

  const mistyped: [keyof typeof bases, string, unknown, string][] = [
    ['stats', 'v', 2, "field 'v' must be 1 (the only schema version)"],
    ['stats', 'v', '1', "field 'v' must be 1 (the only schema version)"],
    ['stats', 'ts', 1.5, "field 'ts' must be a non-negative integer (epoch milliseconds)"],
    ['stats', 'ts', '2026-11-02T08:00:00Z', "field 'ts' must be a non-negative integer (epoch milliseconds)"],
    ['stats', 'ts', -1, "field 'ts' must be a non-negative integer (epoch milliseconds)"],
    ['stats', 'type', 'ping', "field 'type' must be one of join, stats, leave"],
    ['stats', 'app', 42, "field 'app' must be a non-empty string of at most 256 characters"],
    ['stats', 'app', '', "field 'app' must be a non-empty string of at most 256 characters"],
    ['stats', 'cid', null, "field 'cid' must be a non-empty string of at most 256 characters"],
    ['stats', 'sid', 'x'.repeat(257), "field 'sid' must be a non-empty string of at most 256 characters"],
    ['stats', 'uid', 7, "field 'uid' must be a non-empty string of at most 256 characters"],
    ['stats', 'country', 'IDN', "field 'country' must be an ISO 3166-1 alpha-2 code (two letters)"],
    ['stats', 'country', 'I1', "field 'country' must be an ISO 3166-1 alpha-2 code (two letters)"],
    ['stats', 'region', false, "field 'region' must be a non-empty string of at most 256 characters"],
    ['stats', 'isp', [], "field 'isp' must be a non-empty string of at most 256 characters"],
    ['stats', 'net', 'lte', "field 'net' must be one of wifi, 5g, 4g, 3g, ethernet, unknown"],
    ['stats', 'os', 'Android', "field 'os' must be one of android, ios, windows, macos, linux, web, other"],
    ['stats', 'osv', 14, "field 'osv' must be a non-empty string of at most 256 characters"],
    ['stats', 'device', {}, "field 'device' must be a non-empty string of at most 256 characters"],
    ['stats', 'sdk', 4.2, "field 'sdk' must be a non-empty string of at most 256 characters"],
    ['stats', 'edge', '', "field 'edge' must be a non-empty string of at most 256 characters"],
    ['join', 'ok', 'true', "field 'ok' must be a boolean"],
    ['join', 'code', 1.5, "field 'code' must be an integer"],
    ['join', 'joinMs', -3, "field 'joinMs' must be a non-negative integer"],
    ['join', 'joinMs', 12.5, "field 'joinMs' must be a non-negative integer"],
    ['join', 'firstFrameMs', '900', "field 'firstFrameMs' must be a non-negative integer"],
    ['stats', 'intervalMs', 5000.5, "field 'intervalMs' must be a non-negative integer"],
    ['stats', 'rttMs', '120', "field 'rttMs' must be a non-negative number"],
    ['stats', 'jitterMs', -1, "field 'jitterMs' must be a non-negative number"],
    ['stats', 'lossPct', 101, "field 'lossPct' must be a number between 0 and 100"],
    ['stats', 'lossPct', -0.5, "field 'lossPct' must be a number between 0 and 100"],
    ['stats', 'lossPct', '2', "field 'lossPct' must be a number between 0 and 100"],
    ['stats', 'e2eMs', 'fast', "field 'e2eMs' must be a non-negative number"],
    ['stats', 'aMs', true, "field 'aMs' must be a non-negative number"],
    ['stats', 'aFreezeMs', -5, "field 'aFreezeMs' must be a non-negative number"],
    ['stats', 'vMs', null, "field 'vMs' must be a non-negative number"],
    ['stats', 'vFreezeMs', '0', "field 'vFreezeMs' must be a non-negative number"],
    ['stats', 'vFreezeMs', 4801, "field 'vFreezeMs' must not exceed 'vMs'"],
    ['stats', 'aFreezeMs', 5001, "field 'aFreezeMs' must not exceed 'aMs'"],
    ['stats', 'avSyncMs', '40', "field 'avSyncMs' must be a number"],
    ['stats', 'recvKbps', -1, "field 'recvKbps' must be a non-negative number"],
    ['stats', 'fps', 'x', "field 'fps' must be a non-negative number"],
    ['stats', 'height', [720], "field 'height' must be a non-negative number"],
    ['leave', 'durMs', 1e20, "field 'durMs' must be a non-negative integer"],
    ['leave', 'reason', 'crash', "field 'reason' must be one of normal, error, timeout, kicked"],
    ['leave', 'code', 'E1', "field 'code' must be an integer"],
  ];
  it.each(mistyped)('rejects a %s record whose %s is %j with its reason', (type, field, bad, message) => {
    expect(errorOf({ ...bases[type], [field]: bad })).toBe(message);
  });

  it('rejects a ts more than 5 minutes ahead of the server clock but accepts exactly 5 minutes', () => {
    expect(errorOf({ ...stats, ts: NOW + 5 * 60_000 + 1 })).toBe("field 'ts' is more than 5 minutes ahead of the server clock");
    expect(parseRecord({ ...stats, ts: NOW + 5 * 60_000 }, NOW).ok).toBe(true);
  });

  it('accepts old timestamps (lateness is the windower’s business)', () => {
    expect(parseRecord({ ...stats, ts: NOW - 86_400_000 }, NOW).ok).toBe(true);
  });

  it('ignores unknown fields and does not carry them into the record', () => {
    const r = parseRecord({ ...join, extra: { nested: true }, colour: 'blue' }, NOW);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.record).not.toHaveProperty('extra');
      expect(r.record).not.toHaveProperty('colour');
    }
  });

  it('treats optional fields that are absent or null as absent', () => {
    const minimal = without(without(without(without(without(stats, 'uid'), 'region'), 'osv'), 'device'), 'e2eMs');
    const r = parseRecord({ ...minimal, avSyncMs: null, recvKbps: null }, NOW);
    expect(r.ok).toBe(true);
    if (r.ok && r.record.type === 'stats') {
      expect(r.record.region).toBeUndefined();
      expect(r.record.e2eMs).toBeUndefined();
      expect(r.record.avSyncMs).toBeUndefined();
    }
  });

  it('upper-cases a lower-case country code', () => {
    const r = parseRecord({ ...stats, country: 'id' }, NOW);
    expect(r.ok && r.record.country).toBe('ID');
  });

  it('reports the first problem of a record with several', () => {
    expect(errorOf({ ...stats, app: 1, lossPct: 500 })).toBe("field 'app' must be a non-empty string of at most 256 characters");
  });

  it.each([
    [[1, 2], 'line must be a JSON object, not an array'],
    ['text', 'line must be a JSON object'],
    [42, 'line must be a JSON object'],
    [null, 'line must be a JSON object'],
  ])('rejects %j: not an object', (value, message) => {
    expect(errorOf(value)).toBe(message);
  });
});

describe('parseLine', () => {
  it('parses one line', () => {
    expect(parseLine(JSON.stringify(leave), NOW).ok).toBe(true);
  });
  it('says when a line is not JSON', () => {
    expect(parseLine('{"v":1,', NOW)).toEqual({ ok: false, error: 'line is not valid JSON' });
  });
  it('rejects a number too large to be finite as a number', () => {
    const r = parseLine(JSON.stringify(stats).replace('"rttMs":120', '"rttMs":1e400'), NOW);
    expect(r).toEqual({ ok: false, error: "field 'rttMs' must be a non-negative number" });
  });
});

describe('parseNdjson', () => {
  const L = (o: unknown) => JSON.stringify(o);

  it('keeps the good lines around bad ones and numbers errors by line, blank lines included', () => {
    const body = [L(join), '', L(without(stats, 'lossPct')), 'not json', '   ', L(leave), L({ ...stats, net: 'lte' }), ''].join('\n');
    const r = parseNdjson(body, NOW);
    expect(r.records.map((x: TelemetryRecord) => x.type)).toEqual(['join', 'leave']);
    expect(r.errors).toEqual([
      { line: 3, error: "missing required field 'lossPct'" },
      { line: 4, error: 'line is not valid JSON' },
      { line: 7, error: "field 'net' must be one of wifi, 5g, 4g, 3g, ethernet, unknown" },
    ]);
    expect(r.rejected).toBe(3);
    expect(r.lines).toBe(5);
    expect(isNotNdjson(r)).toBe(false);
  });

  it('skips blank lines without counting them as errors, and tolerates CRLF', () => {
    const r = parseNdjson(`\r\n${L(join)}\r\n\r\n${L(leave)}\r\n`, NOW);
    expect(r.records).toHaveLength(2);
    expect(r.rejected).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('keeps at most the first 100 errors but counts them all', () => {
    const lines = Array.from({ length: 250 }, (_, i) => (i % 2 === 0 ? 'garbage' : L(stats)));
    const r = parseNdjson(lines.join('\n'), NOW);
    expect(r.records).toHaveLength(125);
    expect(r.rejected).toBe(125);
    expect(r.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(r.errors[0]).toEqual({ line: 1, error: 'line is not valid JSON' });
    expect(r.errors[99]).toEqual({ line: 199, error: 'line is not valid JSON' });
  });

  it('rejects a future record with its line number', () => {
    const r = parseNdjson([L(stats), L({ ...stats, ts: NOW + 3_600_000 })].join('\n'), NOW);
    expect(r.errors).toEqual([{ line: 2, error: "field 'ts' is more than 5 minutes ahead of the server clock" }]);
  });

  it.each([
    ['a JSON array on one line', JSON.stringify([join, leave])],
    ['a pretty-printed JSON array', JSON.stringify([join, leave], null, 2)],
    ['a pretty-printed object', JSON.stringify(join, null, 2)],
    ['plain text', 'hello\nworld'],
    ['JSON scalars', '1\n2\n"x"'],
    ['binary-looking data', '\u001f\u008b\u0008\u0000garbage'],
  ])('calls %s not NDJSON at all', (_name, body) => {
    expect(isNotNdjson(parseNdjson(body, NOW))).toBe(true);
  });

  it('does not call a body NDJSON-less when one line is an object, even an invalid record', () => {
    const r = parseNdjson(`garbage\n${L({ hello: 'world' })}`, NOW);
    expect(r.rejected).toBe(2);
    expect(isNotNdjson(r)).toBe(false);
  });

  it('treats an empty or blank body as an empty batch, not as an error', () => {
    for (const body of ['', '\n\n', '  \r\n']) {
      const r = parseNdjson(body, NOW);
      expect(r).toMatchObject({ records: [], rejected: 0, lines: 0 });
      expect(isNotNdjson(r)).toBe(false);
    }
  });
});
