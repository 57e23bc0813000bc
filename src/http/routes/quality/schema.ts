import { z } from 'zod';
import { METRICS } from '../../../domain/telemetry/metrics.ts';
import { DIMENSIONS } from '../../../domain/telemetry/windows.ts';

export const MINUTE_MS = 60_000;
/** Longest range one query may read. */
export const MAX_RANGE_DAYS = 31;
/** Most points one series may have (range ÷ step). */
export const MAX_POINTS = 1_500;
/** Coarsest step: one day. */
export const MAX_STEP_SECONDS = 86_400;

const instant = (name: string) =>
  z.iso.datetime({ offset: true, message: `${name}: an ISO-8601 date-time with a UTC offset, e.g. 2026-11-03T12:00:00Z` });

const dimValue = z.string().min(1).max(256);

/** One optional query parameter per dimension: `?country=ID&isp=Telkomsel` is that slice. */
const sliceShape = Object.fromEntries(DIMENSIONS.map((d) => [d, dimValue.optional()])) as Record<(typeof DIMENSIONS)[number], z.ZodOptional<typeof dimValue>>;

const metricList = new RegExp(`^(${METRICS.join('|')})(,(${METRICS.join('|')}))*$`);

function checkRange(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return; // the field checks already said why
  if (to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (to - from > MAX_RANGE_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
}

/** `GET /api/v1/quality/series`: metrics of one slice over [from, to) in steps. */
export const SeriesQuery = z
  .object({
    from: instant('from'),
    to: instant('to'),
    step: z.coerce
      .number()
      .int()
      .min(60)
      .max(MAX_STEP_SECONDS)
      .refine((s) => s % 60 === 0, { message: 'a whole number of minutes, in seconds (60, 300, 3600, …)' })
      .default(60)
      .describe('seconds per point: 60 (the rollups’ minute) or a coarser whole number of minutes'),
    metrics: z.string().max(400).regex(metricList, `one or more of ${METRICS.join(', ')}, comma-separated`).optional().describe('default: every metric'),
    rest: z.enum(DIMENSIONS).optional().describe('also return the rest of the parent slice: this slice without the dimension, minus this slice'),
    ...sliceShape,
  })
  .superRefine((q, ctx) => {
    checkRange(q, ctx);
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!Number.isNaN(from) && !Number.isNaN(to) && to > from && Math.ceil((to - from) / (q.step * 1000)) > MAX_POINTS) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `at most ${MAX_POINTS} points: choose a coarser step for this range` });
    }
    if (q.rest && q[q.rest] === undefined) ctx.addIssue({ code: 'custom', path: ['rest'], message: `the slice has no ${q.rest} to compare against` });
  });

/** `GET /api/v1/quality/breakdown`: the values of one dimension inside a slice, for one metric. */
export const BreakdownQuery = z
  .object({
    from: instant('from'),
    to: instant('to'),
    metric: z.enum(METRICS),
    by: z.enum(DIMENSIONS),
    sort: z.enum(['traffic', 'excess', 'value']).default('traffic').describe('traffic: largest denominator first; excess: most bad beyond the slice’s own rate first; value: worst value first'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    ...sliceShape,
  })
  .superRefine((q, ctx) => {
    checkRange(q, ctx);
    if (q[q.by] !== undefined) ctx.addIssue({ code: 'custom', path: ['by'], message: `the slice already fixes ${q.by}` });
  });

const Slice = z.record(z.string(), z.string());
const Ratio = z.number().nullable();

export const MetricInfoOut = z.object({
  name: z.enum(METRICS),
  label: z.object({ en: z.string(), zh: z.string() }),
  unit: z.enum(['ratio', 'ms']).describe('unit of `value`'),
  kind: z.enum(['ratio', 'mean', 'share']).describe('share: firstFrameMs from the rollups is the share of first frames slower than 2000 ms (the p90 needs the histogram the rollups do not keep)'),
  bad: z.enum(['up', 'down']),
  badLine: z.number().nullable().describe('the "bad" line of telemetry.md in the unit of `value`'),
  numerator: z.string(),
  denominator: z.string(),
});

export const DimensionsOut = z.object({
  dimensions: z.array(z.enum(DIMENSIONS)),
  rollups: z.array(z.array(z.enum(DIMENSIONS))).describe('dimension sets kept as 1-minute rollups; a slice or breakdown must fit in one of them'),
  metrics: z.array(MetricInfoOut),
  apps: z.array(z.string()).nullable().describe("a customer: its organization's apps (every query is limited to them); staff: null"),
});

const Point = z.object({
  t: z.string().describe('start of the step'),
  num: z.number(),
  den: z.number(),
  value: Ratio.describe('num ÷ den as telemetry.md defines the metric; null without traffic'),
});

const MetricSeries = z.object({
  metric: z.enum(METRICS),
  unit: z.enum(['ratio', 'ms']),
  points: z.array(Point),
  total: z.object({ num: z.number(), den: z.number(), value: Ratio }),
});

const RestSeries = z.object({
  parent: Slice.describe('the slice without the `rest` dimension; the rest is parent minus slice'),
  sessions: z.array(z.number()).describe('average concurrent sessions per step (stats time ÷ step, plus failed joins)'),
  series: z.array(MetricSeries),
});

export const SeriesOut = z.object({
  from: z.string(),
  to: z.string(),
  stepSeconds: z.number().int(),
  rollup: z.array(z.string()).describe('the kept rollup the slice was summed from'),
  apps: z.array(z.string()).nullable().describe('the apps the answer is limited to (a customer), or null'),
  times: z.array(z.string()),
  slice: Slice,
  sessions: z.array(z.number()),
  series: z.array(MetricSeries),
  rest: RestSeries.nullable().describe('the parent slice minus this one, when `rest` was asked'),
});

const BreakdownItem = z.object({
  key: z.string().describe('the value of the breakdown dimension'),
  slice: Slice.describe('the slice of this row: the query slice plus the breakdown value'),
  num: z.number(),
  den: z.number(),
  value: Ratio,
  share: z.number().describe('den ÷ the slice total den'),
  excess: z.number().describe('bad beyond the slice rate: num − den × total value (up-bad metrics), den × total value − num (down-bad ones)'),
  sessions: z.number(),
});

export const BreakdownOut = z.object({
  from: z.string(),
  to: z.string(),
  metric: z.enum(METRICS),
  by: z.enum(DIMENSIONS),
  sort: z.enum(['traffic', 'excess', 'value']),
  rollup: z.array(z.string()),
  apps: z.array(z.string()).nullable(),
  slice: Slice,
  total: z.object({ num: z.number(), den: z.number(), value: Ratio, sessions: z.number() }),
  items: z.array(BreakdownItem),
  rest: z.object({ count: z.number().int(), num: z.number(), den: z.number() }).describe('values beyond the limit'),
});
