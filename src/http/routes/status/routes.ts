import { escapeHtml } from '../../../domain/html.ts';
/**
 * The status page. Public (no sign-in, rate-limited per address): the JSON feed, subscribing,
 * and the confirm / unsubscribe links from the e-mails. Staff: components, incidents and their
 * updates, maintenance windows. Admins: organizations' notification settings (customer notices).
 */
import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { nudgeDelivery } from '../../../jobs/index.ts';
import * as notify from '../../../services/customer-notify.ts';
import * as status from '../../../services/statuspage.ts';
import { RateLimiter } from '../../rate-limit.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import {
  ComponentIn,
  ComponentOut,
  ComponentPatch,
  FeedOut,
  id,
  IncidentIn,
  MaintenanceIn,
  MaintenanceOut,
  MaintenancePatch,
  OrgNotifyIn,
  OrgNotifyOut,
  presentComponent,
  presentFeed,
  presentMaintenance,
  presentOrgNotify,
  presentStaffIncident,
  StaffIncidentOut,
  SubscribeIn,
  SubscriptionOut,
  TokenQuery,
  UpdateIn,
} from './schema.ts';

const Params = z.object({ id });
const tags = ['status'];
const HistoryQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30), limit: z.coerce.number().int().min(1).max(200).default(50) });


/** A small page for people who open a link from an e-mail; every text is escaped, `extra` is our own markup. */
function htmlPage(zh: boolean, heading: string, detail: string, back: string, extra = ''): string {
  return `<!doctype html><html lang="${zh ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Signaldesk</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${escapeHtml(heading)}</h1><p>${escapeHtml(detail)}</p>${extra}<p><a href="/status">${escapeHtml(back)}</a></p></body></html>`;
}

/** Heading and text once a confirmation or unsubscribe link has done its work. */
function linkDone(action: 'confirm' | 'unsubscribe', zh: boolean, email: string): [string, string] {
  if (action === 'confirm') return zh ? ['订阅已确认', `服务状态更新将发送到 ${email}。`] : ['Subscription confirmed', `Status updates will be sent to ${email}.`];
  return zh ? ['已退订', `${email} 不会再收到服务状态邮件。`] : ['You are unsubscribed', `${email} will not receive status e-mails any more.`];
}

