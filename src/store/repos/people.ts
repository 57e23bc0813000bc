import type { Database } from '../db.ts';
import type { Insertable } from 'kysely';
import type { OrgsTable, UsersTable } from '../schema.ts';

export const findOrg = (db: Database, id: string) => db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
export const listOrgs = (db: Database) => db.selectFrom('orgs').selectAll().orderBy('name').execute();
export const insertOrg = (db: Database, row: Insertable<OrgsTable>) => db.insertInto('orgs').values(row).returningAll().executeTakeFirstOrThrow();

export const findUser = (db: Database, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
export const findUserByHandle = (db: Database, handle: string) =>
  db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
export const insertUser = (db: Database, row: Insertable<UsersTable>) => db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();

export function listUsers(db: Database, q: { orgId?: string; role?: string }) {
  let query = db.selectFrom('users').selectAll().orderBy('name');
  if (q.orgId) query = query.where('org_id', '=', q.orgId);
  if (q.role) query = query.where('role', '=', q.role as UsersTable['role']);
  return query.execute();
}

export const adminExists = async (db: Database) =>
  (await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst()) !== undefined;

export async function insertToken(db: Database, row: { id: string; userId: string; hash: string; scopes: string[] }) {
  await db
    .insertInto('api_tokens')
    .values({ id: row.id, user_id: row.userId, token_hash: row.hash, scopes: JSON.stringify(row.scopes) })
    .execute();
}

/** The user behind a token hash, if the token is live and the user active. */
export function findByTokenHash(db: Database, hash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .select(['t.id as token_id', 't.scopes as token_scopes'])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function insertSession(db: Database, row: { id: string; userId: string; hash: string; expiresAt: Date }) {
  await db.insertInto('web_sessions').values({ id: row.id, user_id: row.userId, token_hash: row.hash, expires_at: row.expiresAt }).execute();
}

export function findBySessionHash(db: Database, hash: string, now: Date) {
  return db
    .selectFrom('web_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .where('s.token_hash', '=', hash)
    .where('s.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export const deleteSession = (db: Database, hash: string) => db.deleteFrom('web_sessions').where('token_hash', '=', hash).execute();

export async function listGroups(db: Database) {
  const groups = await db.selectFrom('agent_groups').selectAll().orderBy('name').execute();
  const members = await db.selectFrom('group_members').selectAll().execute();
  return groups.map((g) => ({ ...g, members: members.filter((m) => m.group_id === g.id).map((m) => m.user_id) }));
}
