import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { evaluateClocks, type SlaEvent } from '../../../domain/sla/clocks.ts';
import * as slaAdmin from '../../../services/sla-admin.ts';
import { requireAdmin, requireStaff } from '../../../services/policy.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { CalendarOut, CalendarSpecIn, PolicyRow, SimulateIn, SimulateOut } from './schema.ts';

export const slaRoutes: RouteModule = (app, ctx) => {
  // Evaluates a timeline without storing anything (contract.md, "SLA clocks").
  app.post('/api/v1/sla/simulate', { schema: { tags: ['sla'], body: SimulateIn, response: { 200: SimulateOut } } }, async (req) => {
    actorOf(req);
    const b = req.body;
    const events = b.events.map((e, i): SlaEvent => {
      if (e.type === 'status') {
        if (!e.status) throw AppError.validation(`events.${i}.status`, 'a status event names the status');
        return { at: e.at, type: 'status', status: e.status };
      }
      if (e.type === 'targets') {
        if (!e.targets) throw AppError.validation(`events.${i}.targets`, 'a targets event carries the targets');
        return { at: e.at, type: 'targets', targets: e.targets };
      }
      return { at: e.at, type: e.type };
    });
    return evaluateClocks({ calendar: b.calendar, targets: b.targets, events, now: b.now });
  });

  app.get('/api/v1/sla/policies', { schema: { tags: ['sla'], response: { 200: z.object({ items: z.array(PolicyRow) }) } } }, async (req) => {
    requireStaff(actorOf(req));
    return { items: await slaAdmin.listPolicyRows(ctx) };
  });

  app.put('/api/v1/sla/policies', { schema: { tags: ['sla'], body: z.object({ items: z.array(PolicyRow).min(1).max(12) }), response: { 200: z.object({ items: z.array(PolicyRow), recomputed: z.number() }) } } }, async (req) => {
    const actor = actorOf(req);
    requireAdmin(actor);
    const recomputed = await slaAdmin.savePolicies(ctx, actor, req.body.items);
    return { items: await slaAdmin.listPolicyRows(ctx), recomputed };
  });

  app.get('/api/v1/sla/calendars', { schema: { tags: ['sla'], response: { 200: z.object({ items: z.array(CalendarOut) }) } } }, async (req) => {
    requireStaff(actorOf(req));
    return { items: await slaAdmin.listCalendarViews(ctx) };
  });

  app.put(
    '/api/v1/sla/calendars/:id',
    { schema: { tags: ['sla'], params: z.object({ id: z.string().min(1).max(100) }), body: z.object({ name: z.string().trim().min(1).max(200), spec: CalendarSpecIn }), response: { 200: CalendarOut.extend({ recomputed: z.number() }) } } },
    async (req) => {
      const actor = actorOf(req);
      requireAdmin(actor);
      return slaAdmin.saveCalendar(ctx, actor, req.params.id, req.body.name, req.body.spec);
    },
  );

  // iCal import: the preview says what would change; `apply: true` saves it.
  app.post(
    '/api/v1/sla/calendars/:id/import',
    {
      schema: {
        tags: ['sla'],
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.object({ ics: z.string().min(1).max(2_000_000), apply: z.boolean().default(false), workdayHours: z.array(z.tuple([z.string().max(5), z.string().max(5)])).max(12).optional() }),
        response: { 200: z.object({ applied: z.boolean(), addedHolidays: z.array(z.string()), addedWorkdays: z.array(z.object({ date: z.string(), summary: z.string() })), calendar: z.unknown(), recomputed: z.number() }) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      requireAdmin(actor);
      return slaAdmin.importIcs(ctx, actor, req.params.id, req.body.ics, req.body.apply, req.body.workdayHours);
    },
  );
};
