/**
 * Service metrics (PRODUCT.md, "Service metrics"): first-response and resolution times, resolution
 * rate, SLA attainment and escalations for the tickets created in a period, overall and by tier,
 * by priority and by tier × priority.
 *
 * The clocks are not read from the stored `ticket_sla` index: every ticket's clocks are evaluated
 * from its event history through `evaluateTicketSla`, exactly as the ticket views and the
 * recomputation do (contract.md, "SLA clocks"), with the policies and calendars in force now.
 * Tickets are read in chunks of 500 in (created_at, id) order, with one events query and one
 * escalations query per chunk, so a year of tickets never sits in memory as rows.
 *
 * Definitions:
 * - cohort: tickets with `from <= created_at < to` (and the tier / priority / org filters).
 * - first response time: for tickets whose firstResponse clock is met, its elapsed seconds (the
 *   business time the clock counted: calendar periods only, pauses excluded) and the wall time
 *   from creation to the first agent reply. A ticket solved before any reply has no such time.
 * - resolution time: for tickets whose resolution clock is met (solved, also if closed later),
 *   the same two figures up to the (last) solve.
 * - averages are rounded to whole seconds; p90 is the nearest-rank percentile (⌈0.9·n⌉-th smallest).
 * - resolution rate: tickets now solved or closed ÷ tickets in the cohort.
 * - attainment: tickets whose clock is not breached ÷ tickets that have that clock (a clock without
 *   a target is not kept and does not count). Clocks are evaluated as of now, so a running clock
 *   that has not breached yet counts as attained; `inProgress` says how many of those there are.
 * - escalations: rows of the cohort's tickets by kind (manual, customer_request, auto).
 */
import type { Clock as SlaClock } from '../domain/sla/clocks.ts';
import { isAppError } from '../domain/errors.ts';
import { TIERS } from '../domain/people.ts';
import { PRIORITIES, type PriorityCode } from '../domain/tickets.ts';
import { eventsForTickets } from '../store/repos/sla.ts';
import type { Tier } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { requireStaff } from './policy.ts';
import { evaluateTicketSla, loadSlaSettings, type SlaSettings, type StoredEvent } from './sla.ts';

export const METRICS_CHUNK = 500;
export const MAX_RANGE_DAYS = 366;
export const ESCALATION_KINDS = ['manual', 'customer_request', 'auto'] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

export interface SlaMetricsQuery {
  from: Date;
  to: Date;
  tiers?: Tier[];
  priorities?: PriorityCode[];
  orgId?: string;
}

export interface Spread {
  avgSeconds: number | null;
  p90Seconds: number | null;
}

export interface DurationMetrics {
  /** Tickets that have this time (their clock is met). */
  count: number;
  /** As the SLA clock counts it: working time of the calendar, pauses excluded. */
  business: Spread;
  /** Real time from creation. */
  wall: Spread;
}

export interface Attainment {
  /** Tickets that keep this clock (it has a target). */
  clocks: number;
  breached: number;
  /** Clocks still running or paused and not breached yet (counted as attained). */
  inProgress: number;
  /** (clocks − breached) ÷ clocks; null without clocks. */
  rate: number | null;
}

export interface MetricsGroup {
  tickets: number;
  /** Tickets now solved or closed. */
  resolved: number;
  resolutionRate: number | null;
  firstResponse: DurationMetrics;
  resolution: DurationMetrics;
  attainment: { firstResponse: Attainment; resolution: Attainment };
  escalations: Record<EscalationKind, number> & { total: number };
}

export interface SlaMetrics {
  from: string;
  to: string;
  /** The instant the clocks were evaluated at. */
  asOf: string;
  filters: { tier: Tier[] | null; priority: PriorityCode[] | null; orgId: string | null };
  /** Tickets whose history the SLA engine rejected (corrupt data); they count only as tickets. */
  unevaluated: number;
  overall: MetricsGroup;
  byTier: Array<MetricsGroup & { tier: Tier }>;
  byPriority: Array<MetricsGroup & { priority: PriorityCode }>;
  byTierPriority: Array<MetricsGroup & { tier: Tier; priority: PriorityCode }>;
}

