import type { MetricName } from '../../../domain/telemetry/metrics.ts';
import { METRICS } from '../../../domain/telemetry/metrics.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { breakdown, dimensions, pickSlice, series } from './query.ts';
import { BreakdownOut, BreakdownQuery, DimensionsOut, SeriesOut, SeriesQuery } from './schema.ts';

/**
 * The quality dashboard's read API over the 1-minute telemetry rollups. Staff read every slice; a
 * customer reads only its organization's apps (another app is a 404).
 */
export const qualityRoutes: RouteModule = (app, ctx) => {
  app.get('/api/v1/quality/dimensions', { schema: { tags: ['quality'], response: { 200: DimensionsOut } } }, async (req) => {
    return dimensions(ctx, actorOf(req));
  });

  app.get('/api/v1/quality/series', { schema: { tags: ['quality'], querystring: SeriesQuery, response: { 200: SeriesOut } } }, async (req) => {
    const q = req.query;
    const metrics = q.metrics ? ([...new Set(q.metrics.split(','))] as MetricName[]) : [...METRICS];
    return series(ctx, actorOf(req), { from: new Date(q.from), to: new Date(q.to), stepSeconds: q.step, metrics, slice: pickSlice(q), rest: q.rest });
  });

  app.get('/api/v1/quality/breakdown', { schema: { tags: ['quality'], querystring: BreakdownQuery, response: { 200: BreakdownOut } } }, async (req) => {
    const q = req.query;
    return breakdown(ctx, actorOf(req), { from: new Date(q.from), to: new Date(q.to), metric: q.metric, by: q.by, sort: q.sort, limit: q.limit, slice: pickSlice(q) });
  });
};
