/**
 * Quality telemetry records, version 1 (docs: shared/spec/telemetry.md, an exact contract).
 *
 * Parsing is hand-written for speed: `JSON.parse` and then direct `typeof` checks, no schema
 * library per record (the intake target is ≥ 250,000 records/s per core end to end). Every
 * rejection names the field: `field 'lossPct' must be a number between 0 and 100`.
 *
 * Decisions beyond the contract text (all documented here, all tested):
 * - Unknown fields are ignored and are not carried into the typed record.
 * - An optional field given as `null` counts as absent.
 * - `ts` must be a non-negative integer; it is rejected when more than 5 minutes ahead of `nowMs`.
 * - Strings must be non-empty and at most 256 characters (bounds memory downstream).
 * - `country` must be two ASCII letters; it is upper-cased (`id` → `ID`).
 * - Durations (`joinMs`, `firstFrameMs`, `intervalMs`, `durMs`) are non-negative integers;
 *   measurements (`rttMs`, `jitterMs`, `e2eMs`, `aMs`, `aFreezeMs`, `vMs`, `vFreezeMs`,
 *   `recvKbps`, `fps`, `height`) are finite non-negative numbers; `avSyncMs` is any finite number.
 * - A freeze cannot be longer than the playout it belongs to: `aFreezeMs` ≤ `aMs` and
 *   `vFreezeMs` ≤ `vMs`, otherwise the freeze rates would exceed 100 %.
 */

