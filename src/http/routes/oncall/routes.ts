import { escapeHtml } from '../../../domain/html.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { nudgeDelivery } from '../../../jobs/index.ts';
import * as admin from '../../../services/notify/admin.ts';
import * as oncall from '../../../services/oncall.ts';
import * as paging from '../../../services/paging.ts';
import type { PageStatus } from '../../../store/schema.ts';
import { RateLimiter } from '../../rate-limit.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import {
  ContactIn,
  ContactOut,
  IcalQuery,
  IcalTokenCreatedOut,
  IcalTokenIn,
  IcalTokenOut,
  id,
  LinkOut,
  OnCallOut,
  OutboxOut,
  OutboxQuery,
  OverrideIn,
  OverrideOut,
  PAGE_STATUSES,
  PageIn,
  PageOut,
  PagesQuery,
  PolicyIn,
  PolicyOut,
  presentContact,
  presentIcalToken,
  presentOnCall,
  presentOutbox,
  presentOverride,
  presentPage,
  presentPolicy,
  presentSchedule,
  presentShift,
  RangeQuery,
  ScheduleIn,
  ScheduleOut,
  ShiftOut,
} from './schema.ts';

const Params = z.object({ id });
const tags = ['oncall'];

function statuses(v: string | undefined): PageStatus[] | undefined {
  if (!v) return undefined;
  const parts = v.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!(PAGE_STATUSES as readonly string[]).includes(p)) throw AppError.validation('querystring.status', `unknown status "${p}"; one of ${PAGE_STATUSES.join(', ')}`);
  }
  return parts as PageStatus[];
}


