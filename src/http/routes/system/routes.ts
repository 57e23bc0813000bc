import { z } from 'zod';
import { listAudit } from '../../../store/repos/audit.ts';
import { requireAdmin } from '../../../services/policy.ts';
import { actorOf, type RouteModule } from '../../types.ts';

export const systemRoutes: RouteModule = (app, ctx) => {
  app.get('/api/v1/health', { schema: { tags: ['system'], response: { 200: z.object({ status: z.literal('ok'), time: z.string() }) } } }, async () => {
    return { status: 'ok' as const, time: ctx.clock.now().toISOString() };
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['system'],
        querystring: z.object({ entity: z.string().max(40).optional(), entityId: z.string().max(100).optional(), orgId: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ items: z.array(z.object({ id: z.number(), at: z.string(), actorId: z.string().nullable(), orgId: z.string().nullable(), entity: z.string(), entityId: z.string(), action: z.string(), changes: z.record(z.string(), z.unknown()) })) }) },
      },
    },
    async (req) => {
      requireAdmin(actorOf(req));
      const q = req.query;
      const rows = await listAudit(ctx.db, { limit: q.limit, ...(q.entity ? { entity: q.entity } : {}), ...(q.entityId ? { entityId: q.entityId } : {}), ...(q.orgId ? { orgId: q.orgId } : {}), ...(q.before ? { beforeId: q.before } : {}) });
      return { items: rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actorId: r.actor_id, orgId: r.org_id, entity: r.entity, entityId: r.entity_id, action: r.action, changes: r.changes })) };
    },
  );
};
