import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { PRIORITIES, STATUSES, type PriorityCode, type StatusCode } from '../../../domain/tickets.ts';
import { isStaff } from '../../../services/policy.ts';
import { slaForTickets } from '../../../services/ticket-view.ts';
import * as tickets from '../../../services/tickets.ts';
import * as attachments from '../../../services/attachments.ts';
import { listEscalations, listTickets } from '../../../store/repos/tickets.ts';
import type { Ticket } from '../../../store/schema.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import type { Ctx } from '../../../services/context.ts';
import { CommentIn, EscalationIn, EscalationOut, EventOut, ListQuery, presentTicket, TicketIn, TicketOut, TicketPatchIn, type TicketView } from './schema.ts';

const Params = z.object({ id: z.string().min(1).max(100) });

async function view(ctx: Ctx, id: string): Promise<TicketView> {
  const t = await ctx.db
    .selectFrom('tickets as t')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('orgs as o', 'o.id', 't.org_id')
    .selectAll('t')
    .select(['a.name as assignee_name', 'a.level as assignee_level', 'o.name as org_name', 'o.tier as org_tier'])
    .where('t.id', '=', id)
    .executeTakeFirstOrThrow();
  const sla = (await slaForTickets(ctx, [t])).get(t.id);
  return presentTicket(t, sla?.sla, sla?.nextResponseDueAt ?? null);
}

function splitList<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T[] | undefined {
  if (!v) return undefined;
  const parts = v.split(',');
  for (const p of parts) if (!allowed.includes(p as T)) throw AppError.validation(`querystring.${field}`, `unknown value "${p}"; one of ${allowed.join(', ')}`);
  return parts as T[];
}

function decodeCursor(c: string | undefined): { at: Date; id: string } | undefined {
  if (!c) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [string, string];
    const d = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(d.getTime())) throw new Error('bad');
    return { at: d, id };
  } catch {
    throw AppError.validation('querystring.cursor', 'not a cursor this server issued');
  }
}

const encodeCursor = (t: Ticket): string => Buffer.from(JSON.stringify([t.created_at.toISOString(), t.id])).toString('base64url');

