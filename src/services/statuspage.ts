/**
 * The public status page: components (regions and services) with a current status, incidents
 * with their updates (written by staff, or opened from quality incidents through the outbox
 * topics `incident.opened` / `incident.resolved`), maintenance windows, and e-mail subscribers
 * with double opt-in.
 *
 * - Subscribing stores the address as `pending` and sends a confirmation e-mail through the
 *   outbox carrying a one-time token (stored as SHA-256, expiring); following it confirms.
 * - Every update and every new maintenance window fans out (topic `status.notify`) into one
 *   `notification` e-mail per confirmed subscriber, each with its own unsubscribe link.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import type { Database } from '../store/db.ts';
import { findIncident } from '../store/repos/incidents.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/statuspage.ts';
import type { StatusComponentStatus, StatusImpact, StatusIncidentStatus } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { hashToken, newId } from './crypto.ts';
import { enqueue } from './outbox.ts';
import { enqueueNotification, registerTopic, UndeliverableMessage, type Resolution } from './notify/topics.ts';
import type { Lang } from './notify/templates.ts';
import { requireAdmin, requireStaff } from './policy.ts';

export const COMPONENT_STATUSES = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance'] as const satisfies readonly StatusComponentStatus[];
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const satisfies readonly StatusIncidentStatus[];
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const satisfies readonly StatusImpact[];
export type MaintenanceState = 'scheduled' | 'in_progress' | 'completed';

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 48 * 3_600_000;
/** How far back the public page shows resolved incidents and completed maintenance. */
export const HISTORY_DAYS = 14;

export interface Bilingual {
  en: string;
  zh: string;
}

const base = (ctx: Ctx): string => ctx.config.publicUrl.replace(/\/$/, '');
export const statusPageUrl = (ctx: Ctx): string => `${base(ctx)}/status`;
const newToken = (): string => randomBytes(32).toString('base64url');

// ---------------------------------------------------------------------------------------------
// Components

export interface ComponentInput {
  kind: 'region' | 'service';
  name: Bilingual;
  description?: Bilingual | undefined;
  status?: StatusComponentStatus | undefined;
  position?: number | undefined;
}

export async function createComponent(ctx: Ctx, actor: Actor, input: ComponentInput): Promise<repo.ComponentRow> {
  requireAdmin(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertComponent(tx, {
      id: newId(),
      kind: input.kind,
      name_en: input.name.en,
      name_zh: input.name.zh,
      description_en: input.description?.en ?? '',
      description_zh: input.description?.zh ?? '',
      status: input.status ?? 'operational',
      position: input.position ?? 0,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'status_component', entityId: row.id, action: 'create', changes: { kind: row.kind, name: input.name.en, status: row.status } });
    return row;
  });
}

export async function updateComponent(ctx: Ctx, actor: Actor, id: string, patch: Partial<ComponentInput>): Promise<repo.ComponentRow> {
  requireStaff(actor);
  if (actor.role !== 'admin' && (patch.kind !== undefined || patch.name !== undefined || patch.description !== undefined || patch.position !== undefined)) {
    throw AppError.forbidden('agents may change a component’s status only');
  }
  return ctx.db.transaction().execute(async (tx) => {
    const before = await repo.findComponent(tx, id);
    if (!before) throw AppError.notFound('status component');
    const now = ctx.clock.now();
    const row = await repo.updateComponent(tx, id, {
      ...(patch.kind ? { kind: patch.kind } : {}),
      ...(patch.name ? { name_en: patch.name.en, name_zh: patch.name.zh } : {}),
      ...(patch.description ? { description_en: patch.description.en, description_zh: patch.description.zh } : {}),
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.position !== undefined ? { position: patch.position } : {}),
      updated_at: now,
    });
    if (!row) throw AppError.notFound('status component');
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'status_component', entityId: id, action: 'update', changes: { ...(patch.status ? { status: { from: before.status, to: patch.status } } : {}), ...(patch.name ? { name: patch.name.en } : {}) } });
    return row;
  });
}

export async function listComponentsFor(ctx: Ctx, actor: Actor): Promise<repo.ComponentRow[]> {
  requireStaff(actor);
  return repo.listComponents(ctx.db);
}

