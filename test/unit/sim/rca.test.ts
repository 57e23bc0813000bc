import { describe, expect, it } from 'vitest';
import { add, createAccumulator } from '../../../src/domain/telemetry/metrics.ts';
import type { StatsRecord } from '../../../src/domain/telemetry/record.ts';
import { canonicalRootCause, generalize, type WindowLeaves } from '../../../src/ingest/rca.ts';
import { compactOf } from '../../../src/ingest/compact.ts';
import { rootCausesRelated } from '../../../src/ingest/engine.ts';

const base: Omit<StatsRecord, 'rttMs'> = {
  v: 1, ts: 0, type: 'stats', app: 'a', cid: 'c', sid: 's', country: 'GB', isp: 'EE', net: 'wifi', os: 'ios', sdk: '4.2.1', edge: 'edge-lon-1',
  intervalMs: 5000, jitterMs: 10, lossPct: 1, aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 0,
};

/** Leaves with a given mean RTT (50 stats records each). */
function leaves(defs: { dims: Record<string, string>; rtt: number }[]): WindowLeaves {
  const out: WindowLeaves = { start: 0, end: 5000, windowMs: 5000, leaves: new Map(), total: compactOf(createAccumulator()) };
  for (const [i, d] of defs.entries()) {
    const acc = createAccumulator();
    for (let k = 0; k < 50; k++) add(acc, { ...base, ...d.dims, rttMs: d.rtt } as StatsRecord);
    const vec = compactOf(acc);
    for (let j = 0; j < vec.length; j++) out.total[j]! += vec[j]!;
    out.leaves.set(String(i), { dims: { ...base, ...d.dims } as unknown as Record<string, string>, parentKey: String(i), vec });
  }
  return out;
}

describe('root-cause post-processing', () => {
  it('names the country of an operator, the platform of an SDK version or a device', () => {
    const w = leaves([
      { dims: { country: 'ID', isp: 'Telkomsel', os: 'android', sdk: '4.3.0', device: 'Redmi Note 12' }, rtt: 80 },
      { dims: { country: 'ID', isp: 'Indosat', os: 'ios', sdk: '4.3.0', device: 'iPhone 13' }, rtt: 80 },
      { dims: { country: 'DE', isp: 'Vodafone', os: 'android', sdk: '4.2.1', device: 'Pixel 7' }, rtt: 40 },
      { dims: { country: 'GB', isp: 'Vodafone', os: 'ios', sdk: '4.2.1', device: 'iPhone 13' }, rtt: 40 },
    ]);
    const l = [...w.leaves.values()];
    expect(canonicalRootCause([{ isp: 'Telkomsel' }], l)).toEqual([{ country: 'ID', isp: 'Telkomsel' }]);
    expect(canonicalRootCause([{ isp: 'Vodafone' }], l)).toEqual([{ isp: 'Vodafone' }]); // two countries
    expect(canonicalRootCause([{ device: 'Redmi Note 12' }], l)).toEqual([{ os: 'android', device: 'Redmi Note 12' }]);
    expect(canonicalRootCause([{ sdk: '4.3.0' }], l)).toEqual([{ sdk: '4.3.0' }]); // two platforms
    expect(canonicalRootCause([{ edge: 'edge-lon-1', net: 'wifi' }, { net: 'wifi', edge: 'edge-lon-1' }], l)).toEqual([{ net: 'wifi', edge: 'edge-lon-1' }]);
  });

  it('replaces children with their parent when the parent’s other children changed alike', () => {
    // An additive +120 ms on every session of edge-lon-1, whatever the network.
    const w = leaves([
      { dims: { net: 'wifi', edge: 'edge-lon-1' }, rtt: 160 },
      { dims: { net: '4g', edge: 'edge-lon-1' }, rtt: 190 },
      { dims: { net: '5g', edge: 'edge-lon-1' }, rtt: 170 },
      { dims: { net: 'wifi', edge: 'edge-lon-2' }, rtt: 40 },
      { dims: { net: '4g', edge: 'edge-lon-2' }, rtt: 70 },
    ]);
    const expected = (key: string): number => ({ '0': 40, '1': 70, '2': 50, '3': 40, '4': 70 })[key] as number;
    expect(generalize([{ net: 'wifi', edge: 'edge-lon-1' }, { net: '4g', edge: 'edge-lon-1' }], w, 'rttMean', expected)).toEqual([{ edge: 'edge-lon-1' }]);
    // Only one network on the node is slow: the answer stays specific.
    const v = leaves([
      { dims: { net: 'wifi', edge: 'edge-lon-1' }, rtt: 160 },
      { dims: { net: '4g', edge: 'edge-lon-1' }, rtt: 70 },
      { dims: { net: 'wifi', edge: 'edge-lon-2' }, rtt: 40 },
    ]);
    expect(generalize([{ net: 'wifi', edge: 'edge-lon-1' }], v, 'rttMean', (k) => ({ '0': 40, '1': 70, '2': 40 })[k] as number)).toEqual([{ net: 'wifi', edge: 'edge-lon-1' }]);
  });

  it('relates root causes that share a value and conflict on none', () => {
    expect(rootCausesRelated([{ country: 'ID', isp: 'Telkomsel' }], [{ country: 'ID' }])).toBe(true);
    expect(rootCausesRelated([{ country: 'ID', isp: 'Telkomsel' }], [{ country: 'ID', isp: 'Indosat' }])).toBe(false);
    expect(rootCausesRelated([{ edge: 'edge-jkt-1' }], [{ country: 'ID' }])).toBe(false);
  });
});
