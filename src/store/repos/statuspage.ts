/** Status page storage: components, incidents and updates, maintenance, subscribers and tokens. */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../db.ts';
import type {
  OrgNotificationSettingsTable,
  StatusComponentsTable,
  StatusIncidentsTable,
  StatusMaintenanceTable,
  StatusSubscribersTable,
  StatusSubscriberTokensTable,
  StatusUpdatesTable,
} from '../schema.ts';

export type ComponentRow = Selectable<StatusComponentsTable>;
export type StatusIncidentRow = Selectable<StatusIncidentsTable>;
export type StatusUpdateRow = Selectable<StatusUpdatesTable>;
export type MaintenanceRow = Selectable<StatusMaintenanceTable>;
export type SubscriberRow = Selectable<StatusSubscribersTable>;
export type SubscriberTokenRow = Selectable<StatusSubscriberTokensTable>;
export type OrgNotifyRow = Selectable<OrgNotificationSettingsTable>;

// --- components ----------------------------------------------------------------------------------

export const insertComponent = (db: Database, row: Insertable<StatusComponentsTable>) => db.insertInto('status_components').values(row).returningAll().executeTakeFirstOrThrow();
export const listComponents = (db: Database) => db.selectFrom('status_components').selectAll().orderBy('kind', 'desc').orderBy('position').orderBy('name_en').orderBy('id').execute();
export const findComponent = (db: Database, id: string) => db.selectFrom('status_components').selectAll().where('id', '=', id).executeTakeFirst();
export const updateComponent = (db: Database, id: string, set: Updateable<StatusComponentsTable>) =>
  db.updateTable('status_components').set(set).where('id', '=', id).returningAll().executeTakeFirst();