async function checkComponents(db: Database, ids: string[], path: string): Promise<void> {
  const found = new Set((await repo.componentsByIds(db, [...new Set(ids)])).map((c) => c.id));
  ids.forEach((id, i) => {
    if (!found.has(id)) throw AppError.validation(`${path}.${i}`, `no status component "${id}"`);
  });
}

// ---------------------------------------------------------------------------------------------
// Incidents and updates

export interface StatusIncidentView {
  incident: repo.StatusIncidentRow;
  updates: repo.StatusUpdateRow[];
}

export interface NewStatusIncident {
  title: Bilingual;
  status: StatusIncidentStatus;
  impact: StatusImpact;
  componentIds?: string[] | undefined;
  body: Bilingual;
}

async function notifySubscribers(tx: Database, now: Date, kind: 'update' | 'maintenance', id: string | number): Promise<void> {
  await enqueue(tx, now, { topic: 'status.notify', key: `status.notify:${kind}:${id}`, payload: { kind, id: String(id) } });
}

/** Writes an incident with its first update (in `tx`); subscribers are told through the outbox. */
async function insertIncidentWithUpdate(
  tx: Database,
  now: Date,
  input: NewStatusIncident & { source: 'manual' | 'quality'; sourceId: string | null; startedAt: Date; createdBy: string | null },
): Promise<StatusIncidentView | null> {
  const incident = await repo.insertStatusIncident(tx, {
    id: newId(),
    title_en: input.title.en,
    title_zh: input.title.zh,
    status: input.status,
    impact: input.impact,
    component_ids: JSON.stringify(input.componentIds ?? []),
    source: input.source,
    source_id: input.sourceId,
    started_at: input.startedAt,
    resolved_at: input.status === 'resolved' ? now : null,
    created_by: input.createdBy,
    created_at: now,
    updated_at: now,
  });
  if (!incident) return null;
  const update = await repo.insertStatusUpdate(tx, { incident_id: incident.id, status: input.status, body_en: input.body.en, body_zh: input.body.zh, created_by: input.createdBy, created_at: now });
  await recordAudit(tx, { at: now, actorId: input.createdBy, orgId: null, entity: 'status_incident', entityId: incident.id, action: 'create', changes: { title: input.title.en, status: input.status, impact: input.impact, source: input.source, sourceId: input.sourceId } });
  await notifySubscribers(tx, now, 'update', update.id);
  return { incident, updates: [update] };
}

export async function createStatusIncident(ctx: Ctx, actor: Actor, input: NewStatusIncident): Promise<StatusIncidentView> {
  requireStaff(actor);
  await checkComponents(ctx.db, input.componentIds ?? [], 'body.componentIds');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const v = await insertIncidentWithUpdate(tx, now, { ...input, source: 'manual', sourceId: null, startedAt: now, createdBy: actor.userId });
    if (!v) throw new Error('a manual status incident cannot collide');
    return v;
  });
}

async function appendUpdate(tx: Database, now: Date, incidentId: string, input: { status: StatusIncidentStatus; body: Bilingual }, actorId: string | null): Promise<StatusIncidentView> {
  const row = await repo.lockStatusIncident(tx, incidentId);
  if (!row) throw AppError.notFound('status incident');
  const update = await repo.insertStatusUpdate(tx, { incident_id: incidentId, status: input.status, body_en: input.body.en, body_zh: input.body.zh, created_by: actorId, created_at: now });
  const incident = await repo.updateStatusIncident(tx, incidentId, {
    status: input.status,
    resolved_at: input.status === 'resolved' ? (row.resolved_at ?? now) : null,
    updated_at: now,
  });
  await recordAudit(tx, { at: now, actorId, orgId: null, entity: 'status_incident', entityId: incidentId, action: 'update', changes: { from: row.status, to: input.status, updateId: Number(update.id) } });
  await notifySubscribers(tx, now, 'update', update.id);
  return { incident, updates: await repo.updatesOf(tx, [incidentId]) };
}

