/**
 * Telemetry intake benchmark. Figures, each beside a baseline measured in the same run on the same
 * NDJSON:
 *
 * 1. End to end through HTTP: simulated fleet traffic posted as NDJSON to a server in this process
 *    (PGlite in memory; the server clock is a virtual clock set to the traffic's event time, so a
 *    live server is replayed at full speed): parsing, windowing, metrics, detection, localization
 *    and the 1-minute rollup writes. Records per CPU-second of this process (client included)
 *    against the baseline: the same NDJSON through JSON.parse and one Map update per record.
 * 2. Memory: RSS and heap before and after a long replay through the pipeline engine.
 * 3. With TEST_NATS_URL or NATS_URL: one, then two consumer processes on one JetStream durable,
 *    records per second (wall clock) from the first publish to the last record processed, and the
 *    ratio (throughput grows with processes).
 *
 *   npx tsx bench/ingest.ts [--smoke] [--sessions N] [--seconds S] [--replay-minutes M]
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { configFromEnv } from '../src/config.ts';
import { VirtualClock } from '../src/domain/clock.ts';
import { createEngine } from '../src/ingest/engine.ts';
import { ingestFor, IngestRuntime } from '../src/ingest/runtime.ts';
import { startServer } from '../src/server.ts';
import { DEMO_APPS } from '../src/sim/fleet.ts';
import { FleetSim } from '../src/sim/generator.ts';
import { openStore } from '../src/store/db.ts';
import { ADMIN_TOKEN } from '../test/helpers/server.ts';
import { fmt } from './stats.ts';

interface Args {
  smoke: boolean;
  sessions: number;
  seconds: number;
  replayMinutes: number;
  consumer: boolean;
  durable: string;
  servers: string;
}

function parse(args: readonly string[]): Args {
  const smoke = args.includes('--smoke');
  const get = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    const v = i >= 0 ? Number(args[i + 1]) : NaN;
    return Number.isFinite(v) && v > 0 ? v : dflt;
  };
  const str = (name: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? String(args[i + 1]) : '';
  };
  return {
    smoke,
    sessions: get('sessions', smoke ? 3_000 : 10_000),
    seconds: get('seconds', smoke ? 30 : 240),
    replayMinutes: get('replay-minutes', smoke ? 3 : 60),
    consumer: args.includes('--consumer'),
    durable: str('durable'),
    servers: str('servers'),
  };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function gc(): void {
  v8.setFlagsFromString('--expose-gc');
  const g = vm.runInNewContext('gc') as () => void;
  g();
}

const mb = (n: number): string => `${fmt(n / 1048576, 0)} MB`;

/** NDJSON bodies of `seconds` of fleet traffic, each with the event time of its last record. */
function traffic(a: Args, start: number, perBody = 2): { bodies: { text: string; ts: number; records: number }[]; records: number } {
  const sim = new FleetSim({ seed: 42, start, sessions: a.sessions, apps: 40, knownApps: DEMO_APPS });
  const bodies: { text: string; ts: number; records: number }[] = [];
  let records = 0;
  let text = '';
  let n = 0;
  let last = start;
  for (let s = 0; s < a.seconds; s++) {
    for (const r of sim.step()) {
      text += JSON.stringify(r) + '\n';
      n++;
      last = r.ts;
    }
    if ((s + 1) % perBody === 0 || s === a.seconds - 1) {
      bodies.push({ text, ts: last, records: n });
      records += n;
      text = '';
      n = 0;
    }
  }
  return { bodies, records };
}

function baseline(bodies: readonly { text: string }[]): { rate: number; keys: number } {
  const m = new Map<string, number>();
  const c0 = cpuMs();
  let n = 0;
  for (const b of bodies) {
    const t = b.text;
    let start = 0;
    while (start < t.length) {
      let end = t.indexOf('\n', start);
      if (end === -1) end = t.length;
      if (end > start) {
        const r = JSON.parse(t.slice(start, end)) as { app: string };
        m.set(r.app, (m.get(r.app) ?? 0) + 1);
        n++;
      }
      start = end + 1;
    }
  }
  return { rate: n / ((cpuMs() - c0) / 1000), keys: m.size };
}