export const ticketRoutes: RouteModule = (app, ctx) => {
  app.post('/api/v1/tickets', { schema: { tags: ['tickets'], body: TicketIn, response: { 201: TicketOut } } }, async (req, reply) => {
    const actor = actorOf(req);
    const { ticket, presented } = await tickets.openTicket(ctx, actor, req.body, req.authVia === 'session' ? 'portal' : 'api');
    if (!presented) return reply.status(201).send(await view(ctx, ticket.id));
    const row = { ...ticket, assignee_name: presented.assignee?.name ?? null, assignee_level: presented.assignee?.level ?? null, org_name: presented.org.name, org_tier: presented.org.tier };
    return reply.status(201).send(presentTicket(row, { ...presented.sla.clocks }, presented.sla.nextResponseDueAt));
  });

  app.get(
    '/api/v1/tickets',
    { schema: { tags: ['tickets'], querystring: ListQuery, response: { 200: z.object({ items: z.array(TicketOut), nextCursor: z.string().nullable() }) } } },
    async (req) => {
      const actor = actorOf(req);
      const q = req.query;
      if (!isStaff(actor) && q.orgId && q.orgId !== actor.orgId) return { items: [], nextCursor: null };
      const orgId = isStaff(actor) ? q.orgId : (actor.orgId ?? '');
      const rows = await listTickets(
        ctx.db,
        {
          ...(orgId ? { orgId } : {}),
          ...(q.status ? { status: splitList<StatusCode>(q.status, STATUSES, 'status') } : {}),
          ...(q.priority ? { priority: splitList<PriorityCode>(q.priority, PRIORITIES, 'priority') } : {}),
          ...(q.assigneeId ? { assigneeId: q.assigneeId === 'me' ? actor.userId : q.assigneeId } : {}),
          ...(q.level ? { level: q.level } : {}),
          ...(q.groupId ? { groupId: q.groupId } : {}),
          ...(q.q ? { q: q.q } : {}),
          ...(q.breached ? { breached: q.breached === 'true' } : {}),
          ...(q.atRisk ? { atRisk: true } : {}),
        },
        q.sort,
        q.limit,
        ctx.clock.now(),
        q.sort === '-created' || q.sort === 'created' ? decodeCursor(q.cursor) : undefined,
      );
      const slas = await slaForTickets(ctx, rows);
      const items = rows.map((t) => presentTicket(t, slas.get(t.id)?.sla, slas.get(t.id)?.nextResponseDueAt ?? null));
      const last = rows[rows.length - 1];
      return { items, nextCursor: rows.length === q.limit && last && (q.sort === '-created' || q.sort === 'created') ? encodeCursor(last) : null };
    },
  );

  app.get('/api/v1/tickets/:id', { schema: { tags: ['tickets'], params: Params, response: { 200: TicketOut } } }, async (req) => {
    await tickets.loadVisibleTicket(ctx.db, actorOf(req), req.params.id);
    return view(ctx, req.params.id);
  });

  app.patch('/api/v1/tickets/:id', { schema: { tags: ['tickets'], params: Params, body: TicketPatchIn, response: { 200: TicketOut } } }, async (req) => {
    await tickets.updateTicket(ctx, actorOf(req), req.params.id, req.body);
    return view(ctx, req.params.id);
  });

  app.get('/api/v1/tickets/:id/events', { schema: { tags: ['tickets'], params: Params, response: { 200: z.object({ items: z.array(EventOut) }) } } }, async (req) => {
    const events = await tickets.ticketEvents(ctx, actorOf(req), req.params.id);
    return {
      items: events.map((e) => ({
        id: Number(e.id),
        at: e.at.toISOString(),
        type: e.type,
        public: e.public,
        body: e.body,
        data: e.data,
        actor: e.actor_id && e.actor_name ? { id: e.actor_id, name: e.actor_name, role: e.actor_role ?? 'agent', level: e.actor_level ?? null } : null,
      })),
    };
  });

  app.post(
    '/api/v1/tickets/:id/comments',
    { schema: { tags: ['tickets'], params: Params, body: CommentIn, response: { 201: z.object({ id: z.number(), type: z.string(), at: z.string(), public: z.boolean(), body: z.string() }) } } },
    async (req, reply) => {
      const c = await tickets.addComment(ctx, actorOf(req), req.params.id, req.body);
      return reply.status(201).send({ id: Number(c.id), type: c.type, at: c.at.toISOString(), public: c.public, body: c.body });
    },
  );

  app.post('/api/v1/tickets/:id/escalations', { schema: { tags: ['tickets'], params: Params, body: EscalationIn, response: { 201: EscalationOut } } }, async (req, reply) => {
    const e = await tickets.escalate(ctx, actorOf(req), req.params.id, req.body);
    return reply.status(201).send({
      id: e.id,
      kind: e.kind,
      fromLevel: e.fromLevel,
      toLevel: e.toLevel,
      reason: e.reason,
      plan: e.plan,
      owner: e.owner ? { id: e.owner.id, name: e.owner.name } : null,
      nextUpdateAt: e.nextUpdateAt ? e.nextUpdateAt.toISOString() : null,
      createdAt: e.createdAt.toISOString(),
    });
  });

  app.get('/api/v1/tickets/:id/escalations', { schema: { tags: ['tickets'], params: Params, response: { 200: z.object({ items: z.array(EscalationOut) }) } } }, async (req) => {
    const actor = actorOf(req);
    await tickets.loadVisibleTicket(ctx.db, actor, req.params.id);
    const rows = await listEscalations(ctx.db, req.params.id);
    const owners = new Map((await ctx.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...rows.map((r) => r.owner_id ?? ''), '']).execute()).map((u) => [u.id, u]));
    return {
      items: rows.map((e) => ({
        id: e.id,
        kind: e.kind,
        fromLevel: e.from_level,
        toLevel: e.to_level,
        // The reason is internal to support unless the customer wrote it.
        reason: isStaff(actor) || e.kind === 'customer_request' ? e.reason : '',
        plan: e.plan,
        owner: e.owner_id ? (owners.get(e.owner_id) ?? null) : null,
        nextUpdateAt: e.next_update_at ? e.next_update_at.toISOString() : null,
        createdAt: e.created_at.toISOString(),
      })),
    };
  });

  // Attachments: raw bytes in, stored in the database with their hash, downloaded only by those
  // who may see the ticket, always as a download (never rendered inline by the browser).
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.attachmentMaxBytes }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/v1/tickets/:id/attachments',
      {
        bodyLimit: ctx.config.attachmentMaxBytes,
        schema: {
          tags: ['tickets'],
          params: Params,
          querystring: z.object({ filename: z.string().min(1).max(255) }),
          response: { 201: z.object({ id: z.string(), filename: z.string(), size: z.number(), sha256: z.string(), contentType: z.string() }) },
        },
      },
      async (req, reply) => {
        const body = req.body;
        if (!(body instanceof Buffer)) throw AppError.validation('body', 'send the file as the raw request body');
        const a = await attachments.upload(ctx, actorOf(req), req.params.id, { filename: req.query.filename, contentType: req.headers['content-type'] ?? 'application/octet-stream', data: body });
        return reply.status(201).send(a);
      },
    );
  });

  app.get('/api/v1/tickets/:id/attachments', { schema: { tags: ['tickets'], params: Params, response: { 200: z.object({ items: z.array(z.object({ id: z.string(), filename: z.string(), size: z.number(), sha256: z.string(), contentType: z.string(), createdAt: z.string() })) }) } } }, async (req) => {
    return { items: await attachments.list(ctx, actorOf(req), req.params.id) };
  });

  app.get('/api/v1/attachments/:id', { schema: { tags: ['tickets'], params: Params } }, async (req, reply) => {
    const a = await attachments.download(ctx, actorOf(req), req.params.id);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${a.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(Buffer.from(a.data));
  });
};
