import { sql, type Kysely } from 'kysely';

// Calendar feed tokens: a calendar client cannot send a bearer header, so the feed URL carries a
// token scoped to one schedule or one person's shifts, revocable, stored as SHA-256. Forward-only.
const statements = [
  sql`create table ical_tokens (
    id text primary key,
    token_hash text not null unique,
    user_id text not null references users(id),
    scope text not null check (scope in ('schedule','person')),
    target_id text not null,
    created_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  sql`create index ical_tokens_user_idx on ical_tokens (user_id)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
