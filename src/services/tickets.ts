import { AppError } from '../domain/errors.ts';
import { LEVELS, levelRank, type LevelCode } from '../domain/people.ts';
import {
  canTransition,
  ESCALATION_UPDATE_MINUTES,
  pickRoundRobin,
  routeToGroup,
  statusAfterComment,
  type ChannelCode,
  type PriorityCode,
  type StatusCode,
} from '../domain/tickets.ts';
import type { Database } from '../store/db.ts';
import { recordAudit } from '../store/repos/audit.ts';
import { findOrg, findUser } from '../store/repos/people.ts';
import * as repo from '../store/repos/tickets.ts';
import type { RtcFacts, Ticket, TicketUpdate } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { newId } from './crypto.ts';
import { enqueue } from './outbox.ts';
import { openPage, resolveTicketPages } from './paging.ts';
import { isStaff, requireStaff } from './policy.ts';
import { cachedSlaSettings, refreshTicketSla, storeTicketSla, type TicketSlaResult } from './sla.ts';

export interface NewTicketInput {
  subject: string;
  body: string;
  priority: PriorityCode;
  orgId?: string;
  channel?: ChannelCode;
  category?: string;
  tags?: string[];
  rtc?: RtcFacts;
}

/** Loads a ticket the actor may see; another tenant's ticket is "not found". */
export async function loadVisibleTicket(db: Database, actor: Actor, id: string, lock = false): Promise<Ticket> {
  const t = lock ? await repo.lockTicket(db, id) : await repo.findTicket(db, id);
  if (!t || (!isStaff(actor) && t.org_id !== actor.orgId)) throw AppError.notFound('ticket');
  return t;
}

export async function createTicket(ctx: Ctx, actor: Actor, input: NewTicketInput, defaultChannel: ChannelCode): Promise<Ticket> {
  return (await openTicket(ctx, actor, input, defaultChannel)).ticket;
}

/** A new ticket and, when nothing else changed it on the way in, what its first view shows. */
export interface OpenedTicket {
  ticket: Ticket;
  /** null when the ticket was changed further on creation (a P0 pulls in L2): read it back */
  presented: { assignee: { name: string; level: LevelCode | null } | null; org: { name: string; tier: string }; sla: TicketSlaResult } | null;
}

/**
 * Opens a ticket in one transaction: route to a group, pick the assignee round-robin, insert the
 * ticket with its history, audit and outbox rows, and store its SLA clocks from the history it was
 * just given (no read-back). Everything the response needs comes back with it.
 */
export async function openTicket(ctx: Ctx, actor: Actor, input: NewTicketInput, defaultChannel: ChannelCode): Promise<OpenedTicket> {
  let orgId: string;
  if (actor.role === 'customer') {
    if (input.orgId && input.orgId !== actor.orgId) throw AppError.notFound('organization');
    orgId = actor.orgId as string;
  } else {
    if (!input.orgId) throw AppError.validation('orgId', 'support staff must say which organization the ticket is for');
    orgId = input.orgId;
  }
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw AppError.validation('orgId', 'no such organization');
  if (actor.role === 'customer' && input.channel && !['portal', 'api', 'chat'].includes(input.channel)) {
    throw AppError.validation('channel', 'customers open tickets through the portal, the API or chat');
  }

  // Loaded outside the transaction: on PGlite the transaction holds the only connection.
  const settings = await cachedSlaSettings(ctx.db);
  return ctx.db.transaction().execute(async (tx): Promise<OpenedTicket> => {
    const now = ctx.clock.now();
    const groups = await tx.selectFrom('agent_groups').select(['id', 'name', 'industry', 'region']).execute();
    const group = routeToGroup(groups, { industry: org.industry, regions: org.regions });
    let assignee: { id: string; name: string; level: LevelCode | null } | null = null;
    if (group) {
      const agents = await repo.groupAgents(tx, group.id, 'L1');
      if (agents.length) assignee = pickRoundRobin(agents, await repo.nextGroupTurn(tx, group.id));
    }
    const ticket = await repo.insertTicket(tx, {
      id: newId(),
      org_id: orgId,
      requester_id: actor.userId,
      subject: input.subject,
      description: input.body,
      priority: input.priority,
      status: 'new',
      channel: input.channel ?? defaultChannel,
      assignee_id: assignee?.id ?? null,
      group_id: group?.id ?? null,
      level: 'L1',
      category: input.category ?? null,
      rtc: JSON.stringify(input.rtc ?? {}),
      tags: JSON.stringify(input.tags ?? []),
      incident_ids: '[]',
      created_at: now,
      updated_at: now,
    });
    const created = { priority: input.priority };
    await repo.insertEvents(tx, [
      { ticketId: ticket.id, at: now, type: 'created', actorId: actor.userId, public: true, body: input.body, data: created },
      ...(group ? [{ ticketId: ticket.id, at: now, type: 'routed', actorId: null, public: false, data: { groupId: group.id, groupName: group.name, assigneeId: assignee?.id ?? null } }] : []),
    ]);
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId, entity: 'ticket', entityId: ticket.id, action: 'create', changes: { subject: input.subject, priority: input.priority } });
    await enqueue(tx, now, { topic: 'ticket.created', key: `ticket.created:${ticket.id}`, payload: { ticketId: ticket.id, priority: ticket.priority, orgId } });
    if (ticket.priority === 'P0') {
      const final = await startP0Emergency(ctx, tx, ticket, now);
      await refreshTicketSla(tx, ticket.id, now, settings);
      return { ticket: final, presented: null };
    }
    // The history is exactly the `created` event just written (`routed` does not touch the clocks).
    const sla = await storeTicketSla(tx, ticket.id, { createdAt: now, priority: ticket.priority, tier: org.tier, calendarId: org.calendar_id, events: [{ at: now, type: 'created', data: created }] }, now, settings);
    return { ticket, presented: { assignee: assignee ? { name: assignee.name, level: assignee.level } : null, org: { name: org.name, tier: org.tier }, sla } };
  });
}

