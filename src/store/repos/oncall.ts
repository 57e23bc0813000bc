import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../db.ts';
import type {
  ContactMethodsTable,
  EscalationPoliciesTable,
  IcalTokensTable,
  PageSource,
  PageStatus,
  PagesTable,
  ScheduleOverridesTable,
  SchedulesTable,
} from '../schema.ts';

export type ScheduleRow = Selectable<SchedulesTable>;
export type OverrideRow = Selectable<ScheduleOverridesTable>;
export type PolicyRow = Selectable<EscalationPoliciesTable>;
export type ContactRow = Selectable<ContactMethodsTable>;
export type PageRow = Selectable<PagesTable>;
export type IcalTokenRow = Selectable<IcalTokensTable>;

// ---------------------------------------------------------------------------------------------
// Schedules and overrides

export const insertSchedule = (db: Database, row: Insertable<SchedulesTable>) => db.insertInto('schedules').values(row).returningAll().executeTakeFirstOrThrow();

export const findSchedule = (db: Database, id: string) => db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();

export const listSchedules = (db: Database) => db.selectFrom('schedules').selectAll().orderBy('name').orderBy('id').execute();

export const schedulesByIds = (db: Database, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([] as ScheduleRow[]) : db.selectFrom('schedules').selectAll().where('id', 'in', ids).execute();

export const insertOverride = (db: Database, row: Insertable<ScheduleOverridesTable>) =>
  db.insertInto('schedule_overrides').values(row).returningAll().executeTakeFirstOrThrow();

/** Overrides of the given schedules, in creation order (the order that decides who wins). */
export const overridesOf = (db: Database, scheduleIds: string[]) =>
  scheduleIds.length === 0
    ? Promise.resolve([] as OverrideRow[])
    : db.selectFrom('schedule_overrides').selectAll().where('schedule_id', 'in', scheduleIds).orderBy('id').execute();

// ---------------------------------------------------------------------------------------------
// People the on-call features refer to

export const usersByIds = (db: Database, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('users').select(['id', 'name', 'email', 'role', 'locale', 'active', 'timezone']).where('id', 'in', ids).execute();

export const groupsByIds = (db: Database, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([]) : db.selectFrom('agent_groups').select(['id', 'name']).where('id', 'in', ids).execute();

/** Active members of the given groups, by group. */
export async function activeGroupMembers(db: Database, groupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.group_id', 'm.user_id'])
    .where('m.group_id', 'in', groupIds)
    .where('u.active', '=', true)
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
  for (const r of rows) out.set(r.group_id, [...(out.get(r.group_id) ?? []), r.user_id]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Escalation policies

export const insertPolicy = (db: Database, row: Insertable<EscalationPoliciesTable>) =>
  db.insertInto('escalation_policies').values(row).returningAll().executeTakeFirstOrThrow();

export const findPolicy = (db: Database, id: string) => db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();

export const listPolicies = (db: Database) => db.selectFrom('escalation_policies').selectAll().orderBy('name').orderBy('id').execute();

/** The policy pages use when their caller names none: the one marked default, else the oldest. */
export const defaultPolicy = (db: Database) =>
  db.selectFrom('escalation_policies').selectAll().orderBy('is_default', 'desc').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();

export const updatePolicy = (db: Database, id: string, set: Updateable<EscalationPoliciesTable>) =>
  db.updateTable('escalation_policies').set(set).where('id', '=', id).returningAll().executeTakeFirst();

export async function clearDefaultPolicy(db: Database): Promise<void> {
  await db.updateTable('escalation_policies').set({ is_default: false }).where('is_default', '=', true).execute();
}

// ---------------------------------------------------------------------------------------------
// Contact methods

export const insertContact = (db: Database, row: Insertable<ContactMethodsTable>) =>
  db.insertInto('contact_methods').values(row).returningAll().executeTakeFirstOrThrow();

export const contactsOf = (db: Database, userIds: string[]) =>
  userIds.length === 0
    ? Promise.resolve([] as ContactRow[])
    : db.selectFrom('contact_methods').selectAll().where('user_id', 'in', userIds).orderBy('created_at').orderBy('id').execute();

export const findContact = (db: Database, id: string) => db.selectFrom('contact_methods').selectAll().where('id', '=', id).executeTakeFirst();

export async function deleteContact(db: Database, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('contact_methods').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---------------------------------------------------------------------------------------------
// Pages

/** Inserts a page unless an unresolved one exists for the same source object (then undefined). */
export const insertPage = (db: Database, row: Insertable<PagesTable>) =>
  db
    .insertInto('pages')
    .values(row)
    // Literal predicate, so PostgreSQL can infer the partial unique index from it.
    .onConflict((oc) => oc.columns(['source', 'source_id']).where('status', '<>', sql.lit('resolved')).where('source_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();

export const findOpenPageBySource = (db: Database, source: PageSource, sourceId: string) =>
  db.selectFrom('pages').selectAll().where('source', '=', source).where('source_id', '=', sourceId).where('status', '<>', 'resolved').executeTakeFirst();

/** A ticket's open pages: its P0 page and the pages of its SLA breaches (`<ticket id>:<clock>:<n>`). */
export const openTicketPages = (db: Database, ticketId: string) =>
  db
    .selectFrom('pages')
    .select('id')
    .where('status', '<>', 'resolved')
    .where((eb) => eb.or([eb.and([eb('source', '=', 'ticket'), eb('source_id', '=', ticketId)]), eb.and([eb('source', '=', 'sla'), eb('source_id', 'like', `${ticketId}:%`)])]))
    .execute();

export const findPage = (db: Database, id: string) => db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();

export const lockPage = (db: Database, id: string) => db.selectFrom('pages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const updatePage = (db: Database, id: string, set: Updateable<PagesTable>) =>
  db.updateTable('pages').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export function listPages(db: Database, q: { status?: PageStatus[]; source?: PageSource; sourceId?: string; limit: number }) {
  let query = db.selectFrom('pages').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.status?.length) query = query.where('status', 'in', q.status);
  if (q.source) query = query.where('source', '=', q.source);
  if (q.sourceId) query = query.where('source_id', '=', q.sourceId);
  return query.execute();
}

export async function insertPageNotification(db: Database, row: { pageId: string; pass: number; step: number; userId: string; at: Date; channels: string[] }): Promise<void> {
  await db
    .insertInto('page_notifications')
    .values({ page_id: row.pageId, pass: row.pass, step: row.step, user_id: row.userId, at: row.at, channels: JSON.stringify(row.channels) })
    .execute();
}

export const pageNotifications = (db: Database, pageIds: string[]) =>
  pageIds.length === 0
    ? Promise.resolve([])
    : db.selectFrom('page_notifications').selectAll().where('page_id', 'in', pageIds).orderBy('id').execute();

export async function insertPageToken(db: Database, row: { hash: string; pageId: string; userId: string; action: 'ack' | 'resolve'; expiresAt: Date; now: Date }): Promise<void> {
  await db
    .insertInto('page_tokens')
    .values({ token_hash: row.hash, page_id: row.pageId, user_id: row.userId, action: row.action, expires_at: row.expiresAt, created_at: row.now })
    .execute();
}

/** Uses a link token once: only an unused, unexpired token is marked; returns it, else undefined. */
export const consumePageToken = (db: Database, hash: string, now: Date) =>
  db
    .updateTable('page_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();

export const findPageToken = (db: Database, hash: string) => db.selectFrom('page_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();

// ---------------------------------------------------------------------------------------------
// The escalation auditor

/** Every triggered page with the state of its step timer (`page:<id>` in jobs), if any. */
export const triggeredPagesWithTimers = (db: Database, limit: number) =>
  db
    .selectFrom('pages as p')
    .leftJoin('jobs as j', (join) => join.on(sql<boolean>`j.key = 'page:' || p.id`))
    .select(['p.id', 'p.exhausted_at', 'p.next_step_at', sql<boolean>`p.policy is null`.as('no_policy'), 'j.status as job_status', 'j.due_at as job_due_at', 'j.kind as job_kind'])
    .where('p.status', '=', 'triggered')
    .orderBy('p.started_at')
    .limit(limit)
    .execute();

export const activeAdmins = (db: Database) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'locale']).where('role', '=', 'admin').where('active', '=', true).orderBy('id').execute();

// ---------------------------------------------------------------------------------------------
// Calendar feed tokens

export const insertIcalToken = (db: Database, row: Insertable<IcalTokensTable>) => db.insertInto('ical_tokens').values(row).returningAll().executeTakeFirstOrThrow();

export const icalTokensOf = (db: Database, userId: string | null) => {
  let q = db.selectFrom('ical_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (userId) q = q.where('user_id', '=', userId);
  return q.execute();
};

export const findIcalToken = (db: Database, id: string) => db.selectFrom('ical_tokens').selectAll().where('id', '=', id).executeTakeFirst();

export const findIcalTokenByHash = (db: Database, hash: string) => db.selectFrom('ical_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();

export const revokeIcalToken = (db: Database, id: string, now: Date) =>
  db.updateTable('ical_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();

export async function touchIcalToken(db: Database, id: string, now: Date): Promise<void> {
  await db.updateTable('ical_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}
