/**
 * On-call use cases: schedules (layers and overrides), who is on call, shift timelines, coverage
 * gaps, iCal feeds, escalation policies and contact methods. The rules are the domain's
 * (src/domain/oncall); this layer loads, validates references, stores and audits.
 */
import { AppError, type FieldIssue } from '../domain/errors.ts';
import { escalationPolicySchema, type EscalationPolicy, type EscalationTarget, type TargetResolver } from '../domain/oncall/escalation.ts';
import { personToIcal, scheduleToIcal, type IcalLang } from '../domain/oncall/ical.ts';
import { coverageGaps, scheduleSchema, shifts, whoIsOnCall, zodToAppError, type Layer, type OnCall, type Schedule, type Shift } from '../domain/oncall/schedule.ts';
import { DAY_MS, parseInstant, zoneOf, type Zone } from '../domain/oncall/zoned.ts';
import type { Database } from '../store/db.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/oncall.ts';
import type { ContactType, WebhookKind } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { hashToken, newId, newSecret } from './crypto.ts';
import { actorFromUser } from './people.ts';
import { findUser } from '../store/repos/people.ts';
import { requireAdmin, requireStaff } from './policy.ts';

// ---------------------------------------------------------------------------------------------
// Loading

export interface StoredSchedule {
  row: repo.ScheduleRow;
  overrides: repo.OverrideRow[];
  /** the domain's view: layers as stored, overrides in creation order */
  schedule: Schedule;
}

function toDomain(row: repo.ScheduleRow, overrides: repo.OverrideRow[]): Schedule {
  return {
    name: row.name,
    timezone: row.timezone,
    layers: row.layers as Layer[],
    overrides: overrides.map((o) => ({ start: o.start_at, end: o.end_at, user: o.user_id })),
  };
}

export async function loadSchedules(db: Database, ids: string[]): Promise<Map<string, StoredSchedule>> {
  const rows = await repo.schedulesByIds(db, ids);
  const overrides = await repo.overridesOf(db, rows.map((r) => r.id));
  return new Map(
    rows.map((row) => {
      const own = overrides.filter((o) => o.schedule_id === row.id);
      return [row.id, { row, overrides: own, schedule: toDomain(row, own) }];
    }),
  );
}

async function loadSchedule(db: Database, id: string): Promise<StoredSchedule> {
  const s = (await loadSchedules(db, [id])).get(id);
  if (!s) throw AppError.notFound('schedule');
  return s;
}

function zoneOfSchedule(s: StoredSchedule): Zone {
  const zone = zoneOf(s.row.timezone);
  if (!zone) throw new AppError('internal', `stored schedule ${s.row.id} has an unknown time zone`);
  return zone;
}

/**
 * An instant from a query string: ISO-8601 with Z or an offset, or wall-clock time in the
 * schedule's zone. An unencoded "+" of an offset arrives as a space; it is read back as "+".
 */
export function parseQueryInstant(value: string, zone: Zone, path: string): Date {
  const fixed = value.trim().replace(/ (\d{2}(?::?\d{2})?)$/, '+$1');
  const ms = parseInstant(fixed, zone);
  if (ms === null) throw AppError.validation(path, 'must be an ISO-8601 date-time such as 2026-11-02T09:00:00+08:00');
  return new Date(ms);
}

// ---------------------------------------------------------------------------------------------
// References (users, schedules, groups) must exist

async function checkStaffUsers(db: Database, refs: Array<{ id: string; path: string }>): Promise<FieldIssue[]> {
  const users = new Map((await repo.usersByIds(db, [...new Set(refs.map((r) => r.id))])).map((u) => [u.id, u]));
  const issues: FieldIssue[] = [];
  for (const r of refs) {
    const u = users.get(r.id);
    if (!u) issues.push({ path: r.path, message: `no user "${r.id}"` });
    else if (u.role === 'customer') issues.push({ path: r.path, message: 'must be a support staff user (agent or admin), not a customer' });
    else if (!u.active) issues.push({ path: r.path, message: 'this user is deactivated' });
  }
  return issues;
}

function throwIssues(issues: FieldIssue[]): void {
  const first = issues[0];
  if (first) throw new AppError('validation', `${first.path}: ${first.message}`, issues);
}