/** Nearest-rank percentile of ascending values. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

function spread(values: number[]): Spread {
  if (values.length === 0) return { avgSeconds: null, p90Seconds: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { avgSeconds: Math.round(sum / sorted.length), p90Seconds: nearestRank(Array.from(sorted), 90) };
}

class Acc {
  tickets = 0;
  resolved = 0;
  readonly fr = { business: [] as number[], wall: [] as number[] };
  readonly res = { business: [] as number[], wall: [] as number[] };
  readonly frAtt = { clocks: 0, breached: 0, inProgress: 0 };
  readonly resAtt = { clocks: 0, breached: 0, inProgress: 0 };
  readonly esc: Record<EscalationKind, number> = { manual: 0, customer_request: 0, auto: 0 };

  result(): MetricsGroup {
    const att = (a: { clocks: number; breached: number; inProgress: number }): Attainment => ({ ...a, rate: a.clocks ? (a.clocks - a.breached) / a.clocks : null });
    return {
      tickets: this.tickets,
      resolved: this.resolved,
      resolutionRate: this.tickets ? this.resolved / this.tickets : null,
      firstResponse: { count: this.fr.business.length, business: spread(this.fr.business), wall: spread(this.fr.wall) },
      resolution: { count: this.res.business.length, business: spread(this.res.business), wall: spread(this.res.wall) },
      attainment: { firstResponse: att(this.frAtt), resolution: att(this.resAtt) },
      escalations: { ...this.esc, total: this.esc.manual + this.esc.customer_request + this.esc.auto },
    };
  }
}

/** What one ticket contributes, computed once and added to each of its groups. */
interface TicketFacts {
  resolved: boolean;
  fr: SlaClock | null;
  res: SlaClock | null;
  createdMs: number;
  escalations: Partial<Record<EscalationKind, number>>;
}

function addTo(acc: Acc, f: TicketFacts): void {
  acc.tickets += 1;
  if (f.resolved) acc.resolved += 1;
  addClock(f.fr, f.createdMs, acc.fr, acc.frAtt);
  addClock(f.res, f.createdMs, acc.res, acc.resAtt);
  for (const k of ESCALATION_KINDS) acc.esc[k] += f.escalations[k] ?? 0;
}

function addClock(c: SlaClock | null, createdMs: number, times: { business: number[]; wall: number[] }, att: { clocks: number; breached: number; inProgress: number }): void {
  if (!c) return;
  att.clocks += 1;
  if (c.breached) att.breached += 1;
  else if (c.state === 'running' || c.state === 'paused') att.inProgress += 1;
  if (c.state === 'met' && c.metAt) {
    times.business.push(c.elapsedSeconds);
    // The clocks count whole seconds from the creation second (evaluateClocks truncates instants).
    times.wall.push(Math.max(0, (Date.parse(c.metAt) - Math.floor(createdMs / 1000) * 1000) / 1000));
  }
}

/** The last row of a page: its creation instant as PostgreSQL text (to the microsecond) and id. */
type Cursor = { at: string; id: string };

/** One page of the cohort in (created_at, id) order, with what the clocks need. */
function cohortPage(ctx: Ctx, q: SlaMetricsQuery, after: Cursor | null, limit: number) {
  let sel = ctx.db
    .selectFrom('tickets as t')
    .innerJoin('orgs as o', 'o.id', 't.org_id')
    .select(['t.id', 't.priority', 't.status', 't.created_at', 'o.tier', 'o.calendar_id'])
    // The cursor keeps full precision: a Date has milliseconds, the column microseconds.
    .select((eb) => eb.cast<string>('t.created_at', 'text').as('created_key'))
    .where('t.created_at', '>=', q.from)
    .where('t.created_at', '<', q.to);
  if (q.tiers?.length) sel = sel.where('o.tier', 'in', q.tiers);
  if (q.priorities?.length) sel = sel.where('t.priority', 'in', q.priorities);
  if (q.orgId) sel = sel.where('t.org_id', '=', q.orgId);
  if (after) {
    sel = sel.where((eb) => {
      const at = eb.cast<Date>(eb.val(after.at), 'timestamptz');
      return eb.or([eb('t.created_at', '>', at), eb.and([eb('t.created_at', '=', at), eb('t.id', '>', after.id)])]);
    });
  }
  return sel.orderBy('t.created_at', 'asc').orderBy('t.id', 'asc').limit(limit).execute();
}

