import { sql, type Kysely } from 'kysely';

// How an organization is told about quality incidents that affect it: its IM group robot (the
// signing secret is never returned by the API) and extra e-mail addresses. Forward-only.
const statements = [
  sql`create table org_notification_settings (
    org_id text primary key references orgs(id),
    im_kind text check (im_kind in ('dingtalk','feishu','wecom','slack','generic')),
    im_url text,
    im_secret text,
    emails jsonb not null default '[]',
    updated_by text references users(id),
    updated_at timestamptz not null,
    check ((im_kind is null) = (im_url is null))
  )`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
