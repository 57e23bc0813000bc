import { describe, expect, it } from 'vitest';
import { ACC_SIZE, recordCount, value } from '../../../src/domain/telemetry/metrics.ts';
import type { StatsRecord } from '../../../src/domain/telemetry/record.ts';
import {
  OTHER,
  NONE,
  createWindower,
  parseSliceKey,
  sliceContains,
  sliceKey,
  type ClosedWindow,
  type WindowSlice,
} from '../../../src/domain/telemetry/windows.ts';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0); // a multiple of 5 s

function stats(ts: number, o: Partial<StatsRecord> = {}): StatsRecord {
  return {
    v: 1, ts, type: 'stats', app: 'a1', cid: 'c', sid: 's', country: 'ID', region: 'ID-JK', isp: 'Telkomsel', net: '4g', os: 'android',
    device: 'SM-A515F', sdk: '4.2.1', edge: 'edge-sgp-3', intervalMs: 5000, rttMs: 100, jitterMs: 10, lossPct: 1,
    aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 0, ...o,
  };
}

function find(w: ClosedWindow, key: string): WindowSlice | undefined {
  return w.slices.find((s) => s.key === key);
}

describe('event-time windows and the watermark', () => {
  it('closes a window only when the watermark (max ts − lateness) reaches its end', () => {
    const w = createWindower({ allowedLatenessMs: 10_000 });
    w.push(stats(T0 + 100));
    w.push(stats(T0 + 4_999));
    expect(w.advance()).toEqual([]);
    w.push(stats(T0 + 14_999)); // watermark T0 + 4 999
    expect(w.advance()).toEqual([]);
    w.push(stats(T0 + 15_000)); // watermark T0 + 5 000 = end of the first window
    const closed = w.advance();
    expect(closed.map((c) => [c.start - T0, c.end - T0, c.records])).toEqual([[0, 5_000, 2]]);
    expect(w.watermark()).toBe(T0 + 5_000);
  });

  it('emits closed windows in start order whatever the arrival order', () => {
    const w = createWindower({ allowedLatenessMs: 10_000 });
    for (const dt of [12_000, 3_000, 7_000, 1_000, 9_000, 40_000]) w.push(stats(T0 + dt));
    const closed = w.advance();
    expect(closed.map((c) => c.start - T0)).toEqual([0, 5_000, 10_000]);
    expect(closed.map((c) => c.records)).toEqual([2, 2, 1]);
  });

  it('adds an out-of-order record while its window is open and counts it late afterwards', () => {
    const w = createWindower({ allowedLatenessMs: 10_000 });
    w.push(stats(T0 + 13_000));
    expect(w.push(stats(T0 + 1_000))).toBe('accepted'); // 12 s behind the max, window still open
    w.push(stats(T0 + 16_000)); // watermark T0 + 6 000: window [0, 5 s) is closed
    expect(w.push(stats(T0 + 2_000))).toBe('late');
    expect(w.push(stats(T0 + 4_999))).toBe('late');
    expect(w.push(stats(T0 + 5_000))).toBe('accepted'); // [5 s, 10 s) ends after the watermark
    const closed = w.advance();
    expect(closed).toHaveLength(1);
    expect(closed[0]!.records).toBe(1);
    expect(w.stats()).toMatchObject({ accepted: 4, late: 2 });
  });

  it('never re-opens a closed window', () => {
    const w = createWindower({ allowedLatenessMs: 0 });
    w.push(stats(T0 + 1_000));
    w.push(stats(T0 + 5_000));
    expect(w.advance().map((c) => c.start)).toEqual([T0]);
    expect(w.push(stats(T0 + 4_000))).toBe('late');
    expect(w.advance()).toEqual([]);
  });

  it('with the server clock: windows close when traffic stops, and a fast device clock cannot drag the watermark', () => {
    const w = createWindower({ allowedLatenessMs: 10_000 });
    const now = T0 + 3_000;
    expect(w.push(stats(T0 + 1_000), now)).toBe('accepted');
    expect(w.push(stats(T0 + 120_000), now)).toBe('accepted'); // a device 2 min ahead
    expect(w.watermark()).toBe(now - 10_000); // not T0 + 110 s
    expect(w.push(stats(T0 + 2_000), now)).toBe('accepted'); // still on time
    expect(w.push(stats(T0 + 400_000), now)).toBe('ahead');
    expect(w.advance(T0 + 14_000)).toEqual([]);
    const closed = w.advance(T0 + 15_000);
    expect(closed.map((c) => [c.start, c.records])).toEqual([[T0, 2]]);
    expect(w.stats()).toMatchObject({ ahead: 1, openWindows: 1 });
  });

  it('gives the same windows for a replay whatever the batch sizes and advance cadence', () => {
    const records = Array.from({ length: 400 }, (_, i) => stats(T0 + ((i * 7_919) % 60_000), { app: `a${i % 3}`, lossPct: i % 7 }));
    records.sort((a, b) => a.ts - b.ts);
    const summary = (ws: ClosedWindow[]) => ws.map((c) => [c.start, c.records, c.slices.length, value(find(c, '')!.acc, 'lossRate').num]);
    const one = createWindower();
    for (const r of records) one.push(r);
    const a = [...one.advance(), ...one.flush()];
    const two = createWindower();
    const b: ClosedWindow[] = [];
    for (const r of records) {
      two.push(r);
      b.push(...two.advance());
    }
    b.push(...two.flush());
    expect(summary(b)).toEqual(summary(a));
    expect(a).toHaveLength(12);
  });
});

