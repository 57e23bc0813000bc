/**
 * The demo's built-in fleet simulator (`signaldesk serve --demo`): a gentle fleet (6,000 sessions at the daily peak, fewer off-peak;
 * the demo organizations' apps among the largest) runs in this process in real time, straight into
 * the pipeline; every 20 minutes (the first after 3) a problem from the catalogue is injected on a
 * slice big enough for this small fleet, so the demo shows incidents, tickets and pages.
 */
import type { IngestRuntime } from '../ingest/runtime.ts';
import type { Log } from '../jobs/loop.ts';
import { startLive, type LiveSim } from './live.ts';

export interface DemoSimOptions {
  seed?: number;
  sessions?: number;
  firstAfterMs?: number;
  everyMs?: number;
  log?: Log;
}

export function startDemoSimulator(rt: IngestRuntime, o: DemoSimOptions = {}): LiveSim {
  const live = startLive((records) => void rt.ingestRecords(records), {
    seed: o.seed ?? 20261102,
    sessions: o.sessions ?? 6_000,
    apps: 12,
    firstAfterMs: o.firstAfterMs ?? 3 * 60_000,
    everyMs: o.everyMs ?? 20 * 60_000,
    durationMs: 4 * 60_000,
    kinds: ['isp_outage', 'edge_failure', 'sdk_regression', 'customer_misconfig'],
    scale: 4,
    now: () => rt.ctx.clock.now().getTime(),
    onInjection: (inj) => o.log?.info({ injection: inj.id, target: inj.target }, `demo simulator: injecting ${inj.description ?? inj.kind}`),
    onError: (err) => o.log?.warn({ err }, 'demo simulator: a batch failed'),
  });
  rt.onStop(() => live.stop());
  return live;
}