export interface TicketPatch {
  status?: StatusCode;
  priority?: PriorityCode;
  assigneeId?: string | null;
  level?: LevelCode;
  tags?: string[];
  category?: string | null;
}

export async function updateTicket(ctx: Ctx, actor: Actor, id: string, patch: TicketPatch): Promise<Ticket> {
  // Loaded outside the transaction: on PGlite the transaction holds the only connection.
  const settings = await cachedSlaSettings(ctx.db);
  return ctx.db.transaction().execute(async (tx) => {
    const t = await loadVisibleTicket(tx, actor, id, true);
    requireStaff(actor);
    const now = ctx.clock.now();
    const set: TicketUpdate = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (patch.status !== undefined && patch.status !== t.status) {
      if (!canTransition(t.status, patch.status)) throw new AppError('conflict', `a ${t.status} ticket cannot become ${patch.status}`, [{ path: 'status', message: 'transition not allowed' }]);
      set.status = patch.status;
      if (patch.status === 'solved') set.solved_at = now;
      if (patch.status === 'closed') set.closed_at = now;
      changes.status = { from: t.status, to: patch.status };
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'status', actorId: actor.userId, public: true, data: { from: t.status, status: patch.status } });
      if (patch.status === 'solved' || patch.status === 'closed') await resolveTicketPages(ctx, tx, id, actor.userId);
    }
    if (patch.priority !== undefined && patch.priority !== t.priority) {
      set.priority = patch.priority;
      changes.priority = { from: t.priority, to: patch.priority };
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'priority', actorId: actor.userId, public: true, data: { from: t.priority, priority: patch.priority } });
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== t.assignee_id) {
      if (patch.assigneeId !== null) {
        const a = await findUser(tx, patch.assigneeId);
        if (!a || a.role !== 'agent' || !a.active) throw AppError.validation('assigneeId', 'must be an active agent');
      }
      set.assignee_id = patch.assigneeId;
      changes.assigneeId = { from: t.assignee_id, to: patch.assigneeId };
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'assigned', actorId: actor.userId, public: true, data: { from: t.assignee_id, assigneeId: patch.assigneeId } });
    }
    if (patch.level !== undefined && patch.level !== t.level) {
      set.level = patch.level;
      changes.level = { from: t.level, to: patch.level };
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'level', actorId: actor.userId, public: true, data: { from: t.level, level: patch.level } });
    }
    if (patch.tags !== undefined) {
      set.tags = JSON.stringify([...new Set(patch.tags)]);
      changes.tags = { from: t.tags, to: patch.tags };
    }
    if (patch.category !== undefined && patch.category !== t.category) {
      set.category = patch.category;
      changes.category = { from: t.category, to: patch.category };
    }
    if (Object.keys(set).length === 0) return t;
    set.updated_at = now;
    const updated = await repo.updateTicket(tx, id, set);
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: t.org_id, entity: 'ticket', entityId: id, action: 'update', changes });
    const final = patch.priority === 'P0' && t.priority !== 'P0' ? await startP0Emergency(ctx, tx, updated, now) : updated;
    await refreshTicketSla(tx, id, now, settings);
    return final;
  });
}