// ---------------------------------------------------------------------------------------------
// Schedules

/** The longest rotation a layer may have (ten years). */
export const MAX_ROTATION_DAYS = 3650;

export interface OverrideInput {
  start: string;
  end: string;
  user: string;
}

/** Creates a schedule exactly as `POST /api/v1/schedules` describes it (contract.md, "On-call"). */
export async function createSchedule(ctx: Ctx, actor: Actor, input: unknown): Promise<StoredSchedule> {
  requireAdmin(actor);
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) throw zodToAppError(parsed.error, 'body');
  const s = parsed.data;
  const zone = zoneOf(s.timezone) as Zone; // the schema checked it
  // Bounds the domain leaves open: a rotation longer than ten years is a typo, and one so long
  // that its handoffs fall outside the representable dates would make timelines unusable.
  throwIssues(
    s.layers.flatMap((l, i): FieldIssue[] => {
      const r = l.rotation;
      if (r.type === 'days' && r.days > MAX_ROTATION_DAYS) return [{ path: `body.layers.${i}.rotation.days`, message: `must be at most ${MAX_ROTATION_DAYS}` }];
      if (r.type === 'hours' && r.hours > MAX_ROTATION_DAYS * 24) return [{ path: `body.layers.${i}.rotation.hours`, message: `must be at most ${MAX_ROTATION_DAYS * 24}` }];
      return [];
    }),
  );
  const layers: Layer[] = s.layers.map((l) => ({
    name: l.name,
    start: new Date(parseInstant(l.start, zone) as number).toISOString(),
    rotation: l.rotation,
    users: l.users,
    ...(l.restrictions && l.restrictions.length > 0 ? { restrictions: l.restrictions } : {}),
  }));
  const overrides = s.overrides.map((o) => ({ start: new Date(parseInstant(o.start, zone) as number), end: new Date(parseInstant(o.end, zone) as number), user: o.user }));
  throwIssues(
    await checkStaffUsers(ctx.db, [
      ...s.layers.flatMap((l, i) => l.users.map((u, j) => ({ id: u, path: `body.layers.${i}.users.${j}` }))),
      ...s.overrides.map((o, i) => ({ id: o.user, path: `body.overrides.${i}.user` })),
    ]),
  );
  const id = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertSchedule(tx, { id: newId(), name: s.name, timezone: s.timezone, layers: JSON.stringify(layers), created_by: actor.userId, created_at: now, updated_at: now });
    for (const o of overrides) {
      await repo.insertOverride(tx, { schedule_id: row.id, start_at: o.start, end_at: o.end, user_id: o.user, created_by: actor.userId, created_at: now });
    }
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'schedule', entityId: row.id, action: 'create', changes: { name: s.name, timezone: s.timezone, layers: layers.length, overrides: overrides.length } });
    return row.id;
  });
  return loadSchedule(ctx.db, id);
}

export async function getSchedule(ctx: Ctx, actor: Actor, id: string): Promise<StoredSchedule> {
  requireStaff(actor);
  return loadSchedule(ctx.db, id);
}

export async function listAllSchedules(ctx: Ctx, actor: Actor): Promise<StoredSchedule[]> {
  requireStaff(actor);
  const rows = await repo.listSchedules(ctx.db);
  const loaded = await loadSchedules(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => loaded.get(r.id) as StoredSchedule);
}

/** Appends an override: the newest one wins where overrides overlap. */
export async function addOverride(ctx: Ctx, actor: Actor, scheduleId: string, input: OverrideInput): Promise<repo.OverrideRow> {
  requireAdmin(actor);
  const s = await loadSchedule(ctx.db, scheduleId);
  const zone = zoneOfSchedule(s);
  const issues: FieldIssue[] = [];
  const start = parseInstant(input.start, zone);
  const end = parseInstant(input.end, zone);
  if (start === null) issues.push({ path: 'body.start', message: 'must be an ISO-8601 date-time' });
  if (end === null) issues.push({ path: 'body.end', message: 'must be an ISO-8601 date-time' });
  if (start !== null && end !== null && end <= start) issues.push({ path: 'body.end', message: 'must be after start' });
  issues.push(...(await checkStaffUsers(ctx.db, [{ id: input.user, path: 'body.user' }])));
  throwIssues(issues);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertOverride(tx, { schedule_id: scheduleId, start_at: new Date(start as number), end_at: new Date(end as number), user_id: input.user, created_by: actor.userId, created_at: now });
    await tx.updateTable('schedules').set({ updated_at: now }).where('id', '=', scheduleId).execute();
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'schedule', entityId: scheduleId, action: 'override.add', changes: { overrideId: Number(row.id), start: row.start_at.toISOString(), end: row.end_at.toISOString(), user: input.user } });
    return row;
  });
}

