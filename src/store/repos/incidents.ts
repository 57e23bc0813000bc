import { sql, type Insertable, type Updateable } from 'kysely';
import type { Database } from '../db.ts';
import type { IncidentsTable } from '../schema.ts';

export type NewIncident = Insertable<IncidentsTable>;
export type IncidentUpdate = Updateable<IncidentsTable>;

export const findIncident = (db: Database, id: string) => db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();

/** Locks the row for the rest of the transaction (PostgreSQL; PGlite is one connection anyway). */
export const lockIncident = (db: Database, id: string) => db.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Inserts unless the id exists (another process raised the same incident); true when inserted. */
export async function insertIncident(db: Database, row: NewIncident): Promise<boolean> {
  const r = await db.insertInto('incidents').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return r !== undefined;
}

export const updateIncident = (db: Database, id: string, set: IncidentUpdate) =>
  db.updateTable('incidents').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

/**
 * Incidents overlapping [from, to) (started before `to`, not resolved before `from`), newest first;
 * merged ones are left out. `orgId`: only those affecting that organization.
 */
export function listIncidents(db: Database, q: { from?: Date; to?: Date; orgId?: string; status?: string[]; limit: number }) {
  let s = db.selectFrom('incidents').selectAll().where('merged_into', 'is', null);
  if (q.to) s = s.where('started_at', '<', q.to);
  if (q.from) {
    const from = q.from;
    s = s.where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', from)]));
  }
  if (q.orgId) s = s.where(sql<boolean>`affected_orgs @> ${JSON.stringify([q.orgId])}::jsonb`);
  if (q.status?.length) s = s.where('status', 'in', q.status as ('open' | 'acknowledged' | 'resolved')[]);
  return s.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

/** Organizations whose app ids include any of `apps`, in no particular order. */
export function orgsForApps(db: Database, apps: readonly string[]) {
  if (apps.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('orgs')
    .select(['id', 'name', 'tier', 'industry', 'regions', 'app_ids', 'locale'])
    .where(sql<boolean>`app_ids ?| array[${sql.join(apps.map((a) => sql.val(a)))}]::text[]`)
    .execute();
}

/** Every organization's apps and tier (for incident severity). */
export function appTiers(db: Database) {
  return db.selectFrom('orgs').select(['id', 'tier', 'app_ids']).execute();
}
