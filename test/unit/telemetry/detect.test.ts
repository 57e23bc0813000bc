import { describe, expect, it } from 'vitest';
import {
  binomialScore,
  createDetector,
  dailyProfile,
  type AnomalyEvent,
  type DetectorConfigInput,
  type DetectorEvent,
  type RecoveredEvent,
} from '../../../src/domain/telemetry/detect.ts';
import { createIncidentTracker, type IncidentEvent } from '../../../src/domain/telemetry/incidents.ts';
import { type Accumulator, add, createAccumulator, mergeInto } from '../../../src/domain/telemetry/metrics.ts';
import type { JoinRecord, LeaveRecord, StatsRecord, TelemetryRecord } from '../../../src/domain/telemetry/record.ts';
import { createWindower, sliceKey, type ClosedWindow, type SliceDims, type WindowSlice } from '../../../src/domain/telemetry/windows.ts';

// ---- a small synthetic fleet ---------------------------------------------------------------

const W = 5_000;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);

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

/** Quality of one leaf in one window; every rate is a mean share. */
interface Quality {
  streams: number; // stats records of 5 s each (≈ concurrent sessions)
  loss: number;
  freeze: number;
  afreeze: number;
  delay: number;
  rtt: number;
  jitter: number;
  avBad: number;
  joins: number;
  joinFail: number;
  slowJoin: number;
  ff: number;
  leaves: number;
  abnormal: number;
}

const NORMAL: Quality = {
  streams: 300, loss: 0.01, freeze: 0.01, afreeze: 0.004, delay: 0.02, rtt: 120, jitter: 12, avBad: 0.01,
  joins: 30, joinFail: 0.01, slowJoin: 0.01, ff: 900, leaves: 30, abnormal: 0.01,
};

interface LeafDef {
  dims: { app: string; country: string; isp: string };
  q: Quality;
}

const common = { v: 1 as const, cid: 'c', sid: 's', net: '4g' as const, os: 'android' as const, sdk: '4.2.1', edge: 'edge-1' };

function makeGen(seed: number) {
  const rand = rng(seed);
  const exp = () => -Math.log(1 - rand());
  const st: StatsRecord = {
    ...common, ts: 0, type: 'stats', app: '', country: '', isp: '', intervalMs: W, rttMs: 0, jitterMs: 0, lossPct: 0,
    e2eMs: 0, aMs: W, aFreezeMs: 0, vMs: W, vFreezeMs: 0, avSyncMs: 0,
  };
  const jr: JoinRecord = { ...common, ts: 0, type: 'join', app: '', country: '', isp: '', ok: true, code: 0, joinMs: 0, firstFrameMs: 0 };
  const lr: LeaveRecord = { ...common, ts: 0, type: 'leave', app: '', country: '', isp: '', durMs: 60_000, reason: 'normal' };
  /** Add one window of a leaf's traffic straight into an accumulator (no record objects kept). */
  function fill(acc: Accumulator, q: Quality): void {
    const streams = Math.round(q.streams);
    for (let i = 0; i < streams; i++) {
      st.lossPct = Math.min(100, 100 * q.loss * exp());
      st.vFreezeMs = rand() < q.freeze / 0.36 ? 600 + rand() * 2400 : 0; // mean freeze 1.8 s of 5
      st.aFreezeMs = rand() < q.afreeze / 0.1 ? 200 + rand() * 600 : 0; // mean 0.5 s of 5
      st.e2eMs = rand() < q.delay ? 500 : 200;
      st.rttMs = q.rtt * (0.5 + 0.5 * exp());
      st.jitterMs = q.jitter * (0.5 + 0.5 * exp());
      st.avSyncMs = rand() < q.avBad ? 300 : 30;
      add(acc, st);
    }
    const joins = Math.round(q.joins);
    for (let i = 0; i < joins; i++) {
      jr.ok = rand() >= q.joinFail;
      jr.joinMs = rand() < q.slowJoin ? 6_000 : 800;
      jr.firstFrameMs = Math.round(q.ff * (0.5 + 0.5 * exp()));
      add(acc, jr);
    }
    const leaves = Math.round(q.leaves);
    for (let i = 0; i < leaves; i++) {
      lr.reason = rand() < q.abnormal ? 'error' : 'normal';
      add(acc, lr);
    }
  }
  /** Records of one window of a leaf, for the end-to-end path through the windower. */
  function records(start: number, def: LeafDef): TelemetryRecord[] {
    const acc = createAccumulator();
    const out: TelemetryRecord[] = [];
    const q = def.q;
    const span = (i: number, n: number) => start + Math.floor(((i + rand()) / Math.max(n, 1)) * (W - 1));
    const one = { ...q, streams: 1, joins: 0, leaves: 0 };
    for (let i = 0; i < q.streams; i++) {
      fill(acc, one);
      out.push({ ...st, ...def.dims, ts: span(i, q.streams) });
    }
    const oneJoin = { ...q, streams: 0, joins: 1, leaves: 0 };
    for (let i = 0; i < q.joins; i++) {
      fill(acc, oneJoin);
      out.push({ ...jr, ...def.dims, ts: span(i, q.joins) });
    }
    const oneLeave = { ...q, streams: 0, joins: 0, leaves: 1 };
    for (let i = 0; i < q.leaves; i++) {
      fill(acc, oneLeave);
      out.push({ ...lr, ...def.dims, ts: span(i, q.leaves) });
    }
    return out;
  }
  return { fill, records, rand };
}