export async function onCallAt(ctx: Ctx, actor: Actor, id: string, at: string | undefined): Promise<OnCall> {
  const s = await getSchedule(ctx, actor, id);
  const instant = at === undefined || at === '' ? ctx.clock.now() : parseQueryInstant(at, zoneOfSchedule(s), 'querystring.at');
  return whoIsOnCall(s.schedule, instant);
}

/** Longest range a timeline query may cover. */
export const MAX_RANGE_DAYS = 400;

function range(ctx: Ctx, s: StoredSchedule, q: { from?: string | undefined; to?: string | undefined }, defaults: { backDays: number; aheadDays: number }): { from: Date; to: Date } {
  const zone = zoneOfSchedule(s);
  const now = ctx.clock.now();
  const from = q.from ? parseQueryInstant(q.from, zone, 'querystring.from') : new Date(now.getTime() - defaults.backDays * DAY_MS);
  const to = q.to ? parseQueryInstant(q.to, zone, 'querystring.to') : new Date(from.getTime() + (defaults.aheadDays + defaults.backDays) * DAY_MS);
  if (to < from) throw AppError.validation('querystring.to', 'must not be before from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw AppError.validation('querystring.to', `the range may cover at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

export async function shiftsOf(ctx: Ctx, actor: Actor, id: string, q: { from?: string | undefined; to?: string | undefined }): Promise<{ from: Date; to: Date; items: Shift[] }> {
  const s = await getSchedule(ctx, actor, id);
  const r = range(ctx, s, q, { backDays: 0, aheadDays: 7 });
  return { ...r, items: shifts(s.schedule, r.from, r.to) };
}

export async function gapsOf(ctx: Ctx, actor: Actor, id: string, days: number): Promise<{ from: Date; to: Date; items: Array<{ start: Date; end: Date }> }> {
  const s = await getSchedule(ctx, actor, id);
  const from = ctx.clock.now();
  const to = new Date(from.getTime() + days * DAY_MS);
  return { from, to, items: coverageGaps(s.schedule, from, to) };
}

export interface IcalQuery {
  from?: string | undefined;
  to?: string | undefined;
  lang?: IcalLang | undefined;
}

const langOf = (actor: Actor, q: IcalQuery): IcalLang => q.lang ?? (actor.locale.startsWith('zh') ? 'zh' : 'en');

async function userNames(db: Database, schedules: Schedule[]): Promise<(id: string) => string> {
  const ids = new Set<string>();
  for (const s of schedules) {
    for (const l of s.layers) for (const u of l.users) ids.add(u);
    for (const o of s.overrides) ids.add(o.user);
  }
  const names = new Map((await repo.usersByIds(db, [...ids])).map((u) => [u.id, u.name]));
  return (id) => names.get(id) ?? id;
}

export async function scheduleIcal(ctx: Ctx, actor: Actor, id: string, q: IcalQuery): Promise<string> {
  const s = await getSchedule(ctx, actor, id);
  const r = range(ctx, s, q, { backDays: 7, aheadDays: 60 });
  return scheduleToIcal(s.row.id, s.schedule, { ...r, now: ctx.clock.now(), lang: langOf(actor, q), userName: await userNames(ctx.db, [s.schedule]) });
}

/** One person's shifts across every schedule that names them (layers or overrides). */
export async function personIcal(ctx: Ctx, actor: Actor, userId: string, q: IcalQuery): Promise<string> {
  requireStaff(actor);
  const [user] = await repo.usersByIds(ctx.db, [userId]);
  if (!user) throw AppError.notFound('user');
  const all = await listAllSchedules(ctx, actor);
  const mine = all.filter((s) => s.schedule.layers.some((l) => l.users.includes(userId)) || s.overrides.some((o) => o.user_id === userId));
  const now = ctx.clock.now();
  const from = q.from ? parseQueryInstant(q.from, zoneOf('UTC') as Zone, 'querystring.from') : new Date(now.getTime() - 7 * DAY_MS);
  const to = q.to ? parseQueryInstant(q.to, zoneOf('UTC') as Zone, 'querystring.to') : new Date(from.getTime() + 67 * DAY_MS);
  if (to < from) throw AppError.validation('querystring.to', 'must not be before from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw AppError.validation('querystring.to', `the range may cover at most ${MAX_RANGE_DAYS} days`);
  return personToIcal(
    userId,
    mine.map((s) => ({ id: s.row.id, schedule: s.schedule })),
    { from, to, now, lang: langOf(actor, q), userName: await userNames(ctx.db, mine.map((s) => s.schedule)) },
  );
}

// ---------------------------------------------------------------------------------------------
// Escalation policies

export interface StoredPolicy {
  row: repo.PolicyRow;
  policy: EscalationPolicy;
}

export const MAX_ACK_TIMEOUT_MINUTES = 7 * 24 * 60;

export const policyOf = (row: repo.PolicyRow): EscalationPolicy => ({ steps: row.steps as EscalationPolicy['steps'], repeat: row.repeat });

export interface PolicyInput {
  name: string;
  steps: unknown;
  repeat?: unknown;
  default?: boolean | undefined;
}

/** The policy's rules (the domain's schema) and that every target names something that exists. */
async function validatePolicy(ctx: Ctx, input: PolicyInput): Promise<EscalationPolicy> {
  const parsed = escalationPolicySchema.safeParse({ steps: input.steps, repeat: input.repeat });
  if (!parsed.success) throw zodToAppError(parsed.error, 'body');
  const policy = parsed.data;
  const refs = policy.steps.flatMap((s, i) => s.targets.map((t, j) => ({ ...t, path: `body.steps.${i}.targets.${j}.id` })));
  const issues = await checkStaffUsers(ctx.db, refs.filter((r) => r.type === 'user'));
  policy.steps.forEach((s, i) => {
    if (s.ackTimeoutMinutes > MAX_ACK_TIMEOUT_MINUTES) issues.push({ path: `body.steps.${i}.ackTimeoutMinutes`, message: `must be at most ${MAX_ACK_TIMEOUT_MINUTES} (a week)` });
  });
  const schedules = new Set((await repo.schedulesByIds(ctx.db, refs.filter((r) => r.type === 'schedule').map((r) => r.id))).map((s) => s.id));
  const groups = new Set((await repo.groupsByIds(ctx.db, refs.filter((r) => r.type === 'group').map((r) => r.id))).map((g) => g.id));
  for (const r of refs) {
    if (r.type === 'schedule' && !schedules.has(r.id)) issues.push({ path: r.path, message: `no schedule "${r.id}"` });
    if (r.type === 'group' && !groups.has(r.id)) issues.push({ path: r.path, message: `no group "${r.id}"` });
  }
  throwIssues(issues);
  return policy;
}

export async function createPolicy(ctx: Ctx, actor: Actor, input: PolicyInput): Promise<StoredPolicy> {
  requireAdmin(actor);
  const policy = await validatePolicy(ctx, input);
  const row = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    if (input.default) await repo.clearDefaultPolicy(tx);
    const row = await repo.insertPolicy(tx, {
      id: newId(),
      name: input.name,
      steps: JSON.stringify(policy.steps),
      repeat: policy.repeat,
      is_default: input.default ?? false,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'escalation_policy', entityId: row.id, action: 'create', changes: { name: input.name, steps: policy.steps.length, repeat: policy.repeat } });
    return row;
  });
  return { row, policy };
}

/**
 * Replaces a policy's name, steps, repeats and default flag. Pages already open keep the copy of
 * the policy they started with (their escalation does not change under them); new pages use this.
 * Clearing `default` on the default policy leaves no default (pages then use the oldest policy).
 */
export async function updatePolicy(ctx: Ctx, actor: Actor, id: string, input: PolicyInput): Promise<StoredPolicy> {
  requireAdmin(actor);
  const before = await repo.findPolicy(ctx.db, id);
  if (!before) throw AppError.notFound('escalation policy');
  const policy = await validatePolicy(ctx, input);
  const row = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const makeDefault = input.default ?? before.is_default;
    if (makeDefault && !before.is_default) await repo.clearDefaultPolicy(tx);
    const row = await repo.updatePolicy(tx, id, { name: input.name, steps: JSON.stringify(policy.steps), repeat: policy.repeat, is_default: makeDefault, updated_at: now });
    if (!row) throw AppError.notFound('escalation policy');
    await recordAudit(tx, {
      at: now,
      actorId: actor.userId,
      orgId: null,
      entity: 'escalation_policy',
      entityId: id,
      action: 'update',
      changes: {
        before: { name: before.name, steps: before.steps, repeat: before.repeat, default: before.is_default },
        after: { name: input.name, steps: policy.steps, repeat: policy.repeat, default: makeDefault },
      },
    });
    return row;
  });
  return { row, policy };
}

