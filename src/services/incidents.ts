/**
 * Quality incidents: what the telemetry pipeline raises (src/ingest/engine.ts) becomes a stored
 * incident with its diagnosis in zh and en, and — for a new one, in the same transaction — a
 * monitoring ticket for the first affected organization (linked through `incident_ids`), a page
 * for the on-call engineer (`openPage`), the outbox message `incident.opened` and one
 * `incident.customer_notice` per affected organization (orgs whose app ids carry the traffic).
 * Staff acknowledge and resolve incidents through the API, and the incident's page follows (as it
 * does when the metrics recover); customers see the incidents that affect their organization.
 */
import { AppError } from '../domain/errors.ts';
import { pickRoundRobin, routeToGroup } from '../domain/tickets.ts';
import { diagnose, type Diagnosis } from '../domain/telemetry/diagnosis.ts';
import type { EngineIncident, IncidentUpdate } from '../ingest/engine.ts';
import type { Database } from '../store/db.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/incidents.ts';
import { findOrg, findUserByHandle } from '../store/repos/people.ts';
import * as tickets from '../store/repos/tickets.ts';
import type { IncidentRow } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { newId } from './crypto.ts';
import { enqueue } from './outbox.ts';
import { followSource, openPage } from './paging.ts';
import { isStaff, requireStaff } from './policy.ts';
import { cachedSlaSettings, refreshTicketSla } from './sla.ts';

/** The user monitoring tickets are filed by (inactive: it cannot sign in and is never e-mailed). */
export const MONITOR_HANDLE = 'signaldesk-monitoring';
const monitorIds = new WeakMap<Database, string>();

