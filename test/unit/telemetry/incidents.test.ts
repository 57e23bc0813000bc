import { describe, expect, it } from 'vitest';
import type { AnomalyEvent, RecoveredEvent } from '../../../src/domain/telemetry/detect.ts';
import {
  DEFAULT_SEVERITY_RULE,
  createIncidentTracker,
  decideSeverity,
  related,
  type IncidentEvent,
  type Tier,
} from '../../../src/domain/telemetry/incidents.ts';
import type { MetricName } from '../../../src/domain/telemetry/metrics.ts';
import { sliceKey, type SliceDims } from '../../../src/domain/telemetry/windows.ts';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const W = 5_000;

function anomaly(metric: MetricName, dims: SliceDims, onset: number, o: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    kind: 'anomaly', metric, slice: { key: sliceKey(dims), dims }, windowStart: onset + W, windowEnd: onset + 2 * W,
    onset, detectedAt: onset + 2 * W, observed: 0.06, expected: 0.01, score: 6, sessions: 100, totalSessions: 10_000,
    share: 0.01, apps: dims.app ? [{ app: dims.app, sessions: 100 }] : [], sensitivity: 1, ...o,
  };
}

function recovered(metric: MetricName, dims: SliceDims, onset: number, at: number): RecoveredEvent {
  return { kind: 'recovered', metric, slice: { key: sliceKey(dims), dims }, onset, recoveredAt: at, reason: 'normal' };
}

const types = (events: IncidentEvent[]) => events.map((e) => e.type);

describe('related slices', () => {
  const r = (a: SliceDims, b: SliceDims, ma: MetricName = 'lossRate', mb: MetricName = 'lossRate') =>
    related({ metric: ma, slice: { key: sliceKey(a), dims: a } }, { metric: mb, slice: { key: sliceKey(b), dims: b } });
  it.each([
    ['the same slice, other metric', { country: 'ID' }, { country: 'ID' }, 'lossRate', 'rttMean', true],
    ['ancestor and descendant', { app: 'a1' }, { app: 'a1', country: 'ID' }, 'lossRate', 'videoFreezeRate', true],
    ['sharing a value, no conflict', { app: 'a1', country: 'ID' }, { country: 'ID', isp: 'Telkomsel' }, 'lossRate', 'lossRate', true],
    ['conflicting values', { country: 'ID', isp: 'Telkomsel' }, { country: 'ID', isp: 'Indosat' }, 'lossRate', 'lossRate', false],
    ['nothing in common', { app: 'a1' }, { country: 'ID', isp: 'Telkomsel' }, 'lossRate', 'lossRate', false],
    ['global, same metric', {}, { country: 'ID' }, 'lossRate', 'lossRate', true],
    ['global, other metric', {}, { country: 'ID' }, 'joinSuccessRate', 'lossRate', false],
  ] as [string, SliceDims, SliceDims, MetricName, MetricName, boolean][])('%s', (_name, a, b, ma, mb, want) => {
    expect(r(a, b, ma, mb)).toBe(want);
  });
});