export async function getPolicy(ctx: Ctx, actor: Actor, id: string): Promise<StoredPolicy> {
  requireStaff(actor);
  const row = await repo.findPolicy(ctx.db, id);
  if (!row) throw AppError.notFound('escalation policy');
  return { row, policy: policyOf(row) };
}

export async function listAllPolicies(ctx: Ctx, actor: Actor): Promise<StoredPolicy[]> {
  requireStaff(actor);
  return (await repo.listPolicies(ctx.db)).map((row) => ({ row, policy: policyOf(row) }));
}

/**
 * Who each schedule or group target of a policy means, preloaded through `db` (a transaction's
 * handle inside one) so the domain's synchronous resolver can answer for any instant.
 */
export async function targetResolver(db: Database, policy: EscalationPolicy): Promise<TargetResolver> {
  const targets: EscalationTarget[] = policy.steps.flatMap((s) => s.targets);
  const schedules = await loadSchedules(db, [...new Set(targets.filter((t) => t.type === 'schedule').map((t) => t.id))]);
  const groups = await repo.activeGroupMembers(db, [...new Set(targets.filter((t) => t.type === 'group').map((t) => t.id))]);
  return (target, at) => {
    switch (target.type) {
      case 'schedule': {
        const s = schedules.get(target.id);
        const who = s ? whoIsOnCall(s.schedule, at).user : null;
        return who ? [who] : [];
      }
      case 'group':
        return groups.get(target.id) ?? [];
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Contact methods

export interface ContactInput {
  type: ContactType;
  kind?: WebhookKind | undefined;
  address: string;
  secret?: string | undefined;
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;

function mayManageContacts(actor: Actor, userId: string): void {
  requireStaff(actor);
  if (actor.role !== 'admin' && actor.userId !== userId) throw AppError.forbidden('only admins manage other people’s contact methods');
}

export async function addContact(ctx: Ctx, actor: Actor, userId: string, input: ContactInput): Promise<repo.ContactRow> {
  mayManageContacts(actor, userId);
  const [user] = await repo.usersByIds(ctx.db, [userId]);
  if (!user) throw AppError.notFound('user');
  const address = input.address.trim();
  switch (input.type) {
    case 'email':
      if (!EMAIL_RE.test(address)) throw AppError.validation('body.address', 'must be an e-mail address');
      break;
    case 'sms':
    case 'voice':
      if (!PHONE_RE.test(address)) throw AppError.validation('body.address', 'must be a phone number in E.164 form, such as +8613800138000');
      break;
    case 'webhook': {
      if (!input.kind) throw AppError.validation('body.kind', 'a webhook needs its kind: dingtalk, feishu, wecom, slack or generic');
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        throw AppError.validation('body.address', 'must be the webhook URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw AppError.validation('body.address', 'must be an http(s) URL');
      if (input.kind === 'wecom' && !url.searchParams.get('key')) throw AppError.validation('body.address', 'a WeCom group bot URL carries its key (…/webhook/send?key=…)');
      break;
    }
  }
  if (input.type !== 'webhook' && input.kind) throw AppError.validation('body.kind', 'only webhooks have a kind');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertContact(tx, { id: newId(), user_id: userId, type: input.type, kind: input.type === 'webhook' ? (input.kind ?? null) : null, address, secret: input.secret ?? null, created_at: now });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'user', entityId: userId, action: 'contact.add', changes: { contactId: row.id, type: row.type, kind: row.kind } });
    return row;
  });
}

export async function listContacts(ctx: Ctx, actor: Actor, userId: string): Promise<repo.ContactRow[]> {
  mayManageContacts(actor, userId);
  return repo.contactsOf(ctx.db, [userId]);
}

export async function removeContact(ctx: Ctx, actor: Actor, userId: string, id: string): Promise<void> {
  mayManageContacts(actor, userId);
  const gone = await repo.deleteContact(ctx.db, userId, id);
  if (!gone) throw AppError.notFound('contact method');
}

// ---------------------------------------------------------------------------------------------
// Calendar feed tokens: a feed URL a calendar client can subscribe to (it sends no header)

export type IcalScope = 'schedule' | 'person';

/** Creates a token for one schedule's feed, or one person's shifts; the token is shown once. */
export async function createIcalToken(ctx: Ctx, actor: Actor, input: { scope: IcalScope; targetId: string }): Promise<{ row: repo.IcalTokenRow; token: string }> {
  requireStaff(actor);
  if (input.scope === 'schedule') {
    if (!(await repo.findSchedule(ctx.db, input.targetId))) throw AppError.notFound('schedule');
  } else {
    if (actor.role !== 'admin' && actor.userId !== input.targetId) throw AppError.forbidden('only admins create feeds of other people’s shifts');
    const [u] = await repo.usersByIds(ctx.db, [input.targetId]);
    if (!u) throw AppError.notFound('user');
  }
  const token = newSecret('ical');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertIcalToken(tx, { id: newId(), token_hash: hashToken(token), user_id: actor.userId, scope: input.scope, target_id: input.targetId, created_at: now, last_used_at: null, revoked_at: null });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'ical_token', entityId: row.id, action: 'create', changes: { scope: input.scope, targetId: input.targetId } });
    return { row, token };
  });
}

