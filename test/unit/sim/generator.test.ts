import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../src/domain/telemetry/record.ts';
import { COUNTRIES, createFleet, DEMO_APPS } from '../../../src/sim/fleet.ts';
import { FleetSim } from '../../../src/sim/generator.ts';
import { buildTimeline, canonical } from '../../../src/sim/scenarios.ts';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);

describe('fleet simulator', () => {
  it('knows the real operators of the countries it simulates', () => {
    const isps = (code: string) => COUNTRIES.find((c) => c.code === code)?.isps.map((i) => i.name);
    expect(isps('CN')).toEqual(expect.arrayContaining(['China Mobile', 'China Unicom', 'China Telecom']));
    expect(isps('ID')).toEqual(expect.arrayContaining(['Telkomsel', 'Indosat', 'XL Axiata']));
    expect(isps('IN')).toEqual(expect.arrayContaining(['Jio', 'Airtel', 'Vi']));
    expect(isps('US')).toEqual(expect.arrayContaining(['Verizon', 'AT&T', 'T-Mobile']));
    for (const c of ['BR', 'DE', 'GB', 'JP']) expect(isps(c)!.length).toBeGreaterThanOrEqual(3);
  });

  it('is deterministic for a seed and produces valid version-1 records in time order', () => {
    const a = new FleetSim({ seed: 3, start: T0, sessions: 400, apps: 8 });
    const b = new FleetSim({ seed: 3, start: T0, sessions: 400, apps: 8 });
    for (let i = 0; i < 20; i++) {
      const ra = a.step();
      const rb = b.step();
      expect(JSON.stringify(ra)).toBe(JSON.stringify(rb));
      for (let j = 1; j < ra.length; j++) expect(ra[j]!.ts).toBeGreaterThanOrEqual(ra[j - 1]!.ts);
      for (const r of ra) {
        const parsed = parseRecord(JSON.parse(JSON.stringify(r)), T0 + 3_600_000);
        expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
        expect(r.ts).toBeGreaterThanOrEqual(T0 + i * 1000);
        expect(r.ts).toBeLessThan(T0 + (i + 1) * 1000);
      }
    }
    const c = new FleetSim({ seed: 4, start: T0, sessions: 400, apps: 8 });
    expect(JSON.stringify(c.step())).not.toBe(JSON.stringify(new FleetSim({ seed: 3, start: T0, sessions: 400, apps: 8 }).step()));
  });

  it('sends a stats record about every 5 s per session, joins and leaves', () => {
    const sim = new FleetSim({ seed: 5, start: T0, sessions: 1000, apps: 10 });
    const counts = { join: 0, stats: 0, leave: 0 };
    for (let i = 0; i < 60; i++) for (const r of sim.step()) counts[r.type]++;
    // ~1000 concurrent sessions × 12 stats a minute
    expect(counts.stats / 60).toBeGreaterThan(0.15 * sim.concurrent);
    expect(counts.stats / 60).toBeLessThan(0.25 * sim.concurrent);
    expect(counts.join).toBeGreaterThan(50);
    expect(counts.leave).toBeGreaterThan(50);
  });

  it('makes apps of many sizes and includes given apps first', () => {
    const f = createFleet({ seed: 1, apps: 30, knownApps: DEMO_APPS });
    expect(f.apps).toHaveLength(30);
    expect(f.apps.slice(0, DEMO_APPS.length).map((a) => a.id)).toEqual(DEMO_APPS.map((a) => a.id));
    expect(f.apps[0]!.size / f.apps[29]!.size).toBeGreaterThan(20);
  });

  it('applies an injected problem only to the sessions it targets, only while it runs', () => {
    const target = { country: 'ID', isp: 'Telkomsel' };
    const sim = new FleetSim({
      seed: 9, start: T0, sessions: 3000, apps: 8, knownApps: DEMO_APPS,
      injections: [{ id: 'p', kind: 'isp_outage', start: T0 + 30_000, end: T0 + 60_000, target, effect: { lossAdd: 0.2 } }],
    });
    const loss = { before: [0, 0], during: [0, 0], other: [0, 0], after: [0, 0] };
    for (let i = 0; i < 90; i++) {
      for (const r of sim.step()) {
        if (r.type !== 'stats') continue;
        const hit = r.country === 'ID' && r.isp === 'Telkomsel';
        const k = !hit ? 'other' : r.ts < T0 + 30_000 ? 'before' : r.ts < T0 + 60_000 ? 'during' : 'after';
        loss[k][0]! += r.lossPct;
        loss[k][1]!++;
      }
    }
    const mean = (k: keyof typeof loss) => loss[k][0]! / loss[k][1]!;
    expect(mean('during')).toBeGreaterThan(mean('before') + 15);
    expect(mean('after')).toBeLessThan(mean('before') + 2);
    expect(mean('other')).toBeLessThan(3);
  });

  it('builds a timeline of every problem and benign event, one per slot, with canonical labels', () => {
    const tl = buildTimeline({ seed: 2, sessions: 3000 });
    const kinds = tl.injections.map((i) => i.kind).sort();
    expect(kinds).toEqual(['customer_misconfig', 'device_compat', 'edge_failure', 'isp_outage', 'sdk_regression', 'sdk_release', 'small_slice', 'surge']);
    for (const i of tl.injections) {
      if (!i.target) continue;
      expect(i.rootCause).toEqual([canonical(i.target)]);
      expect(i.end - i.start).toBe(3 * 60_000);
    }
    const starts = tl.injections.map((i) => i.start);
    for (let j = 1; j < starts.length; j++) expect(starts[j]! - starts[j - 1]!).toBeGreaterThan(6 * 60_000);
  });
});