export async function addStatusUpdate(ctx: Ctx, actor: Actor, incidentId: string, input: { status: StatusIncidentStatus; body: Bilingual }): Promise<StatusIncidentView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (tx) => appendUpdate(tx, ctx.clock.now(), incidentId, input, actor.userId));
}

export async function listStatusIncidentsFor(ctx: Ctx, actor: Actor, q: { days: number; limit: number }): Promise<StatusIncidentView[]> {
  requireStaff(actor);
  return incidentsWithUpdates(ctx.db, new Date(ctx.clock.now().getTime() - q.days * 86_400_000), q.limit);
}

export async function getStatusIncident(ctx: Ctx, actor: Actor, id: string): Promise<StatusIncidentView> {
  requireStaff(actor);
  const incident = await repo.findStatusIncident(ctx.db, id);
  if (!incident) throw AppError.notFound('status incident');
  return { incident, updates: await repo.updatesOf(ctx.db, [id]) };
}

async function incidentsWithUpdates(db: Database, resolvedSince: Date, limit: number): Promise<StatusIncidentView[]> {
  const incidents = await repo.listStatusIncidents(db, { resolvedSince, limit });
  const updates = await repo.updatesOf(db, incidents.map((i) => i.id));
  return incidents.map((incident) => ({ incident, updates: updates.filter((u) => u.incident_id === incident.id) }));
}

// ---------------------------------------------------------------------------------------------
// Maintenance windows

export function maintenanceState(m: repo.MaintenanceRow, now: Date): MaintenanceState {
  if (m.completed_at && m.completed_at <= now) return 'completed';
  if (now < m.starts_at) return 'scheduled';
  if (now < m.ends_at) return 'in_progress';
  return 'completed';
}

export interface MaintenanceInput {
  title: Bilingual;
  body?: Bilingual | undefined;
  componentIds?: string[] | undefined;
  startsAt: string;
  endsAt: string;
}

function instant(v: string, path: string): Date {
  const ms = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) || !Number.isFinite(ms)) throw AppError.validation(path, 'must be an ISO-8601 date-time with Z or an offset');
  return new Date(ms);
}

export async function createMaintenance(ctx: Ctx, actor: Actor, input: MaintenanceInput): Promise<repo.MaintenanceRow> {
  requireStaff(actor);
  const starts = instant(input.startsAt, 'body.startsAt');
  const ends = instant(input.endsAt, 'body.endsAt');
  if (ends <= starts) throw AppError.validation('body.endsAt', 'must be after startsAt');
  await checkComponents(ctx.db, input.componentIds ?? [], 'body.componentIds');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await repo.insertMaintenance(tx, {
      id: newId(),
      title_en: input.title.en,
      title_zh: input.title.zh,
      body_en: input.body?.en ?? '',
      body_zh: input.body?.zh ?? '',
      component_ids: JSON.stringify(input.componentIds ?? []),
      starts_at: starts,
      ends_at: ends,
      completed_at: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'status_maintenance', entityId: row.id, action: 'create', changes: { title: input.title.en, startsAt: starts.toISOString(), endsAt: ends.toISOString() } });
    await notifySubscribers(tx, now, 'maintenance', row.id);
    return row;
  });
}

/** Ends a window early (`complete`), or moves it while it has not ended. */
export async function updateMaintenance(ctx: Ctx, actor: Actor, id: string, patch: { complete?: boolean | undefined; startsAt?: string | undefined; endsAt?: string | undefined }): Promise<repo.MaintenanceRow> {
  requireStaff(actor);
  const row = await repo.findMaintenance(ctx.db, id);
  if (!row) throw AppError.notFound('maintenance window');
  const starts = patch.startsAt !== undefined ? instant(patch.startsAt, 'body.startsAt') : row.starts_at;
  const ends = patch.endsAt !== undefined ? instant(patch.endsAt, 'body.endsAt') : row.ends_at;
  if (ends <= starts) throw AppError.validation('body.endsAt', 'must be after startsAt');
  const now = ctx.clock.now();
  if (maintenanceState(row, now) === 'completed') throw new AppError('conflict', 'this maintenance window is already completed', [{ path: 'status', message: 'completed' }]);
  return ctx.db.transaction().execute(async (tx) => {
    const updated = await repo.updateMaintenance(tx, id, { starts_at: starts, ends_at: ends, ...(patch.complete ? { completed_at: now } : {}), updated_at: now });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'status_maintenance', entityId: id, action: patch.complete ? 'complete' : 'update', changes: { startsAt: starts.toISOString(), endsAt: ends.toISOString() } });
    return updated;
  });
}