/** One's own tokens (admins: everyone's). */
export async function listIcalTokens(ctx: Ctx, actor: Actor): Promise<repo.IcalTokenRow[]> {
  requireStaff(actor);
  return repo.icalTokensOf(ctx.db, actor.role === 'admin' ? null : actor.userId);
}

export async function revokeIcalToken(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  requireStaff(actor);
  const row = await repo.findIcalToken(ctx.db, id);
  if (!row || (actor.role !== 'admin' && row.user_id !== actor.userId)) throw AppError.notFound('calendar token');
  await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    await repo.revokeIcalToken(tx, id, now);
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'ical_token', entityId: id, action: 'revoke', changes: {} });
  });
}

/**
 * The feed behind a token, read with its creator's rights at this moment: a revoked token, or one
 * whose creator was deactivated or lost staff rights, no longer works.
 */
export async function icalByToken(ctx: Ctx, token: string, q: IcalQuery): Promise<{ body: string; scope: IcalScope; targetId: string }> {
  if (!/^ical_[A-Za-z0-9_-]{20,100}$/.test(token)) throw AppError.notFound('calendar');
  const row = await repo.findIcalTokenByHash(ctx.db, hashToken(token));
  if (!row || row.revoked_at) throw AppError.notFound('calendar');
  const owner = await findUser(ctx.db, row.user_id);
  if (!owner || !owner.active || owner.role === 'customer') throw AppError.notFound('calendar');
  const actor = actorFromUser(owner, ['ical']);
  const body = row.scope === 'schedule' ? await scheduleIcal(ctx, actor, row.target_id, q) : await personIcal(ctx, actor, row.target_id, q);
  await repo.touchIcalToken(ctx.db, row.id, ctx.clock.now());
  return { body, scope: row.scope, targetId: row.target_id };
}
