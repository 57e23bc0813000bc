/**
 * The quality dashboard's reads: metric series and breakdowns of any slice the 1-minute rollups
 * keep, with every point's numerator and denominator and the ratio as telemetry.md defines it.
 *
 * A slice is answered from the smallest kept rollup that covers its dimensions (the rollup's rows
 * partition all traffic, so the slice is exactly the sum of its matching rows). A customer reads
 * only its organization's apps: every query is limited to them (so only rollups with `app`
 * qualify), and naming another app is a 404.
 */
import { AppError } from '../../../domain/errors.ts';
import { METRIC_INFO, METRICS, type MetricName } from '../../../domain/telemetry/metrics.ts';
import { DIMENSIONS, type Dimension } from '../../../domain/telemetry/windows.ts';
import { ENGINE_ROLLUPS } from '../../../ingest/engine.ts';
import { customerApps } from '../../../services/incidents.ts';
import type { Actor, Ctx } from '../../../services/context.ts';
import { isStaff } from '../../../services/policy.ts';
import { rollupBreakdown, rollupBuckets, rollupTotal, type RollupSumColumn, type RollupSums } from '../../../store/repos/quality.ts';
import { MINUTE_MS } from './schema.ts';

export type Slice = Partial<Record<Dimension, string>>;

/** Numerator and denominator columns of each metric (telemetry.md "Metrics"). */
export const METRIC_COLUMNS: Readonly<Record<MetricName, { num: RollupSumColumn; den: RollupSumColumn }>> = {
  joinSuccessRate: { num: 'join_ok', den: 'joins' },
  join5sRate: { num: 'join_ok5s', den: 'joins' },
  videoFreezeRate: { num: 'v_freeze_ms', den: 'v_ms' },
  audioFreezeRate: { num: 'a_freeze_ms', den: 'a_ms' },
  networkDelayRate: { num: 'delay_bad_ms', den: 'interval_ms' },
  // loss_ms = Σ intervalMs × lossPct ÷ 100, so num ÷ den = Σ(lossPct × intervalMs) ÷ (100 × Σ intervalMs).
  lossRate: { num: 'loss_ms', den: 'interval_ms' },
  rttMean: { num: 'rtt_w', den: 'interval_ms' },
  jitterMean: { num: 'jitter_w', den: 'interval_ms' },
  // The rollups keep the count of first frames slower than 2000 ms, not the histogram: a share.
  firstFrameMs: { num: 'ff_slow', den: 'ff_count' },
  abnormalLeaveRate: { num: 'leaves_bad', den: 'leaves' },
  avSyncBadRate: { num: 'av_bad_ms', den: 'av_ms' },
};

