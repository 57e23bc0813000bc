import { AppError } from '../../../domain/errors.ts';
import { nudgeDelivery } from '../../../jobs/index.ts';
import * as incidents from '../../../services/incidents.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { IncidentList, IncidentOut, IncidentParams, IncidentsQuery } from './schema.ts';

const STATUSES = ['open', 'acknowledged', 'resolved'];

export const incidentRoutes: RouteModule = (app, ctx) => {
  app.get('/api/v1/incidents', { schema: { tags: ['incidents'], querystring: IncidentsQuery, response: { 200: IncidentList } } }, async (req) => {
    const actor = actorOf(req);
    const q = req.query;
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) throw AppError.validation('querystring.to', 'must not be before from');
    const status = q.status ? q.status.split(',') : undefined;
    for (const s of status ?? []) if (!STATUSES.includes(s)) throw AppError.validation('querystring.status', `unknown status "${s}"; one of ${STATUSES.join(', ')}`);
    const rows = await incidents.listIncidentsFor(ctx, actor, { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(status ? { status } : {}), limit: q.limit });
    const apps = await incidents.customerApps(ctx, actor);
    return { items: rows.map((r) => incidents.presentIncident(r, actor, apps)) };
  });

  app.get('/api/v1/incidents/:id', { schema: { tags: ['incidents'], params: IncidentParams, response: { 200: IncidentOut } } }, async (req) => {
    const actor = actorOf(req);
    return incidents.presentIncident(await incidents.getIncident(ctx, actor, req.params.id), actor, await incidents.customerApps(ctx, actor));
  });

  app.post('/api/v1/incidents/:id/ack', { schema: { tags: ['incidents'], params: IncidentParams, response: { 200: IncidentOut } } }, async (req) => {
    const actor = actorOf(req);
    const row = await incidents.acknowledgeIncident(ctx, actor, req.params.id);
    nudgeDelivery(ctx.db);
    return incidents.presentIncident(row, actor);
  });

  app.post('/api/v1/incidents/:id/resolve', { schema: { tags: ['incidents'], params: IncidentParams, response: { 200: IncidentOut } } }, async (req) => {
    const actor = actorOf(req);
    const row = await incidents.resolveIncident(ctx, actor, req.params.id);
    nudgeDelivery(ctx.db);
    return incidents.presentIncident(row, actor);
  });
};