export async function listMaintenanceFor(ctx: Ctx, actor: Actor, q: { days: number; limit: number }): Promise<repo.MaintenanceRow[]> {
  requireStaff(actor);
  return repo.listMaintenance(ctx.db, { endsSince: new Date(ctx.clock.now().getTime() - q.days * 86_400_000), limit: q.limit });
}

// ---------------------------------------------------------------------------------------------
// The public feed

export type OverallStatus = 'operational' | 'degraded' | 'partial_outage' | 'major_outage' | 'maintenance';

export interface PublicFeed {
  generatedAt: Date;
  status: OverallStatus;
  components: Array<repo.ComponentRow & { effective: StatusComponentStatus }>;
  incidents: StatusIncidentView[];
  maintenance: Array<repo.MaintenanceRow & { state: MaintenanceState }>;
}

const SEVERITY: Record<StatusComponentStatus, number> = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 };

export async function publicFeed(ctx: Ctx): Promise<PublicFeed> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
  const [components, incidents, windows] = await Promise.all([repo.listComponents(ctx.db), incidentsWithUpdates(ctx.db, since, 50), repo.listMaintenance(ctx.db, { endsSince: since, limit: 50 })]);
  const maintenance = windows.map((m) => ({ ...m, state: maintenanceState(m, now) }));
  const underMaintenance = new Set(maintenance.filter((m) => m.state === 'in_progress').flatMap((m) => m.component_ids));
  const withEffective = components.map((c) => ({ ...c, effective: c.status === 'operational' && underMaintenance.has(c.id) ? ('maintenance' as const) : c.status }));
  let status: OverallStatus = 'operational';
  for (const c of withEffective) if (SEVERITY[c.effective] > SEVERITY[status]) status = c.effective;
  const open = incidents.filter((i) => i.incident.status !== 'resolved');
  if (status === 'operational' && open.length > 0) status = open.some((i) => i.incident.impact === 'critical' || i.incident.impact === 'major') ? 'partial_outage' : 'degraded';
  return { generatedAt: now, status, components: withEffective, incidents, maintenance };
}

// ---------------------------------------------------------------------------------------------
// Subscribers: double opt-in

const emailKey = (email: string): string => email.trim().toLowerCase();

/**
 * Records a subscription request and sends the confirmation e-mail. The answer is the same
 * whether the address is new, pending or already confirmed (nobody learns who subscribed).
 */
export async function subscribe(ctx: Ctx, input: { email: string; lang: Lang }): Promise<void> {
  const email = input.email.trim();
  await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const sub = await repo.upsertSubscriber(tx, { id: newId(), email, email_key: emailKey(email), lang: input.lang, status: 'pending', created_at: now, confirmed_at: null, unsubscribed_at: null, updated_at: now });
    if (sub.status === 'confirmed') return; // nothing to confirm; no second e-mail to a confirmed address
    if (sub.status === 'unsubscribed' || sub.lang !== input.lang) await repo.updateSubscriber(tx, sub.id, { status: 'pending', lang: input.lang, unsubscribed_at: null, updated_at: now });
    await repo.expireConfirmTokens(tx, sub.id, now);
    const confirm = newToken();
    const unsubscribe = newToken();
    const confirmHash = hashToken(confirm);
    await repo.insertSubscriberToken(tx, { token_hash: confirmHash, subscriber_id: sub.id, purpose: 'confirm', expires_at: new Date(now.getTime() + CONFIRM_TTL_MS), used_at: null, created_at: now });
    await repo.insertSubscriberToken(tx, { token_hash: hashToken(unsubscribe), subscriber_id: sub.id, purpose: 'unsubscribe', expires_at: null, used_at: null, created_at: now });
    await enqueueNotification(tx, now, `status.confirm:${sub.id}:${confirmHash.slice(0, 24)}`, {
      channel: 'email',
      to: email,
      template: 'status_confirm',
      lang: input.lang,
      vars: { email, confirmUrl: `${base(ctx)}/api/v1/public/status/confirm?token=${confirm}`, unsubscribeUrl: `${base(ctx)}/api/v1/public/status/unsubscribe?token=${unsubscribe}` },
      event: { type: 'status.confirm', data: { subscriberId: sub.id } },
    });
  });
}