describe('grouping anomalies into incidents', () => {
  it('makes one incident of several metrics and slices with one cause', () => {
    const t = createIncidentTracker();
    const out = t.apply(
      [
        anomaly('lossRate', { country: 'ID', isp: 'Telkomsel' }, T0, { share: 0.03, sessions: 300, apps: [{ app: 'a1', sessions: 200 }, { app: 'a2', sessions: 100 }] }),
        anomaly('rttMean', { country: 'ID', isp: 'Telkomsel' }, T0 + W, { score: 9, observed: 180, expected: 120 }),
        anomaly('lossRate', { app: 'a1', country: 'ID' }, T0),
        anomaly('videoFreezeRate', { app: 'a1' }, T0 + 2 * W),
        anomaly('lossRate', {}, T0),
      ],
      T0 + 4 * W,
    );
    expect(types(out)).toEqual(['opened', 'updated', 'updated', 'updated', 'updated']);
    const open = t.open();
    expect(open).toHaveLength(1);
    const inc = open[0]!;
    expect(inc.metrics).toEqual(['lossRate', 'rttMean', 'videoFreezeRate']);
    expect(inc.startedAt).toBe(T0);
    expect(inc.detectedAt).toBe(T0 + 2 * W);
    expect(inc.scope).toEqual({ apps: ['a1', 'a2'], sessions: 300, share: 0.03 });
    expect(inc.primary).toEqual({ metric: 'rttMean', slice: { key: 'country=ID|isp=Telkomsel', dims: { country: 'ID', isp: 'Telkomsel' } } });
    expect([inc.observed, inc.expected]).toEqual([180, 120]);
    expect(inc.id).toMatch(/^inc-[0-9a-z]+-[0-9a-f]{8}$/);
  });

  it('keeps an unrelated simultaneous problem in its own incident', () => {
    const t = createIncidentTracker();
    t.apply([anomaly('lossRate', { country: 'ID', isp: 'Telkomsel' }, T0)], T0 + 2 * W);
    const out = t.apply([anomaly('joinSuccessRate', { country: 'VN', isp: 'Viettel' }, T0 + W, { observed: 0.8, expected: 0.99 })], T0 + 3 * W);
    expect(types(out)).toEqual(['opened']);
    expect(t.open()).toHaveLength(2);
    // A global signal of another metric does not tie them together either.
    t.apply([anomaly('rttMean', {}, T0 + W)], T0 + 3 * W);
    expect(t.open()).toHaveLength(3);
  });

  it('merges incidents that a later anomaly shows to share a cause', () => {
    const t = createIncidentTracker();
    t.apply([anomaly('lossRate', { app: 'a1', country: 'ID' }, T0)], T0 + 2 * W);
    t.apply([anomaly('lossRate', { app: 'a2', isp: 'Telkomsel' } as SliceDims, T0 + W, { apps: [{ app: 'a2', sessions: 50 }] })], T0 + 3 * W);
    expect(t.open()).toHaveLength(2);
    const out = t.apply([anomaly('lossRate', { country: 'ID', isp: 'Telkomsel' }, T0 + W)], T0 + 3 * W);
    expect(types(out)).toEqual(['merged', 'updated']);
    const merged = out[0]!;
    const survivor = out[1]!.incident;
    expect(merged.mergedInto).toBe(survivor.id);
    expect(survivor.startedAt).toBe(T0);
    expect(survivor.anomalies).toHaveLength(3);
    expect(t.open()).toHaveLength(1);
  });

  it('joins a related anomaly that starts within the tolerance after a recovery, and not one that starts later', () => {
    const t = createIncidentTracker({ groupToleranceMs: 60_000, resolveAfterMs: 600_000 });
    t.apply([anomaly('lossRate', { country: 'ID' }, T0)], T0 + 2 * W);
    t.apply([recovered('lossRate', { country: 'ID' }, T0, T0 + 100_000)], T0 + 100_000);
    const near = t.apply([anomaly('rttMean', { country: 'ID' }, T0 + 150_000)], T0 + 160_000);
    expect(types(near)).toEqual(['updated']);
    t.apply([recovered('rttMean', { country: 'ID' }, T0 + 150_000, T0 + 200_000)], T0 + 200_000);
    const far = t.apply([anomaly('jitterMean', { country: 'ID' }, T0 + 300_000)], T0 + 310_000);
    expect(types(far)).toEqual(['opened']);
  });
});

