import { describe, expect, it } from 'vitest';
import {
  ACC_SIZE,
  METRICS,
  METRIC_INFO,
  accumulate,
  add,
  createAccumulator,
  firstFrameCountAbove,
  firstFrameQuantile,
  meanAndVariance,
  merge,
  mergeInto,
  recordCount,
  sampleSize,
  sessions,
  traffic,
  value,
  type MetricName,
} from '../../../src/domain/telemetry/metrics.ts';
import type { JoinRecord, LeaveRecord, StatsRecord, TelemetryRecord } from '../../../src/domain/telemetry/record.ts';

const base = {
  v: 1 as const, ts: 1_000, app: 'a', cid: 'c', sid: 's', country: 'ID', isp: 'Telkomsel',
  net: '4g' as const, os: 'android' as const, sdk: '4.2.1', edge: 'edge-1',
};
const J = (o: Partial<JoinRecord>): JoinRecord => ({ ...base, type: 'join', ok: true, code: 0, joinMs: 800, ...o });
const S = (o: Partial<StatsRecord>): StatsRecord => ({
  ...base, type: 'stats', intervalMs: 5000, rttMs: 100, jitterMs: 10, lossPct: 0, aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 0, ...o,
});
const Lv = (o: Partial<LeaveRecord>): LeaveRecord => ({ ...base, type: 'leave', durMs: 60_000, reason: 'normal', ...o });

// A hand-computed example (numbers worked out in the comments).
const example: TelemetryRecord[] = [
  J({ ok: true, joinMs: 800, firstFrameMs: 1200 }),
  J({ ok: true, joinMs: 6000, firstFrameMs: 2500 }), // ok but slower than 5 s
  J({ ok: false, code: 1001, joinMs: 3000 }),
  J({ ok: true, joinMs: 1000 }), // no first frame
  // Σ intervalMs = 10 000
  S({ intervalMs: 5000, rttMs: 100, jitterMs: 10, lossPct: 2, e2eMs: 300, aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 500, avSyncMs: 250 }),
  S({ intervalMs: 3000, rttMs: 500, jitterMs: 40, lossPct: 10, aMs: 3000, aFreezeMs: 300, vMs: 0, vFreezeMs: 0 }), // no e2e: rtt 500 > 400 → delayed
  S({ intervalMs: 2000, rttMs: 450, jitterMs: 20, lossPct: 0, e2eMs: 350, aMs: 2000, aFreezeMs: 100, vMs: 2000, vFreezeMs: 1000, avSyncMs: -100 }), // e2e 350 wins over rtt 450
  Lv({ reason: 'normal' }),
  Lv({ reason: 'error' }),
  Lv({ reason: 'timeout' }),
  Lv({ reason: 'kicked' }),
  Lv({ reason: 'normal' }),
];

describe('metric definitions (telemetry.md) on a hand-computed example', () => {
  const acc = accumulate(example);
  const cases: [MetricName, number, number, number][] = [
    ['joinSuccessRate', 3, 4, 0.75],
    ['join5sRate', 2, 4, 0.5],
    ['videoFreezeRate', 1500, 7000, 1500 / 7000],
    ['audioFreezeRate', 400, 10_000, 0.04],
    ['networkDelayRate', 3000, 10_000, 0.3],
    ['lossRate', 400, 10_000, 0.04], // (5000·2 + 3000·10) ÷ 100 = 400
    ['rttMean', 2_900_000, 10_000, 290], // 5000·100 + 3000·500 + 2000·450
    ['jitterMean', 210_000, 10_000, 21], // 5000·10 + 3000·40 + 2000·20
    ['abnormalLeaveRate', 2, 5, 0.4],
    ['avSyncBadRate', 5000, 7000, 5 / 7], // only records with avSyncMs count; |−100| is fine
  ];
  it.each(cases)('%s = %d ÷ %d', (metric, num, den, v) => {
    const got = value(acc, metric);
    expect(got.num).toBeCloseTo(num, 9);
    expect(got.den).toBeCloseTo(den, 9);
    expect(got.value).toBeCloseTo(v, 12);
  });

  it('firstFrameMs counts successful joins with a first frame and its num is those over 2000 ms', () => {
    const ff = value(acc, 'firstFrameMs');
    expect(ff.den).toBe(2);
    expect(ff.num).toBe(1);
  });

  it('counts session-equivalents as stats time ÷ window plus failed joins', () => {
    expect(sessions(acc, 5000)).toBe(10_000 / 5000 + 1);
    expect(recordCount(acc)).toBe(12);
  });

  it('keeps the Kish effective sample size and the variance of the means', () => {
    expect(sampleSize(acc, 'lossRate')).toBeCloseTo(1e8 / (25e6 + 9e6 + 4e6), 9);
    expect(sampleSize(acc, 'joinSuccessRate')).toBe(4);
    expect(sampleSize(acc, 'abnormalLeaveRate')).toBe(5);
    expect(traffic(acc, 'videoFreezeRate')).toBe(7000);
    const mv = meanAndVariance(acc, 'rttMean');
    // E[x²] = (5000·100² + 3000·500² + 2000·450²) ÷ 10000 = 120 500; mean 290 → var 36 400
    expect(mv?.mean).toBeCloseTo(290, 9);
    expect(mv?.variance).toBeCloseTo(36_400, 6);
  });

  it('gives null values for empty denominators', () => {
    const empty = createAccumulator();
    for (const m of METRICS) expect(value(empty, m).value).toBeNull();
    expect(meanAndVariance(empty, 'jitterMean')).toBeNull();
  });
});