const TOKEN_RE = /^[A-Za-z0-9_-]{20,100}$/;

export type SubscriberChange = { subscriber: repo.SubscriberRow; changed: boolean };

/** Follows a confirmation link: single use, expiring. */
export async function confirmSubscription(ctx: Ctx, token: string): Promise<SubscriberChange> {
  if (!TOKEN_RE.test(token)) throw AppError.notFound('link');
  const hash = hashToken(token);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const t = await repo.findSubscriberToken(tx, hash);
    if (!t || t.purpose !== 'confirm') throw AppError.notFound('link');
    if (t.used_at) throw new AppError('conflict', 'this link has already been used', [{ path: 'token', message: 'used' }]);
    if (t.expires_at && t.expires_at <= now) throw new AppError('conflict', 'this link has expired; subscribe again', [{ path: 'token', message: 'expired' }]);
    await repo.useSubscriberToken(tx, hash, now);
    const sub = await repo.findSubscriber(tx, t.subscriber_id);
    if (!sub) throw AppError.notFound('link');
    if (sub.status === 'confirmed') return { subscriber: sub, changed: false };
    const subscriber = await repo.updateSubscriber(tx, sub.id, { status: 'confirmed', confirmed_at: now, unsubscribed_at: null, updated_at: now });
    await recordAudit(tx, { at: now, actorId: null, orgId: null, entity: 'status_subscriber', entityId: sub.id, action: 'confirm', changes: {} });
    return { subscriber, changed: true };
  });
}

/**
 * Looks at a confirmation or unsubscribe link without using it (what a GET of the link does: mail
 * scanners fetch links, so only an explicit POST acts). Unknown links are refused, and so are used
 * or expired confirmation links; an unsubscribe link keeps working (following it again changes
 * nothing).
 */
export async function checkLinkToken(ctx: Ctx, token: string, purpose: 'confirm' | 'unsubscribe'): Promise<repo.SubscriberRow> {
  if (!TOKEN_RE.test(token)) throw AppError.notFound('link');
  const t = await repo.peekSubscriberToken(ctx.db, hashToken(token));
  if (!t || t.purpose !== purpose) throw AppError.notFound('link');
  if (purpose === 'confirm') {
    if (t.used_at) throw new AppError('conflict', 'this link has already been used', [{ path: 'token', message: 'used' }]);
    if (t.expires_at && t.expires_at <= ctx.clock.now()) throw new AppError('conflict', 'this link has expired; subscribe again', [{ path: 'token', message: 'expired' }]);
  }
  const sub = await repo.findSubscriber(ctx.db, t.subscriber_id);
  if (!sub) throw AppError.notFound('link');
  return sub;
}

/** Follows an unsubscribe link (any message's; following it again changes nothing). */
export async function unsubscribe(ctx: Ctx, token: string): Promise<SubscriberChange> {
  if (!TOKEN_RE.test(token)) throw AppError.notFound('link');
  const hash = hashToken(token);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const t = await repo.findSubscriberToken(tx, hash);
    if (!t || t.purpose !== 'unsubscribe') throw AppError.notFound('link');
    const sub = await repo.findSubscriber(tx, t.subscriber_id);
    if (!sub) throw AppError.notFound('link');
    if (!t.used_at) await repo.useSubscriberToken(tx, hash, now);
    if (sub.status === 'unsubscribed') return { subscriber: sub, changed: false };
    const subscriber = await repo.updateSubscriber(tx, sub.id, { status: 'unsubscribed', unsubscribed_at: now, updated_at: now });
    await repo.expireConfirmTokens(tx, sub.id, now);
    await recordAudit(tx, { at: now, actorId: null, orgId: null, entity: 'status_subscriber', entityId: sub.id, action: 'unsubscribe', changes: {} });
    return { subscriber, changed: true };
  });
}

