import { sql, type Kysely } from 'kysely';

// One row per SLA warning or breach raised: the alert fires once per clock, whatever recomputes.
const statements = [
  sql`create table sla_alerts (
    ticket_id text not null references tickets(id),
    clock text not null,
    idx integer not null,
    kind text not null check (kind in ('warning','breach')),
    at timestamptz not null,
    primary key (ticket_id, clock, idx, kind)
  )`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