function escalationsOf(ctx: Ctx, ids: string[]) {
  return ctx.db
    .selectFrom('escalations')
    .select(['ticket_id', 'kind'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ticket_id', 'in', ids)
    .groupBy(['ticket_id', 'kind'])
    .execute();
}

/** The metrics of the tickets created in [from, to) (staff only). */
export async function slaMetrics(ctx: Ctx, actor: Actor, q: SlaMetricsQuery, settings?: SlaSettings): Promise<SlaMetrics> {
  requireStaff(actor);
  const now = ctx.clock.now();
  const s = settings ?? (await loadSlaSettings(ctx.db));

  const overall = new Acc();
  const byTier = new Map<Tier, Acc>();
  const byPriority = new Map<PriorityCode, Acc>();
  const byCell = new Map<string, Acc>();
  const acc = <K>(m: Map<K, Acc>, k: K): Acc => {
    let a = m.get(k);
    if (!a) m.set(k, (a = new Acc()));
    return a;
  };
  let unevaluated = 0;

  let after: Cursor | null = null;
  for (;;) {
    const tickets = await cohortPage(ctx, q, after, METRICS_CHUNK);
    if (tickets.length === 0) break;
    const ids = tickets.map((t) => t.id);
    const [events, escalations] = await Promise.all([eventsForTickets(ctx.db, ids), escalationsOf(ctx, ids)]);
    const eventsByTicket = new Map<string, StoredEvent[]>();
    for (const e of events) {
      let list = eventsByTicket.get(e.ticket_id);
      if (!list) eventsByTicket.set(e.ticket_id, (list = []));
      list.push(e);
    }
    const escByTicket = new Map<string, Partial<Record<EscalationKind, number>>>();
    for (const e of escalations) {
      let m = escByTicket.get(e.ticket_id);
      if (!m) escByTicket.set(e.ticket_id, (m = {}));
      m[e.kind] = (m[e.kind] ?? 0) + Number(e.n);
    }
    for (const t of tickets) {
      const createdMs = t.created_at.getTime();
      // A ticket stamped after this process's clock (another process, clock skew) is read as of its creation.
      const at = createdMs > now.getTime() ? t.created_at : now;
      let fr: SlaClock | null = null;
      let res: SlaClock | null = null;
      try {
        const r = evaluateTicketSla(s, { createdAt: t.created_at, priority: t.priority, tier: t.tier, calendarId: t.calendar_id, events: eventsByTicket.get(t.id) ?? [] }, at);
        fr = r.clocks.firstResponse;
        res = r.clocks.resolution;
      } catch (e) {
        if (!isAppError(e)) throw e;
        unevaluated += 1;
      }
      const facts: TicketFacts = { resolved: t.status === 'solved' || t.status === 'closed', fr, res, createdMs, escalations: escByTicket.get(t.id) ?? {} };
      addTo(overall, facts);
      addTo(acc(byTier, t.tier), facts);
      addTo(acc(byPriority, t.priority), facts);
      addTo(acc(byCell, `${t.tier}:${t.priority}`), facts);
    }
    const last = tickets[tickets.length - 1]!;
    after = { at: last.created_key, id: last.id };
    if (tickets.length < METRICS_CHUNK) break;
    // PGlite answers in microtasks: without this a year-long report would starve every other
    // request and timer of this process until it is done.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    asOf: now.toISOString(),
    filters: { tier: q.tiers?.length ? q.tiers : null, priority: q.priorities?.length ? q.priorities : null, orgId: q.orgId ?? null },
    unevaluated,
    overall: overall.result(),
    byTier: TIERS.flatMap((tier) => {
      const a = byTier.get(tier);
      return a ? [{ tier, ...a.result() }] : [];
    }),
    byPriority: PRIORITIES.flatMap((priority) => {
      const a = byPriority.get(priority);
      return a ? [{ priority, ...a.result() }] : [];
    }),
    byTierPriority: TIERS.flatMap((tier) =>
      PRIORITIES.flatMap((priority) => {
        const a = byCell.get(`${tier}:${priority}`);
        return a ? [{ tier, priority, ...a.result() }] : [];
      }),
    ),
  };
}
