import { sql, type Kysely } from 'kysely';

// The public status page: components, incidents with their updates, maintenance windows and
// e-mail subscribers (double opt-in; every token stored as SHA-256). Forward-only.
const statements = [
  sql`create table status_components (
    id text primary key,
    kind text not null check (kind in ('region','service')),
    name_en text not null,
    name_zh text not null,
    description_en text not null default '',
    description_zh text not null default '',
    status text not null default 'operational' check (status in ('operational','degraded','partial_outage','major_outage','maintenance')),
    position integer not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  sql`create table status_incidents (
    id text primary key,
    title_en text not null,
    title_zh text not null,
    status text not null check (status in ('investigating','identified','monitoring','resolved')),
    impact text not null check (impact in ('none','minor','major','critical')),
    component_ids jsonb not null default '[]',
    source text not null check (source in ('manual','quality')),
    source_id text,
    started_at timestamptz not null,
    resolved_at timestamptz,
    created_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  // One status page incident per quality incident, however often its messages are delivered.
  sql`create unique index status_incidents_source_idx on status_incidents (source, source_id) where source_id is not null`,
  sql`create index status_incidents_started_idx on status_incidents (started_at desc, id)`,
  sql`create table status_updates (
    id bigint generated always as identity primary key,
    incident_id text not null references status_incidents(id),
    status text not null check (status in ('investigating','identified','monitoring','resolved')),
    body_en text not null,
    body_zh text not null,
    created_by text references users(id),
    created_at timestamptz not null
  )`,
  sql`create index status_updates_incident_idx on status_updates (incident_id, id)`,
  sql`create table status_maintenance (
    id text primary key,
    title_en text not null,
    title_zh text not null,
    body_en text not null default '',
    body_zh text not null default '',
    component_ids jsonb not null default '[]',
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    completed_at timestamptz,
    created_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    check (ends_at > starts_at)
  )`,
  sql`create index status_maintenance_starts_idx on status_maintenance (starts_at desc, id)`,
  sql`create table status_subscribers (
    id text primary key,
    email text not null,
    email_key text not null unique,
    lang text not null check (lang in ('zh','en')),
    status text not null check (status in ('pending','confirmed','unsubscribed')),
    created_at timestamptz not null,
    confirmed_at timestamptz,
    unsubscribed_at timestamptz,
    updated_at timestamptz not null
  )`,
  sql`create index status_subscribers_status_idx on status_subscribers (status, id)`,
  // Confirmation tokens are single use and expire; unsubscribe tokens ride in every message.
  sql`create table status_subscriber_tokens (
    token_hash text primary key,
    subscriber_id text not null references status_subscribers(id),
    purpose text not null check (purpose in ('confirm','unsubscribe')),
    expires_at timestamptz,
    used_at timestamptz,
    created_at timestamptz not null
  )`,
  sql`create index status_subscriber_tokens_sub_idx on status_subscriber_tokens (subscriber_id)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
