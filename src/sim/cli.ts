/**
 * `signaldesk simulate`: the fleet simulator from the command line.
 *
 *   signaldesk simulate --mode live --url http://localhost:3000 --token TOKEN [--sessions 5000]
 *   signaldesk simulate --mode files --out DIR [--seed 1] [--sessions 10000] [--gzip]
 *   signaldesk simulate --score [--seeds 1,2,3,4] [--sessions 10000] [--json FILE]
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { FleetSim, PROBLEM_KINDS, BENIGN_KINDS, type BenignKind, type ProblemKind } from './generator.ts';
import { httpSink, startLive } from './live.ts';
import { buildTimeline } from './scenarios.ts';
import { formatReport, score } from './score.ts';

const HELP = `signaldesk simulate — a seeded RTC fleet with injected problems

  --mode live   --url URL --token TOKEN   post gzip NDJSON once a second (event time = now)
                [--sessions N] [--seed S] [--every MIN] [--first MIN] [--minutes M]
  --mode files  --out DIR                 write telemetry.ndjson[.gz] and labels.json
                [--seed S] [--sessions N] [--gzip] [--problems k1,k2] [--benign k1,k2]
  --score       [--seeds 1,2,3,4] [--sessions N (16000)] [--problems ...] [--json FILE]
                replay each seed at full speed through the pipeline and score detection

problems: ${PROBLEM_KINDS.join(', ')}
benign:   ${BENIGN_KINDS.join(', ')}`;

function kinds<T extends string>(v: string | undefined, all: readonly T[], what: string): T[] | undefined {
  if (v === undefined) return undefined;
  if (v === '' || v === 'none') return [];
  const out = v.split(',').map((s) => s.trim());
  for (const k of out) if (!all.includes(k as T)) throw new Error(`unknown ${what} "${k}"; one of ${all.join(', ')}`);
  return out as T[];
}

const num = (v: string | undefined, dflt: number, name: string): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
};

export async function simulateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      mode: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      sessions: { type: 'string' },
      apps: { type: 'string' },
      minutes: { type: 'string' },
      every: { type: 'string' },
      first: { type: 'string' },
      problems: { type: 'string' },
      benign: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      score: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const problems = kinds<ProblemKind>(values.problems, PROBLEM_KINDS, 'problem');
  const benign = kinds<BenignKind>(values.benign, BENIGN_KINDS, 'benign event');

  if (values.score) {
    const seeds = (values.seeds ?? '1,2,3,4').split(',').map((s) => num(s, 1, 'seeds'));
    const report = score({
      seeds,
      sessions: num(values.sessions, 16_000, 'sessions'),
      apps: num(values.apps, 40, 'apps'),
      ...(problems ? { problems } : {}),
      ...(benign ? { benign } : {}),
      onProgress: (m) => console.error(m),
    });
    console.log(formatReport(report));
    if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2));
    return 0;
  }

  switch (values.mode) {
    case 'files': {
      if (!values.out) throw new Error('--out DIR is required with --mode files');
      const seed = num(values.seed, 1, 'seed');
      const tl = buildTimeline({ seed, sessions: num(values.sessions, 10_000, 'sessions'), apps: num(values.apps, 40, 'apps'), ...(problems ? { problems } : {}), ...(benign ? { benign } : {}) });
      await mkdir(values.out, { recursive: true });
      const file = path.join(values.out, values.gzip ? 'telemetry.ndjson.gz' : 'telemetry.ndjson');
      const out = createWriteStream(file);
      const gz = values.gzip ? createGzip() : null;
      if (gz) gz.pipe(out);
      const sink = gz ?? out;
      const sim = new FleetSim(tl.sim);
      const end = values.minutes ? tl.sim.start + num(values.minutes, 60, 'minutes') * 60_000 : tl.end;
      let records = 0;
      while (sim.now < end) {
        const batch = sim.step();
        records += batch.length;
        let text = '';
        for (const r of batch) text += JSON.stringify(r) + '\n';
        if (!sink.write(text)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) => {
        out.on('finish', () => resolve());
        out.on('error', reject);
        sink.end();
      });
      const labels = {
        seed,
        start: new Date(tl.sim.start).toISOString(),
        end: new Date(end).toISOString(),
        sessions: tl.sim.sessions,
        records,
        injections: tl.injections.map((i) => ({
          id: i.id,
          kind: i.kind,
          start: new Date(i.start).toISOString(),
          end: i.end >= Number.MAX_SAFE_INTEGER ? null : new Date(i.end).toISOString(),
          description: i.description ?? null,
          target: i.target ?? null,
          rootCause: i.rootCause ?? null,
          share: sim.exposure.get(i.id) ? (sim.exposure.get(i.id) as { sum: number; n: number }).sum / (sim.exposure.get(i.id) as { sum: number; n: number }).n : null,
          surge: i.surge ?? null,
          release: i.release ?? null,
          effect: i.effect ?? null,
          expectIncident: Boolean(i.target),
        })),
      };
      await writeFile(path.join(values.out, 'labels.json'), JSON.stringify(labels, null, 2));
      console.log(`wrote ${records.toLocaleString('en-US')} records to ${file} and labels to ${path.join(values.out, 'labels.json')}`);
      return 0;
    }
    case 'live': {
      if (!values.url || !values.token) throw new Error('--url and --token are required with --mode live');
      let sent = 0;
      const live = startLive(
        httpSink(values.url, values.token, (r) => {
          sent += r.accepted;
        }),
        {
          seed: num(values.seed, Date.now() % 100_000, 'seed'),
          sessions: num(values.sessions, 5_000, 'sessions'),
          apps: num(values.apps, 30, 'apps'),
          firstAfterMs: num(values.first, 3, 'first') * 60_000,
          everyMs: num(values.every, 20, 'every') * 60_000,
          ...(problems ? { kinds: problems } : {}),
          onInjection: (i) => console.log(`${new Date().toISOString()} injecting ${i.description ?? i.kind} until ${new Date(i.end).toISOString()}`),
          onError: (e) => console.error(e instanceof Error ? e.message : String(e)),
        },
      );
      const status = setInterval(() => console.log(`${new Date().toISOString()} ${live.sim.concurrent} sessions, ${sent.toLocaleString('en-US')} records accepted`), 30_000);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        if (values.minutes) setTimeout(stop, num(values.minutes, 0, 'minutes') * 60_000);
      });
      clearInterval(status);
      await live.stop();
      return 0;
    }
    case undefined:
    default:
      console.error(HELP);
      return 2;
  }
}
