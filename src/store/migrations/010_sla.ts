import { sql, type Kysely } from 'kysely';

const statements = [
  // Business calendars (time zone, weekly periods, holidays, make-up workdays), as the domain's spec.
  sql`create table calendars (
    id text primary key,
    name text not null unique,
    spec jsonb not null,
    is_default boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`alter table orgs add column calendar_id text references calendars(id)`,
  // Targets per tier × priority, in minutes on the policy's calendar ('24x7' or the business one).
  sql`create table sla_policies (
    tier text not null,
    priority text not null,
    calendar text not null check (calendar in ('24x7','business')),
    first_response integer,
    next_reply integer,
    periodic_update integer,
    resolution integer,
    warn_share real not null default 0.8,
    updated_at timestamptz not null default now(),
    primary key (tier, priority)
  )`,
  // The clocks of each ticket as of its last event: what the queue sorts and filters on.
  sql`create table ticket_sla (
    ticket_id text primary key references tickets(id),
    clocks jsonb not null,
    next_due_at timestamptz,
    warn_at timestamptz,
    breached boolean not null default false,
    computed_at timestamptz not null
  )`,
  sql`create index ticket_sla_due_idx on ticket_sla (next_due_at)`,
  sql`create index ticket_sla_breached_idx on ticket_sla (breached) where breached`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