/** A small page for a one-time link; with a form, a button that POSTs back to the link. */
function linkPage(lang: 'zh' | 'en', heading: string, detail: string, form?: { action: string; button: string }): string {
  const button = form
    ? `<form method="post" action="${escapeHtml(form.action)}"><button type="submit" style="font-size:1.1rem;padding:.6rem 1.2rem">${escapeHtml(form.button)}</button></form>`
    : '';
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Signaldesk</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${escapeHtml(heading)}</h1><p>${escapeHtml(detail)}</p>${button}</body></html>`;
}

export const oncallRoutes: RouteModule = (app, ctx) => {
  // --- schedules -------------------------------------------------------------------------------
  app.post('/api/v1/schedules', { schema: { tags, body: ScheduleIn, response: { 201: ScheduleOut } } }, async (req, reply) => {
    const s = await oncall.createSchedule(ctx, actorOf(req), req.body);
    return reply.status(201).send(presentSchedule(s));
  });

  app.get('/api/v1/schedules', { schema: { tags, response: { 200: z.object({ items: z.array(ScheduleOut) }) } } }, async (req) => {
    return { items: (await oncall.listAllSchedules(ctx, actorOf(req))).map(presentSchedule) };
  });

  app.get('/api/v1/schedules/:id', { schema: { tags, params: Params, response: { 200: ScheduleOut } } }, async (req) => {
    return presentSchedule(await oncall.getSchedule(ctx, actorOf(req), req.params.id));
  });

  app.get(
    '/api/v1/schedules/:id/oncall',
    { schema: { tags, params: Params, querystring: z.object({ at: z.string().max(64).optional() }), response: { 200: OnCallOut } } },
    async (req) => presentOnCall(await oncall.onCallAt(ctx, actorOf(req), req.params.id, req.query.at)),
  );

  app.get(
    '/api/v1/schedules/:id/shifts',
    { schema: { tags, params: Params, querystring: RangeQuery, response: { 200: z.object({ from: z.string(), to: z.string(), items: z.array(ShiftOut) }) } } },
    async (req) => {
      const r = await oncall.shiftsOf(ctx, actorOf(req), req.params.id, req.query);
      return { from: r.from.toISOString(), to: r.to.toISOString(), items: r.items.map(presentShift) };
    },
  );

  app.get(
    '/api/v1/schedules/:id/gaps',
    {
      schema: {
        tags,
        params: Params,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(oncall.MAX_RANGE_DAYS).default(14) }),
        response: { 200: z.object({ from: z.string(), to: z.string(), items: z.array(z.object({ start: z.string(), end: z.string() })) }) },
      },
    },
    async (req) => {
      const r = await oncall.gapsOf(ctx, actorOf(req), req.params.id, req.query.days);
      return { from: r.from.toISOString(), to: r.to.toISOString(), items: r.items.map((g) => ({ start: g.start.toISOString(), end: g.end.toISOString() })) };
    },
  );

  app.post('/api/v1/schedules/:id/overrides', { schema: { tags, params: Params, body: OverrideIn, response: { 201: OverrideOut } } }, async (req, reply) => {
    const o = await oncall.addOverride(ctx, actorOf(req), req.params.id, req.body);
    return reply.status(201).send(presentOverride(o));
  });

  app.get('/api/v1/schedules/:id.ics', { schema: { tags, params: Params, querystring: IcalQuery, produces: ['text/calendar'] } }, async (req, reply) => {
    const body = await oncall.scheduleIcal(ctx, actorOf(req), req.params.id, req.query);
    return reply.type('text/calendar; charset=utf-8').header('content-disposition', `inline; filename="schedule-${req.params.id.replace(/[^\w-]/g, '_')}.ics"`).send(body);
  });

  app.get('/api/v1/users/:id/oncall.ics', { schema: { tags, params: Params, querystring: IcalQuery, produces: ['text/calendar'] } }, async (req, reply) => {
    const body = await oncall.personIcal(ctx, actorOf(req), req.params.id, req.query);
    return reply.type('text/calendar; charset=utf-8').header('content-disposition', `inline; filename="oncall-${req.params.id.replace(/[^\w-]/g, '_')}.ics"`).send(body);
  });

  // Calendar feeds by token: calendar clients send no Authorization header, so the URL carries a
  // token (scoped to one schedule or one person, revocable, stored hashed).
  app.post('/api/v1/ical-tokens', { schema: { tags, body: IcalTokenIn, response: { 201: IcalTokenCreatedOut } } }, async (req, reply) => {
    const { row, token } = await oncall.createIcalToken(ctx, actorOf(req), req.body);
    const url = `${ctx.config.publicUrl.replace(/\/$/, '')}/api/v1/public/calendars/${token}.ics`;
    return reply.status(201).send({ ...presentIcalToken(row), token, url });
  });

  app.get('/api/v1/ical-tokens', { schema: { tags, response: { 200: z.object({ items: z.array(IcalTokenOut) }) } } }, async (req) => {
    return { items: (await oncall.listIcalTokens(ctx, actorOf(req))).map(presentIcalToken) };
  });

  app.delete('/api/v1/ical-tokens/:id', { schema: { tags, params: Params } }, async (req, reply) => {
    await oncall.revokeIcalToken(ctx, actorOf(req), req.params.id);
    return reply.status(204).send();
  });

  const feedLimit = new RateLimiter(ctx.clock, 60, 60_000);
  app.get(
    '/api/v1/public/calendars/:token.ics',
    { schema: { tags, security: [], params: z.object({ token: z.string().min(1).max(200) }), querystring: IcalQuery, produces: ['text/calendar'], description: 'A calendar feed by token (from POST /api/v1/ical-tokens); no sign-in.' } },
    async (req, reply) => {
      feedLimit.hit(req.ip);
      const r = await oncall.icalByToken(ctx, req.params.token, req.query);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('referrer-policy', 'no-referrer')
        .header('content-disposition', `inline; filename="${r.scope}-${r.targetId.replace(/[^\w-]/g, '_')}.ics"`)
        .send(r.body);
    },
  );

  // --- escalation policies -----------------------------------------------------------------------
  app.post('/api/v1/escalation-policies', { schema: { tags, body: PolicyIn, response: { 201: PolicyOut } } }, async (req, reply) => {
    const p = await oncall.createPolicy(ctx, actorOf(req), req.body);
    return reply.status(201).send(presentPolicy(p));
  });

  app.get('/api/v1/escalation-policies', { schema: { tags, response: { 200: z.object({ items: z.array(PolicyOut) }) } } }, async (req) => {
    return { items: (await oncall.listAllPolicies(ctx, actorOf(req))).map(presentPolicy) };
  });

  app.get('/api/v1/escalation-policies/:id', { schema: { tags, params: Params, response: { 200: PolicyOut } } }, async (req) => {
    return presentPolicy(await oncall.getPolicy(ctx, actorOf(req), req.params.id));
  });

  app.put('/api/v1/escalation-policies/:id', { schema: { tags, params: Params, body: PolicyIn, response: { 200: PolicyOut } } }, async (req) => {
    return presentPolicy(await oncall.updatePolicy(ctx, actorOf(req), req.params.id, req.body));
  });

  // --- contact methods ---------------------------------------------------------------------------
  app.get('/api/v1/users/:id/contact-methods', { schema: { tags, params: Params, response: { 200: z.object({ items: z.array(ContactOut) }) } } }, async (req) => {
    return { items: (await oncall.listContacts(ctx, actorOf(req), req.params.id)).map(presentContact) };
  });

  app.post('/api/v1/users/:id/contact-methods', { schema: { tags, params: Params, body: ContactIn, response: { 201: ContactOut } } }, async (req, reply) => {
    const c = await oncall.addContact(ctx, actorOf(req), req.params.id, req.body);
    return reply.status(201).send(presentContact(c));
  });

  const ContactParams = z.object({ id, contactId: id });
  app.delete('/api/v1/users/:id/contact-methods/:contactId', { schema: { tags, params: ContactParams } }, async (req, reply) => {
    await oncall.removeContact(ctx, actorOf(req), req.params.id, req.params.contactId);
    return reply.status(204).send();
  });

  app.post('/api/v1/users/:id/contact-methods/:contactId/test', { schema: { tags, params: ContactParams, response: { 202: z.object({ key: z.string() }) } } }, async (req, reply) => {
    const key = await admin.testContact(ctx, actorOf(req), req.params.id, req.params.contactId);
    nudgeDelivery(ctx.db);
    return reply.status(202).send({ key });
  });

  // --- pages -----------------------------------------------------------------------------------
  app.post('/api/v1/pages', { schema: { tags, body: PageIn, response: { 201: PageOut } } }, async (req, reply) => {
    const page = await paging.createManualPage(ctx, actorOf(req), req.body);
    nudgeDelivery(ctx.db);
    return reply.status(201).send(presentPage(page));
  });

  app.get('/api/v1/pages', { schema: { tags, querystring: PagesQuery, response: { 200: z.object({ items: z.array(PageOut) }) } } }, async (req) => {
    const q = req.query;
    const st = statuses(q.status);
    const rows = await paging.listPagesFor(ctx, actorOf(req), { limit: q.limit, ...(st ? { status: st } : {}), ...(q.source ? { source: q.source } : {}), ...(q.sourceId ? { sourceId: q.sourceId } : {}) });
    return { items: rows.map((p) => presentPage(p)) };
  });

  app.get('/api/v1/pages/:id', { schema: { tags, params: Params, response: { 200: PageOut } } }, async (req) => {
    const { page, notifications } = await paging.getPage(ctx, actorOf(req), req.params.id);
    return presentPage(page, notifications);
  });

  app.post('/api/v1/pages/:id/ack', { schema: { tags, params: Params, response: { 200: PageOut } } }, async (req) => {
    return presentPage(await paging.acknowledgePage(ctx, actorOf(req), req.params.id));
  });

  app.post('/api/v1/pages/:id/resolve', { schema: { tags, params: Params, response: { 200: PageOut } } }, async (req) => {
    return presentPage(await paging.resolvePage(ctx, actorOf(req), req.params.id));
  });

  // One-time links from notifications: no sign-in (the token is the credential), single use.
  // Opening a link (GET) only shows what it would do, with a button; the button's POST acts. Mail
  // scanners and chat previews open links on their own and must not acknowledge anyone's page.
  const LinkQuery = z.object({ token: z.string().min(1).max(200) });
  type LinkReq = { query: { token: string }; headers: Record<string, string | string[] | undefined> };
  const linkLang = (req: LinkReq): 'zh' | 'en' => (String(req.headers['accept-language'] ?? '').toLowerCase().startsWith('en') ? 'en' : 'zh');
  const wantsHtml = (req: LinkReq) => String(req.headers.accept ?? '').includes('text/html');
  const linkError = (req: LinkReq, reply: import('fastify').FastifyReply, err: unknown) => {
    if (!wantsHtml(req) || !(err instanceof AppError)) throw err;
    const zh = linkLang(req) === 'zh';
    const status = err.code === 'not_found' ? 404 : 409;
    return reply.status(status).type('text/html; charset=utf-8').send(linkPage(zh ? 'zh' : 'en', zh ? '链接无效' : 'This link does not work', err.message));
  };
  const peekHandler = async (req: LinkReq, reply: import('fastify').FastifyReply) => {
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    try {
      const r = await paging.peekLink(ctx, req.query.token);
      if (!wantsHtml(req)) return reply.send({ action: r.action, changed: false, page: presentPage(r.page) });
      const lang = linkLang(req);
      const zh = lang === 'zh';
      const button = r.action === 'ack' ? (zh ? '确认：我来处理' : 'Acknowledge: I am on it') : zh ? '标记为已解决' : 'Mark as resolved';
      const action = `/api/v1/public/pages/ack?token=${encodeURIComponent(req.query.token)}`;
      return reply.type('text/html; charset=utf-8').send(linkPage(lang, zh ? r.page.title_zh : r.page.title_en, zh ? `状态：${r.page.status}` : `Status: ${r.page.status}`, { action, button }));
    } catch (err) {
      return linkError(req, reply, err);
    }
  };
  const useHandler = async (req: LinkReq, reply: import('fastify').FastifyReply) => {
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    try {
      const r = await paging.useLink(ctx, req.query.token);
      if (!wantsHtml(req)) return reply.send({ action: r.action, changed: r.changed, page: presentPage(r.page) });
      const zh = linkLang(req) === 'zh';
      const title = zh ? r.page.title_zh : r.page.title_en;
      const heading = r.action === 'ack' ? (zh ? '已确认，谢谢。' : 'Acknowledged — thank you.') : zh ? '已标记为解决。' : 'Marked as resolved.';
      const detail = r.changed ? title : `${title} (${zh ? '状态未变：' : 'unchanged: '}${r.page.status})`;
      return reply.type('text/html; charset=utf-8').send(linkPage(zh ? 'zh' : 'en', heading, detail));
    } catch (err) {
      return linkError(req, reply, err);
    }
  };
  app.get('/api/v1/public/pages/ack', { schema: { tags, security: [], querystring: LinkQuery, response: { 200: LinkOut } } }, (req, reply) => peekHandler(req, reply));
  void app.register(async (scope) => {
    // The confirmation page's button is a plain HTML form: accept its (empty) form body.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));
    scope.withTypeProvider<ZodTypeProvider>().post('/api/v1/public/pages/ack', { schema: { tags, security: [], querystring: LinkQuery, response: { 200: LinkOut } } }, (req, reply) => useHandler(req, reply));
  });

  // --- outbox (admins) -------------------------------------------------------------------------
  app.get('/api/v1/outbox', { schema: { tags, querystring: OutboxQuery, response: { 200: z.object({ items: z.array(OutboxOut) }) } } }, async (req) => {
    return { items: (await admin.listOutboxFor(ctx, actorOf(req), req.query)).map(presentOutbox) };
  });

  app.post(
    '/api/v1/outbox/:id/retry',
    { schema: { tags, params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: OutboxOut } } },
    async (req) => {
      const row = await admin.retryOutboxMessage(ctx, actorOf(req), req.params.id);
      nudgeDelivery(ctx.db);
      return presentOutbox(row);
    },
  );
};