export const RECORD_TYPES = ['join', 'stats', 'leave'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const NET_TYPES = ['wifi', '5g', '4g', '3g', 'ethernet', 'unknown'] as const;
export type NetType = (typeof NET_TYPES)[number];
export const OS_TYPES = ['android', 'ios', 'windows', 'macos', 'linux', 'web', 'other'] as const;
export type OsType = (typeof OS_TYPES)[number];
export const LEAVE_REASONS = ['normal', 'error', 'timeout', 'kicked'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

/** A record whose `ts` is more than this ahead of the server clock is rejected. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Longest accepted string value. */
export const MAX_STRING_LENGTH = 256;
/** `errors` in a parse result keeps at most this many entries (all are counted in `rejected`). */
export const MAX_REPORTED_ERRORS = 100;

interface RecordBase {
  v: 1;
  /** Event time, epoch milliseconds (UTC). */
  ts: number;
  app: string;
  cid: string;
  sid: string;
  uid?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  region?: string;
  isp: string;
  net: NetType;
  os: OsType;
  osv?: string;
  device?: string;
  sdk: string;
  edge: string;
}

export interface JoinRecord extends RecordBase {
  type: 'join';
  ok: boolean;
  code: number;
  joinMs: number;
  firstFrameMs?: number;
}

export interface StatsRecord extends RecordBase {
  type: 'stats';
  intervalMs: number;
  rttMs: number;
  jitterMs: number;
  lossPct: number;
  e2eMs?: number;
  aMs: number;
  aFreezeMs: number;
  vMs: number;
  vFreezeMs: number;
  avSyncMs?: number;
  recvKbps?: number;
  fps?: number;
  height?: number;
}

export interface LeaveRecord extends RecordBase {
  type: 'leave';
  durMs: number;
  reason: LeaveReason;
  code?: number;
}

export type TelemetryRecord = JoinRecord | StatsRecord | LeaveRecord;

export type RecordResult = { ok: true; record: TelemetryRecord } | { ok: false; error: string };

export interface LineError {
  /** 1-based line number in the body. */
  line: number;
  error: string;
}

export interface NdjsonResult {
  records: TelemetryRecord[];
  /** The first `MAX_REPORTED_ERRORS` rejections, in line order. */
  errors: LineError[];
  /** Number of rejected lines (all of them, not only those in `errors`). */
  rejected: number;
  /** Non-blank lines seen. */
  lines: number;
  /** Lines that parsed as a JSON object (valid record or not). */
  objectLines: number;
  /** The whole body is a JSON array (`[` … `]`), single-line or pretty-printed. */
  jsonArray: boolean;
}

const NET_SET: ReadonlySet<string> = new Set(NET_TYPES);
const OS_SET: ReadonlySet<string> = new Set(OS_TYPES);
const REASON_SET: ReadonlySet<string> = new Set(LEAVE_REASONS);
const TYPE_SET: ReadonlySet<string> = new Set(RECORD_TYPES);

// The first failure of the record being parsed; '' while all is well. Module-level so that the
// small check helpers return plain values (no result objects on the hot path).
let failure = '';

function fail(message: string): void {
  if (failure === '') failure = message;
}

function missing(field: string): string {
  return `missing required field '${field}'`;
}

function reqString(o: Record<string, unknown>, field: string): string {
  const x = o[field];
  if (typeof x === 'string' && x.length > 0 && x.length <= MAX_STRING_LENGTH) return x;
  fail(x === undefined ? missing(field) : `field '${field}' must be a non-empty string of at most ${MAX_STRING_LENGTH} characters`);
  return '';
}

function optString(o: Record<string, unknown>, field: string): string | undefined {
  const x = o[field];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string' && x.length > 0 && x.length <= MAX_STRING_LENGTH) return x;
  fail(`field '${field}' must be a non-empty string of at most ${MAX_STRING_LENGTH} characters`);
  return undefined;
}

function reqNonNegInt(o: Record<string, unknown>, field: string): number {
  const x = o[field];
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return x;
  fail(x === undefined ? missing(field) : `field '${field}' must be a non-negative integer`);
  return 0;
}

function optNonNegInt(o: Record<string, unknown>, field: string): number | undefined {
  const x = o[field];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return x;
  fail(`field '${field}' must be a non-negative integer`);
  return undefined;
}

function reqInt(o: Record<string, unknown>, field: string): number {
  const x = o[field];
  if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
  fail(x === undefined ? missing(field) : `field '${field}' must be an integer`);
  return 0;
}

function optInt(o: Record<string, unknown>, field: string): number | undefined {
  const x = o[field];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
  fail(`field '${field}' must be an integer`);
  return undefined;
}

function reqNonNeg(o: Record<string, unknown>, field: string): number {
  const x = o[field];
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return x;
  fail(x === undefined ? missing(field) : `field '${field}' must be a non-negative number`);
  return 0;
}

function optNonNeg(o: Record<string, unknown>, field: string): number | undefined {
  const x = o[field];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return x;
  fail(`field '${field}' must be a non-negative number`);
  return undefined;
}

function optFinite(o: Record<string, unknown>, field: string): number | undefined {
  const x = o[field];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  fail(`field '${field}' must be a number`);
  return undefined;
}

function reqEnum<T extends string>(o: Record<string, unknown>, field: string, set: ReadonlySet<string>, list: readonly T[]): T {
  const x = o[field];
  if (typeof x === 'string' && set.has(x)) return x as T;
  fail(x === undefined ? missing(field) : `field '${field}' must be one of ${list.join(', ')}`);
  return list[0] as T;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Validate one already-parsed JSON value as a version-1 record. `nowMs` is the server clock
 * (records more than 5 minutes ahead of it are rejected).
 */
export function parseRecord(value: unknown, nowMs: number): RecordResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: Array.isArray(value) ? 'line must be a JSON object, not an array' : 'line must be a JSON object' };
  }
  const o = value as Record<string, unknown>;
  failure = '';

  const v = o.v;
  if (v !== 1) return { ok: false, error: v === undefined ? missing('v') : "field 'v' must be 1 (the only schema version)" };
  const ts = o.ts;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
    return { ok: false, error: ts === undefined ? missing('ts') : "field 'ts' must be a non-negative integer (epoch milliseconds)" };
  }
  if (ts > nowMs + MAX_FUTURE_MS) return { ok: false, error: "field 'ts' is more than 5 minutes ahead of the server clock" };
  const type = reqEnum(o, 'type', TYPE_SET, RECORD_TYPES);
  if (failure !== '') return { ok: false, error: failure };

  const app = reqString(o, 'app');
  const cid = reqString(o, 'cid');
  const sid = reqString(o, 'sid');
  const uid = optString(o, 'uid');
  let country = o.country;
  if (typeof country === 'string' && country.length === 2 && isAsciiLetter(country.charCodeAt(0)) && isAsciiLetter(country.charCodeAt(1))) {
    if (country.charCodeAt(0) > 90 || country.charCodeAt(1) > 90) country = country.toUpperCase();
  } else {
    fail(country === undefined ? missing('country') : "field 'country' must be an ISO 3166-1 alpha-2 code (two letters)");
  }
  const region = optString(o, 'region');
  const isp = reqString(o, 'isp');
  const net = reqEnum(o, 'net', NET_SET, NET_TYPES);
  const os = reqEnum(o, 'os', OS_SET, OS_TYPES);
  const osv = optString(o, 'osv');
  const device = optString(o, 'device');
  const sdk = reqString(o, 'sdk');
  const edge = reqString(o, 'edge');
  if (failure !== '') return { ok: false, error: failure };
  const c = country as string;

  switch (type) {
    case 'join': {
      const ok = o.ok;
      if (typeof ok !== 'boolean') fail(ok === undefined ? missing('ok') : "field 'ok' must be a boolean");
      const code = reqInt(o, 'code');
      const joinMs = reqNonNegInt(o, 'joinMs');
      const firstFrameMs = optNonNegInt(o, 'firstFrameMs');
      if (failure !== '') return { ok: false, error: failure };
      const record: JoinRecord = {
        v: 1, ts, type, app, cid, sid, uid, country: c, region, isp, net, os, osv, device, sdk, edge,
        ok: ok as boolean, code, joinMs, firstFrameMs,
      };
      return { ok: true, record };
    }
    case 'stats': {
      const intervalMs = reqNonNegInt(o, 'intervalMs');
      const rttMs = reqNonNeg(o, 'rttMs');
      const jitterMs = reqNonNeg(o, 'jitterMs');
      const lossPct = o.lossPct;
      if (typeof lossPct !== 'number' || !(lossPct >= 0 && lossPct <= 100)) {
        fail(lossPct === undefined ? missing('lossPct') : "field 'lossPct' must be a number between 0 and 100");
      }
      const e2eMs = optNonNeg(o, 'e2eMs');
      const aMs = reqNonNeg(o, 'aMs');
      const aFreezeMs = reqNonNeg(o, 'aFreezeMs');
      const vMs = reqNonNeg(o, 'vMs');
      const vFreezeMs = reqNonNeg(o, 'vFreezeMs');
      const avSyncMs = optFinite(o, 'avSyncMs');
      const recvKbps = optNonNeg(o, 'recvKbps');
      const fps = optNonNeg(o, 'fps');
      const height = optNonNeg(o, 'height');
      if (failure !== '') return { ok: false, error: failure };
      if (aFreezeMs > aMs) return { ok: false, error: "field 'aFreezeMs' must not exceed 'aMs'" };
      if (vFreezeMs > vMs) return { ok: false, error: "field 'vFreezeMs' must not exceed 'vMs'" };
      const record: StatsRecord = {
        v: 1, ts, type, app, cid, sid, uid, country: c, region, isp, net, os, osv, device, sdk, edge,
        intervalMs, rttMs, jitterMs, lossPct: lossPct as number, e2eMs, aMs, aFreezeMs, vMs, vFreezeMs,
        avSyncMs, recvKbps, fps, height,
      };
      return { ok: true, record };
    }
    case 'leave': {
      const durMs = reqNonNegInt(o, 'durMs');
      const reason = reqEnum(o, 'reason', REASON_SET, LEAVE_REASONS);
      const code = optInt(o, 'code');
      if (failure !== '') return { ok: false, error: failure };
      const record: LeaveRecord = {
        v: 1, ts, type, app, cid, sid, uid, country: c, region, isp, net, os, osv, device, sdk, edge,
        durMs, reason, code,
      };
      return { ok: true, record };
    }
    default: {
      const never: never = type;
      return { ok: false, error: `unknown type ${String(never)}` };
    }
  }
}