const ROLLUPS: (keyof LeafDef['dims'])[][] = [[], ['app'], ['country'], ['country', 'isp'], ['app', 'country']];

/** A closed window built directly from leaf qualities, with the windower's kind of rollups. */
function buildWindow(start: number, leaves: LeafDef[], fill: (acc: Accumulator, q: Quality) => void): ClosedWindow {
  const slices: WindowSlice[] = [];
  for (const l of leaves) {
    const acc = createAccumulator();
    fill(acc, l.q);
    slices.push({ key: sliceKey(l.dims), dims: l.dims, level: 'leaf', acc });
  }
  const leafSlices = [...slices];
  for (const r of ROLLUPS) {
    const groups = new Map<string, WindowSlice>();
    for (const l of leafSlices) {
      const dims: SliceDims = {};
      for (const d of r) dims[d] = (l.dims as SliceDims)[d];
      const key = sliceKey(dims);
      let g = groups.get(key);
      if (!g) {
        g = { key, dims, level: 'rollup', acc: createAccumulator() };
        groups.set(key, g);
      }
      mergeInto(g.acc, l.acc);
    }
    slices.push(...groups.values());
  }
  return { start, end: start + W, windowMs: W, records: 0, slices, folded: {}, overflowRecords: 0 };
}

const FLEET = (q: Partial<Quality> = {}): LeafDef[] => [
  { dims: { app: 'a1', country: 'ID', isp: 'Telkomsel' }, q: { ...NORMAL, ...q } },
  { dims: { app: 'a1', country: 'ID', isp: 'Indosat' }, q: { ...NORMAL, streams: 200, joins: 20, leaves: 20, loss: 0.015, rtt: 90 } },
  { dims: { app: 'a1', country: 'SG', isp: 'Singtel' }, q: { ...NORMAL, streams: 150, joins: 25, leaves: 25, loss: 0.005, rtt: 40, jitter: 5 } },
  { dims: { app: 'a2', country: 'ID', isp: 'Telkomsel' }, q: { ...NORMAL, streams: 200, joins: 25, leaves: 25 } },
  { dims: { app: 'a2', country: 'VN', isp: 'Viettel' }, q: { ...NORMAL, streams: 250, joins: 30, leaves: 30, freeze: 0.02, rtt: 150 } },
];

interface Run {
  events: DetectorEvent[];
  anomalies: AnomalyEvent[];
  recoveries: RecoveredEvent[];
  detector: ReturnType<typeof createDetector>;
}

/** Run `n` windows; `leavesAt(i)` gives the fleet of window i. */
function run(n: number, leavesAt: (i: number, t: number) => LeafDef[], opts: { seed?: number; config?: DetectorConfigInput; t0?: number } = {}): Run {
  const gen = makeGen(opts.seed ?? 1);
  const detector = createDetector(opts.config);
  const events: DetectorEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = (opts.t0 ?? T0) + i * W;
    events.push(...detector.observe(buildWindow(t, leavesAt(i, t), gen.fill)));
  }
  return {
    events,
    anomalies: events.filter((e): e is AnomalyEvent => e.kind === 'anomaly'),
    recoveries: events.filter((e): e is RecoveredEvent => e.kind === 'recovered'),
    detector,
  };
}