export function metricInfo(m: MetricName) {
  const i = METRIC_INFO[m];
  const share = m === 'firstFrameMs';
  return {
    name: m,
    label: share ? { en: 'First frames slower than 2 s', zh: '首帧超过 2 秒占比' } : i.label,
    unit: share ? ('ratio' as const) : i.unit,
    kind: share ? ('share' as const) : i.kind === 'mean' ? ('mean' as const) : ('ratio' as const),
    bad: i.bad,
    badLine: share ? null : i.badLine,
    numerator: METRIC_COLUMNS[m].num,
    denominator: METRIC_COLUMNS[m].den,
  };
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The apps a customer is limited to (its organization's); undefined for staff. */
async function scopeOf(ctx: Ctx, actor: Actor): Promise<string[] | undefined> {
  if (isStaff(actor)) return undefined;
  return (await customerApps(ctx, actor)) ?? [];
}

/** Kept rollups an actor may read (a customer: only those with `app`, limited to its apps). */
function rollupsFor(apps: readonly string[] | undefined): (readonly Dimension[])[] {
  return ENGINE_ROLLUPS.filter((r) => apps === undefined || r.includes('app')).map((r) => r as readonly Dimension[]);
}

function sliceDims(s: Slice): Dimension[] {
  return DIMENSIONS.filter((d) => s[d] !== undefined);
}

/** The smallest kept rollup covering `dims`, or a 400 naming what is kept. */
function chooseRollup(dims: readonly Dimension[], apps: readonly string[] | undefined, path: string): readonly Dimension[] {
  const candidates = rollupsFor(apps).filter((r) => dims.every((d) => r.includes(d)));
  candidates.sort((a, b) => a.length - b.length);
  const best = candidates[0];
  if (!best) {
    const kept = rollupsFor(apps).map((r) => (r.length ? r.join('×') : 'global')).join(', ');
    throw AppError.validation(path, `no kept rollup covers ${dims.join(' × ')}; slices must fit one of: ${kept}`);
  }
  return best;
}

function checkApp(slice: Slice, apps: readonly string[] | undefined): void {
  if (apps !== undefined && slice.app !== undefined && !apps.includes(slice.app)) throw AppError.notFound('app');
}

export function pickSlice(q: Partial<Record<Dimension, string | undefined>>): Slice {
  const s: Slice = {};
  for (const d of DIMENSIONS) {
    const v = q[d];
    if (v !== undefined) s[d] = v;
  }
  return s;
}

export async function dimensions(ctx: Ctx, actor: Actor) {
  const apps = await scopeOf(ctx, actor);
  return {
    dimensions: [...DIMENSIONS],
    rollups: rollupsFor(apps).map((r) => [...r]),
    metrics: METRICS.map(metricInfo),
    apps: apps ?? null,
  };
}

const zeroSums = (): RollupSums => ({
  records: 0, sessions: 0, joins: 0, join_ok: 0, join_ok5s: 0, ff_count: 0, ff_slow: 0, stats: 0, interval_ms: 0, loss_ms: 0, delay_bad_ms: 0,
  rtt_w: 0, jitter_w: 0, v_ms: 0, v_freeze_ms: 0, a_ms: 0, a_freeze_ms: 0, av_ms: 0, av_bad_ms: 0, leaves: 0, leaves_bad: 0,
});

function minus(a: RollupSums, b: RollupSums): RollupSums {
  const out = zeroSums();
  for (const k of Object.keys(out) as RollupSumColumn[]) out[k] = Math.max(0, a[k] - b[k]);
  return out;
}

export interface SeriesInput {
  from: Date;
  to: Date;
  stepSeconds: number;
  metrics: MetricName[];
  slice: Slice;
  rest?: Dimension | undefined;
}

/** Whole minutes: `from` down, `to` up (the rollups are per minute). */
function alignRange(from: Date, to: Date): { from: Date; to: Date } {
  const f = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const t = Math.ceil(to.getTime() / MINUTE_MS) * MINUTE_MS;
  return { from: new Date(f), to: new Date(t) };
}

function assemble(buckets: RollupSums[], minutes: number[], metrics: MetricName[], times: string[]) {
  const sessions = buckets.map((b, i) => b.sessions / (minutes[i] ?? 1));
  const series = metrics.map((m) => {
    const c = METRIC_COLUMNS[m];
    let tn = 0;
    let td = 0;
    const points = buckets.map((b, i) => {
      tn += b[c.num];
      td += b[c.den];
      return { t: times[i] as string, num: b[c.num], den: b[c.den], value: ratio(b[c.num], b[c.den]) };
    });
    return { metric: m, unit: metricInfo(m).unit, points, total: { num: tn, den: td, value: ratio(tn, td) } };
  });
  return { sessions, series };
}

export async function series(ctx: Ctx, actor: Actor, q: SeriesInput) {
  const apps = await scopeOf(ctx, actor);
  checkApp(q.slice, apps);
  const rollup = chooseRollup(sliceDims(q.slice), apps, 'querystring');
  const { from, to } = alignRange(q.from, q.to);
  const stepMs = q.stepSeconds * 1000;
  const n = Math.ceil((to.getTime() - from.getTime()) / stepMs);
  const times: string[] = [];
  const minutes: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = from.getTime() + i * stepMs;
    times.push(new Date(start).toISOString());
    minutes.push(Math.min(stepMs, to.getTime() - start) / MINUTE_MS);
  }
  const load = async (slice: Slice): Promise<RollupSums[]> => {
    const rows = await rollupBuckets(ctx.db, { rollup, slice, apps, from, to, stepMs });
    const out = Array.from({ length: n }, zeroSums);
    for (const r of rows) if (r.bucket >= 0 && r.bucket < n) out[r.bucket] = r;
    return out;
  };
  const own = await load(q.slice);
  let rest = null;
  if (q.rest) {
    const parent: Slice = { ...q.slice };
    delete parent[q.rest];
    const whole = await load(parent);
    rest = { parent, ...assemble(whole.map((w, i) => minus(w, own[i] as RollupSums)), minutes, q.metrics, times) };
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    stepSeconds: q.stepSeconds,
    rollup: [...rollup],
    apps: apps ?? null,
    times,
    slice: q.slice,
    ...assemble(own, minutes, q.metrics, times),
    rest,
  };
}

export interface BreakdownInput {
  from: Date;
  to: Date;
  metric: MetricName;
  by: Dimension;
  sort: 'traffic' | 'excess' | 'value';
  limit: number;
  slice: Slice;
}

export async function breakdown(ctx: Ctx, actor: Actor, q: BreakdownInput) {
  const apps = await scopeOf(ctx, actor);
  checkApp(q.slice, apps);
  const rollup = chooseRollup([...sliceDims(q.slice), q.by], apps, 'querystring.by');
  const { from, to } = alignRange(q.from, q.to);
  const rangeMinutes = (to.getTime() - from.getTime()) / MINUTE_MS;
  const sel = { rollup, slice: q.slice, apps, from, to };
  const [rows, total] = await Promise.all([rollupBreakdown(ctx.db, { ...sel, by: q.by }), rollupTotal(ctx.db, sel)]);
  const c = METRIC_COLUMNS[q.metric];
  const info = METRIC_INFO[q.metric];
  const totalValue = ratio(total[c.num], total[c.den]);
  const sign = info.bad === 'up' ? 1 : -1;
  const items = rows
    .filter((r) => r[c.den] > 0)
    .map((r) => {
      const num = r[c.num];
      const den = r[c.den];
      return {
        key: r.key,
        slice: { ...q.slice, [q.by]: r.key },
        num,
        den,
        value: ratio(num, den),
        share: total[c.den] > 0 ? den / total[c.den] : 0,
        excess: totalValue === null ? 0 : sign * (num - den * totalValue),
        sessions: rangeMinutes > 0 ? r.sessions / rangeMinutes : 0,
      };
    });
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  switch (q.sort) {
    case 'traffic':
      items.sort((a, b) => b.den - a.den || byKey(a, b));
      break;
    case 'excess':
      items.sort((a, b) => b.excess - a.excess || b.den - a.den || byKey(a, b));
      break;
    case 'value':
      items.sort((a, b) => sign * ((b.value ?? 0) - (a.value ?? 0)) || b.den - a.den || byKey(a, b));
      break;
    default: {
      const never: never = q.sort;
      throw new Error(`unknown sort ${String(never)}`);
    }
  }
  const top = items.slice(0, q.limit);
  const beyond = items.slice(q.limit);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    metric: q.metric,
    by: q.by,
    sort: q.sort,
    rollup: [...rollup],
    apps: apps ?? null,
    slice: q.slice,
    total: { num: total[c.num], den: total[c.den], value: totalValue, sessions: rangeMinutes > 0 ? total.sessions / rangeMinutes : 0 },
    items: top,
    rest: { count: beyond.length, num: beyond.reduce((s, i) => s + i.num, 0), den: beyond.reduce((s, i) => s + i.den, 0) },
  };
}