describe('resolution', () => {
  it('resolves once every member has recovered and stayed so for resolveAfterMs, at the last recovery time', () => {
    const t = createIncidentTracker({ resolveAfterMs: 120_000 });
    t.apply([anomaly('lossRate', { country: 'ID' }, T0), anomaly('rttMean', { country: 'ID' }, T0)], T0 + 2 * W);
    t.apply([recovered('lossRate', { country: 'ID' }, T0, T0 + 60_000)], T0 + 60_000);
    expect(t.apply([], T0 + 400_000)).toEqual([]); // rttMean still active
    t.apply([recovered('rttMean', { country: 'ID' }, T0, T0 + 410_000)], T0 + 410_000);
    expect(t.apply([], T0 + 529_999)).toEqual([]);
    const out = t.apply([], T0 + 530_000);
    expect(types(out)).toEqual(['resolved']);
    expect(out[0]!.incident).toMatchObject({ status: 'resolved', resolvedAt: T0 + 410_000 });
    expect(t.open()).toEqual([]);
  });

  it('stays open when a member comes back before the hold is over', () => {
    const t = createIncidentTracker({ resolveAfterMs: 120_000 });
    t.apply([anomaly('lossRate', { country: 'ID' }, T0)], T0 + 2 * W);
    t.apply([recovered('lossRate', { country: 'ID' }, T0, T0 + 60_000)], T0 + 60_000);
    const again = t.apply([anomaly('lossRate', { country: 'ID' }, T0 + 100_000)], T0 + 110_000);
    expect(types(again)).toEqual(['updated']);
    expect(t.apply([], T0 + 300_000)).toEqual([]);
    expect(t.open()[0]!.anomalies[0]!.active).toBe(true);
  });
});

describe('severity', () => {
  const tiers = (o: Partial<Record<Tier, number>> = {}) => ({ enterprise: 0, advanced: 0, basic: 0, ...o });
  const rule = DEFAULT_SEVERITY_RULE;
  it.each([
    ['a small share of one basic customer', 0.01, ['a'], tiers({ basic: 1 }), 'P2'],
    ['5 % of all sessions', 0.05, ['a'], tiers(), 'P1'],
    ['three customers', 0.01, ['a', 'b', 'c'], tiers(), 'P1'],
    ['an enterprise customer', 0.001, ['a'], tiers({ enterprise: 1 }), 'P1'],
    ['an advanced customer with 1 %', 0.01, ['a'], tiers({ advanced: 1 }), 'P1'],
    ['an advanced customer with 0.5 %', 0.005, ['a'], tiers({ advanced: 1 }), 'P2'],
    ['a quarter of all sessions', 0.25, ['a'], tiers(), 'P0'],
    ['an enterprise customer and 10 %', 0.1, ['a'], tiers({ enterprise: 1 }), 'P0'],
    ['twenty customers', 0.02, Array.from({ length: 20 }, (_, i) => `a${i}`), tiers(), 'P0'],
  ] as [string, number, string[], ReturnType<typeof tiers>, string][])('%s → %s', (_name, share, apps, t, want) => {
    expect(decideSeverity({ share, apps, tiers: t, anomalies: [] }, rule)).toBe(want);
  });

  it('is P0 when joins mostly fail for a noticeable share (service unavailable)', () => {
    const t = createIncidentTracker();
    const out = t.apply([anomaly('joinSuccessRate', { country: 'ID' }, T0, { observed: 0.3, expected: 0.99, share: 0.06 })], T0 + 2 * W);
    expect(out[0]!.incident.severity).toBe('P0');
  });

  it('uses the customers’ tiers and only ever raises the severity', () => {
    const tierOf = (app: string): Tier | undefined => (app === 'ent' ? 'enterprise' : app === 'adv' ? 'advanced' : 'basic');
    const t = createIncidentTracker({ tierOf });
    const first = t.apply([anomaly('lossRate', { app: 'small', country: 'ID' }, T0, { share: 0.002 })], T0 + 2 * W);
    expect(first[0]!.incident.severity).toBe('P2');
    const second = t.apply([anomaly('lossRate', { country: 'ID' }, T0, { share: 0.02, apps: [{ app: 'small', sessions: 10 }, { app: 'ent', sessions: 90 }] })], T0 + 3 * W);
    expect(second[0]!.incident.severity).toBe('P1');
    expect(second[0]!.incident.tiers).toEqual({ enterprise: 1, advanced: 0, basic: 1 });
    const third = t.apply([anomaly('rttMean', { country: 'ID' }, T0, { share: 0.3 })], T0 + 4 * W);
    expect(third[0]!.incident.severity).toBe('P0');
    t.apply([recovered('rttMean', { country: 'ID' }, T0, T0 + 60_000)], T0 + 60_000);
    expect(t.open()[0]!.severity).toBe('P0');
  });
});
