import { sql } from 'kysely';
import type { Database } from '../db.ts';
import type { NewTicket, Priority, TicketStatus, TicketUpdate } from '../schema.ts';

export const insertTicket = (db: Database, row: NewTicket) => db.insertInto('tickets').values(row).returningAll().executeTakeFirstOrThrow();

export const findTicket = (db: Database, id: string) => db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();

/** Locks the row for the rest of the transaction (PostgreSQL; PGlite is one connection anyway). */
export const lockTicket = (db: Database, id: string) => db.selectFrom('tickets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const updateTicket = (db: Database, id: string, set: TicketUpdate) =>
  db.updateTable('tickets').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export async function insertEvent(
  db: Database,
  e: { ticketId: string; at: Date; type: string; actorId: string | null; public: boolean; body?: string | null; data?: Record<string, unknown> },
) {
  return db
    .insertInto('ticket_events')
    .values({ ticket_id: e.ticketId, at: e.at, type: e.type, actor_id: e.actorId, public: e.public, body: e.body ?? null, data: JSON.stringify(e.data ?? {}) })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

/** Several events of one change in one statement, in order (ids ascend in the given order). */
export async function insertEvents(
  db: Database,
  events: ReadonlyArray<{ ticketId: string; at: Date; type: string; actorId: string | null; public: boolean; body?: string | null; data?: Record<string, unknown> }>,
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('ticket_events')
    .values(events.map((e) => ({ ticket_id: e.ticketId, at: e.at, type: e.type, actor_id: e.actorId, public: e.public, body: e.body ?? null, data: JSON.stringify(e.data ?? {}) })))
    .execute();
}

export function listEvents(db: Database, ticketId: string, publicOnly: boolean) {
  let q = db
    .selectFrom('ticket_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.at', 'e.type', 'e.actor_id', 'e.public', 'e.body', 'e.data', 'u.name as actor_name', 'u.role as actor_role', 'u.level as actor_level'])
    .where('e.ticket_id', '=', ticketId)
    .orderBy('e.id');
  if (publicOnly) q = q.where('e.public', '=', true);
  return q.execute();
}

export interface TicketFilter {
  orgId?: string;
  status?: TicketStatus[];
  priority?: Priority[];
  assigneeId?: string;
  level?: string;
  groupId?: string;
  q?: string;
  /** Any clock breached (stored) or a running clock past its due instant. */
  breached?: boolean;
  /** A clock past its warning share and not breached. */
  atRisk?: boolean;
}

export type TicketSort = 'created' | '-created' | 'priority' | 'updated' | 'due';

export function listTickets(db: Database, f: TicketFilter, sort: TicketSort, limit: number, now: Date, cursor?: { at: Date; id: string }) {
  let q = db
    .selectFrom('tickets as t')
    .leftJoin('ticket_sla as s', 's.ticket_id', 't.id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('orgs as o', 'o.id', 't.org_id')
    .selectAll('t')
    .select(['a.name as assignee_name', 'a.level as assignee_level', 'o.name as org_name', 'o.tier as org_tier'])
    .limit(limit);
  if (f.orgId) q = q.where('t.org_id', '=', f.orgId);
  if (f.status?.length) q = q.where('t.status', 'in', f.status);
  if (f.priority?.length) q = q.where('t.priority', 'in', f.priority);
  if (f.assigneeId) q = q.where('t.assignee_id', '=', f.assigneeId);
  if (f.level) q = q.where('t.level', '=', f.level as 'L1');
  if (f.groupId) q = q.where('t.group_id', '=', f.groupId);
  if (f.q) q = q.where('t.subject', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.breached !== undefined) {
    q = f.breached
      ? q.where((eb) => eb.or([eb('s.breached', '=', true), eb('s.next_due_at', '<', now)]))
      : q.where((eb) => eb.and([eb('s.breached', 'is not', true), eb.or([eb('s.next_due_at', 'is', null), eb('s.next_due_at', '>=', now)])]));
  }
  if (f.atRisk) q = q.where('s.warn_at', '<=', now).where('s.breached', '=', false).where((eb) => eb.or([eb('s.next_due_at', 'is', null), eb('s.next_due_at', '>=', now)]));
  switch (sort) {
    case 'due':
      return q.orderBy(sql`s.next_due_at asc nulls last`).orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').execute();
    case '-created':
      if (cursor) q = q.where((eb) => eb.or([eb('t.created_at', '<', cursor.at), eb.and([eb('t.created_at', '=', cursor.at), eb('t.id', '<', cursor.id)])]));
      return q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').execute();
    case 'created':
      if (cursor) q = q.where((eb) => eb.or([eb('t.created_at', '>', cursor.at), eb.and([eb('t.created_at', '=', cursor.at), eb('t.id', '>', cursor.id)])]));
      return q.orderBy('t.created_at', 'asc').orderBy('t.id', 'asc').execute();
    case 'priority':
      return q.orderBy('t.priority', 'asc').orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').execute();
    case 'updated':
      return q.orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc').execute();
  }
}

/** Advances a group's round-robin cursor atomically and returns the turn to take. */
export async function nextGroupTurn(db: Database, groupId: string): Promise<number> {
  const row = await db
    .updateTable('agent_groups')
    .set({ rr_cursor: sql`rr_cursor + 1` })
    .where('id', '=', groupId)
    .returning('rr_cursor')
    .executeTakeFirstOrThrow();
  return row.rr_cursor - 1;
}

export function groupAgents(db: Database, groupId: string, level: string) {
  return db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'u.level'])
    .where('m.group_id', '=', groupId)
    .where('u.role', '=', 'agent')
    .where('u.level', '=', level as 'L1')
    .where('u.active', '=', true)
    .where('u.available', '=', true)
    .execute();
}

export function agentsAtLevel(db: Database, level: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'level'])
    .where('role', '=', 'agent')
    .where('level', '=', level as 'L1')
    .where('active', '=', true)
    .where('available', '=', true)
    .execute();
}

export const listEscalations = (db: Database, ticketId: string) =>
  db.selectFrom('escalations').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').execute();