async function httpFigure(a: Args): Promise<void> {
  const start = Date.UTC(2026, 10, 2, 12, 0, 0);
  const { bodies, records } = traffic(a, start);
  const mbytes = bodies.reduce((s, b) => s + b.text.length, 0) / 1048576;
  const clock = new VirtualClock(start);
  const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', dataDir: 'memory://', telemetryBodyLimit: 64 * 1024 * 1024 });
  const server = await startServer(config, { clock, logger: false });
  const rt = ingestFor(server.ctx.db) as IngestRuntime;
  rt.limiter.configure({ perToken: 1e9, perAddress: 1e9 });
  try {
    const url = `${server.url}/api/v1/telemetry`;
    // Warm-up (JIT) on the first bodies, not counted.
    const warm = Math.min(5, Math.floor(bodies.length / 10));
    const post = async (text: string): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' }, body: text });
      if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      await res.arrayBuffer();
    };
    let counted = 0;
    for (let i = 0; i < warm; i++) {
      clock.set(bodies[i]!.ts);
      await post(bodies[i]!.text);
    }
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = warm; i < bodies.length; i++) {
      clock.set(bodies[i]!.ts);
      await post(bodies[i]!.text);
      counted += bodies[i]!.records;
    }
    clock.set(bodies[bodies.length - 1]!.ts + 20_000);
    rt.tick();
    await rt.drain();
    const cpu = (cpuMs() - c0) / 1000;
    const wall = (performance.now() - t0) / 1000;
    const base = baseline(bodies);
    const perCore = counted / cpu;
    console.log(`HTTP NDJSON intake → windows → metrics → detection → rollups: ${fmt(perCore)} records/s per core (${fmt(counted / wall)} records/s wall, ${fmt(cpu, 1)} CPU s)`);
    console.log(`baseline JSON.parse + one Map update per record:            ${fmt(base.rate)} records/s per core`);
    console.log(`ratio pipeline / baseline: ${fmt(perCore / base.rate, 3)}   (${fmt(records)} records, ${fmt(mbytes, 1)} MB NDJSON, ${a.sessions} sessions, ${bodies.length} requests; windows closed ${rt.engine.stats().windowsClosed}, rollup rows ${rt.counters.rollupRows}, incidents ${rt.counters.incidentUpdates})`);
  } finally {
    await server.stop();
  }
}

