import { sql, type Kysely } from 'kysely';

// Quality telemetry: 1-minute rollups of the windower's rollup slices (dashboards, baselines),
// late-record counts per minute, and quality incidents. Forward-only; one statement per call.
const statements = [
  sql`create table telemetry_rollups (
    minute timestamptz not null,
    dims_key text not null,
    app text not null default '',
    dims jsonb not null default '{}',
    records double precision not null default 0,
    sessions double precision not null default 0,
    joins double precision not null default 0,
    join_ok double precision not null default 0,
    join_ok5s double precision not null default 0,
    ff_count double precision not null default 0,
    ff_slow double precision not null default 0,
    stats double precision not null default 0,
    interval_ms double precision not null default 0,
    loss_ms double precision not null default 0,
    delay_bad_ms double precision not null default 0,
    rtt_w double precision not null default 0,
    jitter_w double precision not null default 0,
    v_ms double precision not null default 0,
    v_freeze_ms double precision not null default 0,
    a_ms double precision not null default 0,
    a_freeze_ms double precision not null default 0,
    av_ms double precision not null default 0,
    av_bad_ms double precision not null default 0,
    leaves double precision not null default 0,
    leaves_bad double precision not null default 0,
    primary key (minute, dims_key)
  )`,
  sql`create index telemetry_rollups_app_idx on telemetry_rollups (app, minute)`,
  sql`create table telemetry_late (
    minute timestamptz primary key,
    records bigint not null default 0
  )`,
  sql`create table incidents (
    id text primary key,
    status text not null check (status in ('open','acknowledged','resolved')),
    severity text not null check (severity in ('P0','P1','P2')),
    metrics jsonb not null default '[]',
    started_at timestamptz not null,
    detected_at timestamptz not null,
    resolved_at timestamptz,
    root_cause jsonb not null default '[]',
    scope jsonb not null default '{}',
    observed double precision not null,
    expected double precision not null,
    summary jsonb not null default '{}',
    diagnosis jsonb not null default '{}',
    ticket_id text references tickets(id),
    affected_orgs jsonb not null default '[]',
    merged_into text,
    acknowledged_at timestamptz,
    acknowledged_by text references users(id),
    resolved_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  sql`create index incidents_started_idx on incidents (started_at desc, id)`,
  sql`create index incidents_status_idx on incidents (status, started_at desc)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