export const statusRoutes: RouteModule = async (app, ctx) => {
  // Public endpoints: fixed windows per client address (and per e-mail address for subscribing).
  const feedLimit = new RateLimiter(ctx.clock, 120, 60_000);
  const subscribeLimit = new RateLimiter(ctx.clock, 10, 3_600_000);
  const perEmail = new RateLimiter(ctx.clock, 3, 3_600_000);
  const linkLimit = new RateLimiter(ctx.clock, 30, 60_000);

  // --- public -----------------------------------------------------------------------------------
  app.get(
    '/api/v1/public/status.json',
    { schema: { tags, security: [], description: 'The public status feed: components, incidents with updates, maintenance windows. No sign-in; rate-limited.', response: { 200: FeedOut } } },
    async (req, reply) => {
      feedLimit.hit(req.ip);
      void reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*');
      return presentFeed(await status.publicFeed(ctx));
    },
  );

  app.post(
    '/api/v1/public/status/subscribe',
    { schema: { tags, security: [], body: SubscribeIn, description: 'Double opt-in: a confirmation e-mail is sent; updates start after its link is followed. Same answer for every address.', response: { 202: z.object({ status: z.literal('pending') }) } } },
    async (req, reply) => {
      subscribeLimit.hit(req.ip);
      perEmail.hit(req.body.email.toLowerCase());
      await status.subscribe(ctx, req.body);
      nudgeDelivery(ctx.db);
      return reply.status(202).send({ status: 'pending' as const });
    },
  );

  type LinkRequest = { ip: string; query: { token: string }; headers: Record<string, string | string[] | undefined> };
  const linkContext = (req: LinkRequest, reply: FastifyReply) => {
    linkLimit.hit(req.ip);
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const zh = !String(req.headers['accept-language'] ?? '').toLowerCase().startsWith('en');
    return { wantsHtml: String(req.headers.accept ?? '').includes('text/html'), zh, back: zh ? '查看服务状态' : 'View the status page' };
  };
  const linkError = (err: unknown, c: ReturnType<typeof linkContext>, reply: FastifyReply) => {
    if (!c.wantsHtml || !(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'conflict')) throw err;
    return reply
      .status(err.code === 'not_found' ? 404 : 409)
      .type('text/html; charset=utf-8')
      .send(htmlPage(c.zh, c.zh ? '链接无效' : 'This link does not work', err.message, c.back));
  };

  // Opening a link only shows a button: mail scanners fetch links, a person presses it (a mail
  // client's one-click unsubscribe POSTs directly, RFC 8058).
  const linkPage = (action: 'confirm' | 'unsubscribe') => async (req: LinkRequest, reply: FastifyReply) => {
    const c = linkContext(req, reply);
    try {
      const sub = await status.checkLinkToken(ctx, req.query.token, action);
      if (!c.wantsHtml) return reply.send({ status: sub.status, changed: false });
      const { zh } = c;
      // Already unsubscribed: nothing left to press.
      if (action === 'unsubscribe' && sub.status === 'unsubscribed') return reply.type('text/html; charset=utf-8').send(htmlPage(zh, ...linkDone(action, zh, sub.email), c.back));
      const target = `/api/v1/public/status/${action}?token=${encodeURIComponent(req.query.token)}`;
      const label = action === 'confirm' ? (zh ? '确认订阅' : 'Confirm subscription') : zh ? '退订' : 'Unsubscribe';
      const form = `<form method="post" action="${escapeHtml(target)}"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">${escapeHtml(label)}</button></form>`;
      const [heading, detail] =
        action === 'confirm'
          ? zh
            ? ['确认订阅服务状态更新', `服务状态更新将发送到 ${sub.email}。`]
            : ['Confirm your subscription', `Status updates will be sent to ${sub.email}.`]
          : zh
            ? ['退订服务状态邮件', `${sub.email} 将不再收到服务状态邮件。`]
            : ['Unsubscribe from status e-mails', `${sub.email} will stop receiving status e-mails.`];
      return reply.type('text/html; charset=utf-8').send(htmlPage(zh, heading, detail, c.back, form));
    } catch (err) {
      return linkError(err, c, reply);
    }
  };

  const linkAction = (action: 'confirm' | 'unsubscribe') => async (req: LinkRequest, reply: FastifyReply) => {
    const c = linkContext(req, reply);
    try {
      const r = action === 'confirm' ? await status.confirmSubscription(ctx, req.query.token) : await status.unsubscribe(ctx, req.query.token);
      if (!c.wantsHtml) return reply.send({ status: r.subscriber.status, changed: r.changed });
      const [heading, detail] = linkDone(action, c.zh, r.subscriber.email);
      return reply.type('text/html; charset=utf-8').send(htmlPage(c.zh, heading, detail, c.back));
    } catch (err) {
      return linkError(err, c, reply);
    }
  };

  const linkSchema = (description: string) => ({ tags, security: [], querystring: TokenQuery, description, response: { 200: SubscriptionOut } });
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // The confirmation page's button is a plain HTML form: accept its (empty) form body.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));
    scope.get('/api/v1/public/status/confirm', { schema: linkSchema('Checks a confirmation link (HTML: a page with the confirm button); does not confirm.') }, linkPage('confirm'));
    scope.post('/api/v1/public/status/confirm', { schema: linkSchema('Confirms the subscription (one-time link from the confirmation e-mail).') }, linkAction('confirm'));
    scope.get('/api/v1/public/status/unsubscribe', { schema: linkSchema('Checks an unsubscribe link (HTML: a page with the unsubscribe button); does not unsubscribe.') }, linkPage('unsubscribe'));
    scope.post('/api/v1/public/status/unsubscribe', { schema: linkSchema('Unsubscribes (the page\'s button, or a mail client\'s List-Unsubscribe one-click).') }, linkAction('unsubscribe'));
  });

  // --- staff: components -------------------------------------------------------------------------
  app.get('/api/v1/status/components', { schema: { tags, response: { 200: z.object({ items: z.array(ComponentOut) }) } } }, async (req) => ({
    items: (await status.listComponentsFor(ctx, actorOf(req))).map(presentComponent),
  }));

  app.post('/api/v1/status/components', { schema: { tags, body: ComponentIn, response: { 201: ComponentOut } } }, async (req, reply) => {
    return reply.status(201).send(presentComponent(await status.createComponent(ctx, actorOf(req), req.body)));
  });

  app.patch('/api/v1/status/components/:id', { schema: { tags, params: Params, body: ComponentPatch, response: { 200: ComponentOut } } }, async (req) => {
    return presentComponent(await status.updateComponent(ctx, actorOf(req), req.params.id, req.body));
  });

  // --- staff: incidents ---------------------------------------------------------------------------
  app.get('/api/v1/status/incidents', { schema: { tags, querystring: HistoryQuery, response: { 200: z.object({ items: z.array(StaffIncidentOut) }) } } }, async (req) => ({
    items: (await status.listStatusIncidentsFor(ctx, actorOf(req), req.query)).map(presentStaffIncident),
  }));

  app.post('/api/v1/status/incidents', { schema: { tags, body: IncidentIn, response: { 201: StaffIncidentOut } } }, async (req, reply) => {
    const v = await status.createStatusIncident(ctx, actorOf(req), req.body);
    nudgeDelivery(ctx.db);
    return reply.status(201).send(presentStaffIncident(v));
  });

  app.get('/api/v1/status/incidents/:id', { schema: { tags, params: Params, response: { 200: StaffIncidentOut } } }, async (req) => {
    return presentStaffIncident(await status.getStatusIncident(ctx, actorOf(req), req.params.id));
  });

  app.post('/api/v1/status/incidents/:id/updates', { schema: { tags, params: Params, body: UpdateIn, response: { 201: StaffIncidentOut } } }, async (req, reply) => {
    const v = await status.addStatusUpdate(ctx, actorOf(req), req.params.id, req.body);
    nudgeDelivery(ctx.db);
    return reply.status(201).send(presentStaffIncident(v));
  });

  // --- staff: maintenance ------------------------------------------------------------------------------
  app.get('/api/v1/status/maintenance', { schema: { tags, querystring: HistoryQuery, response: { 200: z.object({ items: z.array(MaintenanceOut) }) } } }, async (req) => {
    const now = ctx.clock.now();
    return { items: (await status.listMaintenanceFor(ctx, actorOf(req), req.query)).map((m) => presentMaintenance(m, status.maintenanceState(m, now))) };
  });

  app.post('/api/v1/status/maintenance', { schema: { tags, body: MaintenanceIn, response: { 201: MaintenanceOut } } }, async (req, reply) => {
    const m = await status.createMaintenance(ctx, actorOf(req), req.body);
    nudgeDelivery(ctx.db);
    return reply.status(201).send(presentMaintenance(m, status.maintenanceState(m, ctx.clock.now())));
  });

  app.patch('/api/v1/status/maintenance/:id', { schema: { tags, params: Params, body: MaintenancePatch, response: { 200: MaintenanceOut } } }, async (req) => {
    const m = await status.updateMaintenance(ctx, actorOf(req), req.params.id, req.body);
    return presentMaintenance(m, status.maintenanceState(m, ctx.clock.now()));
  });

  app.get('/api/v1/status/subscribers/summary', { schema: { tags, response: { 200: z.object({ pending: z.number(), confirmed: z.number(), unsubscribed: z.number() }) } } }, async (req) => {
    const c = await status.subscriberCounts(ctx, actorOf(req));
    return { pending: c.pending ?? 0, confirmed: c.confirmed ?? 0, unsubscribed: c.unsubscribed ?? 0 };
  });

  // --- organizations' notification settings (customer notices by tier) ----------------------------------
  app.get('/api/v1/orgs/:id/notification-settings', { schema: { tags, params: Params, response: { 200: OrgNotifyOut } } }, async (req) => {
    const r = await notify.getOrgNotify(ctx, actorOf(req), req.params.id);
    return presentOrgNotify(r.orgId, r.row);
  });

  app.put('/api/v1/orgs/:id/notification-settings', { schema: { tags, params: Params, body: OrgNotifyIn, response: { 200: OrgNotifyOut } } }, async (req) => {
    const row = await notify.setOrgNotify(ctx, actorOf(req), req.params.id, req.body);
    return presentOrgNotify(req.params.id, row);
  });
};