export async function addComment(ctx: Ctx, actor: Actor, id: string, input: { body: string; public: boolean }) {
  // Loaded outside the transaction: on PGlite the transaction holds the only connection.
  const settings = await cachedSlaSettings(ctx.db);
  return ctx.db.transaction().execute(async (tx) => {
    const t = await loadVisibleTicket(tx, actor, id, true);
    if (!isStaff(actor) && !input.public) throw AppError.forbidden('customers cannot write internal notes');
    if (t.status === 'closed') throw new AppError('conflict', 'this ticket is closed; open a new one', [{ path: 'status', message: 'closed' }]);
    const now = ctx.clock.now();
    const type = !isStaff(actor) ? 'customer_reply' : input.public ? 'agent_reply' : 'internal_note';
    const event = await repo.insertEvent(tx, { ticketId: id, at: now, type, actorId: actor.userId, public: input.public, body: input.body });
    const status = statusAfterComment(t.status, type);
    const set: TicketUpdate = { updated_at: now };
    if (status !== t.status) {
      set.status = status;
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'status', actorId: null, public: true, data: { from: t.status, status, cause: type } });
    }
    if (type === 'agent_reply' && !t.first_response_at) set.first_response_at = now;
    await repo.updateTicket(tx, id, set);
    await refreshTicketSla(tx, id, now, settings);
    if (type !== 'internal_note') {
      await enqueue(tx, now, { topic: `ticket.${type}`, key: `ticket.comment:${event.id}`, payload: { ticketId: id, eventId: event.id } });
    }
    return { id: event.id, type, at: now, public: input.public, body: input.body };
  });
}

export interface EscalationInput {
  to?: LevelCode;
  reason: string;
  plan?: string;
  nextUpdateAt?: string;
}

async function leastLoadedAgent(db: Database, level: LevelCode): Promise<{ id: string; name: string } | null> {
  const agents = await repo.agentsAtLevel(db, level);
  if (agents.length === 0) return null;
  const loads = await db
    .selectFrom('tickets')
    .select(['assignee_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('assignee_id', 'in', agents.map((a) => a.id))
    .where('status', 'in', ['new', 'open', 'pending', 'on_hold'])
    .groupBy('assignee_id')
    .execute();
  const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
  return [...agents].sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id))[0] ?? null;
}

/**
 * Staff escalate to a higher level with a reason: the ticket moves, gets an owner at that level,
 * and the customer is told who, the plan and when the next update comes. A customer's escalation
 * is a request that reaches the escalation managers.
 */
export async function escalate(ctx: Ctx, actor: Actor, id: string, input: EscalationInput) {
  const reason = input.reason.trim();
  if (!reason) throw AppError.validation('reason', 'an escalation always takes a reason');
  // Loaded outside the transaction: on PGlite the transaction holds the only connection.
  const settings = await cachedSlaSettings(ctx.db);
  return ctx.db.transaction().execute(async (tx) => {
    const t = await loadVisibleTicket(tx, actor, id, true);
    if (t.status === 'closed') throw new AppError('conflict', 'a closed ticket cannot be escalated');
    const now = ctx.clock.now();
    if (!isStaff(actor)) {
      const managers = await tx.selectFrom('users').select(['id', 'name']).where('escalation_manager', '=', true).where('active', '=', true).execute();
      const escId = newId();
      await tx
        .insertInto('escalations')
        .values({ id: escId, ticket_id: id, kind: 'customer_request', from_level: t.level, to_level: input.to ?? null, reason, plan: null, next_update_at: null, requested_by: actor.userId, owner_id: managers[0]?.id ?? null, created_at: now })
        .execute();
      await repo.insertEvent(tx, { ticketId: id, at: now, type: 'escalation_requested', actorId: actor.userId, public: true, body: reason, data: { escalationId: escId, to: input.to ?? null } });
      for (const m of managers) {
        await enqueue(tx, now, { topic: 'escalation.requested', key: `escalation.requested:${escId}:${m.id}`, payload: { escalationId: escId, ticketId: id, managerId: m.id } });
      }
      await recordAudit(tx, { at: now, actorId: actor.userId, orgId: t.org_id, entity: 'ticket', entityId: id, action: 'escalation.request', changes: { reason } });
      await tx.updateTable('tickets').set({ updated_at: now }).where('id', '=', id).execute();
      return { id: escId, kind: 'customer_request' as const, fromLevel: t.level, toLevel: input.to ?? null, reason, plan: null, owner: managers[0] ?? null, nextUpdateAt: null, createdAt: now };
    }
    if (!input.to) throw AppError.validation('to', 'say which level the ticket goes to');
    if (levelRank(input.to) <= levelRank(t.level)) {
      throw AppError.validation('to', `the ticket is already at ${t.level}; escalate to one of ${LEVELS.filter((l) => levelRank(l) > levelRank(t.level)).join(', ') || 'none (top level)'}`);
    }
    let nextUpdateAt: Date | undefined;
    if (input.nextUpdateAt) {
      nextUpdateAt = new Date(input.nextUpdateAt);
      if (Number.isNaN(nextUpdateAt.getTime()) || nextUpdateAt <= now) throw AppError.validation('nextUpdateAt', 'must be a future instant');
    }
    const e = await applyEscalation(tx, t, { kind: 'manual', to: input.to, reason, plan: input.plan ?? null, nextUpdateAt, actorId: actor.userId, now });
    await refreshTicketSla(tx, id, now, settings);
    return e;
  });
}