describe('slices', () => {
  it('emits leaves and rollups, each rollup the exact sum of its leaves', () => {
    const w = createWindower();
    const apps = ['a1', 'a2'];
    const isps = ['Telkomsel', 'Indosat', 'XL'];
    for (let i = 0; i < 60; i++) {
      w.push(stats(T0 + i * 50, { app: apps[i % 2]!, isp: isps[i % 3]!, lossPct: i % 10, rttMs: 50 + i }));
    }
    const [c] = w.flush();
    const leaves = c!.slices.filter((s) => s.level === 'leaf');
    expect(leaves).toHaveLength(6);
    const global = find(c!, '')!;
    expect(global.level).toBe('rollup');
    expect(recordCount(global.acc)).toBe(60);
    for (const key of ['app=a1', 'app=a2', 'country=ID', 'country=ID|isp=XL', 'app=a1|country=ID', 'edge=edge-sgp-3', 'os=android|sdk=4.2.1']) {
      const s = find(c!, key);
      expect(s, key).toBeDefined();
      const sum = new Float64Array(ACC_SIZE);
      for (const l of leaves) if (sliceContains(s!.dims, l.dims)) for (let i = 0; i < ACC_SIZE; i++) sum[i]! += l.acc[i]!;
      expect([...s!.acc]).toEqual([...sum]);
    }
    const leaf = leaves[0]!;
    expect(Object.keys(leaf.dims)).toEqual(['app', 'country', 'region', 'isp', 'net', 'os', 'sdk', 'device', 'edge']);
  });

  it('uses "none" for an optional dimension the record does not carry', () => {
    const w = createWindower({ leafDimensions: ['app', 'device'], rollups: [[]] });
    w.push(stats(T0, { device: undefined }));
    const [c] = w.flush();
    expect(c!.slices[0]!.dims).toEqual({ app: 'a1', device: NONE });
  });

  it('round-trips slice keys, escaping separators in values', () => {
    const dims = { app: 'a|b', isp: 'A=B 100%', country: 'ID' };
    const key = sliceKey(dims);
    expect(key).toBe('app=a%7Cb|country=ID|isp=A%3DB 100%25');
    expect(parseSliceKey(key)).toEqual(dims);
    expect(sliceKey({})).toBe('');
  });
});