export const componentsByIds = (db: Database, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([] as ComponentRow[]) : db.selectFrom('status_components').selectAll().where('id', 'in', ids).execute();

// --- incidents and updates -------------------------------------------------------------------------

/** Inserts an incident; for a sourced one, nothing (undefined) if it already exists. */
export const insertStatusIncident = (db: Database, row: Insertable<StatusIncidentsTable>) =>
  db
    .insertInto('status_incidents')
    .values(row)
    .onConflict((oc) => oc.columns(['source', 'source_id']).where('source_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
export const findStatusIncident = (db: Database, id: string) => db.selectFrom('status_incidents').selectAll().where('id', '=', id).executeTakeFirst();
export const lockStatusIncident = (db: Database, id: string) => db.selectFrom('status_incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const findStatusIncidentBySource = (db: Database, source: 'quality', sourceId: string) =>
  db.selectFrom('status_incidents').selectAll().where('source', '=', source).where('source_id', '=', sourceId).executeTakeFirst();
export const updateStatusIncident = (db: Database, id: string, set: Updateable<StatusIncidentsTable>) =>
  db.updateTable('status_incidents').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

/** Open incidents, and those resolved at or after `resolvedSince`, newest first. */
export const listStatusIncidents = (db: Database, q: { resolvedSince: Date; limit: number }) =>
  db
    .selectFrom('status_incidents')
    .selectAll()
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', q.resolvedSince)]))
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(q.limit)
    .execute();

export const insertStatusUpdate = (db: Database, row: Insertable<StatusUpdatesTable>) => db.insertInto('status_updates').values(row).returningAll().executeTakeFirstOrThrow();
export const findStatusUpdate = (db: Database, id: number) => db.selectFrom('status_updates').selectAll().where('id', '=', id).executeTakeFirst();
export const updatesOf = (db: Database, incidentIds: string[]) =>
  incidentIds.length === 0 ? Promise.resolve([] as StatusUpdateRow[]) : db.selectFrom('status_updates').selectAll().where('incident_id', 'in', incidentIds).orderBy('id', 'desc').execute();

// --- maintenance -------------------------------------------------------------------------------------

export const insertMaintenance = (db: Database, row: Insertable<StatusMaintenanceTable>) => db.insertInto('status_maintenance').values(row).returningAll().executeTakeFirstOrThrow();
export const findMaintenance = (db: Database, id: string) => db.selectFrom('status_maintenance').selectAll().where('id', '=', id).executeTakeFirst();
export const updateMaintenance = (db: Database, id: string, set: Updateable<StatusMaintenanceTable>) =>
  db.updateTable('status_maintenance').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
/** Windows that end at or after `since` (scheduled, in progress, recently completed). */
export const listMaintenance = (db: Database, q: { endsSince: Date; limit: number }) =>
  db.selectFrom('status_maintenance').selectAll().where('ends_at', '>=', q.endsSince).orderBy('starts_at', 'desc').orderBy('id').limit(q.limit).execute();

// --- subscribers and their tokens ----------------------------------------------------------------------

export const findSubscriberByKey = (db: Database, emailKey: string) => db.selectFrom('status_subscribers').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
export const findSubscriber = (db: Database, id: string) => db.selectFrom('status_subscribers').selectAll().where('id', '=', id).executeTakeFirst();

/** Creates the subscriber, or returns the one with the same address (locked for the caller's transaction). */
export async function upsertSubscriber(db: Database, row: Insertable<StatusSubscribersTable>): Promise<SubscriberRow> {
  await db.insertInto('status_subscribers').values(row).onConflict((oc) => oc.column('email_key').doNothing()).execute();
  return db.selectFrom('status_subscribers').selectAll().where('email_key', '=', row.email_key).forUpdate().executeTakeFirstOrThrow();
}

export const updateSubscriber = (db: Database, id: string, set: Updateable<StatusSubscribersTable>) =>
  db.updateTable('status_subscribers').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export const confirmedSubscribers = (db: Database) => db.selectFrom('status_subscribers').selectAll().where('status', '=', 'confirmed').orderBy('id').execute();

export async function countSubscribers(db: Database): Promise<Record<string, number>> {
  const rows = await db.selectFrom('status_subscribers').select(['status', sql<string>`count(*)`.as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function insertSubscriberToken(db: Database, row: Insertable<StatusSubscriberTokensTable>): Promise<void> {
  await db.insertInto('status_subscriber_tokens').values(row).execute();
}

export const findSubscriberToken = (db: Database, hash: string) => db.selectFrom('status_subscriber_tokens').selectAll().where('token_hash', '=', hash).forUpdate().executeTakeFirst();

export const peekSubscriberToken = (db: Database, hash: string) => db.selectFrom('status_subscriber_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();

export async function useSubscriberToken(db: Database, hash: string, now: Date): Promise<void> {
  await db.updateTable('status_subscriber_tokens').set({ used_at: now }).where('token_hash', '=', hash).execute();
}

/** Spends every unused confirmation token of a subscriber (a new one replaces them). */
export async function expireConfirmTokens(db: Database, subscriberId: string, now: Date): Promise<void> {
  await db.updateTable('status_subscriber_tokens').set({ used_at: now }).where('subscriber_id', '=', subscriberId).where('purpose', '=', 'confirm').where('used_at', 'is', null).execute();
}

// --- organizations' notification settings --------------------------------------------------------------

export const findOrgNotify = (db: Database, orgId: string) => db.selectFrom('org_notification_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();

export const upsertOrgNotify = (db: Database, row: Insertable<OrgNotificationSettingsTable>) =>
  db
    .insertInto('org_notification_settings')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ im_kind: row.im_kind ?? null, im_url: row.im_url ?? null, im_secret: row.im_secret ?? null, emails: row.emails ?? '[]', updated_by: row.updated_by ?? null, updated_at: row.updated_at }))
    .returningAll()
    .executeTakeFirstOrThrow();

/** Active customer users of an organization (who hears about incidents that affect it). */
export const customerUsersOf = (db: Database, orgId: string) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'locale']).where('org_id', '=', orgId).where('role', '=', 'customer').where('active', '=', true).orderBy('id').execute();

/** Outbox keys already taken under a prefix (a fan-out that is run again skips them). */
export async function outboxKeysWithPrefix(db: Database, prefix: string): Promise<Set<string>> {
  const rows = await db.selectFrom('outbox').select('idempotency_key').where('idempotency_key', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`).execute();
  return new Set(rows.map((r) => r.idempotency_key));
}

/** Open status page incidents whose quality incident is resolved (e.g. merged into another one). */
export const staleQualityIncidents = (db: Database) =>
  db
    .selectFrom('status_incidents as s')
    .innerJoin('incidents as i', 'i.id', 's.source_id')
    .select(['s.id', 'i.merged_into'])
    .where('s.source', '=', 'quality')
    .where('s.status', '<>', 'resolved')
    .where('i.status', '=', 'resolved')
    .orderBy('s.id')
    .limit(500)
    .execute();
