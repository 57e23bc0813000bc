/**
 * The detection scorer: replays seeded timelines (src/sim/scenarios.ts) at full speed through the
 * real pipeline engine (windows, detector, incident tracker, localization; no HTTP, no database)
 * and compares the incidents with the injected problems.
 *
 * - An incident matches a problem when it was detected between the problem's onset and one minute
 *   after its end, and its root cause or one of its anomaly slices is related to the problem's
 *   slice (same values where both say something, at least one in common). The earliest matching
 *   incident is the detection; further matches are duplicates.
 * - Detection delay: detectedAt − onset, both event time.
 * - Precision: detections ÷ all incidents (duplicates and incidents matching no problem — during a
 *   benign surge, an SDK release, or quiet traffic — are false alarms).
 * - Recall: detected problems ÷ problems, overall and for problems affecting ≥ 1 % of sessions.
 * - Root cause exactly right: the incident's root cause equals the injected slice (as a set of
 *   canonical combinations).
 */
import type { Combination } from '../domain/rca/types.ts';
import { createEngine, type EngineIncident, type EngineOptions, rootCausesRelated } from '../ingest/engine.ts';
import { FleetSim, type Injection } from './generator.ts';
import { buildTimeline, canonical, type TimelineOptions } from './scenarios.ts';

export interface ScoreOptions extends Omit<TimelineOptions, 'seed'> {
  seeds: readonly number[];
  engine?: EngineOptions;
  onProgress?: (msg: string) => void;
}

export interface ProblemOutcome {
  seed: number;
  id: string;
  kind: string;
  description: string;
  /** Mean share of running sessions affected. */
  share: number;
  truth: Combination[];
  detected: boolean;
  incidentId: string | null;
  delayMs: number | null;
  rootCause: Combination[] | null;
  exact: boolean;
  severity: string | null;
  metrics: string[];
}

export interface FalseAlarm {
  seed: number;
  incidentId: string;
  detectedAt: string;
  rootCause: Combination[];
  metrics: string[];
  /** The benign event running at the time, the problem it duplicates, or 'quiet'. */
  during: string;
}

export interface KindSummary {
  problems: number;
  detected: number;
  exact: number;
  delaysMs: number[];
}

export interface ScoreReport {
  seeds: number[];
  records: number;
  cpuSeconds: number;
  outcomes: ProblemOutcome[];
  falseAlarms: FalseAlarm[];
  byKind: Record<string, KindSummary>;
  /** The same totals for each seed on its own. */
  bySeed: { seed: number; totals: ScoreTotals }[];
  totals: ScoreTotals;
}

export interface ScoreTotals {
    problems: number;
    detected: number;
    problems1pct: number;
    detected1pct: number;
    incidents: number;
    recall: number;
    recall1pct: number;
    precision: number;
    exactRate: number;
    delayMedianMs: number | null;
    delayMaxMs: number | null;
}

export interface SeedRun {
  seed: number;
  injections: Injection[];
  exposure: Map<string, number>;
  incidents: EngineIncident[];
  records: number;
}

/** Replay one seed's timeline through the engine; the final state of every incident. */
export function runSeed(seed: number, opts: Omit<ScoreOptions, 'seeds'> = {}): SeedRun {
  const tl = buildTimeline({ ...opts, seed });
  const sim = new FleetSim(tl.sim);
  const engine = createEngine(opts.engine);
  const final = new Map<string, EngineIncident>();
  const merged = new Set<string>();
  let records = 0;
  const take = (out: ReturnType<typeof engine.advance>): void => {
    for (const u of out.incidents) {
      if (u.type === 'merged') {
        merged.add(u.incident.id);
        final.delete(u.incident.id);
      } else {
        final.set(u.incident.id, u.incident);
      }
    }
  };
  while (sim.now < tl.end) {
    const batch = sim.step();
    records += batch.length;
    for (const r of batch) engine.push(r);
    if (sim.now % 5_000 === 0) take(engine.advance());
  }
  take(engine.flush());
  const exposure = new Map<string, number>();
  for (const [id, x] of sim.exposure) exposure.set(id, x.n ? x.sum / x.n : 0);
  return { seed, injections: tl.injections, exposure, incidents: [...final.values()].filter((i) => !merged.has(i.id)).sort((a, b) => a.detectedAt - b.detectedAt || (a.id < b.id ? -1 : 1)), records };
}

