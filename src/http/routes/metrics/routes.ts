import { z } from 'zod';
import type { PriorityCode } from '../../../domain/tickets.ts';
import type { Ctx } from '../../../services/context.ts';
import { slaMetrics, type SlaMetricsQuery } from '../../../services/metrics.ts';
import type { Tier } from '../../../store/schema.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { metricsCsv } from './csv.ts';
import { SlaMetricsOut, SlaMetricsQueryIn } from './schema.ts';

type QueryIn = z.infer<typeof SlaMetricsQueryIn>;

function toQuery(q: QueryIn): SlaMetricsQuery {
  return {
    from: new Date(q.from),
    to: new Date(q.to),
    ...(q.tier ? { tiers: [...new Set(q.tier.split(','))] as Tier[] } : {}),
    ...(q.priority ? { priorities: [...new Set(q.priority.split(','))] as PriorityCode[] } : {}),
    ...(q.orgId ? { orgId: q.orgId } : {}),
  };
}

const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+/, '');

export const metricsRoutes: RouteModule = (app, ctx: Ctx) => {
  // Service metrics of the tickets created in [from, to): staff only (customers get 403).
  app.get('/api/v1/metrics/sla', { schema: { tags: ['metrics'], querystring: SlaMetricsQueryIn, response: { 200: SlaMetricsOut } } }, async (req) => {
    return slaMetrics(ctx, actorOf(req), toQuery(req.query));
  });

  app.get(
    '/api/v1/metrics/sla.csv',
    {
      schema: {
        tags: ['metrics'],
        querystring: SlaMetricsQueryIn,
        response: { 200: { description: 'The same figures as CSV: a header row, then overall, by tier, by priority and by tier × priority.', content: { 'text/csv': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const m = await slaMetrics(ctx, actorOf(req), toQuery(req.query));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sla-metrics-${stamp(m.from)}-${stamp(m.to)}.csv"`)
        .header('cache-control', 'no-store')
        .send(metricsCsv(m));
    },
  );
};
