import { sql, type Kysely } from 'kysely';

// Forward-only. One statement per call: PGlite and PostgreSQL run the same text.
const statements = [
  sql`create table orgs (
    id text primary key,
    name text not null,
    tier text not null check (tier in ('basic','advanced','enterprise')),
    industry text not null,
    timezone text not null,
    locale text not null default 'zh-CN',
    regions jsonb not null default '[]',
    app_ids jsonb not null default '[]',
    csm_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`create table users (
    id text primary key,
    handle text not null unique,
    name text not null,
    email text not null,
    role text not null check (role in ('admin','agent','customer')),
    org_id text references orgs(id),
    level text check (level in ('L1','L2','RD','ARCH')),
    timezone text not null default 'Asia/Shanghai',
    locale text not null default 'zh-CN',
    escalation_manager boolean not null default false,
    available boolean not null default true,
    password_hash text,
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`create index users_org_idx on users (org_id)`,
  sql`create table api_tokens (
    id text primary key,
    user_id text not null references users(id),
    token_hash text not null unique,
    scopes jsonb not null default '[]',
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  sql`create table web_sessions (
    id text primary key,
    user_id text not null references users(id),
    token_hash text not null unique,
    expires_at timestamptz not null,
    created_at timestamptz not null default now()
  )`,
  sql`create table agent_groups (
    id text primary key,
    name text not null unique,
    industry text,
    region text,
    min_priority text,
    rr_cursor integer not null default 0,
    created_at timestamptz not null default now()
  )`,
  sql`create table group_members (
    group_id text not null references agent_groups(id),
    user_id text not null references users(id),
    primary key (group_id, user_id)
  )`,
  sql`create table tickets (
    id text primary key,
    number bigint generated always as identity unique,
    org_id text not null references orgs(id),
    requester_id text not null references users(id),
    subject text not null,
    description text not null,
    priority text not null check (priority in ('P0','P1','P2','P3')),
    status text not null check (status in ('new','open','pending','on_hold','solved','closed')),
    channel text not null,
    assignee_id text references users(id),
    group_id text references agent_groups(id),
    level text not null default 'L1' check (level in ('L1','L2','RD','ARCH')),
    category text,
    rtc jsonb not null default '{}',
    tags jsonb not null default '[]',
    incident_ids jsonb not null default '[]',
    created_at timestamptz not null,
    updated_at timestamptz not null,
    first_response_at timestamptz,
    solved_at timestamptz,
    closed_at timestamptz
  )`,
  sql`create index tickets_org_idx on tickets (org_id, created_at desc, id)`,
  sql`create index tickets_queue_idx on tickets (created_at desc, id)`,
  sql`create index tickets_status_idx on tickets (status, created_at desc, id)`,
  sql`create index tickets_assignee_idx on tickets (assignee_id, status)`,
  sql`create table ticket_events (
    id bigint generated always as identity primary key,
    ticket_id text not null references tickets(id),
    at timestamptz not null,
    type text not null,
    actor_id text references users(id),
    public boolean not null default false,
    body text,
    data jsonb not null default '{}'
  )`,
  sql`create index ticket_events_ticket_idx on ticket_events (ticket_id, id)`,
  sql`create table attachments (
    id text primary key,
    ticket_id text not null references tickets(id),
    event_id bigint references ticket_events(id),
    filename text not null,
    content_type text not null,
    size integer not null,
    sha256 text not null,
    data bytea not null,
    uploaded_by text not null references users(id),
    created_at timestamptz not null default now()
  )`,
  sql`create index attachments_ticket_idx on attachments (ticket_id)`,
  sql`create table escalations (
    id text primary key,
    ticket_id text not null references tickets(id),
    kind text not null check (kind in ('manual','customer_request','auto')),
    from_level text not null,
    to_level text,
    reason text not null,
    plan text,
    next_update_at timestamptz,
    requested_by text references users(id),
    owner_id text references users(id),
    status text not null default 'open' check (status in ('open','done','declined')),
    created_at timestamptz not null
  )`,
  sql`create index escalations_ticket_idx on escalations (ticket_id)`,
  sql`create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor_id text,
    org_id text,
    entity text not null,
    entity_id text not null,
    action text not null,
    changes jsonb not null default '{}'
  )`,
  sql`create index audit_entity_idx on audit_log (entity, entity_id, id)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