export async function subscriberCounts(ctx: Ctx, actor: Actor): Promise<Record<string, number>> {
  requireAdmin(actor);
  return repo.countSubscribers(ctx.db);
}

// ---------------------------------------------------------------------------------------------
// Quality incidents on the status page

const IMPACT_OF: Record<string, StatusImpact> = { P0: 'critical', P1: 'major', P2: 'minor' };

function bilingual(v: unknown): Bilingual | null {
  if (typeof v !== 'object' || v === null) return null;
  const { en, zh } = v as { en?: unknown; zh?: unknown };
  return typeof en === 'string' && typeof zh === 'string' ? { en, zh } : null;
}

const GENERIC_BODY: Bilingual = {
  en: 'We are investigating degraded call quality for some users and will post updates here.',
  zh: '我们正在调查部分用户通话质量下降的问题，进展将在此更新。',
};

/**
 * The status page incident of a quality incident, created (with its first update) if it does not
 * exist yet. Only public texts are used: the title and the public summary, never a customer name.
 */
export async function ensureQualityStatusIncident(ctx: Ctx, tx: Database, q: { incidentId: string; severity: string; title: Bilingual; publicSummary: Bilingual | null; startedAt: Date | null }): Promise<repo.StatusIncidentRow> {
  const existing = await repo.findStatusIncidentBySource(tx, 'quality', q.incidentId);
  if (existing) return existing;
  const now = ctx.clock.now();
  const created = await insertIncidentWithUpdate(tx, now, {
    title: q.title,
    status: 'investigating',
    impact: IMPACT_OF[q.severity] ?? 'minor',
    componentIds: [],
    body: q.publicSummary ?? GENERIC_BODY,
    source: 'quality',
    sourceId: q.incidentId,
    startedAt: q.startedAt ?? now,
    createdBy: null,
  });
  if (created) return created.incident;
  const again = await repo.findStatusIncidentBySource(tx, 'quality', q.incidentId);
  if (!again) throw new Error('status incident vanished');
  return again;
}

/** The public summary stored with a quality incident (its diagnosis), when there is one. */
export async function qualityPublicSummary(db: Database, incidentId: string): Promise<{ summary: Bilingual | null; startedAt: Date | null }> {
  const row = await findIncident(db, incidentId);
  return { summary: row ? bilingual(row.diagnosis.publicSummary) : null, startedAt: row?.started_at ?? null };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

async function incidentOpened(db: Database, payload: Record<string, unknown>, ctx: Ctx): Promise<Resolution> {
  const incidentId = str(payload.incidentId);
  const title = bilingual(payload.title);
  if (!incidentId || !title) throw new UndeliverableMessage('incident.opened needs incidentId and title {en, zh}');
  const { summary, startedAt } = await qualityPublicSummary(db, incidentId);
  const row = await db.transaction().execute((tx) => ensureQualityStatusIncident(ctx, tx, { incidentId, severity: str(payload.severity) ?? 'P2', title, publicSummary: summary, startedAt }));
  return { skip: `status page incident ${row.id}` };
}

const RESOLVED_BODY: Bilingual = { en: 'Call quality is back to normal. We will keep monitoring.', zh: '通话质量已恢复正常，我们会继续观察。' };

async function incidentResolved(db: Database, payload: Record<string, unknown>, ctx: Ctx): Promise<Resolution> {
  const incidentId = str(payload.incidentId);
  if (!incidentId) throw new UndeliverableMessage('incident.resolved needs incidentId');
  const existing = await repo.findStatusIncidentBySource(db, 'quality', incidentId);
  if (!existing) return { skip: 'the incident is not on the status page' };
  if (existing.status === 'resolved') return { skip: 'already resolved on the status page' };
  await db.transaction().execute((tx) => appendUpdate(tx, ctx.clock.now(), existing.id, { status: 'resolved', body: RESOLVED_BODY }, null));
  return { skip: `status page incident ${existing.id} resolved` };
}

/**
 * Resolves status page incidents whose quality incident was resolved without an
 * `incident.resolved` message (an incident merged into another one). Run periodically.
 */
export async function reconcileQualityIncidents(ctx: Ctx): Promise<number> {
  const stale = await repo.staleQualityIncidents(ctx.db);
  for (const s of stale) {
    await ctx.db.transaction().execute(async (tx) => {
      const row = await repo.lockStatusIncident(tx, s.id);
      if (!row || row.status === 'resolved') return;
      const body: Bilingual = s.merged_into ? { en: 'This issue is now tracked together with a related incident.', zh: '该问题已与相关事件合并跟踪。' } : RESOLVED_BODY;
      await appendUpdate(tx, ctx.clock.now(), s.id, { status: 'resolved', body }, null);
    });
  }
  return stale.length;
}

// ---------------------------------------------------------------------------------------------
// Fan-out to subscribers

const fmtTime = (d: Date, lang: Lang): string =>
  new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d) + ' UTC';