/**
 * Moves a ticket up to `to` with an owner at that level, records the escalation, tells the customer
 * (a public event and the `ticket.escalated` notice: new level, owner, plan, next update) and keeps
 * the reason internal. Used by staff escalations and by automatic ones (SLA breach, P0). Runs in
 * the caller's transaction; the caller refreshes the SLA clocks.
 */
export async function applyEscalation(
  tx: Database,
  t: Ticket,
  e: { kind: 'manual' | 'auto'; to: LevelCode; reason: string; plan: string | null; nextUpdateAt?: Date | undefined; actorId: string | null; now: Date },
) {
  const { now } = e;
  const nextUpdateAt = e.nextUpdateAt ?? new Date(now.getTime() + ESCALATION_UPDATE_MINUTES[t.priority] * 60_000);
  const owner = await leastLoadedAgent(tx, e.to);
  const escId = newId();
  await tx
    .insertInto('escalations')
    .values({ id: escId, ticket_id: t.id, kind: e.kind, from_level: t.level, to_level: e.to, reason: e.reason, plan: e.plan, next_update_at: nextUpdateAt, requested_by: e.actorId, owner_id: owner?.id ?? null, status: 'done', created_at: now })
    .execute();
  await repo.updateTicket(tx, t.id, { level: e.to, assignee_id: owner?.id ?? t.assignee_id, updated_at: now, status: t.status === 'new' ? 'open' : t.status });
  await repo.insertEvent(tx, {
    ticketId: t.id,
    at: now,
    type: 'escalated',
    actorId: e.actorId,
    public: true,
    body: e.plan,
    data: { escalationId: escId, kind: e.kind, from: t.level, to: e.to, ownerId: owner?.id ?? null, ownerName: owner?.name ?? null, nextUpdateAt: nextUpdateAt.toISOString() },
  });
  await repo.insertEvent(tx, { ticketId: t.id, at: now, type: 'escalation_reason', actorId: e.actorId, public: false, body: e.reason, data: { escalationId: escId } });
  await recordAudit(tx, { at: now, actorId: e.actorId, orgId: t.org_id, entity: 'ticket', entityId: t.id, action: e.kind === 'auto' ? 'escalate.auto' : 'escalate', changes: { from: t.level, to: e.to, reason: e.reason } });
  await enqueue(tx, now, { topic: 'ticket.escalated', key: `ticket.escalated:${escId}`, payload: { ticketId: t.id, escalationId: escId, to: e.to, ownerId: owner?.id ?? null } });
  return { id: escId, kind: e.kind, fromLevel: t.level, toLevel: e.to, reason: e.reason, plan: e.plan, owner, nextUpdateAt, createdAt: now };
}

/**
 * The P0 emergency process: L2 joins at once (an automatic escalation when the ticket is at L1)
 * and the on-call engineers are paged through the default escalation policy (whose steps name the
 * L2 and architect schedules on duty).
 */
async function startP0Emergency(ctx: Ctx, tx: Database, t: Ticket, now: Date): Promise<Ticket> {
  await repo.insertEvent(tx, { ticketId: t.id, at: now, type: 'p0_emergency', actorId: null, public: false, data: {} });
  if (t.level === 'L1') {
    await applyEscalation(tx, t, {
      kind: 'auto',
      to: 'L2',
      reason: 'P0: L2 joins at once / P0 紧急：二线专家立即介入',
      plan: '二线专家已介入，紧急流程已启动，每 30 分钟同步一次进展。L2 has joined and the emergency process has started; updates every 30 minutes.',
      actorId: null,
      now,
    });
  }
  await openPage(ctx, tx, {
    source: 'ticket',
    sourceId: t.id,
    title: { zh: `P0 工单 #${t.number}：${t.subject}`, en: `P0 ticket #${t.number}: ${t.subject}` },
    summary: { zh: t.description.slice(0, 500), en: t.description.slice(0, 500) },
    severity: 'P0',
  });
  return (await repo.findTicket(tx, t.id)) ?? t;
}

export async function ticketEvents(ctx: Ctx, actor: Actor, id: string) {
  await loadVisibleTicket(ctx.db, actor, id);
  return repo.listEvents(ctx.db, id, !isStaff(actor));
}
