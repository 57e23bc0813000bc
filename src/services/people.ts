import { AppError } from '../domain/errors.ts';
import { isValidTimeZone, type Industry, type LevelCode, type RegionCode } from '../domain/people.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/people.ts';
import type { Org, Role, Tier, User } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { hashPassword, hashToken, newId, newSecret, verifyPassword } from './crypto.ts';
import { requireAdmin } from './policy.ts';

export interface NewOrg {
  name: string;
  tier: Tier;
  industry: Industry;
  timezone: string;
  locale?: string;
  regions?: RegionCode[];
  appIds?: string[];
  csmId?: string | null;
}

export async function createOrg(ctx: Ctx, actor: Actor, input: NewOrg): Promise<Org> {
  requireAdmin(actor);
  if (!isValidTimeZone(input.timezone)) throw AppError.validation('timezone', `unknown time zone "${input.timezone}"`);
  if (input.csmId) {
    const csm = await repo.findUser(ctx.db, input.csmId);
    if (!csm || csm.role !== 'agent') throw AppError.validation('csmId', 'must be an agent');
  }
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const org = await repo.insertOrg(tx, {
      id: newId(),
      name: input.name,
      tier: input.tier,
      industry: input.industry,
      timezone: input.timezone,
      locale: input.locale ?? 'zh-CN',
      regions: JSON.stringify(input.regions ?? []),
      app_ids: JSON.stringify(input.appIds ?? []),
      csm_id: input.csmId ?? null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: org.id, entity: 'org', entityId: org.id, action: 'create', changes: { ...input } });
    return org;
  });
}

export interface NewUser {
  handle: string;
  name: string;
  email: string;
  role: Role;
  orgId?: string | null;
  level?: LevelCode | null;
  timezone?: string;
  locale?: string;
  password?: string;
  escalationManager?: boolean;
  groupIds?: string[];
}

export async function createUser(ctx: Ctx, actor: Actor | null, input: NewUser): Promise<User> {
  if (actor) requireAdmin(actor);
  if (input.role === 'customer' && !input.orgId) throw AppError.validation('orgId', 'a customer belongs to an organization');
  if (input.role !== 'customer' && input.orgId) throw AppError.validation('orgId', 'only customers belong to an organization');
  if (input.role !== 'agent' && input.level) throw AppError.validation('level', 'only agents have a support level');
  if (input.timezone && !isValidTimeZone(input.timezone)) throw AppError.validation('timezone', `unknown time zone "${input.timezone}"`);
  if (input.orgId && !(await repo.findOrg(ctx.db, input.orgId))) throw AppError.validation('orgId', 'no such organization');
  if (await repo.findUserByHandle(ctx.db, input.handle)) throw new AppError('conflict', `handle "${input.handle}" is taken`, [{ path: 'handle', message: 'taken' }]);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const user = await repo.insertUser(tx, {
      id: newId(),
      handle: input.handle,
      name: input.name,
      email: input.email,
      role: input.role,
      org_id: input.orgId ?? null,
      level: input.role === 'agent' ? (input.level ?? 'L1') : null,
      timezone: input.timezone ?? 'Asia/Shanghai',
      locale: input.locale ?? 'zh-CN',
      escalation_manager: input.escalationManager ?? false,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    for (const g of input.groupIds ?? []) {
      const group = await tx.selectFrom('agent_groups').select('id').where('id', '=', g).executeTakeFirst();
      if (!group) throw AppError.validation('groupIds', `no such group "${g}"`);
      await tx.insertInto('group_members').values({ group_id: g, user_id: user.id }).execute();
    }
    const { password: _pw, ...logged } = input;
    await recordAudit(tx, { at: now, actorId: actor?.userId ?? null, orgId: user.org_id, entity: 'user', entityId: user.id, action: 'create', changes: { ...logged } });
    return user;
  });
}