describe('firstFrameMs p90', () => {
  it('interpolates inside 100 ms buckets', () => {
    const acc = accumulate(Array.from({ length: 10 }, (_, i) => J({ firstFrameMs: 150 + 100 * i })));
    // values 150 … 1050, one per bucket: the 9th of 10 fills [900, 1000)
    expect(firstFrameQuantile(acc, 0.9)).toBe(1000);
    expect(firstFrameQuantile(acc, 0.5)).toBe(600);
  });

  it('stays within one bucket of the exact p90 on 1000 samples', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 300 + ((i * 7919) % 1000) * 2.5); // 300 … 2797.5
    const acc = accumulate(values.map((v) => J({ firstFrameMs: Math.round(v) })));
    const exact = [...values].sort((a, b) => a - b)[899]!;
    expect(Math.abs((firstFrameQuantile(acc, 0.9) as number) - exact)).toBeLessThanOrEqual(100);
    expect(firstFrameCountAbove(acc, 2000)).toBeCloseTo(values.filter((v) => v >= 2000).length, -1);
  });

  it('ignores first frames of failed joins and puts huge values in the last bucket', () => {
    const acc = accumulate([J({ ok: false, firstFrameMs: 500 }), J({ firstFrameMs: 120_000 })]);
    expect(value(acc, 'firstFrameMs').den).toBe(1);
    expect(firstFrameQuantile(acc, 0.9)).toBe(60_000);
  });
});

/** Equal up to floating-point summation order (relative 1e-12). */
function expectSame(a: number | undefined, b: number | undefined): void {
  expect(Math.abs((a as number) - (b as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b as number)));
}

describe('additivity', () => {
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const rand = rng(7);
  const apps = ['a', 'b', 'c'];
  const records: TelemetryRecord[] = Array.from({ length: 3000 }, (_, i) => {
    const app = apps[i % 3]!;
    const r = rand();
    if (r < 0.2) return J({ app, ok: rand() > 0.1, joinMs: Math.floor(rand() * 8000), firstFrameMs: Math.floor(rand() * 4000) });
    if (r < 0.3) return Lv({ app, reason: rand() < 0.1 ? 'error' : 'normal' });
    const vMs = Math.floor(rand() * 5000);
    return S({
      app, intervalMs: 1000 + Math.floor(rand() * 4000), rttMs: rand() * 600, jitterMs: rand() * 50, lossPct: rand() * 20,
      e2eMs: rand() < 0.5 ? rand() * 800 : undefined, vMs, vFreezeMs: Math.floor(rand() * vMs * 0.1),
      aMs: 5000, aFreezeMs: Math.floor(rand() * 200), avSyncMs: rand() < 0.5 ? (rand() - 0.5) * 600 : undefined,
    });
  });

  it('merging the children gives the parent, for every slot and every metric', () => {
    const parent = accumulate(records);
    const children = apps.map((app) => accumulate(records.filter((r) => r.app === app)));
    const merged = children.reduce((a, b) => merge(a, b), createAccumulator());
    for (let i = 0; i < ACC_SIZE; i++) expectSame(merged[i], parent[i]);
    for (const m of METRICS) {
      const p = value(parent, m);
      const c = value(merged, m);
      expectSame(c.num, p.num);
      expectSame(c.den, p.den);
      expectSame(c.value as number, p.value as number);
    }
  });

  it('mergeInto adds in place and merge leaves its inputs alone', () => {
    const a = accumulate(records.slice(0, 10));
    const b = accumulate(records.slice(10, 20));
    const a0 = a.slice();
    const m = merge(a, b);
    expect(a).toEqual(a0);
    mergeInto(a, b);
    expect(a).toEqual(m);
    const direct = createAccumulator();
    for (const r of records.slice(0, 20)) add(direct, r);
    for (let i = 0; i < ACC_SIZE; i++) expectSame(a[i], direct[i]);
  });
});

describe('metric metadata', () => {
  it('describes every metric with labels in both languages, unit, direction and bad line', () => {
    for (const m of METRICS) {
      const info = METRIC_INFO[m];
      expect(info.name).toBe(m);
      expect(info.label.en).not.toBe('');
      expect(info.label.zh).not.toBe('');
      expect(['up', 'down']).toContain(info.bad);
    }
    expect(METRIC_INFO.joinSuccessRate).toMatchObject({ bad: 'down', badLine: 0.95, unit: 'ratio' });
    expect(METRIC_INFO.firstFrameMs).toMatchObject({ bad: 'up', badLine: 2000, unit: 'ms', kind: 'p90' });
    expect(METRIC_INFO.rttMean.badLine).toBeNull();
  });
});
