import { sql, type Kysely } from 'kysely';

// The transactional outbox: a side effect is a row written with the state change that causes it.
const statements = [
  sql`create table outbox (
    id bigint generated always as identity primary key,
    topic text not null,
    idempotency_key text not null unique,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending','delivering','done','dead')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    lease_until timestamptz,
    last_error text,
    created_at timestamptz not null
  )`,
  sql`create index outbox_due_idx on outbox (status, next_attempt_at)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
