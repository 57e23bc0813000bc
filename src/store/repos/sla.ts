import type { Database } from '../db.ts';
import type { Priority, Tier } from '../schema.ts';

export const listPolicies = (db: Database) => db.selectFrom('sla_policies').selectAll().orderBy('tier').orderBy('priority').execute();
export const listCalendars = (db: Database) => db.selectFrom('calendars').selectAll().orderBy('name').execute();
export const findCalendar = (db: Database, id: string) => db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();

export async function upsertPolicy(
  db: Database,
  row: { tier: Tier; priority: Priority; calendar: '24x7' | 'business'; first_response: number | null; next_reply: number | null; periodic_update: number | null; resolution: number | null; warn_share: number; updated_at: Date },
) {
  await db
    .insertInto('sla_policies')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tier', 'priority']).doUpdateSet({
        calendar: row.calendar,
        first_response: row.first_response,
        next_reply: row.next_reply,
        periodic_update: row.periodic_update,
        resolution: row.resolution,
        warn_share: row.warn_share,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function upsertTicketSla(db: Database, row: { ticket_id: string; clocks: string; next_due_at: Date | null; warn_at: Date | null; breached: boolean; computed_at: Date }) {
  await db
    .insertInto('ticket_sla')
    .values(row)
    .onConflict((oc) => oc.column('ticket_id').doUpdateSet({ clocks: row.clocks, next_due_at: row.next_due_at, warn_at: row.warn_at, breached: row.breached, computed_at: row.computed_at }))
    .execute();
}

/** The SLA-relevant events of many tickets at once, in order. */
export function eventsForTickets(db: Database, ticketIds: string[]) {
  if (ticketIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('ticket_events')
    .select(['ticket_id', 'at', 'type', 'data'])
    .where('ticket_id', 'in', ticketIds)
    .where('type', 'in', ['created', 'agent_reply', 'customer_reply', 'internal_note', 'auto_reply', 'status', 'priority', 'targets'])
    .orderBy('ticket_id')
    .orderBy('id')
    .execute();
}