/** Parse and validate one NDJSON line (without its line break). */
export function parseLine(line: string, nowMs: number): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'line is not valid JSON' };
  }
  return parseRecord(value, nowMs);
}

function isBlankCode(c: number): boolean {
  // space, tab, CR, LF, BOM
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff;
}

/**
 * Parse a whole NDJSON body. Lines are separated by `\n` (a trailing `\r` is tolerated); blank
 * lines are skipped and are not errors; line numbers count every line, blank ones included, from 1.
 * One bad line never rejects the good lines around it.
 */
export function parseNdjson(text: string, nowMs: number): NdjsonResult {
  const records: TelemetryRecord[] = [];
  const errors: LineError[] = [];
  let rejected = 0;
  let lines = 0;
  let objectLines = 0;
  let firstChar = -1;
  let lastChar = -1;
  const len = text.length;
  let start = 0;
  let lineNo = 0;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    lineNo++;
    let a = start;
    let b = end;
    while (a < b && isBlankCode(text.charCodeAt(a))) a++;
    while (b > a && isBlankCode(text.charCodeAt(b - 1))) b--;
    start = end + 1;
    if (a === b) continue;
    lines++;
    if (firstChar === -1) firstChar = text.charCodeAt(a);
    lastChar = text.charCodeAt(b - 1);
    let value: unknown;
    try {
      value = JSON.parse(a === 0 && b === len ? text : text.slice(a, b));
    } catch {
      rejected++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: lineNo, error: 'line is not valid JSON' });
      continue;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) objectLines++;
    const result = parseRecord(value, nowMs);
    if (result.ok) {
      records.push(result.record);
    } else {
      rejected++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: lineNo, error: result.error });
    }
  }
  // '[' … ']': a JSON array, whether on one line or pretty-printed over many.
  const jsonArray = firstChar === 91 && lastChar === 93;
  return { records, errors, rejected, lines, objectLines, jsonArray };
}

/**
 * "A body that is not NDJSON at all" (→ HTTP 400 instead of 202 with per-line errors):
 * the body is a JSON array, or it has non-blank lines and not one of them is a JSON object
 * (binary or still-compressed data, a pretty-printed JSON document, plain text, a JSON scalar).
 * An empty or blank body is an empty batch, not an error: it is NDJSON with zero records.
 */
export function isNotNdjson(result: NdjsonResult): boolean {
  return result.jsonArray || (result.lines > 0 && result.objectLines === 0);
}
