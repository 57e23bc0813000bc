import type { Ticket } from '../store/schema.ts';
import { eventsForTickets } from '../store/repos/sla.ts';
import type { Ctx } from './context.ts';
import { cachedSlaSettings, evaluateTicketSla } from './sla.ts';

export interface TicketSla {
  sla: Record<string, unknown>;
  nextResponseDueAt: string | null;
}

/**
 * The SLA clocks of stored tickets as of now, evaluated from their event history (the stored
 * `ticket_sla` row is only the index the queue sorts by): one query for all events of the page.
 */
export async function slaForTickets(ctx: Ctx, tickets: Ticket[]): Promise<Map<string, TicketSla>> {
  const out = new Map<string, TicketSla>();
  if (tickets.length === 0) return out;
  const [settings, events, orgs] = await Promise.all([
    cachedSlaSettings(ctx.db),
    eventsForTickets(ctx.db, tickets.map((t) => t.id)),
    ctx.db.selectFrom('orgs').select(['id', 'tier', 'calendar_id']).where('id', 'in', [...new Set(tickets.map((t) => t.org_id))]).execute(),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const byTicket = new Map<string, typeof events>();
  for (const e of events) {
    let list = byTicket.get(e.ticket_id);
    if (!list) byTicket.set(e.ticket_id, (list = []));
    list.push(e);
  }
  const now = ctx.clock.now();
  for (const t of tickets) {
    const org = orgById.get(t.org_id);
    if (!org) continue;
    const r = evaluateTicketSla(settings, { createdAt: t.created_at, priority: t.priority, tier: org.tier, calendarId: org.calendar_id, events: byTicket.get(t.id) ?? [] }, now);
    out.set(t.id, { sla: { ...r.clocks }, nextResponseDueAt: r.nextResponseDueAt });
  }
  return out;
}