describe('cardinality policy', () => {
  it('folds values beyond the top-K into "other" and reports how many distinct values were folded', () => {
    const w = createWindower({ topK: { device: 3 } });
    for (let i = 0; i < 100; i++) w.push(stats(T0 + i, { device: `dev-${i % 10}` }));
    const [c] = w.flush();
    const devices = new Set(c!.slices.filter((s) => s.level === 'leaf').map((s) => s.dims.device));
    expect(devices).toEqual(new Set(['dev-0', 'dev-1', 'dev-2', OTHER]));
    expect(c!.folded.device).toEqual({ distinct: 7, saturated: false, records: 70 });
    expect(c!.folded.isp).toBeUndefined();
  });

  it('lets a value that has become heavy replace the weakest admitted one in later windows', () => {
    const w = createWindower({ topK: { isp: 2 } });
    const closed: ClosedWindow[] = [];
    // Window 0: A and B take the two places; C is folded.
    for (let i = 0; i < 10; i++) w.push(stats(T0 + i, { isp: 'A' }));
    w.push(stats(T0 + 10, { isp: 'B' }));
    for (let i = 0; i < 50; i++) w.push(stats(T0 + 100 + i, { isp: 'C' }));
    closed.push(...w.flush());
    for (let i = 0; i < 10; i++) w.push(stats(T0 + 5_000 + i, { isp: 'C' }));
    w.push(stats(T0 + 5_100, { isp: 'B' }));
    closed.push(...w.flush());
    const isps = (c: ClosedWindow) => c.slices.filter((s) => s.level === 'leaf').map((s) => s.dims.isp).sort();
    expect(isps(closed[0]!)).toEqual(['A', 'B', OTHER]);
    expect(isps(closed[1]!)).toEqual(['C', OTHER]);
    expect(closed[1]!.folded.isp).toEqual({ distinct: 1, saturated: false, records: 1 });
  });

  it('caps the distinct-value count it keeps and says so', () => {
    const w = createWindower({ topK: { device: 1 }, foldedDistinctCap: 5 });
    for (let i = 0; i < 20; i++) w.push(stats(T0 + i, { device: `d${i}` }));
    const [c] = w.flush();
    expect(c!.folded.device).toEqual({ distinct: 5, saturated: true, records: 19 });
  });

  it('bounds the leaves per window: beyond the cap records go to their app’s overflow leaf', () => {
    const w = createWindower({ maxLeavesPerWindow: 10, topK: { edge: 10_000 } });
    for (let i = 0; i < 1_000; i++) w.push(stats(T0 + i, { app: `a${i % 2}`, edge: `edge-${i}` }));
    expect(w.stats().leaves).toBeLessThanOrEqual(12);
    const [c] = w.flush();
    const leaves = c!.slices.filter((s) => s.level === 'leaf');
    expect(leaves.length).toBeLessThanOrEqual(12);
    expect(c!.overflowRecords).toBe(990);
    expect(leaves.find((s) => s.dims.app === 'a0' && s.dims.edge === OTHER && s.dims.country === OTHER)).toBeDefined();
    expect(recordCount(find(c!, '')!.acc)).toBe(1_000); // nothing lost
    expect(recordCount(find(c!, 'app=a1')!.acc)).toBe(500);
  });

  it('keeps memory bounded over many windows of ever-new values', () => {
    const w = createWindower({ maxLeavesTotal: 500, candidateCapacity: 64 });
    let n = 0;
    for (let win = 0; win < 40; win++) {
      for (let i = 0; i < 300; i++) w.push(stats(T0 + win * 5_000 + i, { device: `d-${n++}`, region: `R-${n}` }));
      expect(w.stats().leaves).toBeLessThanOrEqual(500 + 1);
      w.advance();
    }
    expect(w.stats().openWindows).toBeLessThanOrEqual(4);
  });
});
