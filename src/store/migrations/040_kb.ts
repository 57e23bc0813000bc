import { sql, type Kysely } from 'kysely';

// Knowledge base: articles (zh/en markdown, versions, translations, feedback), the case library
// (solved tickets summarized as problem / cause / solution), suggestion sessions (deflection), and
// the search index. Forward-only; one statement per call so PGlite and PostgreSQL run the same text.
//
// The search index stores what the TypeScript analyzer (src/domain/kb) produces, so PostgreSQL never
// has to segment Chinese or stem English: per document the field lengths and a forward list of its
// terms with their per-field frequencies (kb_docs), per term its document frequency (kb_vocab), the
// postings (kb_postings, one row per term and document, covering everything BM25F needs), and the
// corpus totals (kb_stats). See src/services/kb-search.ts for how a query is answered.
const statements = [
  sql`create table kb_articles (
    id text primary key,
    slug text unique,
    lang text not null check (lang in ('zh','en')),
    title text not null,
    body text not null,
    tags jsonb not null default '[]',
    product_area text,
    sdk_versions jsonb not null default '[]',
    platforms jsonb not null default '[]',
    error_codes jsonb not null default '[]',
    status text not null check (status in ('draft','published','archived')),
    translation_group text not null,
    version integer not null default 1,
    source_case_id text,
    created_by text references users(id),
    updated_by text references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    published_at timestamptz
  )`,
  sql`create index kb_articles_group_idx on kb_articles (translation_group)`,
  sql`create index kb_articles_list_idx on kb_articles (status, updated_at desc, id)`,
  // One live article per language in a translation group.
  sql`create unique index kb_articles_group_lang_uq on kb_articles (translation_group, lang) where status <> 'archived'`,
  sql`create table kb_article_versions (
    article_id text not null references kb_articles(id),
    version integer not null,
    lang text not null,
    title text not null,
    body text not null,
    tags jsonb not null,
    product_area text,
    sdk_versions jsonb not null,
    platforms jsonb not null,
    error_codes jsonb not null,
    status text not null,
    edited_by text references users(id),
    edited_at timestamptz not null,
    note text,
    primary key (article_id, version)
  )`,
  // "Was this helpful?": one answer per person and article (a second answer replaces the first).
  sql`create table kb_feedback (
    id bigint generated always as identity primary key,
    article_id text not null references kb_articles(id),
    user_id text not null references users(id),
    helpful boolean not null,
    comment text,
    version integer not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (article_id, user_id)
  )`,
  sql`create table kb_cases (
    id text primary key,
    ticket_id text not null unique references tickets(id),
    org_id text not null references orgs(id),
    lang text not null check (lang in ('zh','en')),
    title text not null,
    problem text not null,
    cause text not null,
    solution text not null,
    tags jsonb not null default '[]',
    product_area text,
    error_code text,
    sdk_version text,
    platform text,
    status text not null check (status in ('internal','promoted')),
    article_id text references kb_articles(id),
    created_by text not null references users(id),
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  // What the portal showed while someone wrote a ticket, whether they opened an article, and whether
  // they still submitted the ticket: the deflection rate.
  sql`create table kb_suggestion_sessions (
    id text primary key,
    user_id text not null references users(id),
    org_id text references orgs(id),
    query text not null,
    shown jsonb not null default '[]',
    opened jsonb not null default '[]',
    first_opened_at timestamptz,
    ticket_id text references tickets(id),
    submitted_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  sql`create index kb_suggestion_sessions_created_idx on kb_suggestion_sessions (created_at)`,

  // ── search index ──
  // One row per searchable document (an article that is not archived, or a case). facet =
  // 2 × scope + language, scope 0 published article, 1 draft article, 2 internal case; language 0 zh,
  // 1 en. term_ids lists the document's terms (to remove its postings and df when it changes).
  sql`create table kb_docs (
    id integer generated always as identity primary key,
    ref_kind text not null check (ref_kind in ('article','case')),
    ref_id text not null,
    facet smallint not null,
    len_title integer not null,
    len_tags integer not null,
    len_body integer not null,
    term_ids integer[] not null,
    unique (ref_kind, ref_id)
  )`,
  // Every term ever indexed. df counts the documents holding it now; changed moves (from
  // kb_vocab_changed_seq) when a term appears or disappears, so processes can refresh their
  // typo-tolerance vocabulary incrementally.
  sql`create table kb_vocab (
    id integer generated always as identity primary key,
    term text not null unique,
    df integer not null,
    changed bigint not null
  )`,
  sql`create sequence kb_vocab_changed_seq`,
  sql`create index kb_vocab_changed_idx on kb_vocab (changed)`,
  // Postings carry the document's facet and field lengths, so scoring needs no join: candidates come
  // from an index-only scan of the primary key by term, and the candidates' other query terms from
  // probes of the same key by (term, document).
  sql`create table kb_postings (
    term_id integer not null,
    doc_id integer not null,
    facet smallint not null,
    tf_title smallint not null,
    tf_tags smallint not null,
    tf_body integer not null,
    len_title smallint not null,
    len_tags smallint not null,
    len_body integer not null,
    primary key (term_id, doc_id) include (facet, tf_title, tf_tags, tf_body, len_title, len_tags, len_body)
  )`,
  // Corpus totals. Index writers lock this row first, which serializes them (no deadlocks on
  // kb_vocab, and kb_vocab.changed grows in commit order).
  sql`create table kb_stats (
    id smallint primary key check (id = 1),
    doc_count bigint not null,
    len_title bigint not null,
    len_tags bigint not null,
    len_body bigint not null,
    generation bigint not null,
    vocab_changed bigint not null
  )`,
  sql`insert into kb_stats (id, doc_count, len_title, len_tags, len_body, generation, vocab_changed) values (1, 0, 0, 0, 0, 0, 0)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