function memoryFigure(a: Args): void {
  gc();
  const before = process.memoryUsage();
  const start = Date.UTC(2026, 10, 2, 6, 0, 0);
  const sim = new FleetSim({ seed: 7, start, sessions: a.sessions, apps: 40, knownApps: DEMO_APPS });
  const engine = createEngine();
  let records = 0;
  let peakRss = 0;
  const c0 = cpuMs();
  const end = start + a.replayMinutes * 60_000;
  while (sim.now < end) {
    const batch = sim.step();
    records += batch.length;
    for (const r of batch) engine.push(r);
    if (sim.now % 5_000 === 0) engine.advance();
    if (sim.now % 60_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  engine.flush();
  const cpu = (cpuMs() - c0) / 1000;
  gc();
  const after = process.memoryUsage();
  const st = engine.stats();
  console.log(`long replay: ${a.replayMinutes} min of event time, ${fmt(records)} records in ${fmt(cpu, 1)} CPU s (${fmt(records / cpu)} records/s per core incl. the simulator)`);
  console.log(`memory before: RSS ${mb(before.rss)}, heap ${mb(before.heapUsed)}; after (GC): RSS ${mb(after.rss)}, heap ${mb(after.heapUsed)}; peak RSS ${mb(peakRss)}`);
  console.log(`engine state after: ${st.detectorSlices} detector slices, ${st.referenceEntries} reference entries, ${st.openWindows} open windows`);
}

async function consumerRole(a: Args): Promise<void> {
  const store = await openStore({ dataDir: 'memory://' });
  const config = configFromEnv({}, { dataDir: 'memory://', logLevel: 'silent' });
  const rt = new IngestRuntime({ db: store.db, clock: { now: () => new Date() }, config }, { advanceEveryMs: 1000 });
  rt.start();
  const { startJetStreamConsumer } = await import('../src/ingest/nats.ts');
  const consumer = await startJetStreamConsumer(rt, { servers: a.servers, log: { info: () => {}, warn: () => {}, error: (o, m) => console.error(m, o) }, durable: a.durable, batch: 512 });
  console.log(JSON.stringify({ ready: true }));
  const report = setInterval(() => {
    const c = rt.counters;
    console.log(JSON.stringify({ processed: c.accepted + c.late + c.rejected, messages: c.natsMessages }));
  }, 100);
  await new Promise<void>((resolve) => process.stdin.on('close', () => resolve()).resume());
  clearInterval(report);
  await consumer.stop();
  await rt.stop();
  await store.close();
}

async function jetstreamFigure(a: Args, servers: string, processes: number): Promise<number> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream');
  const { ensureStream, TELEMETRY_STREAM } = await import('../src/ingest/nats.ts');
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm);
  const durable = `bench-${process.pid}-${processes}`;
  await jsm.consumers.add(TELEMETRY_STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, max_ack_pending: 20_000 });
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: processes }, () => spawn(process.execPath, ['--import', 'tsx', self, '--consumer', '--durable', durable, '--servers', servers], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const processed = children.map(() => 0);
  const total = (): number => processed.reduce((x, y) => x + y, 0);
  let rate = 0;
  const ready = children.map(
    (c, i) =>
      new Promise<void>((resolve) => {
        let buf = '';
        c.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            try {
              const m = JSON.parse(line) as { ready?: boolean; processed?: number };
              if (m.ready) resolve();
              if (m.processed !== undefined) processed[i] = m.processed;
            } catch {
              /* not ours */
            }
          }
        });
      }),
  );
  try {
    await Promise.all(ready);
    // Event time near now, so the consumers' server clocks accept it (≤ 5 min ahead) and windows close.
    const seconds = a.smoke ? 20 : 120;
    const start = Date.now() - (seconds / 2) * 1000;
    const { bodies, records } = traffic({ ...a, seconds }, start, 1);
    // ~500 records per message, subject per app of the first record.
    const msgs: { subject: string; data: string }[] = [];
    for (const b of bodies) {
      const lines = b.text.split('\n').filter(Boolean);
      for (let i = 0; i < lines.length; i += 500) {
        const chunk = lines.slice(i, i + 500);
        const app = (JSON.parse(chunk[0] as string) as { app: string }).app;
        msgs.push({ subject: `signaldesk.telemetry.${app.replace(/[^A-Za-z0-9_-]/g, '_')}`, data: chunk.join('\n') + '\n' });
      }
    }
    const js = jetstream(nc);
    const t0 = performance.now();
    for (let i = 0; i < msgs.length; i += 64) await Promise.all(msgs.slice(i, i + 64).map((m) => js.publish(m.subject, m.data)));
    const published = performance.now();
    const deadline = Date.now() + 600_000;
    while (total() < records && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const wall = (performance.now() - t0) / 1000;
    rate = records / wall;
    const what = processes === 1 ? '1 consumer process ' : `${processes} consumer processes`;
    console.log(`JetStream, ${what}: ${fmt(rate)} records/s (${fmt(records)} records in ${msgs.length} messages; publishing took ${fmt((published - t0) / 1000, 1)} s; split ${processed.join(' / ')})`);
  } finally {
    for (const c of children) c.stdin.end();
    await Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
    await jsm.consumers.delete(TELEMETRY_STREAM, durable).catch(() => false);
    await nc.drain();
  }
  return rate;
}

export async function main(args: string[]): Promise<void> {
  const a = parse(args);
  if (a.consumer) return consumerRole(a);
  await httpFigure(a);
  memoryFigure(a);
  const nats = process.env.TEST_NATS_URL ?? process.env.NATS_URL;
  if (nats) {
    const one = await jetstreamFigure(a, nats, 1);
    const two = await jetstreamFigure(a, nats, 2);
    console.log(`JetStream scaling, 2 processes / 1 process: ×${fmt(two / one, 2)} (one machine of ${availableParallelism()} cores shared by the publisher, the NATS server and the consumers)`);
  }
  else console.log('JetStream figure skipped: set TEST_NATS_URL or NATS_URL');
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  await main(process.argv.slice(2));
  process.exit(0);
}
