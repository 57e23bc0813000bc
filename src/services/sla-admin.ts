import { AppError } from '../domain/errors.ts';
import { validateCalendar, type BusinessCalendarSpec, type Period } from '../domain/sla/calendar.ts';
import { parseHolidayCalendar, withHolidayFeed } from '../domain/sla/ical.ts';
import type { PriorityCode } from '../domain/tickets.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/sla.ts';
import type { Tier } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { invalidateSlaSettings, recomputeTickets } from './sla.ts';

const OPEN = ['new', 'open', 'pending', 'on_hold'] as const;

export interface PolicyRowView {
  tier: Tier;
  priority: PriorityCode;
  calendar: '24x7' | 'business';
  firstResponse: number | null;
  nextReply: number | null;
  periodicUpdate: number | null;
  resolution: number | null;
  warnShare: number;
}

export async function listPolicyRows(ctx: Ctx): Promise<PolicyRowView[]> {
  return (await repo.listPolicies(ctx.db)).map((p) => ({
    tier: p.tier,
    priority: p.priority,
    calendar: p.calendar,
    firstResponse: p.first_response,
    nextReply: p.next_reply,
    periodicUpdate: p.periodic_update,
    resolution: p.resolution,
    warnShare: Math.round(p.warn_share * 1000) / 1000,
  }));
}

/** Saves policy rows and recomputes the open tickets of exactly the changed tier × priority cells. */
export async function savePolicies(ctx: Ctx, actor: Actor, rows: PolicyRowView[]): Promise<number> {
  try {
    return await savePoliciesTx(ctx, actor, rows);
  } finally {
    invalidateSlaSettings(ctx.db);
  }
}

async function savePoliciesTx(ctx: Ctx, actor: Actor, rows: PolicyRowView[]): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const before = new Map((await repo.listPolicies(tx)).map((p) => [`${p.tier}:${p.priority}`, p]));
    const changed: Array<{ tier: Tier; priority: PriorityCode }> = [];
    for (const r of rows) {
      const old = before.get(`${r.tier}:${r.priority}`);
      const row = { tier: r.tier, priority: r.priority, calendar: r.calendar, first_response: r.firstResponse, next_reply: r.nextReply, periodic_update: r.periodicUpdate, resolution: r.resolution, warn_share: r.warnShare, updated_at: now };
      const same = old && old.calendar === row.calendar && old.first_response === row.first_response && old.next_reply === row.next_reply && old.periodic_update === row.periodic_update && old.resolution === row.resolution && Math.abs(old.warn_share - row.warn_share) < 1e-6;
      if (same) continue;
      await repo.upsertPolicy(tx, row);
      changed.push({ tier: r.tier, priority: r.priority });
      await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'sla_policy', entityId: `${r.tier}:${r.priority}`, action: 'update', changes: { from: old ?? null, to: r } });
    }
    if (changed.length === 0) return 0;
    const ids = await tx
      .selectFrom('tickets as t')
      .innerJoin('orgs as o', 'o.id', 't.org_id')
      .select('t.id')
      .where('t.status', 'in', OPEN)
      .where((eb) => eb.or(changed.map((c) => eb.and([eb('o.tier', '=', c.tier), eb('t.priority', '=', c.priority)]))))
      .execute();
    return recomputeTickets(tx, ids.map((r) => r.id), now);
  });
}

export async function listCalendarViews(ctx: Ctx) {
  return (await repo.listCalendars(ctx.db)).map((c) => ({ id: c.id, name: c.name, isDefault: c.is_default, spec: c.spec, updatedAt: c.updated_at.toISOString() }));
}

/** The open tickets counted on a calendar: business-calendar priorities of orgs that use it. */
async function ticketsOnCalendar(ctx: Ctx, calendarId: string, isDefault: boolean): Promise<string[]> {
  const businessCells = (await repo.listPolicies(ctx.db)).filter((p) => p.calendar === 'business');
  if (businessCells.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('tickets as t')
    .innerJoin('orgs as o', 'o.id', 't.org_id')
    .select('t.id')
    .where('t.status', 'in', OPEN)
    .where((eb) => (isDefault ? eb.or([eb('o.calendar_id', '=', calendarId), eb('o.calendar_id', 'is', null)]) : eb('o.calendar_id', '=', calendarId)))
    .where((eb) => eb.or(businessCells.map((c) => eb.and([eb('o.tier', '=', c.tier), eb('t.priority', '=', c.priority)]))))
    .execute();
  return rows.map((r) => r.id);
}

export async function saveCalendar(ctx: Ctx, actor: Actor, id: string, name: string, specInput: unknown) {
  try {
    return await saveCalendarTx(ctx, actor, id, name, specInput);
  } finally {
    invalidateSlaSettings(ctx.db);
  }
}

async function saveCalendarTx(ctx: Ctx, actor: Actor, id: string, name: string, specInput: unknown) {
  const spec = validateCalendar(specInput, 'spec');
  if (spec === '24x7') throw AppError.validation('spec', 'a business calendar has working periods; 24×7 needs no calendar');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const old = await repo.findCalendar(tx, id);
    await tx
      .insertInto('calendars')
      .values({ id, name, spec: JSON.stringify(spec), updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name, spec: JSON.stringify(spec), updated_at: now }))
      .execute();
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'calendar', entityId: id, action: old ? 'update' : 'create', changes: { name, spec } });
    const txCtx = { ...ctx, db: tx };
    const recomputed = await recomputeTickets(tx, await ticketsOnCalendar(txCtx, id, old?.is_default ?? false), now);
    const saved = await repo.findCalendar(tx, id);
    if (!saved) throw new AppError('internal', 'calendar vanished');
    return { id, name: saved.name, isDefault: saved.is_default, spec: saved.spec, updatedAt: saved.updated_at.toISOString(), recomputed };
  });
}

export async function importIcs(ctx: Ctx, actor: Actor, id: string, ics: string, apply: boolean, workdayHours?: Array<[string, string]>) {
  const cal = await repo.findCalendar(ctx.db, id);
  if (!cal) throw AppError.notFound('calendar');
  const current = validateCalendar(cal.spec, 'calendar') as BusinessCalendarSpec;
  const feed = parseHolidayCalendar(ics, 'ics');
  const next = withHolidayFeed(current, feed, workdayHours as Period[] | undefined);
  const had = new Set(current.holidays ?? []);
  const hadWork = new Set((current.workdays ?? []).map((w) => w.date));
  const addedHolidays = feed.holidays.filter((d) => !had.has(d));
  const addedWorkdays = feed.workdays.filter((w) => !hadWork.has(w.date));
  if (!apply) return { applied: false, addedHolidays, addedWorkdays, calendar: next, recomputed: 0 };
  const saved = await saveCalendar(ctx, actor, id, cal.name, next);
  return { applied: true, addedHolidays, addedWorkdays, calendar: saved.spec, recomputed: saved.recomputed };
}