const key = (cs: readonly Combination[]): string => JSON.stringify(cs.map((c) => JSON.stringify(canonical(c))).sort());

function relatedToProblem(inc: EngineIncident, p: Injection): boolean {
  const truth = p.rootCause ?? (p.target ? [p.target] : []);
  if (rootCausesRelated(inc.rootCause, truth)) return true;
  return inc.anomalies.some((a) => {
    const c: Combination = {};
    for (const [k, v] of Object.entries(a.slice)) if (v !== undefined) c[k] = v;
    return Object.keys(c).length > 0 && rootCausesRelated([c], truth);
  });
}

/** Match one seed's incidents with its problems. */
export function judgeSeed(run: SeedRun): { outcomes: ProblemOutcome[]; falseAlarms: FalseAlarm[] } {
  const problems = run.injections.filter((i) => i.target);
  const used = new Set<string>();
  const outcomes: ProblemOutcome[] = [];
  for (const p of problems) {
    const truth = p.rootCause ?? [];
    const hit = run.incidents.find((i) => !used.has(i.id) && i.detectedAt >= p.start && i.detectedAt <= p.end + 60_000 && relatedToProblem(i, p));
    if (hit) used.add(hit.id);
    outcomes.push({
      seed: run.seed,
      id: p.id,
      kind: p.kind,
      description: p.description ?? '',
      share: run.exposure.get(p.id) ?? 0,
      truth,
      detected: Boolean(hit),
      incidentId: hit?.id ?? null,
      delayMs: hit ? hit.detectedAt - p.start : null,
      rootCause: hit?.rootCause ?? null,
      exact: hit ? key(hit.rootCause) === key(truth) : false,
      severity: hit?.severity ?? null,
      metrics: hit?.metrics ?? [],
    });
  }
  const falseAlarms: FalseAlarm[] = [];
  for (const i of run.incidents) {
    if (used.has(i.id)) continue;
    const dup = problems.find((p) => i.detectedAt >= p.start && i.detectedAt <= p.end + 60_000 && relatedToProblem(i, p));
    const benign = run.injections.find((b) => !b.target && i.detectedAt >= b.start && i.detectedAt <= b.end + 60_000);
    falseAlarms.push({
      seed: run.seed,
      incidentId: i.id,
      detectedAt: new Date(i.detectedAt).toISOString(),
      rootCause: i.rootCause,
      metrics: i.metrics,
      during: dup ? `duplicate of ${dup.id}` : benign ? benign.id : 'quiet',
    });
  }
  return { outcomes, falseAlarms };
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function summarize(seeds: readonly number[], outcomes: ProblemOutcome[], falseAlarms: FalseAlarm[], records: number, cpuSeconds: number): ScoreReport {
  const byKind: Record<string, KindSummary> = {};
  for (const o of outcomes) {
    const k = (byKind[o.kind] ??= { problems: 0, detected: 0, exact: 0, delaysMs: [] });
    k.problems++;
    if (o.detected) k.detected++;
    if (o.exact) k.exact++;
    if (o.delayMs !== null) k.delaysMs.push(o.delayMs);
  }
  return {
    seeds: [...seeds],
    records,
    cpuSeconds,
    outcomes,
    falseAlarms,
    byKind,
    bySeed: seeds.map((seed) => ({ seed, totals: totalsOf(outcomes.filter((o) => o.seed === seed), falseAlarms.filter((f) => f.seed === seed)) })),
    totals: totalsOf(outcomes, falseAlarms),
  };
}

function totalsOf(outcomes: readonly ProblemOutcome[], falseAlarms: readonly FalseAlarm[]): ScoreTotals {
  const detected = outcomes.filter((o) => o.detected);
  const big = outcomes.filter((o) => o.share >= 0.01);
  const delays = detected.map((o) => o.delayMs as number);
  const incidents = detected.length + falseAlarms.length;
  return {
      problems: outcomes.length,
      detected: detected.length,
      problems1pct: big.length,
      detected1pct: big.filter((o) => o.detected).length,
      incidents,
      recall: outcomes.length ? detected.length / outcomes.length : 1,
      recall1pct: big.length ? big.filter((o) => o.detected).length / big.length : 1,
      precision: incidents ? detected.length / incidents : 1,
      exactRate: detected.length ? detected.filter((o) => o.exact).length / detected.length : 0,
      delayMedianMs: median(delays),
      delayMaxMs: delays.length ? Math.max(...delays) : null,
  };
}

/** Score several seeds. */
export function score(opts: ScoreOptions): ScoreReport {
  const outcomes: ProblemOutcome[] = [];
  const falseAlarms: FalseAlarm[] = [];
  let records = 0;
  const cpu0 = process.cpuUsage();
  for (const seed of opts.seeds) {
    const run = runSeed(seed, opts);
    records += run.records;
    const j = judgeSeed(run);
    outcomes.push(...j.outcomes);
    falseAlarms.push(...j.falseAlarms);
    opts.onProgress?.(`seed ${seed}: ${run.records} records, ${run.incidents.length} incidents, ${j.outcomes.filter((o) => o.detected).length}/${j.outcomes.length} problems detected, ${j.falseAlarms.length} false alarms`);
  }
  const cpu = process.cpuUsage(cpu0);
  return summarize(opts.seeds, outcomes, falseAlarms, records, (cpu.user + cpu.system) / 1e6);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const sec = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/** A plain-text report. */
export function formatReport(r: ScoreReport): string {
  const lines: string[] = [];
  lines.push(`seeds ${r.seeds.join(', ')}: ${r.records.toLocaleString('en-US')} records replayed in ${r.cpuSeconds.toFixed(1)} CPU s`);
  lines.push('');
  lines.push('kind                 problems  detected  root cause exact  delay median  delay max');
  for (const [k, s] of Object.entries(r.byKind).sort()) {
    lines.push(`${k.padEnd(20)} ${String(s.problems).padStart(8)}  ${String(s.detected).padStart(8)}  ${String(s.exact).padStart(16)}  ${sec(median(s.delaysMs)).padStart(12)}  ${sec(s.delaysMs.length ? Math.max(...s.delaysMs) : null).padStart(9)}`);
  }
  if (r.bySeed.length > 1) {
    lines.push('');
    lines.push('seed   problems  detected  recall ≥1 %  precision  root cause exact  delay median  delay max');
    for (const { seed, totals: s } of r.bySeed) {
      lines.push(`${String(seed).padEnd(6)} ${String(s.problems).padStart(8)}  ${String(s.detected).padStart(8)}  ${pct(s.recall1pct).padStart(11)}  ${pct(s.precision).padStart(9)}  ${pct(s.exactRate).padStart(16)}  ${sec(s.delayMedianMs).padStart(12)}  ${sec(s.delayMaxMs).padStart(9)}`);
    }
  }
  const t = r.totals;
  lines.push('');
  lines.push(`detection delay: median ${sec(t.delayMedianMs)}, worst ${sec(t.delayMaxMs)}   (target ≤ 10 s, ≤ 30 s)`);
  lines.push(`recall: ${pct(t.recall)} (${t.detected}/${t.problems}); on problems affecting ≥ 1 % of sessions: ${pct(t.recall1pct)} (${t.detected1pct}/${t.problems1pct})   (target ≥ 95 %)`);
  lines.push(`precision: ${pct(t.precision)} (${t.detected}/${t.incidents} incidents)   (target ≥ 95 %)`);
  lines.push(`root cause exactly right: ${pct(t.exactRate)}   (target ≥ 90 %)`);
  const misses = r.outcomes.filter((o) => !o.detected || !o.exact);
  if (misses.length) {
    lines.push('');
    lines.push('missed or inexact:');
    for (const o of misses) {
      lines.push(`  seed ${o.seed} ${o.id} (${o.description}, ${pct(o.share)} of sessions): ${o.detected ? `root cause ${JSON.stringify(o.rootCause)} vs ${JSON.stringify(o.truth)}` : 'not detected'}`);
    }
  }
  if (r.falseAlarms.length) {
    lines.push('');
    lines.push('false alarms:');
    for (const f of r.falseAlarms) lines.push(`  seed ${f.seed} ${f.incidentId} at ${f.detectedAt} during ${f.during}: ${f.metrics.join(', ')} ${JSON.stringify(f.rootCause)}`);
  }
  return lines.join('\n');
}