const describeAnomalies = (a: AnomalyEvent[]) => a.map((e) => `${e.metric}@${e.slice.key} t=${(e.onset - T0) / W} z=${e.score.toFixed(1)} ${e.observed.toFixed(4)} vs ${e.expected.toFixed(4)}`);

// ---- tests -----------------------------------------------------------------------------------

describe('binomialScore', () => {
  it('is ~0 at the expectation, positive above, negative below', () => {
    expect(binomialScore(10, 1000, 0.01)).toBeCloseTo(0, 9);
    expect(binomialScore(30, 1000, 0.01)).toBeGreaterThan(4);
    expect(binomialScore(0, 1000, 0.01)).toBeLessThan(-4);
  });
  it('is modest for a couple of events when almost none are expected (count-aware)', () => {
    expect(binomialScore(2, 100, 0.001)).toBeLessThan(3.5);
  });
});

describe('no false alarms', () => {
  it('raises nothing on 2,000 windows of pure noise, while every rollup slice is judged', () => {
    const r = run(2_000, () => FLEET(), { seed: 11 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
    for (const key of ['', 'app=a1', 'app=a2', 'country=ID|isp=Telkomsel', 'app=a2|country=VN']) {
      const j = r.detector.explain(key);
      expect(j, key).not.toBeNull();
      for (const m of j!) expect(m.judged, `${key} ${m.metric} ${m.reason}`).toBe(true);
    }
  });

  it('raises nothing on a 5× traffic surge with unchanged ratios', () => {
    const r = run(800, (i) => {
      const k = i >= 300 && i < 500 ? 5 : 1;
      return FLEET().map((l) => ({ ...l, q: { ...l.q, streams: l.q.streams * k, joins: l.q.joins * k, leaves: l.q.leaves * k } }));
    }, { seed: 12 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
  });

  it('raises nothing over a whole day of slow daily cycles in traffic and quality', () => {
    const day = 86_400_000;
    const r = run(day / W, (_i, t) => {
      const phase = Math.sin((2 * Math.PI * (t - T0)) / day);
      const traffic = 1 + 0.6 * phase; // 0.4× … 1.6×
      const worse = 1 + 0.5 * phase; // quality worst at the busiest hour
      return [
        { dims: { app: 'a1', country: 'ID', isp: 'Telkomsel' }, q: { ...NORMAL, streams: 180 * traffic, joins: 25 * traffic, leaves: 25 * traffic, loss: 0.01 * worse, freeze: 0.01 * worse, rtt: 120 * (1 + 0.2 * phase), jitter: 12 * worse } },
        { dims: { app: 'a2', country: 'VN', isp: 'Viettel' }, q: { ...NORMAL, streams: 150 * traffic, joins: 25 * traffic, leaves: 25 * traffic, delay: 0.02 * worse } },
      ];
    }, { seed: 13 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
  });

  it('learns overdispersion: a ratio that wanders more than sampling explains does not alarm', () => {
    const gen = makeGen(16);
    const r = run(1_000, () => FLEET().map((l) => ({ ...l, q: { ...l.q, delay: 0.04 * gen.rand() } })), { seed: 16 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
    // Without learning it (φ pinned to 1), the same series alarms.
    const pinned = run(1_000, () => FLEET().map((l) => ({ ...l, q: { ...l.q, delay: 0.04 * gen.rand() } })), { seed: 16, config: { phiClamp: 1 } });
    expect(pinned.anomalies.some((e) => e.metric === 'networkDelayRate')).toBe(true);
  });

  it('does not raise a single bad window (N-of-M confirmation)', () => {
    const r = run(300, (i) => (i === 200 ? FLEET({ loss: 0.1, joinFail: 0.5 }) : FLEET()), { seed: 14 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
  });

  it('judges nothing while the baseline warms up', () => {
    const r = run(5, () => FLEET({ loss: 0.2 }), { seed: 15 });
    expect(r.anomalies).toEqual([]);
    expect(r.detector.explain('')!.every((j) => j.reason === 'warmup')).toBe(true);
  });
});

describe('detection', () => {
  const STEP = 120;

  it('detects a step change in loss of one slice within 2–3 windows, with its onset and impact', () => {
    const r = run(STEP + 80, (i) => FLEET(i >= STEP ? { loss: 0.06 } : {}), { seed: 21 });
    const before = r.anomalies.filter((e) => e.detectedAt <= T0 + STEP * W);
    expect(describeAnomalies(before)).toEqual([]);
    const hit = r.anomalies.find((e) => e.metric === 'lossRate' && e.slice.key === 'country=ID|isp=Telkomsel');
    expect(hit, describeAnomalies(r.anomalies).join('\n')).toBeDefined();
    expect(hit!.onset).toBe(T0 + STEP * W);
    expect(hit!.detectedAt - hit!.onset).toBeLessThanOrEqual(3 * W);
    expect(hit!.observed).toBeGreaterThan(0.03);
    expect(hit!.expected).toBeCloseTo(0.01, 2);
    expect(hit!.apps.map((a) => a.app)).toEqual(['a1', 'a2']);
    expect(hit!.share).toBeGreaterThan(0.3);
    expect(hit!.share).toBeLessThan(0.6);
    // Slices without the bad leaf stay quiet.
    const unrelated = r.anomalies.filter((e) => e.slice.dims.country === 'SG' || e.slice.dims.country === 'VN' || e.slice.dims.app === 'a2' || e.slice.dims.isp === 'Indosat');
    expect(describeAnomalies(unrelated)).toEqual([]);
    // Only loss moved.
    expect(new Set(r.anomalies.map((e) => e.metric))).toEqual(new Set(['lossRate']));
  });

  it('detects the same step end to end from NDJSON-shaped records through the windower', () => {
    const gen = makeGen(22);
    const windower = createWindower();
    const detector = createDetector();
    const anomalies: AnomalyEvent[] = [];
    for (let i = 0; i < STEP + 12; i++) {
      const t = T0 + i * W;
      for (const def of FLEET(i >= STEP ? { loss: 0.06 } : {})) for (const rec of gen.records(t, def)) windower.push(rec);
      for (const w of windower.advance()) {
        for (const e of detector.observe(w)) if (e.kind === 'anomaly') anomalies.push(e);
      }
    }
    const hit = anomalies.find((e) => e.metric === 'lossRate' && e.slice.key === 'country=ID|isp=Telkomsel');
    expect(hit, describeAnomalies(anomalies).join('\n')).toBeDefined();
    expect(hit!.onset).toBe(T0 + STEP * W);
    expect(hit!.detectedAt - hit!.onset).toBeLessThanOrEqual(3 * W);
    expect(anomalies.every((e) => e.onset >= T0 + STEP * W)).toBe(true);
  });

  it('detects an rtt shift of 40 ms in one slice (a route change)', () => {
    const r = run(STEP + 40, (i) => FLEET(i >= STEP ? { rtt: 160 } : {}), { seed: 23 });
    const hit = r.anomalies.find((e) => e.metric === 'rttMean' && e.slice.key === 'country=ID|isp=Telkomsel');
    expect(hit, describeAnomalies(r.anomalies).join('\n')).toBeDefined();
    expect(hit!.detectedAt - T0 - STEP * W).toBeLessThanOrEqual(3 * W);
    expect(hit!.observed - hit!.expected).toBeGreaterThan(20);
  });

  it('detects failing joins, reporting the success rate in its natural direction', () => {
    const r = run(STEP + 40, (i) => FLEET(i >= STEP ? { joinFail: 0.4 } : {}), { seed: 24 });
    const hit = r.anomalies.find((e) => e.metric === 'joinSuccessRate' && e.slice.key === 'country=ID|isp=Telkomsel');
    expect(hit, describeAnomalies(r.anomalies).join('\n')).toBeDefined();
    expect(hit!.detectedAt - T0 - STEP * W).toBeLessThanOrEqual(3 * W);
    expect(hit!.observed).toBeLessThan(0.85);
    expect(hit!.expected).toBeGreaterThan(0.97);
  });

  it('detects slow first frames (p90) and video freezes', () => {
    const r = run(STEP + 40, (i) => FLEET(i >= STEP ? { ff: 2500, freeze: 0.08 } : {}), { seed: 25 });
    const metrics = new Set(r.anomalies.filter((e) => e.slice.key === 'country=ID|isp=Telkomsel').map((e) => e.metric));
    expect(metrics.has('firstFrameMs')).toBe(true);
    expect(metrics.has('videoFreezeRate')).toBe(true);
  });

  it('leaves a slice below its minimum traffic to its parents, which do not move enough to alarm', () => {
    const leaves = (i: number): LeafDef[] => [
      ...FLEET(),
      { dims: { app: 'tiny', country: 'BR', isp: 'Vivo' }, q: { ...NORMAL, streams: 20, joins: 2, leaves: 2, loss: i >= STEP ? 0.3 : 0.01 } },
    ];
    const r = run(STEP + 120, leaves, { seed: 26 });
    expect(describeAnomalies(r.anomalies)).toEqual([]);
    const j = r.detector.explain('app=tiny')!.find((x) => x.metric === 'lossRate')!;
    expect(j.reason).toBe('guard');
    expect(j.observed).toBeGreaterThan(0.1);
  });

  it('recovers after the metric has stayed normal for the recovery time, and not before', () => {
    const END = STEP + 60;
    const r = run(END + 60, (i) => FLEET(i >= STEP && i < END ? { loss: 0.06 } : {}), { seed: 27, config: { recoveryMs: 30_000 } });
    const key = 'country=ID|isp=Telkomsel';
    const raised = r.anomalies.filter((e) => e.slice.key === key && e.metric === 'lossRate');
    expect(raised).toHaveLength(1); // the baseline did not learn the bad level: no flapping
    const rec = r.recoveries.find((e) => e.slice.key === key && e.metric === 'lossRate');
    expect(rec).toBeDefined();
    expect(rec!.reason).toBe('normal');
    expect(rec!.onset).toBe(raised[0]!.onset);
    expect(rec!.recoveredAt).toBeGreaterThanOrEqual(T0 + END * W + 30_000);
    expect(rec!.recoveredAt).toBeLessThanOrEqual(T0 + END * W + 30_000 + 2 * W);
    expect(r.detector.active()).toEqual([]);
  });

  it('recovers with reason no-data when the slice goes quiet', () => {
    const r = run(STEP + 200, (i) => (i < STEP ? FLEET() : i < STEP + 5 ? FLEET({ loss: 0.08 }) : FLEET().filter((l) => l.dims.isp !== 'Telkomsel')), {
      seed: 28,
      config: { noDataRecoveryMs: 60_000 },
    });
    const rec = r.recoveries.find((e) => e.slice.key === 'country=ID|isp=Telkomsel' && e.metric === 'lossRate');
    expect(rec?.reason).toBe('no-data');
  });

  it('accepts a shift that lasts longer than relearnAfterMs as the new normal', () => {
    const r = run(STEP + 240, (i) => FLEET(i >= STEP ? { loss: 0.06 } : {}), {
      seed: 32,
      config: { relearnAfterMs: 5 * 60_000, halfLifeMs: 60_000, recoveryMs: 30_000 },
    });
    const key = 'country=ID|isp=Telkomsel';
    const raised = r.anomalies.filter((e) => e.slice.key === key && e.metric === 'lossRate');
    const rec = r.recoveries.filter((e) => e.slice.key === key && e.metric === 'lossRate');
    expect(raised).toHaveLength(1);
    expect(rec).toHaveLength(1);
    expect(rec[0]!.recoveredAt).toBeGreaterThan(T0 + STEP * W + 5 * 60_000);
  });

  it('is more sensitive for a customer tier with a higher multiplier', () => {
    const big = (i: number): LeafDef[] => [
      { dims: { app: 'ent', country: 'ID', isp: 'Telkomsel' }, q: { ...NORMAL, streams: 1_000, loss: i >= STEP ? 0.022 : 0.01 } },
      { dims: { app: 'other', country: 'VN', isp: 'Viettel' }, q: { ...NORMAL, streams: 1_000 } },
    ];
    const plain = run(STEP + 60, big, { seed: 29 });
    expect(plain.anomalies.filter((e) => e.slice.key === 'app=ent')).toEqual([]);
    const sensitive = run(STEP + 60, big, { seed: 29, config: { sensitivity: (s) => (s.dims.app === 'ent' ? 2 : 1) } });
    const hit = sensitive.anomalies.find((e) => e.slice.key === 'app=ent' && e.metric === 'lossRate');
    expect(hit).toBeDefined();
    expect(hit!.sensitivity).toBe(2);
  });

  it('uses a time-of-day profile when given: an expected evening peak does not alarm', () => {
    const evening = (t: number) => {
      const h = new Date(t).getUTCHours();
      return h >= 20 && h < 22;
    };
    const leaves = (_i: number, t: number) => FLEET().map((l) => (evening(t) ? { ...l, q: { ...l.q, loss: 3 * l.q.loss } } : l));
    const t0 = T0 + 19.75 * 3_600_000; // 19:45 → 20:45
    // Without a profile the jump at 20:00 is an anomaly …
    const r1 = run(720, leaves, { seed: 30, t0 });
    expect(r1.anomalies.some((e) => e.metric === 'lossRate' && e.onset === T0 + 20 * 3_600_000)).toBe(true);
    // … with a profile that expects three times the loss from 20:00 to 22:00 it is not.
    const r2 = run(720, leaves, {
      seed: 30,
      t0,
      config: { seasonal: (metric, _key, t) => (metric === 'lossRate' && evening(t) ? 3 : 1) },
    });
    expect(describeAnomalies(r2.anomalies)).toEqual([]);
  });

  it('judges the recovery of an anomaly whose traffic fell below the guard by pooling windows, long before the no-data timeout', () => {
    const END = STEP + 24;
    // Failing joins are retried: the slice carries many attempts while it fails, few afterwards.
    const r = run(END + 60, (i) => FLEET(i >= STEP && i < END ? { joins: 60, joinFail: 0.5 } : i >= END ? { joins: 6 } : {}), { seed: 43, config: { recoveryMs: 30_000 } });
    const key = 'country=ID|isp=Telkomsel';
    expect(r.anomalies.filter((e) => e.slice.key === key && e.metric === 'joinSuccessRate')).toHaveLength(1);
    const rec = r.recoveries.find((e) => e.slice.key === key && e.metric === 'joinSuccessRate');
    expect(rec?.reason).toBe('normal');
    expect(rec!.recoveredAt).toBeLessThanOrEqual(T0 + END * W + 30_000 + 12 * W);
  });

  it('does not track more slices than allowed', () => {
    const r = run(3, () => FLEET(), { config: { maxSlices: 4 } });
    expect(r.detector.stats().slices).toBe(4);
    expect(r.detector.stats().untracked).toBeGreaterThan(0);
  });
});

describe('detector → incidents', () => {
  it('turns one cause (loss and rtt up on one ISP) into one incident that resolves after it ends', () => {
    const STEP = 120;
    const END = 180;
    const gen = makeGen(31);
    const detector = createDetector({ recoveryMs: 30_000 });
    const tracker = createIncidentTracker({ resolveAfterMs: 60_000 });
    const out: IncidentEvent[] = [];
    for (let i = 0; i < END + 40; i++) {
      const t = T0 + i * W;
      const bad = i >= STEP && i < END;
      const w = buildWindow(t, FLEET(bad ? { loss: 0.08, rtt: 200 } : {}), gen.fill);
      out.push(...tracker.apply(detector.observe(w), w.end));
    }
    const opened = out.filter((e) => e.type === 'opened');
    expect(opened).toHaveLength(1);
    const resolved = out.filter((e) => e.type === 'resolved');
    expect(resolved).toHaveLength(1);
    const inc = resolved[0]!.incident;
    expect(inc.metrics).toEqual(expect.arrayContaining(['lossRate', 'rttMean']));
    expect(inc.startedAt).toBe(T0 + STEP * W);
    expect(inc.detectedAt - inc.startedAt).toBeLessThanOrEqual(3 * W);
    expect(inc.scope.apps).toEqual(['a1', 'a2']);
    expect(inc.severity).toBe('P0'); // ~45 % of all sessions ride on that ISP
    expect(inc.anomalies.some((a) => a.slice.key === 'country=ID|isp=Telkomsel')).toBe(true);
    expect(inc.anomalies.every((a) => !a.slice.dims.country || a.slice.dims.country === 'ID')).toBe(true);
    expect(inc.resolvedAt).toBeGreaterThanOrEqual(T0 + END * W + 30_000);
    expect(tracker.open()).toEqual([]);
  });
});

describe('dailyProfile', () => {
  it('interpolates between bucket centres and wraps at midnight', () => {
    const p = dailyProfile([1, 3]);
    expect(p(Date.UTC(2026, 0, 1, 6))).toBeCloseTo(1, 9); // centre of the first half-day
    expect(p(Date.UTC(2026, 0, 1, 18))).toBeCloseTo(3, 9);
    expect(p(Date.UTC(2026, 0, 1, 12))).toBeCloseTo(2, 9);
    expect(p(Date.UTC(2026, 0, 1, 0))).toBeCloseTo(2, 9);
    expect(dailyProfile([1, 3], 6 * 3_600_000)(Date.UTC(2026, 0, 1, 0))).toBeCloseTo(1, 9);
  });
});
