import { describe, expect, it } from 'vitest';
import type { TelemetryRecord } from '../../../src/domain/telemetry/record.ts';
import { createEngine, type EngineIncident, type IncidentUpdate } from '../../../src/ingest/engine.ts';
import { DEMO_APPS } from '../../../src/sim/fleet.ts';
import { FleetSim, type Injection } from '../../../src/sim/generator.ts';

const T0 = Date.UTC(2026, 10, 3, 12, 0, 0);
const MIN = 60_000;

/** Replays `minutes` of a fleet through a fresh engine; batches of `batchSec` seconds. */
function replay(injections: Injection[], minutes: number, opts: { batchSec?: number; seed?: number; sessions?: number } = {}): { updates: IncidentUpdate[]; final: EngineIncident[] } {
  const sim = new FleetSim({ seed: opts.seed ?? 21, start: T0, sessions: opts.sessions ?? 3000, apps: 12, knownApps: DEMO_APPS, injections });
  const engine = createEngine();
  const updates: IncidentUpdate[] = [];
  let batch: TelemetryRecord[] = [];
  const batchSec = opts.batchSec ?? 1;
  let n = 0;
  while (sim.now < T0 + minutes * MIN) {
    for (const r of sim.step()) batch.push(r);
    if (++n % batchSec === 0) {
      engine.pushAll(batch);
      batch = [];
      updates.push(...engine.advance().incidents);
    }
  }
  engine.pushAll(batch);
  updates.push(...engine.advance().incidents, ...engine.flush().incidents);
  const final = new Map<string, EngineIncident>();
  for (const u of updates) {
    if (u.type === 'merged') final.delete(u.incident.id);
    else final.set(u.incident.id, u.incident);
  }
  return { updates, final: [...final.values()] };
}

const outage: Injection = {
  id: 'outage', kind: 'isp_outage', start: T0 + 5 * MIN, end: T0 + 8 * MIN, target: { country: 'ID', isp: 'Telkomsel' },
  effect: { lossAdd: 0.07, rttAdd: 80, jitterAdd: 15, joinFailAdd: 0.03 }, rootCause: [{ country: 'ID', isp: 'Telkomsel' }],
};

describe('telemetry pipeline on generated series', () => {
  it('raises one incident for an operator outage, localized to the operator, within seconds', () => {
    const { final } = replay([outage], 14);
    expect(final).toHaveLength(1);
    const inc = final[0]!;
    expect(inc.rootCause).toEqual([{ country: 'ID', isp: 'Telkomsel' }]);
    expect(inc.detectedAt - outage.start).toBeLessThanOrEqual(20_000);
    expect(inc.startedAt).toBeGreaterThanOrEqual(outage.start - 5_000);
    expect(inc.status).toBe('resolved');
    expect(inc.metrics).toContain('lossRate');
    expect(inc.scope.apps).toContain('app-nusa-live');
  }, 300_000);

  it('stays quiet through a benign traffic surge (one app ×3) and a new SDK release', () => {
    const surge: Injection = { id: 'surge', kind: 'surge', start: T0 + 4 * MIN, end: T0 + 10 * MIN, rampMs: 90_000, surge: { app: 'app-nusa-live', factor: 3 } };
    const release: Injection = { id: 'rel', kind: 'sdk_release', start: T0 + 3 * MIN, end: Number.MAX_SAFE_INTEGER, rampMs: 5 * MIN, release: { version: '4.3.1', os: ['android', 'ios'], share: 0.4 } };
    const { final } = replay([surge, release], 12);
    expect(final).toEqual([]);
  }, 300_000);

  it('gives the same incidents for the same history, whatever the batching (event time only)', () => {
    const a = replay([outage], 10, { batchSec: 1 });
    const b = replay([outage], 10, { batchSec: 7 });
    expect(a.final.length).toBeGreaterThan(0);
    expect(JSON.stringify(b.final)).toBe(JSON.stringify(a.final));
    expect(b.updates.map((u) => [u.type, u.incident.id, u.at])).toEqual(a.updates.map((u) => [u.type, u.incident.id, u.at]));
  }, 300_000);
});
