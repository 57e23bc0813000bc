/**
 * Root-cause localization benchmark: F1 and time of `localize` beside a single-dimension
 * Adtributor-style baseline, measured in the same run on the same seeded synthetic cubes.
 *
 *   npx tsx bench/rca.ts [--cases N] [--leaves N] [--seed S] [--hard] [--scale-leaves N] [--smoke]
 *
 * --cases is per group (measure × layer × number of elements); the default run is short.
 * --hard: weak signals down to the detection limit (z ≈ 4.5, where a layer-3 cause among ~20,000
 *   candidates can no longer be told from noise), small slices, a 5 % forecast error, uneven
 *   changes within a cause (±30 %) and causes that may overlap.
 * --smoke: one small case per group, to prove the program works.
 * Unknown flags are ignored (a bench runner may pass flags meant for other benchmarks).
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { adtributor } from '../src/domain/rca/adtributor.ts';
import {
  DEFAULT_DIMENSIONS,
  generateCase,
  scoreF1,
  type CaseLayer,
  type CaseOptions,
  type GeneratedCase,
} from '../src/domain/rca/cuboid.ts';
import { localize } from '../src/domain/rca/localize.ts';
import type { LocalizeResult, Measure } from '../src/domain/rca/types.ts';

export interface GroupResult {
  measure: Measure;
  layer: CaseLayer;
  elements: number;
  cases: number;
  f1: number;
  baselineF1: number;
  ms: number;
  baselineMs: number;
}

export interface BenchSummary {
  cases: number;
  f1: number;
  baselineF1: number;
  msPerCase: number;
  baselineMsPerCase: number;
  groups: GroupResult[];
  scale: { leaves: number; ms: number; wallMs: number; baselineMs: number; baselineWallMs: number } | null;
}

interface Args {
  cases: number;
  leaves: number;
  seed: number;
  hard: boolean;
  scaleLeaves: number;
}

function parseArgs(args: readonly string[]): Args {
  const out: Args = { cases: 3, leaves: 20_000, seed: 1, hard: false, scaleLeaves: 50_000 };
  for (let i = 0; i < args.length; i += 1) {
    const [flag, inline] = (args[i] as string).split('=', 2) as [string, string | undefined];
    const value = (): number => {
      const raw = inline ?? args[(i += 1)];
      const x = Number(raw);
      if (!Number.isFinite(x)) throw new Error(`${flag} needs a number, got ${String(raw)}`);
      return x;
    };
    switch (flag) {
      case '--cases':
        out.cases = Math.max(1, Math.round(value()));
        break;
      case '--leaves':
        out.leaves = Math.max(10, Math.round(value()));
        break;
      case '--seed':
        out.seed = Math.round(value());
        break;
      case '--hard':
        out.hard = true;
        break;
      case '--scale-leaves':
        out.scaleLeaves = Math.max(0, Math.round(value()));
        break;
      case '--smoke':
        out.cases = 1;
        out.leaves = 3000;
        out.scaleLeaves = 10_000;
        break;
      default:
        if (flag.startsWith('--')) console.warn(`bench rca: ignoring ${flag}`);
    }
  }
  return out;
}

/**
 * Time of one call: CPU time of this process (user + system), which a busy shared machine inflates
 * far less than wall time, and wall time.
 */