async function statusNotify(db: Database, payload: Record<string, unknown>, ctx: Ctx): Promise<Resolution> {
  const kind = payload.kind;
  const id = str(payload.id);
  if ((kind !== 'update' && kind !== 'maintenance') || !id) throw new UndeliverableMessage('status.notify needs kind (update | maintenance) and id');
  const components = new Map((await repo.listComponents(db)).map((c) => [c.id, c]));
  const names = (ids: string[], lang: Lang): string => ids.map((i) => components.get(i)).filter((c) => c !== undefined).map((c) => (lang === 'zh' ? c.name_zh : c.name_en)).join(', ');
  let build: (lang: Lang) => { template: 'status_update' | 'status_maintenance'; vars: Record<string, string> };
  if (kind === 'update') {
    const update = await repo.findStatusUpdate(db, Number(id));
    if (!update) return { skip: 'the update no longer exists' };
    const incident = await repo.findStatusIncident(db, update.incident_id);
    if (!incident) return { skip: 'the incident no longer exists' };
    build = (lang) => ({
      template: 'status_update',
      vars: { title: lang === 'zh' ? incident.title_zh : incident.title_en, status: update.status, body: lang === 'zh' ? update.body_zh : update.body_en, components: names(incident.component_ids, lang), at: fmtTime(update.created_at, lang), incidentId: incident.id },
    });
  } else {
    const m = await repo.findMaintenance(db, id);
    if (!m) return { skip: 'the maintenance window no longer exists' };
    build = (lang) => ({
      template: 'status_maintenance',
      vars: { title: lang === 'zh' ? m.title_zh : m.title_en, body: lang === 'zh' ? m.body_zh : m.body_en, startsAt: fmtTime(m.starts_at, lang), endsAt: fmtTime(m.ends_at, lang), components: names(m.component_ids, lang), maintenanceId: m.id },
    });
  }
  const subscribers = await repo.confirmedSubscribers(db);
  const prefix = `status.${kind}:${id}:`;
  const done = await repo.outboxKeysWithPrefix(db, prefix);
  const todo = subscribers.filter((s) => !done.has(prefix + s.id));
  if (todo.length > 0) {
    await db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      for (const s of todo) {
        const token = newToken();
        await repo.insertSubscriberToken(tx, { token_hash: hashToken(token), subscriber_id: s.id, purpose: 'unsubscribe', expires_at: null, used_at: null, created_at: now });
        const { template, vars } = build(s.lang);
        await enqueueNotification(tx, now, prefix + s.id, {
          channel: 'email',
          to: s.email,
          template,
          lang: s.lang,
          vars: { ...vars, statusUrl: statusPageUrl(ctx), unsubscribeUrl: `${base(ctx)}/api/v1/public/status/unsubscribe?token=${token}` },
          event: { type: `status.${kind}`, data: { id } },
        });
      }
    });
  }
  return { skip: `fanned out to ${todo.length} subscriber(s)` };
}

registerTopic('incident.opened', (db, msg, ctx) => incidentOpened(db, msg.payload, ctx));
registerTopic('incident.resolved', (db, msg, ctx) => incidentResolved(db, msg.payload, ctx));
registerTopic('status.notify', (db, msg, ctx) => statusNotify(db, msg.payload, ctx));
