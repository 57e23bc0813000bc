/**
 * Live simulation: the fleet runs in real time (event time = the wall clock) and its records go to
 * a sink once a second — a Signaldesk server over HTTP (gzip NDJSON, an ingest token), or the
 * in-process pipeline (the demo). Every `everyMs` a problem from the catalogue is injected for
 * `durationMs`, the first after `firstAfterMs`, so a demo shows incidents.
 */
import { gzipSync } from 'node:zlib';
import type { TelemetryRecord } from '../domain/telemetry/record.ts';
import { DEMO_APPS } from './fleet.ts';
import { FleetSim, type Injection, type ProblemKind } from './generator.ts';
import { fork } from './rng.ts';
import { canonical, planProblem } from './scenarios.ts';

export type Sink = (records: TelemetryRecord[]) => Promise<void> | void;

export interface LiveOptions {
  seed: number;
  sessions: number;
  apps?: number;
  /** Include the demo organizations' apps as the largest apps (default true). */
  demoApps?: boolean;
  firstAfterMs?: number;
  everyMs?: number;
  durationMs?: number;
  /** Problem kinds to rotate through. */
  kinds?: readonly ProblemKind[];
  /** Share-band multiplier for targets (small fleets need bigger slices). */
  scale?: number;
  now?: () => number;
  onInjection?: (inj: Injection) => void;
  onError?: (err: unknown) => void;
}

export interface LiveSim {
  sim: FleetSim;
  injections: Injection[];
  stop(): Promise<void>;
}

export function startLive(sink: Sink, o: LiveOptions): LiveSim {
  const now = o.now ?? (() => Date.now());
  const start = Math.floor(now() / 1000) * 1000;
  const sim = new FleetSim({ seed: o.seed, start, sessions: o.sessions, apps: o.apps ?? 16, ...(o.demoApps === false ? {} : { knownApps: DEMO_APPS }) });
  const r = fork(o.seed, 'live-injections');
  const kinds = o.kinds ?? ['isp_outage', 'edge_failure', 'sdk_regression', 'customer_misconfig', 'device_compat'];
  const injections: Injection[] = [];
  let next = start + (o.firstAfterMs ?? 3 * 60_000);
  let k = 0;
  let busy: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = (): void => {
    if (stopped) return;
    const t = now();
    const batch: TelemetryRecord[] = [];
    // Catch up to the wall clock (at most a minute at once), one simulated second at a time.
    let steps = 0;
    while (sim.now + 1000 <= t && steps++ < 60) {
      if (sim.now >= next) {
        const kind = kinds[k++ % kinds.length] as ProblemKind;
        const spec = planProblem(kind, r, sim.sessions(), o.scale ?? 1);
        if (spec) {
          const inj: Injection = { id: `${kind}-${k}`, kind, start: sim.now, end: sim.now + (o.durationMs ?? 4 * 60_000), rampMs: 0, target: spec.target, effect: spec.effect, rootCause: [canonical(spec.target)], description: spec.description };
          sim.inject(inj);
          injections.push(inj);
          o.onInjection?.(inj);
        }
        next += o.everyMs ?? 20 * 60_000;
      }
      for (const rec of sim.step()) batch.push(rec);
    }
    if (sim.now + 1000 <= t) {
      // Far behind (the process was paused): skip ahead rather than flood.
      while (sim.now + 1000 <= t) sim.step();
    }
    if (batch.length === 0) return;
    busy = busy
      .then(() => sink(batch))
      .catch((err: unknown) => o.onError?.(err));
  };
  const timer = setInterval(tick, 1000);
  timer.unref();
  return {
    sim,
    injections,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}

/** A sink that posts gzip NDJSON to a server's telemetry intake. */
export function httpSink(url: string, token: string, onResult?: (r: { status: number; accepted: number; rejected: number; late: number }) => void): Sink {
  const endpoint = url.replace(/\/$/, '') + '/api/v1/telemetry';
  return async (records) => {
    const body = gzipSync(Buffer.from(records.map((x) => JSON.stringify(x)).join('\n') + '\n'));
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      body,
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`telemetry intake answered ${res.status}: ${text.slice(0, 300)}`);
    const j = JSON.parse(text) as { accepted: number; rejected: number; late: number };
    onResult?.({ status: res.status, ...j });
  };
}