export async function ensureMonitorUser(db: Database, now: Date): Promise<string> {
  const cached = monitorIds.get(db);
  if (cached) return cached;
  let u = await findUserByHandle(db, MONITOR_HANDLE);
  if (!u) {
    await db
      .insertInto('users')
      .values({ id: newId(), handle: MONITOR_HANDLE, name: 'Signaldesk monitoring 质量监控', email: 'monitoring@signaldesk.invalid', role: 'admin', org_id: null, level: null, password_hash: null, active: false, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('handle').doNothing())
      .execute();
    u = await findUserByHandle(db, MONITOR_HANDLE);
  }
  if (!u) throw new Error('could not create the monitoring user');
  monitorIds.set(db, u.id);
  return u.id;
}

type OrgRow = Awaited<ReturnType<typeof repo.orgsForApps>>[number];

/** Affected organizations, in the order of their first app in the incident's scope. */
async function affectedOrgs(db: Database, apps: readonly string[]): Promise<OrgRow[]> {
  const orgs = await repo.orgsForApps(db, apps);
  const rank = (o: OrgRow): number => {
    let best = Infinity;
    for (const a of o.app_ids) {
      const i = apps.indexOf(a);
      if (i >= 0 && i < best) best = i;
    }
    return best;
  };
  return orgs.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
}

export function diagnosisOf(inc: EngineIncident, orgs: readonly { name: string }[]): Diagnosis {
  return diagnose({
    severity: inc.severity,
    metrics: inc.metrics,
    rootCause: inc.rootCause,
    scope: { ...inc.scope, countries: inc.rca?.scope.countries ?? [] },
    customers: orgs,
    detection: { metric: inc.primary.metric, slice: Object.fromEntries(Object.entries(inc.primary.slice).filter(([, v]) => v !== undefined)) as Record<string, string>, observed: inc.observed, expected: inc.expected },
    evidence: inc.rca ? { observed: inc.rca.observed, expected: inc.rca.expected, context: inc.rca.context } : null,
  });
}

const finite = (x: number): number => (Number.isFinite(x) ? x : 0);

function diagnosisJson(inc: EngineIncident, d: Diagnosis): Record<string, unknown> {
  return {
    kind: d.kind,
    title: d.title,
    publicSummary: d.publicSummary,
    impact: d.impact,
    cause: d.cause,
    evidence: d.evidence,
    direction: d.direction,
    primary: inc.primary,
    countries: inc.rca?.scope.countries ?? [],
    candidates: inc.rca?.candidates.slice(0, 5) ?? [],
    anomalies: inc.anomalies.slice(0, 20).map((a) => ({ metric: a.metric, slice: a.slice, observed: finite(a.observed), expected: finite(a.expected), score: finite(a.score), onset: new Date(a.onset).toISOString() })),
  };
}

async function openMonitoringTicket(tx: Database, inc: EngineIncident, d: Diagnosis, org: OrgRow, requesterId: string, now: Date, settings: Awaited<ReturnType<typeof cachedSlaSettings>>): Promise<string> {
  const groups = await tx.selectFrom('agent_groups').select(['id', 'name', 'industry', 'region']).execute();
  const group = routeToGroup(groups, { industry: org.industry, regions: org.regions });
  let assignee: { id: string } | null = null;
  if (group) {
    const agents = await tickets.groupAgents(tx, group.id, 'L1');
    if (agents.length) assignee = pickRoundRobin(agents, await tickets.nextGroupTurn(tx, group.id));
  }
  const app = inc.scope.apps.find((a) => org.app_ids.includes(a));
  const root = inc.rootCause[0] ?? {};
  const ticket = await tickets.insertTicket(tx, {
    id: newId(),
    org_id: org.id,
    requester_id: requesterId,
    subject: `${d.title.zh} / ${d.title.en}`.slice(0, 500),
    // The customer reads this ticket in the portal: the public text, no other customer named.
    description: `${d.publicSummary.zh}\n\n${d.publicSummary.en}\n\nIncident ${inc.id}`,
    priority: inc.severity,
    status: 'new',
    channel: 'monitoring',
    assignee_id: assignee?.id ?? null,
    group_id: group?.id ?? null,
    level: 'L1',
    category: 'quality',
    rtc: JSON.stringify({
      ...(app ? { appId: app } : {}),
      ...(root.sdk ? { sdkVersion: root.sdk } : {}),
      ...(root.os ? { os: root.os } : {}),
      ...(root.device ? { device: root.device } : {}),
      ...(root.net ? { net: root.net } : {}),
      ...(root.country ? { region: root.country } : {}),
      happenedAt: new Date(inc.startedAt).toISOString(),
    }),
    tags: JSON.stringify(['incident', 'monitoring', ...inc.metrics]),
    incident_ids: JSON.stringify([inc.id]),
    created_at: now,
    updated_at: now,
  });
  await tickets.insertEvent(tx, { ticketId: ticket.id, at: now, type: 'created', actorId: requesterId, public: true, body: ticket.description, data: { priority: ticket.priority, incidentId: inc.id } });
  if (group) {
    await tickets.insertEvent(tx, { ticketId: ticket.id, at: now, type: 'routed', actorId: null, public: false, data: { groupId: group.id, groupName: group.name, assigneeId: assignee?.id ?? null } });
  }
  await recordAudit(tx, { at: now, actorId: requesterId, orgId: org.id, entity: 'ticket', entityId: ticket.id, action: 'create', changes: { subject: ticket.subject, priority: ticket.priority, incidentId: inc.id } });
  await enqueue(tx, now, { topic: 'ticket.created', key: `ticket.created:${ticket.id}`, payload: { ticketId: ticket.id, priority: ticket.priority, orgId: org.id, incidentId: inc.id } });
  await refreshTicketSla(tx, ticket.id, now, settings);
  return ticket.id;
}

/** Apply one engine update (opened, updated, merged, resolved) to the database. */
export async function applyIncidentUpdate(ctx: Ctx, u: IncidentUpdate): Promise<void> {
  const inc = u.incident;
  // Everything read before the transaction (PGlite: the transaction holds the only connection).
  const now = ctx.clock.now();
  const existing = await repo.findIncident(ctx.db, inc.id);
  const orgs = await affectedOrgs(ctx.db, inc.scope.apps);
  const d = diagnosisOf(inc, orgs);
  const fields = {
    severity: inc.severity,
    metrics: JSON.stringify(inc.metrics),
    started_at: new Date(inc.startedAt),
    detected_at: new Date(inc.detectedAt),
    root_cause: JSON.stringify(inc.rootCause),
    scope: JSON.stringify({ apps: inc.scope.apps, sessions: Math.round(inc.scope.sessions), share: inc.scope.share }),
    observed: finite(inc.observed),
    expected: finite(inc.expected),
    summary: JSON.stringify(d.summary),
    diagnosis: JSON.stringify(diagnosisJson(inc, d)),
    updated_at: now,
  };

  if (!existing) {
    if (u.type === 'merged') return; // never stored: nothing to point elsewhere
    const requesterId = orgs.length ? await ensureMonitorUser(ctx.db, now) : null;
    const settings = orgs.length ? await cachedSlaSettings(ctx.db) : null;
    await ctx.db.transaction().execute(async (tx) => {
      const inserted = await repo.insertIncident(tx, {
        id: inc.id,
        status: inc.status === 'resolved' ? 'resolved' : 'open',
        resolved_at: inc.resolvedAt !== null ? new Date(inc.resolvedAt) : null,
        ticket_id: null,
        affected_orgs: JSON.stringify(orgs.map((o) => o.id)),
        merged_into: null,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_by: null,
        created_at: now,
        ...fields,
      });
      if (!inserted) return; // another process stored it first; the next update refreshes it
      let ticketId: string | null = null;
      const first = orgs[0];
      if (first && requesterId && settings) {
        ticketId = await openMonitoringTicket(tx, inc, d, first, requesterId, now, settings);
        await repo.updateIncident(tx, inc.id, { ticket_id: ticketId });
      }
      await enqueue(tx, now, {
        topic: 'incident.opened',
        key: `incident.opened:${inc.id}`,
        payload: { incidentId: inc.id, severity: inc.severity, ticketId, title: d.title, summary: d.summary, rootCause: inc.rootCause, metrics: inc.metrics, orgIds: orgs.map((o) => o.id) },
      });
      for (const o of orgs) {
        await enqueue(tx, now, {
          topic: 'incident.customer_notice',
          key: `incident.customer_notice:${inc.id}:${o.id}`,
          payload: { incidentId: inc.id, orgId: o.id, orgName: o.name, locale: o.locale, severity: inc.severity, ticketId: o.id === first?.id ? ticketId : null, title: d.title, summary: d.publicSummary },
        });
      }
      await openPage(ctx, tx, { source: 'incident', sourceId: inc.id, title: d.title, summary: { zh: d.summary.zh, en: d.summary.en }, severity: inc.severity, createdBy: null });
      await recordAudit(tx, { at: now, actorId: null, orgId: first?.id ?? null, entity: 'incident', entityId: inc.id, action: 'open', changes: { severity: inc.severity, rootCause: inc.rootCause, metrics: inc.metrics, ticketId } });
    });
    return;
  }

  await ctx.db.transaction().execute(async (tx) => {
    const row = await repo.lockIncident(tx, inc.id);
    if (!row) return;
    switch (u.type) {
      case 'opened':
      case 'updated': {
        const known = new Set(row.affected_orgs);
        const added = orgs.filter((o) => !known.has(o.id));
        await repo.updateIncident(tx, inc.id, { ...fields, affected_orgs: JSON.stringify([...row.affected_orgs, ...added.map((o) => o.id)]) });
        for (const o of added) {
          await enqueue(tx, now, {
            topic: 'incident.customer_notice',
            key: `incident.customer_notice:${inc.id}:${o.id}`,
            payload: { incidentId: inc.id, orgId: o.id, orgName: o.name, locale: o.locale, severity: inc.severity, ticketId: null, title: d.title, summary: d.publicSummary },
          });
        }
        if (row.ticket_id && row.severity !== inc.severity) {
          await tickets.insertEvent(tx, { ticketId: row.ticket_id, at: now, type: 'internal_note', actorId: null, public: false, body: `${d.title.zh}\n${d.title.en}`, data: { incidentId: inc.id, severity: inc.severity } });
        }
        return;
      }
      case 'merged':
        await repo.updateIncident(tx, inc.id, { merged_into: u.mergedInto ?? null, status: 'resolved', resolved_at: row.resolved_at ?? new Date(u.at), updated_at: now });
        await followSource(ctx, tx, 'incident', inc.id, 'resolve', null);
        return;
      case 'resolved': {
        await repo.updateIncident(tx, inc.id, { ...fields, status: 'resolved', resolved_at: row.resolved_at ?? new Date(inc.resolvedAt ?? u.at) });
        if (row.status !== 'resolved') {
          await enqueue(tx, now, { topic: 'incident.resolved', key: `incident.resolved:${inc.id}`, payload: { incidentId: inc.id, ticketId: row.ticket_id, resolvedAt: new Date(inc.resolvedAt ?? u.at).toISOString() } });
          await followSource(ctx, tx, 'incident', inc.id, 'resolve', null);
        }
        if (row.ticket_id) {
          await tickets.insertEvent(tx, { ticketId: row.ticket_id, at: now, type: 'internal_note', actorId: null, public: false, body: `质量事件已恢复 / quality incident recovered (${new Date(inc.resolvedAt ?? u.at).toISOString()})`, data: { incidentId: inc.id } });
        }
        await recordAudit(tx, { at: now, actorId: null, orgId: null, entity: 'incident', entityId: inc.id, action: 'recover', changes: { resolvedAt: new Date(inc.resolvedAt ?? u.at).toISOString() } });
        return;
      }
      default: {
        const never: never = u.type;
        throw new Error(`unknown incident update ${String(never)}`);
      }
    }
  });
}

export interface IncidentView {
  id: string;
  status: 'open' | 'acknowledged' | 'resolved';
  severity: 'P0' | 'P1' | 'P2';
  metrics: string[];
  startedAt: string;
  detectedAt: string;
  resolvedAt: string | null;
  rootCause: Record<string, string>[];
  scope: { apps: string[]; sessions: number; share: number };
  observed: number;
  expected: number;
  summary: { en: string; zh: string };
  ticketId: string | null;
  affectedOrgs: string[];
  acknowledgedAt: string | null;
  mergedInto: string | null;
  diagnosis: Record<string, unknown>;
}

/**
 * The API shape. A customer (`orgApps`: its organization's app ids) sees only its own apps in the
 * scope, its own organization, the public summary and no internal diagnosis or ticket of another
 * organization.
 */
export function presentIncident(row: IncidentRow, actor?: Actor, orgApps?: readonly string[]): IncidentView {
  const staff = !actor || isStaff(actor);
  const pub = row.diagnosis.publicSummary as { en: string; zh: string } | undefined;
  return {
    id: row.id,
    status: row.status,
    severity: row.severity,
    metrics: row.metrics,
    startedAt: row.started_at.toISOString(),
    detectedAt: row.detected_at.toISOString(),
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
    rootCause: row.root_cause,
    scope: { apps: staff ? row.scope.apps : row.scope.apps.filter((a) => orgApps?.includes(a)), sessions: row.scope.sessions, share: row.scope.share },
    observed: row.observed,
    expected: row.expected,
    summary: staff ? row.summary : (pub ?? { en: '', zh: '' }),
    // The monitoring ticket belongs to the first affected organization.
    ticketId: staff || (actor?.orgId && row.affected_orgs[0] === actor.orgId) ? row.ticket_id : null,
    affectedOrgs: staff ? row.affected_orgs : row.affected_orgs.filter((o) => o === actor?.orgId),
    acknowledgedAt: row.acknowledged_at ? row.acknowledged_at.toISOString() : null,
    mergedInto: row.merged_into,
    diagnosis: staff ? row.diagnosis : {},
  };
}

/** The app ids of a customer's organization (what `presentIncident` may show it). */
export async function customerApps(ctx: Ctx, actor: Actor): Promise<string[] | undefined> {
  if (isStaff(actor) || !actor.orgId) return undefined;
  const org = await findOrg(ctx.db, actor.orgId);
  return org?.app_ids ?? [];
}

async function visible(ctx: Ctx, actor: Actor, id: string): Promise<IncidentRow> {
  const row = await repo.findIncident(ctx.db, id);
  if (!row || (!isStaff(actor) && !(actor.orgId && row.affected_orgs.includes(actor.orgId)))) throw AppError.notFound('incident');
  return row;
}

export async function listIncidentsFor(ctx: Ctx, actor: Actor, q: { from?: Date; to?: Date; status?: string[]; limit: number }): Promise<IncidentRow[]> {
  if (!isStaff(actor) && !actor.orgId) return [];
  return repo.listIncidents(ctx.db, { ...q, ...(isStaff(actor) ? {} : { orgId: actor.orgId as string }) });
}

export async function getIncident(ctx: Ctx, actor: Actor, id: string): Promise<IncidentRow> {
  return visible(ctx, actor, id);
}

export async function acknowledgeIncident(ctx: Ctx, actor: Actor, id: string): Promise<IncidentRow> {
  requireStaff(actor);
  await visible(ctx, actor, id);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.lockIncident(tx, id);
    if (!row) throw AppError.notFound('incident');
    if (row.status !== 'open') return row;
    const now = ctx.clock.now();
    const updated = await repo.updateIncident(tx, id, { status: 'acknowledged', acknowledged_at: now, acknowledged_by: actor.userId, updated_at: now });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'incident', entityId: id, action: 'acknowledge', changes: { from: row.status, to: 'acknowledged' } });
    await followSource(ctx, tx, 'incident', id, 'ack', actor.userId);
    return updated;
  });
}

export async function resolveIncident(ctx: Ctx, actor: Actor, id: string): Promise<IncidentRow> {
  requireStaff(actor);
  await visible(ctx, actor, id);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.lockIncident(tx, id);
    if (!row) throw AppError.notFound('incident');
    if (row.status === 'resolved') return row;
    const now = ctx.clock.now();
    const updated = await repo.updateIncident(tx, id, { status: 'resolved', resolved_at: now, resolved_by: actor.userId, acknowledged_at: row.acknowledged_at ?? now, acknowledged_by: row.acknowledged_by ?? actor.userId, updated_at: now });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'incident', entityId: id, action: 'resolve', changes: { from: row.status, to: 'resolved' } });
    await enqueue(tx, now, { topic: 'incident.resolved', key: `incident.resolved:${id}`, payload: { incidentId: id, ticketId: row.ticket_id, by: actor.userId, resolvedAt: now.toISOString() } });
    await followSource(ctx, tx, 'incident', id, 'resolve', actor.userId);
    return updated;
  });
}