export async function createToken(ctx: Ctx, actor: Actor | null, userId: string, scopes: string[] = ['api'], secret?: string): Promise<string> {
  if (actor && actor.role !== 'admin' && actor.userId !== userId) {
    // Only an admin mints tokens for others; a user may mint their own.
    throw AppError.forbidden('only an admin may create tokens for another user');
  }
  const user = await repo.findUser(ctx.db, userId);
  if (!user) throw AppError.notFound('user');
  const token = secret ?? newSecret('sd');
  await ctx.db.transaction().execute(async (tx) => {
    await repo.insertToken(tx, { id: newId(), userId, hash: hashToken(token), scopes });
    await recordAudit(tx, { at: ctx.clock.now(), actorId: actor?.userId ?? null, orgId: user.org_id, entity: 'user', entityId: userId, action: 'token.create', changes: { scopes } });
  });
  return token;
}

/** On start: an admin with exactly this token, if no admin exists yet. */
export async function bootstrapAdmin(ctx: Ctx, token: string): Promise<boolean> {
  if (await repo.adminExists(ctx.db)) return false;
  const admin = await createUser(ctx, null, { handle: 'admin', name: 'Administrator', email: 'admin@localhost', role: 'admin' });
  await createToken(ctx, null, admin.id, ['api', 'ingest'], token);
  return true;
}

export const SESSION_DAYS = 14;

export async function login(ctx: Ctx, handle: string, password: string): Promise<{ user: User; sessionToken: string; expiresAt: Date }> {
  const user = await repo.findUserByHandle(ctx.db, handle);
  // Verify against a dummy hash when the user is unknown, so timing does not reveal handles.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !user.active || !user.password_hash || !ok) throw new AppError('unauthorized', 'wrong handle or password');
  const sessionToken = newSecret('sds');
  const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_DAYS * 86_400_000);
  await repo.insertSession(ctx.db, { id: newId(), userId: user.id, hash: hashToken(sessionToken), expiresAt });
  return { user, sessionToken, expiresAt };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function logout(ctx: Ctx, sessionToken: string): Promise<void> {
  await repo.deleteSession(ctx.db, hashToken(sessionToken));
}

export function actorFromUser(u: User, scopes: string[]): Actor {
  return {
    userId: u.id,
    role: u.role,
    orgId: u.org_id,
    level: u.level,
    escalationManager: u.escalation_manager,
    name: u.name,
    locale: u.locale,
    scopes,
  };
}

export async function authenticateToken(ctx: Ctx, token: string): Promise<Actor | null> {
  const row = await repo.findByTokenHash(ctx.db, hashToken(token));
  if (!row) return null;
  const { token_id: _t, token_scopes, ...user } = row;
  return actorFromUser(user, token_scopes);
}

export async function authenticateSession(ctx: Ctx, sessionToken: string): Promise<Actor | null> {
  const user = await repo.findBySessionHash(ctx.db, hashToken(sessionToken), ctx.clock.now());
  return user ? actorFromUser(user, ['api']) : null;
}

export async function createGroup(ctx: Ctx, actor: Actor, input: { name: string; industry?: Industry | null; region?: RegionCode | null; memberIds?: string[] }) {
  requireAdmin(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const id = newId();
    await tx.insertInto('agent_groups').values({ id, name: input.name, industry: input.industry ?? null, region: input.region ?? null, min_priority: null }).execute();
    for (const m of input.memberIds ?? []) {
      const u = await repo.findUser(tx, m);
      if (!u || u.role !== 'agent') throw AppError.validation('memberIds', `"${m}" is not an agent`);
      await tx.insertInto('group_members').values({ group_id: id, user_id: m }).execute();
    }
    await recordAudit(tx, { at: ctx.clock.now(), actorId: actor.userId, orgId: null, entity: 'group', entityId: id, action: 'create', changes: { ...input } });
    return { id, name: input.name, industry: input.industry ?? null, region: input.region ?? null, members: input.memberIds ?? [] };
  });
}
