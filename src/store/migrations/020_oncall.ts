import { sql, type Kysely } from 'kysely';

// On-call, paging, contact methods and the durable timers (jobs). Forward-only; one statement per
// call so PGlite and PostgreSQL run the same text.
const statements = [
  // A schedule as the domain reads it: layers as JSON (instants normalized to UTC ISO strings).
  sql`create table schedules (
    id text primary key,
    name text not null,
    timezone text not null,
    layers jsonb not null,
    created_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  // Overrides in creation order (the identity): the last created wins where several overlap.
  sql`create table schedule_overrides (
    id bigint generated always as identity primary key,
    schedule_id text not null references schedules(id),
    start_at timestamptz not null,
    end_at timestamptz not null,
    user_id text not null references users(id),
    created_by text references users(id),
    created_at timestamptz not null,
    check (end_at > start_at)
  )`,
  sql`create index schedule_overrides_schedule_idx on schedule_overrides (schedule_id, id)`,
  sql`create table escalation_policies (
    id text primary key,
    name text not null,
    steps jsonb not null,
    repeat integer not null default 0,
    is_default boolean not null default false,
    created_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  // How a person is reached. webhook kinds carry their signing secret (never returned by the API).
  sql`create table contact_methods (
    id text primary key,
    user_id text not null references users(id),
    type text not null check (type in ('email','sms','voice','webhook')),
    kind text check (kind in ('dingtalk','feishu','wecom','slack','generic')),
    address text not null,
    secret text,
    created_at timestamptz not null,
    check ((type = 'webhook') = (kind is not null))
  )`,
  sql`create index contact_methods_user_idx on contact_methods (user_id)`,
  sql`create table pages (
    id text primary key,
    source text not null check (source in ('ticket','sla','incident','manual')),
    source_id text,
    policy_id text references escalation_policies(id),
    policy jsonb,
    title_zh text not null,
    title_en text not null,
    summary_zh text not null default '',
    summary_en text not null default '',
    severity text,
    status text not null default 'triggered' check (status in ('triggered','acknowledged','resolved')),
    started_at timestamptz not null,
    acknowledged_at timestamptz,
    acknowledged_by text references users(id),
    resolved_at timestamptz,
    resolved_by text references users(id),
    pass integer not null default 0,
    step integer not null default 0,
    step_started_at timestamptz,
    next_step_at timestamptz,
    exhausted_at timestamptz,
    created_by text references users(id)
  )`,
  // One open page per source object: a second openPage for the same ticket/incident returns it.
  sql`create unique index pages_open_source_idx on pages (source, source_id) where status <> 'resolved' and source_id is not null`,
  sql`create index pages_started_idx on pages (started_at desc, id)`,
  // Who was notified when, per step of each pass: the page's history.
  sql`create table page_notifications (
    id bigint generated always as identity primary key,
    page_id text not null references pages(id),
    pass integer not null,
    step integer not null,
    user_id text not null references users(id),
    at timestamptz not null,
    channels jsonb not null default '[]'
  )`,
  sql`create index page_notifications_page_idx on page_notifications (page_id, id)`,
  // One-time links in notifications: random tokens stored as SHA-256, single use, expiring.
  sql`create table page_tokens (
    token_hash text primary key,
    page_id text not null references pages(id),
    user_id text not null references users(id),
    action text not null check (action in ('ack','resolve')),
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null
  )`,
  sql`create index page_tokens_page_idx on page_tokens (page_id)`,
  // Durable timers: one row per key; claimed with FOR UPDATE SKIP LOCKED and a lease.
  sql`create table jobs (
    id bigint generated always as identity primary key,
    kind text not null,
    key text not null unique,
    due_at timestamptz not null,
    payload jsonb not null default '{}',
    status text not null default 'pending' check (status in ('pending','running','done','failed')),
    lease_until timestamptz,
    lease_token text,
    attempts integer not null default 0,
    last_error text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  sql`create index jobs_due_idx on jobs (status, due_at)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
