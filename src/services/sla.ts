import { compileCalendar, type BusinessCalendarSpec, type WorkCalendar } from '../domain/sla/calendar.ts';
import { DEFAULT_WARN_SHARE, evaluateClocks, isWarningDue, nextDeadlines, type SlaClocks, type SlaEvent, type SlaTargets, type Clock as SlaClock } from '../domain/sla/clocks.ts';
import { DEFAULT_BUSINESS_CALENDAR, DEFAULT_POLICY, resolvePolicyRow } from '../domain/sla/policy.ts';
import { PRIORITIES, type PriorityCode, type StatusCode } from '../domain/tickets.ts';
import { TIERS } from '../domain/people.ts';
import type { Database } from '../store/db.ts';
import * as repo from '../store/repos/sla.ts';
import { cancel as cancelTimer, cancelMany as cancelTimers, schedule as scheduleTimer, scheduleMany as scheduleTimers, type TimerSpec } from '../jobs/timers.ts';
import type { Tier } from '../store/schema.ts';

export const DEFAULT_CALENDAR_ID = 'default-business';

/** Inserts the default business calendar and the PRODUCT.md policy when none exist (idempotent). */
export async function ensureSlaDefaults(db: Database, now: Date): Promise<void> {
  await db
    .insertInto('calendars')
    .values({ id: DEFAULT_CALENDAR_ID, name: 'Default business hours 默认工作时间', spec: JSON.stringify(DEFAULT_BUSINESS_CALENDAR), is_default: true, updated_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const rows = TIERS.flatMap((tier) =>
    PRIORITIES.map((priority) => {
      const row = DEFAULT_POLICY[tier][priority];
      const r = resolvePolicyRow(row, DEFAULT_BUSINESS_CALENDAR);
      return {
        tier,
        priority,
        calendar: row.calendar,
        first_response: r.targets.firstResponse ?? null,
        next_reply: r.targets.nextReply ?? null,
        periodic_update: r.targets.periodicUpdate ?? null,
        resolution: r.targets.resolution ?? null,
        warn_share: DEFAULT_WARN_SHARE,
        updated_at: now,
      };
    }),
  );
  await db.insertInto('sla_policies').values(rows).onConflict((oc) => oc.columns(['tier', 'priority']).doNothing()).execute();
}

export interface SlaSettings {
  policy(tier: Tier, priority: PriorityCode): { calendar: '24x7' | 'business'; targets: SlaTargets; warnShare: number };
  calendar(kind: '24x7' | 'business', calendarId: string | null): WorkCalendar;
}

const TWENTY_FOUR_SEVEN = compileCalendar('24x7');

/** Policies and calendars as one snapshot: load once per request or job, ask many times. */
export async function loadSlaSettings(db: Database): Promise<SlaSettings> {
  const [policies, calendars] = await Promise.all([repo.listPolicies(db), repo.listCalendars(db)]);
  const byKey = new Map(policies.map((p) => [`${p.tier}:${p.priority}`, p]));
  const compiled = new Map<string, WorkCalendar>();
  const defaultRow = calendars.find((c) => c.is_default) ?? calendars[0];
  const cal = (id: string | null): WorkCalendar => {
    const row = (id ? calendars.find((c) => c.id === id) : undefined) ?? defaultRow;
    if (!row) return compileCalendar(DEFAULT_BUSINESS_CALENDAR as BusinessCalendarSpec);
    let c = compiled.get(row.id);
    if (!c) {
      c = compileCalendar(row.spec);
      compiled.set(row.id, c);
    }
    return c;
  };
  return {
    policy(tier, priority) {
      const p = byKey.get(`${tier}:${priority}`);
      if (!p) return { calendar: '24x7', targets: {}, warnShare: DEFAULT_WARN_SHARE };
      return {
        calendar: p.calendar,
        targets: { firstResponse: p.first_response, nextReply: p.next_reply, periodicUpdate: p.periodic_update, resolution: p.resolution },
        warnShare: p.warn_share,
      };
    },
    calendar: (kind, calendarId) => (kind === '24x7' ? TWENTY_FOUR_SEVEN : cal(calendarId)),
  };
}

const SETTINGS_TTL_MS = 2_000;
const settingsCache = new WeakMap<Database, { loadedAt: number; settings: Promise<SlaSettings> }>();

/**
 * The settings snapshot, cached for two seconds per database handle: every ticket read and write
 * needs it, and policies change rarely. An edit in this process invalidates at once; another
 * process sees it within the TTL (its stored clocks are recomputed by the edit itself).
 */
export function cachedSlaSettings(db: Database): Promise<SlaSettings> {
  const hit = settingsCache.get(db);
  const t = performance.now();
  if (hit && t - hit.loadedAt < SETTINGS_TTL_MS) return hit.settings;
  const settings = loadSlaSettings(db);
  settingsCache.set(db, { loadedAt: t, settings });
  settings.catch(() => settingsCache.delete(db));
  return settings;
}

export function invalidateSlaSettings(db: Database): void {
  settingsCache.delete(db);
}

export interface StoredEvent {
  at: Date;
  type: string;
  data: Record<string, unknown>;
}

export interface TicketSlaInput {
  /** The ticket's creation instant: the clocks start here even if the history lacks its event. */
  createdAt: Date;
  priority: PriorityCode;
  tier: Tier;
  calendarId: string | null;
  events: StoredEvent[];
}

/**
 * A ticket's history as the SLA engine's events: comments and status changes as they are, a
 * priority change as a `targets` event with the new priority's targets (elapsed time carries over).
 * The calendar is the one of the ticket's current priority.
 */
export function toSlaInput(settings: SlaSettings, t: TicketSlaInput): { calendar: WorkCalendar; targets: SlaTargets; events: SlaEvent[]; warnShare: number } {
  const created = t.events.find((e) => e.type === 'created');
  const initialPriority = (created?.data.priority as PriorityCode | undefined) ?? t.priority;
  const current = settings.policy(t.tier, t.priority);
  // Tickets imported without their history still start their clocks at creation.
  const events: SlaEvent[] = created ? [] : [{ at: t.createdAt, type: 'created' }];
  for (const e of t.events) {
    switch (e.type) {
      case 'created':
      case 'agent_reply':
      case 'customer_reply':
      case 'internal_note':
      case 'auto_reply':
        events.push({ at: e.at, type: e.type });
        break;
      case 'status':
        events.push({ at: e.at, type: 'status', status: e.data.status as StatusCode });
        break;
      case 'priority':
        events.push({ at: e.at, type: 'targets', targets: settings.policy(t.tier, e.data.priority as PriorityCode).targets });
        break;
      default:
        break;
    }
  }
  return { calendar: settings.calendar(current.calendar, t.calendarId), targets: settings.policy(t.tier, initialPriority).targets, events, warnShare: current.warnShare };
}

export interface TicketSlaResult {
  clocks: SlaClocks;
  /** When the customer is next owed an answer (first response, next reply or periodic update). */
  nextResponseDueAt: string | null;
  /** The nearest due instant of any running clock (queue order). */
  nextDueAt: string | null;
  /** The nearest warning instant still ahead, or the one passed for a clock at risk now. */
  warnAt: string | null;
  breached: boolean;
  /** The next future instant at which a warning or breach happens without further events. */
  nextDeadline: string | null;
  /** A running or paused clock is past its warning share or breached now (an alert may be due). */
  alertDue: boolean;
}

const running = (c: SlaClock | null | undefined): c is SlaClock => !!c && c.state === 'running';

export function evaluateTicketSla(settings: SlaSettings, t: TicketSlaInput, now: Date): TicketSlaResult {
  const input = toSlaInput(settings, t);
  const clocks = evaluateClocks({ calendar: input.calendar, targets: input.targets, events: input.events, now });
  const all = [clocks.firstResponse, clocks.resolution, ...clocks.nextReply, ...clocks.periodicUpdate];
  const responseDue = [clocks.firstResponse, ...clocks.nextReply, ...clocks.periodicUpdate].filter(running).map((c) => c.dueAt).filter((d): d is string => !!d);
  const anyDue = all.filter(running).map((c) => c.dueAt).filter((d): d is string => !!d);
  const deadlines = nextDeadlines(clocks, input.warnShare, { calendar: input.calendar, now });
  const warnings = deadlines.filter((d) => d.kind === 'warning');
  const open = all.filter((c): c is SlaClock => !!c && (c.state === 'running' || c.state === 'paused'));
  const minIso = (xs: string[]) => (xs.length ? xs.reduce((a, b) => (a < b ? a : b)) : null);
  return {
    clocks,
    nextResponseDueAt: minIso(responseDue),
    nextDueAt: minIso(anyDue),
    // At risk from the moment a running, unbreached clock passes its warning share until it is met
    // or breached: a clock already past it counts from this evaluation, else the next warning.
    warnAt: open.some((c) => c.state === 'running' && !c.breached && isWarningDue(c, input.warnShare)) ? now.toISOString() : (warnings[0]?.at ?? null),
    breached: all.some((c) => !!c && c.breached),
    nextDeadline: deadlines[0]?.at ?? null,
    alertDue: open.some((c) => c.breached || isWarningDue(c, input.warnShare)),
  };
}

/** Recomputes and stores one ticket's clocks (call inside the transaction that changed it). */
export async function refreshTicketSla(db: Database, ticketId: string, now: Date, settings?: SlaSettings): Promise<TicketSlaResult> {
  const s = settings ?? (await loadSlaSettings(db));
  const t = await db
    .selectFrom('tickets as t')
    .innerJoin('orgs as o', 'o.id', 't.org_id')
    .select(['t.id', 't.priority', 't.created_at', 'o.tier', 'o.calendar_id'])
    .where('t.id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const events = await repo.eventsForTickets(db, [ticketId]);
  return storeTicketSla(db, ticketId, { createdAt: t.created_at, priority: t.priority, tier: t.tier, calendarId: t.calendar_id, events }, now, s);
}

/** Evaluates a ticket whose history the caller already has, stores the clocks and arms its timer. */
export async function storeTicketSla(db: Database, ticketId: string, input: TicketSlaInput, now: Date, settings: SlaSettings): Promise<TicketSlaResult> {
  const r = evaluateTicketSla(settings, input, now);
  await repo.upsertTicketSla(db, {
    ticket_id: ticketId,
    clocks: JSON.stringify(r.clocks),
    next_due_at: r.nextDueAt ? new Date(r.nextDueAt) : null,
    warn_at: r.warnAt ? new Date(r.warnAt) : null,
    breached: r.breached,
    computed_at: now,
  });
  await armSlaTimer(db, ticketId, r, now);
  return r;
}

export const SLA_TIMER = 'sla.deadline';
export const slaTimerKey = (ticketId: string): string => `sla:${ticketId}`;

/**
 * One durable timer per ticket at its next SLA moment: now when an alert may be due (the handler
 * raises each alert once), else the next warning or breach, else none.
 */
export async function armSlaTimer(db: Database, ticketId: string, r: TicketSlaResult, now: Date, alertsHandled = false): Promise<void> {
  const due = slaTimerDue(r, now, alertsHandled);
  if (due) await scheduleTimer(db, { kind: SLA_TIMER, key: slaTimerKey(ticketId), dueAt: due, payload: { ticketId }, now });
  else await cancelTimer(db, slaTimerKey(ticketId));
}

function slaTimerDue(r: TicketSlaResult, now: Date, alertsHandled: boolean): Date | null {
  return !alertsHandled && r.alertDue ? now : r.nextDeadline ? new Date(r.nextDeadline) : null;
}

/** `armSlaTimer` for many tickets: one upsert for those with a next moment, one delete for the rest. */
async function armSlaTimers(db: Database, results: ReadonlyArray<readonly [string, TicketSlaResult]>, now: Date): Promise<void> {
  const arm: TimerSpec[] = [];
  const disarm: string[] = [];
  for (const [ticketId, r] of results) {
    const due = slaTimerDue(r, now, false);
    if (due) arm.push({ kind: SLA_TIMER, key: slaTimerKey(ticketId), dueAt: due, payload: { ticketId }, now });
    else disarm.push(slaTimerKey(ticketId));
  }
  await scheduleTimers(db, arm);
  await cancelTimers(db, disarm);
}

/**
 * Recomputes the stored clocks of many tickets in chunks: one query for the events of a chunk,
 * one multi-row upsert. Used after a policy or calendar edit for the affected open tickets only.
 */
export async function recomputeTickets(db: Database, ticketIds: string[], now: Date, chunk = 500): Promise<number> {
  if (ticketIds.length === 0) return 0;
  const settings = await loadSlaSettings(db);
  let done = 0;
  for (let i = 0; i < ticketIds.length; i += chunk) {
    const ids = ticketIds.slice(i, i + chunk);
    const [tickets, events] = await Promise.all([
      db.selectFrom('tickets as t').innerJoin('orgs as o', 'o.id', 't.org_id').select(['t.id', 't.priority', 't.created_at', 'o.tier', 'o.calendar_id']).where('t.id', 'in', ids).execute(),
      repo.eventsForTickets(db, ids),
    ]);
    const byTicket = new Map<string, StoredEvent[]>();
    for (const e of events) {
      let list = byTicket.get(e.ticket_id);
      if (!list) byTicket.set(e.ticket_id, (list = []));
      list.push(e);
    }
    const results: Array<[string, TicketSlaResult]> = [];
    const rows = tickets.map((t) => {
      const r = evaluateTicketSla(settings, { createdAt: t.created_at, priority: t.priority, tier: t.tier, calendarId: t.calendar_id, events: byTicket.get(t.id) ?? [] }, now);
      results.push([t.id, r]);
      return { ticket_id: t.id, clocks: JSON.stringify(r.clocks), next_due_at: r.nextDueAt ? new Date(r.nextDueAt) : null, warn_at: r.warnAt ? new Date(r.warnAt) : null, breached: r.breached, computed_at: now };
    });
    if (rows.length) {
      await db
        .insertInto('ticket_sla')
        .values(rows)
        .onConflict((oc) =>
          oc.column('ticket_id').doUpdateSet((eb) => ({
            clocks: eb.ref('excluded.clocks'),
            next_due_at: eb.ref('excluded.next_due_at'),
            warn_at: eb.ref('excluded.warn_at'),
            breached: eb.ref('excluded.breached'),
            computed_at: eb.ref('excluded.computed_at'),
          })),
        )
        .execute();
    }
    await armSlaTimers(db, results, now);
    done += rows.length;
  }
  return done;
}