function timed(fn: () => LocalizeResult): { result: LocalizeResult; ms: number; wallMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { result, ms: (cpu.user + cpu.system) / 1000, wallMs };
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ratio = (a: number, b: number): string => (b > 0 ? `${fmt(a / b, 2)}×` : a > 0 ? '∞' : '—');

/** Options of the `--hard` preset (see the header). */
function hardOptions(measure: Measure): Partial<CaseOptions> {
  return {
    volume: measure === 'ratio' ? 4e6 : 1e5,
    minElementShare: 0.001,
    minSignal: 20,
    magnitude: [0.1, 0.5],
    ratioIncrease: [0.2, 1],
    forecastNoise: 0.05,
    changeJitter: 0.3,
    allowOverlap: true,
  };
}

export async function main(argv: readonly string[] = []): Promise<BenchSummary> {
  const args = parseArgs(argv);
  const groups: GroupResult[] = [];
  const plan: Array<{ measure: Measure; layer: CaseLayer; elements: number }> = [];
  for (const measure of ['additive', 'ratio'] as const) {
    for (const layer of [1, 2, 3] as const) for (const elements of [1, 2, 3]) plan.push({ measure, layer, elements });
    for (const elements of [2, 3]) plan.push({ measure, layer: 'mixed', elements });
  }
  // Warm the JIT on a throw-away case so the first group is not charged for compilation.
  const warm = generateCase({ seed: 999_999, measure: 'additive', layer: 2, elements: 2, maxLeaves: 2000 });
  localize(warm);
  adtributor(warm);

  let seed = args.seed * 100_003;
  for (const g of plan) {
    const r: GroupResult = { ...g, cases: 0, f1: 0, baselineF1: 0, ms: 0, baselineMs: 0 };
    for (let k = 0; k < args.cases; k += 1) {
      seed += 1;
      const c: GeneratedCase = generateCase({
        seed,
        measure: g.measure,
        layer: g.layer,
        elements: g.elements,
        maxLeaves: args.leaves,
        ...(args.hard ? hardOptions(g.measure) : {}),
      });
      const ours = timed(() => localize({ measure: c.measure, rows: c.rows }));
      const base = timed(() => adtributor({ measure: c.measure, rows: c.rows }));
      r.cases += 1;
      r.f1 += scoreF1(ours.result.rootCause, c.rootCause).f1;
      r.baselineF1 += scoreF1(base.result.rootCause, c.rootCause).f1;
      r.ms += ours.ms;
      r.baselineMs += base.ms;
    }
    r.f1 /= r.cases;
    r.baselineF1 /= r.cases;
    r.ms /= r.cases;
    r.baselineMs /= r.cases;
    groups.push(r);
  }

  const n = groups.reduce((a, g) => a + g.cases, 0);
  const mean = (key: 'f1' | 'baselineF1' | 'ms' | 'baselineMs'): number =>
    groups.reduce((a, g) => a + g[key] * g.cases, 0) / Math.max(1, n);
  const dimsText = DEFAULT_DIMENSIONS.map((d) => d.size).join('×');
  console.log(
    `RCA localization benchmark — ${n} cases (${args.cases} per group), ${DEFAULT_DIMENSIONS.length} dimensions (${dimsText}), ` +
      `≤ ${args.leaves} leaves, seed ${args.seed}${args.hard ? ', hard preset (weak signals, forecast error, uneven and overlapping causes)' : ', Poisson/binomial noise'}`,
  );
  console.log('baseline: single-dimension Adtributor-style explanatory power + surprise\n');
  const header = ['measure', 'layer', 'elems', 'cases', 'F1', 'F1 base', 'F1 ratio', 'cpu ms', 'cpu ms base', 'time ratio'];
  const lines = groups.map((g) => [
    g.measure,
    String(g.layer === 'mixed' ? '1–3' : g.layer),
    String(g.elements),
    String(g.cases),
    fmt(g.f1),
    fmt(g.baselineF1),
    ratio(g.f1, g.baselineF1),
    fmt(g.ms, 1),
    fmt(g.baselineMs, 1),
    ratio(g.ms, g.baselineMs),
  ]);
  const f1 = mean('f1');
  const baselineF1 = mean('baselineF1');
  const ms = mean('ms');
  const baselineMs = mean('baselineMs');
  lines.push(['all', '', '', String(n), fmt(f1), fmt(baselineF1), ratio(f1, baselineF1), fmt(ms, 1), fmt(baselineMs, 1), ratio(ms, baselineMs)]);
  const widths = header.map((h, j) => Math.max(h.length, ...lines.map((l) => (l[j] as string).length)));
  const row = (cells: string[]): string => cells.map((c, j) => (j < 3 ? c.padEnd(widths[j] as number) : c.padStart(widths[j] as number))).join('  ');
  console.log(row(header));
  for (const l of lines) {
    if (l[0] === 'all') console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    console.log(row(l));
  }

  let scale: BenchSummary['scale'] = null;
  if (args.scaleLeaves > 0) {
    const c = generateCase({ seed: args.seed + 7, measure: 'ratio', layer: 2, elements: 2, maxLeaves: args.scaleLeaves });
    const median3 = (fn: () => LocalizeResult): { ms: number; wallMs: number } => {
      const runs = [0, 1, 2].map(() => timed(fn));
      const mid = <K extends 'ms' | 'wallMs'>(k: K): number => (runs.map((r) => r[k]).sort((a, b) => a - b)[1] as number);
      return { ms: mid('ms'), wallMs: mid('wallMs') };
    };
    const ours = median3(() => localize({ measure: c.measure, rows: c.rows }));
    const base = median3(() => adtributor({ measure: c.measure, rows: c.rows }));
    scale = { leaves: c.rows.length, ms: ours.ms, wallMs: ours.wallMs, baselineMs: base.ms, baselineWallMs: base.wallMs };
    console.log(
      `\nscale: ${c.rows.length} leaf rows, ${DEFAULT_DIMENSIONS.length} dimensions, median of 3 — localize ${fmt(ours.ms, 0)} ms cpu ` +
        `(${fmt(ours.wallMs, 0)} ms wall), baseline ${fmt(base.ms, 0)} ms cpu (${fmt(base.wallMs, 0)} ms wall), ` +
        `time ratio ${ratio(ours.ms, base.ms)}`,
    );
  }
  console.log(`(${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1) ?? '?'} when done; times are per call)`);
  return { cases: n, f1, baselineF1, msPerCase: ms, baselineMsPerCase: baselineMs, groups, scale };
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) await main(process.argv.slice(2));
