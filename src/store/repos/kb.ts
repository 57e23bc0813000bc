import { sql, type Insertable, type Updateable } from 'kysely';
import { BM25F } from '../../domain/kb/rank.ts';
import type { Database } from '../db.ts';
import type { KbArticlesTable, KbArticleStatus, KbArticleVersionsTable, KbCasesTable, KbSuggestionSessionsTable } from '../schema.ts';

// ── articles ────────────────────────────────────────────────────────────────────────────────

export const insertArticle = (db: Database, row: Insertable<KbArticlesTable>) => db.insertInto('kb_articles').values(row).returningAll().executeTakeFirstOrThrow();

/** Many articles in one statement (imports, demo content, benchmarks). */
export async function insertArticles(db: Database, rows: Insertable<KbArticlesTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('kb_articles').values(rows.slice(i, i + 500)).execute();
}

export const findArticle = (db: Database, id: string) => db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();

export const findArticleBySlug = (db: Database, slug: string) => db.selectFrom('kb_articles').selectAll().where('slug', '=', slug).executeTakeFirst();

export const findArticlesBySlug = (db: Database, slugs: string[]) =>
  slugs.length === 0 ? Promise.resolve([]) : db.selectFrom('kb_articles').select(['id', 'slug']).where('slug', 'in', slugs).execute();

/** Locks the row for the rest of the transaction. */
export const lockArticle = (db: Database, id: string) => db.selectFrom('kb_articles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const updateArticle = (db: Database, id: string, set: Updateable<KbArticlesTable>) =>
  db.updateTable('kb_articles').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export async function insertVersions(db: Database, rows: Insertable<KbArticleVersionsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('kb_article_versions').values(rows.slice(i, i + 500)).execute();
}

export const listVersions = (db: Database, articleId: string) =>
  db
    .selectFrom('kb_article_versions as v')
    .leftJoin('users as u', 'u.id', 'v.edited_by')
    .select(['v.version', 'v.title', 'v.lang', 'v.status', 'v.edited_by', 'u.name as editor_name', 'v.edited_at', 'v.note'])
    .where('v.article_id', '=', articleId)
    .orderBy('v.version', 'desc')
    .execute();

export const findVersion = (db: Database, articleId: string, version: number) =>
  db.selectFrom('kb_article_versions').selectAll().where('article_id', '=', articleId).where('version', '=', version).executeTakeFirst();

/** The other live articles of a translation group. */
export const groupArticles = (db: Database, group: string) =>
  db.selectFrom('kb_articles').select(['id', 'lang', 'title', 'status']).where('translation_group', '=', group).where('status', '<>', 'archived').orderBy('lang').execute();

export interface ArticleFilter {
  statuses: KbArticleStatus[];
  lang?: 'zh' | 'en';
  tag?: string;
  productArea?: string;
  limit: number;
  offset: number;
}

export function listArticles(db: Database, f: ArticleFilter) {
  let q = db
    .selectFrom('kb_articles')
    .select(['id', 'slug', 'lang', 'title', 'tags', 'product_area', 'sdk_versions', 'platforms', 'error_codes', 'status', 'translation_group', 'version', 'source_case_id', 'created_by', 'updated_by', 'created_at', 'updated_at', 'published_at'])
    .where('status', 'in', f.statuses)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(f.limit)
    .offset(f.offset);
  if (f.lang) q = q.where('lang', '=', f.lang);
  if (f.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([f.tag])}::jsonb`);
  if (f.productArea) q = q.where('product_area', '=', f.productArea);
  return q.execute();
}

/** Product areas and tags of the articles in `statuses` (and `lang`), most articles first. */
export async function articleFacets(db: Database, f: { statuses: KbArticleStatus[]; lang?: 'zh' | 'en'; tags: number }): Promise<{ productAreas: { value: string; count: number }[]; tags: { value: string; count: number }[] }> {
  const langFilter = f.lang ? sql`and lang = ${f.lang}` : sql``;
  const statuses = sql.join(f.statuses.map((s) => sql`${s}`));
  const areas = await sql<{ value: string; count: number }>`
    select product_area as value, count(*)::int as count from kb_articles
    where status in (${statuses}) ${langFilter} and product_area is not null
    group by product_area order by count(*) desc, product_area`.execute(db);
  const tags = await sql<{ value: string; count: number }>`
    select t.value, count(*)::int as count from kb_articles, jsonb_array_elements_text(tags) as t(value)
    where status in (${statuses}) ${langFilter}
    group by t.value order by count(*) desc, t.value limit ${f.tags}`.execute(db);
  return { productAreas: areas.rows, tags: tags.rows };
}

/** What a search result shows. */
export const articlesForResults = (db: Database, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('kb_articles')
        .select(['id', 'lang', 'title', 'body', 'status', 'translation_group', 'tags', 'error_codes', 'sdk_versions', 'platforms', 'product_area', 'updated_at'])
        .where('id', 'in', ids)
        .execute();

// ── feedback ────────────────────────────────────────────────────────────────────────────────

export async function upsertFeedback(db: Database, f: { articleId: string; userId: string; helpful: boolean; comment: string | null; version: number; at: Date }) {
  return db
    .insertInto('kb_feedback')
    .values({ article_id: f.articleId, user_id: f.userId, helpful: f.helpful, comment: f.comment, version: f.version, created_at: f.at, updated_at: f.at })
    .onConflict((oc) => oc.columns(['article_id', 'user_id']).doUpdateSet({ helpful: f.helpful, comment: f.comment, version: f.version, updated_at: f.at }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function feedbackCounts(db: Database, articleId: string): Promise<{ helpful: number; notHelpful: number }> {
  const rows = await db
    .selectFrom('kb_feedback')
    .select(['helpful'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('article_id', '=', articleId)
    .groupBy('helpful')
    .execute();
  return { helpful: Number(rows.find((r) => r.helpful)?.n ?? 0), notHelpful: Number(rows.find((r) => !r.helpful)?.n ?? 0) };
}

export const listFeedback = (db: Database, articleId: string, limit: number) =>
  db
    .selectFrom('kb_feedback as f')
    .leftJoin('users as u', 'u.id', 'f.user_id')
    .select(['f.id', 'f.helpful', 'f.comment', 'f.version', 'f.updated_at', 'f.user_id', 'u.name as user_name', 'u.role as user_role'])
    .where('f.article_id', '=', articleId)
    .orderBy('f.updated_at', 'desc')
    .orderBy('f.id', 'desc')
    .limit(limit)
    .execute();

// ── cases ───────────────────────────────────────────────────────────────────────────────────

export const insertCase = (db: Database, row: Insertable<KbCasesTable>) => db.insertInto('kb_cases').values(row).returningAll().executeTakeFirstOrThrow();

export const findCase = (db: Database, id: string) => db.selectFrom('kb_cases').selectAll().where('id', '=', id).executeTakeFirst();

export const lockCase = (db: Database, id: string) => db.selectFrom('kb_cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findCaseByTicket = (db: Database, ticketId: string) => db.selectFrom('kb_cases').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();

export const updateCase = (db: Database, id: string, set: Updateable<KbCasesTable>) =>
  db.updateTable('kb_cases').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export function listCases(db: Database, f: { status?: 'internal' | 'promoted'; limit: number; offset: number }) {
  let q = db.selectFrom('kb_cases').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset);
  if (f.status) q = q.where('status', '=', f.status);
  return q.execute();
}

export const casesByIds = (db: Database, ids: string[]) => (ids.length === 0 ? Promise.resolve([]) : db.selectFrom('kb_cases').selectAll().where('id', 'in', ids).execute());

// ── suggestion sessions ─────────────────────────────────────────────────────────────────────

export const insertSession = (db: Database, row: Insertable<KbSuggestionSessionsTable>) => db.insertInto('kb_suggestion_sessions').values(row).returningAll().executeTakeFirstOrThrow();

export const findSession = (db: Database, id: string) => db.selectFrom('kb_suggestion_sessions').selectAll().where('id', '=', id).executeTakeFirst();

export const lockSession = (db: Database, id: string) => db.selectFrom('kb_suggestion_sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const updateSession = (db: Database, id: string, set: Updateable<KbSuggestionSessionsTable>) =>
  db.updateTable('kb_suggestion_sessions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export interface DeflectionCounts {
  sessions: number;
  withSuggestions: number;
  opened: number;
  submitted: number;
  openedAndSubmitted: number;
}

export async function deflectionCounts(db: Database, from: Date, to: Date): Promise<DeflectionCounts> {
  const r = await sql<{ sessions: number; with_suggestions: number; opened: number; submitted: number; opened_and_submitted: number }>`
    select count(*)::int as sessions,
           count(*) filter (where jsonb_array_length(shown) > 0)::int as with_suggestions,
           count(*) filter (where jsonb_array_length(opened) > 0)::int as opened,
           count(*) filter (where ticket_id is not null)::int as submitted,
           count(*) filter (where jsonb_array_length(opened) > 0 and ticket_id is not null)::int as opened_and_submitted
    from kb_suggestion_sessions
    where created_at >= ${from} and created_at < ${to}`.execute(db);
  const row = r.rows[0];
  return {
    sessions: Number(row?.sessions ?? 0),
    withSuggestions: Number(row?.with_suggestions ?? 0),
    opened: Number(row?.opened ?? 0),
    submitted: Number(row?.submitted ?? 0),
    openedAndSubmitted: Number(row?.opened_and_submitted ?? 0),
  };
}

// ── search index ────────────────────────────────────────────────────────────────────────────

export interface IndexStats {
  docCount: number;
  lenTitle: number;
  lenTags: number;
  lenBody: number;
  generation: number;
  vocabChanged: number;
}

function statsOf(r: { doc_count: number; len_title: number; len_tags: number; len_body: number; generation: number; vocab_changed: number }): IndexStats {
  return {
    docCount: Number(r.doc_count),
    lenTitle: Number(r.len_title),
    lenTags: Number(r.len_tags),
    lenBody: Number(r.len_body),
    generation: Number(r.generation),
    vocabChanged: Number(r.vocab_changed),
  };
}

export async function readStats(db: Database): Promise<IndexStats> {
  return statsOf(await db.selectFrom('kb_stats').selectAll().where('id', '=', 1).executeTakeFirstOrThrow());
}

/** Vocabulary terms that appeared (df > 0) or disappeared (df = 0) in (after, upTo]; only terms of the given pattern. */
export async function vocabularyChanges(db: Database, after: number, upTo: number, pattern: string): Promise<{ term: string; df: number }[]> {
  const r = await sql<{ term: string; df: number }>`
    select term, df from kb_vocab where changed > ${after} and changed <= ${upTo} and term ~ ${pattern}`.execute(db);
  return r.rows;
}

export interface TermRow {
  id: number;
  term: string;
  df: number;
}

/** The corpus totals and the given terms' ids and document frequencies, in one round trip. */
export async function statsAndTerms(db: Database, terms: string[]): Promise<{ stats: IndexStats; terms: TermRow[] }> {
  const r = await sql<{ term: string | null; id: number; df: number; doc_count: number; len_title: number; len_tags: number; len_body: number; generation: number; vocab_changed: number }>`
    select null as term, 0 as id, 0 as df, doc_count, len_title, len_tags, len_body, generation, vocab_changed from kb_stats where id = 1
    union all
    select term, id, df, 0, 0, 0, 0, 0, 0 from kb_vocab where term = any(${terms}::text[])`.execute(db);
  const head = r.rows.find((row) => row.term === null);
  if (!head) throw new Error('kb_stats is missing its row');
  return {
    stats: statsOf(head),
    terms: r.rows.filter((row) => row.term !== null).map((row) => ({ id: Number(row.id), term: row.term as string, df: Number(row.df) })),
  };
}

/** BM25F coefficients: a field's tf counts boost·tf / (a + c·len), with a = 1 − b and c = b / avglen. */
export interface FieldCoefficients {
  boost: readonly [number, number, number];
  a: readonly [number, number, number];
  c: readonly [number, number, number];
  k1: number;
}

export interface CandidatePosting {
  termId: number;
  /** [title, tags, body] */
  tf: [number, number, number];
}

export interface Candidate {
  id: number;
  refKind: 'article' | 'case';
  refId: string;
  facet: number;
  lengths: [number, number, number];
  /** The document's postings of the requested terms. */
  postings: CandidatePosting[];
}

/**
 * Candidate generation: documents of the given facets ranked by their partial score over the first
 * `caps[i]` postings of each term in impact order (Σ wi · tf~ / (k1 + tf~), an index-only scan of
 * kb_postings_impact_idx per term), the best `depth` of them with their postings of all query terms
 * (the query terms among the document's term_ids, each then read from the primary key), and the
 * partial score of the next one (null when there is none). The saturation wi·t/(k1 + t) is
 * written wi − wi·k1/(k1 + t): PostgreSQL inlines the subquery's t wherever it is used, and this form evaluates its field expression once
 * per posting instead of twice (the aggregation over these postings is most of a search's time).
 */
export async function candidates(
  db: Database,
  args: { terms: number[]; weights: number[]; caps: number[]; coef: FieldCoefficients; facets: number[]; depth: number },
): Promise<{ docs: Candidate[]; next: number | null }> {
  if (args.terms.length === 0) return { docs: [], next: null };
  const { k1 } = args.coef;
  const r = await sql<{ doc_id: number; term_id: number | null; tf_title: number; tf_tags: number; tf_body: number; len_title: number; len_tags: number; len_body: number; facet: number; ref_kind: 'article' | 'case' | null; ref_id: string | null; s: number | null }>`
    with part as (
      select z.id, sum(z.wi - z.wi * ${k1}::float8 / (${k1}::float8 + z.t)) as s
      from (
        select p.doc_id as id, q.wi, ${tfPart(args.coef, ['p.tf_title', 'p.tf_tags', 'p.tf_body'], ['p.len_title', 'p.len_tags', 'p.len_body'])} as t
        from unnest(${args.terms}::int4[], ${args.weights}::float8[], ${args.caps}::int4[]) as q(term_id, wi, cap)
        cross join lateral (
          select * from kb_postings p where p.term_id = q.term_id and p.facet = any(${args.facets}::int2[]) order by p.impact desc limit q.cap
        ) p
      ) z
      group by z.id
      order by s desc, z.id
      limit ${args.depth + 1}
    ),
    top as (select id from part order by s desc, id limit ${args.depth})
    select p.doc_id, p.term_id, p.tf_title, p.tf_tags, p.tf_body, p.len_title, p.len_tags, p.len_body, p.facet, d.ref_kind, d.ref_id, null::float8 as s
    from top
    join kb_docs d on d.id = top.id
    cross join lateral (select t.term_id from unnest(d.term_ids) as t(term_id) where t.term_id = any(${args.terms}::int4[])) m
    join kb_postings p on p.term_id = m.term_id and p.doc_id = d.id
    union all
    select * from (
      select id, null::int4, 0::int2, 0::int2, 0, 0::int2, 0::int2, 0, 0::int2, null::text, null::text, s from part order by s desc, id offset ${args.depth} limit 1
    ) rest`.execute(db);
  const docs = new Map<number, Candidate>();
  let next: number | null = null;
  for (const row of r.rows) {
    if (row.term_id === null) {
      next = Number(row.s);
      continue;
    }
    const id = Number(row.doc_id);
    let doc = docs.get(id);
    if (doc === undefined) {
      doc = { id, refKind: row.ref_kind as 'article' | 'case', refId: row.ref_id as string, facet: Number(row.facet), lengths: [Number(row.len_title), Number(row.len_tags), Number(row.len_body)], postings: [] };
      docs.set(id, doc);
    }
    doc.postings.push({ termId: Number(row.term_id), tf: [Number(row.tf_title), Number(row.tf_tags), Number(row.tf_body)] });
  }
  return { docs: [...docs.values()], next };
}

export interface DocToIndex {
  refKind: 'article' | 'case';
  refId: string;
  facet: number;
  lengths: readonly [number, number, number];
  /** term → [title, tags, body] counts. */
  tf: ReadonlyMap<string, readonly [number, number, number]>;
}

export interface DocRef {
  refKind: 'article' | 'case';
  refId: string;
}

/**
 * BM25F's per-field coefficients (tf part: boost·tf / (a + c·len)) from the corpus's average field
 * lengths, as `impact` of a new posting is computed: the index's averages, or this batch's while
 * the index is empty.
 */
export function fieldCoefficients(avg: readonly [number, number, number]): FieldCoefficients {
  const fields = [BM25F.fields.title, BM25F.fields.tags, BM25F.fields.body];
  const pick = (f: (x: { boost: number; b: number }, a: number) => number) => fields.map((x, i) => f(x, avg[i] as number)) as unknown as [number, number, number];
  return { boost: pick((x) => x.boost), a: pick((x, a) => (a > 0 ? 1 - x.b : 1)), c: pick((x, a) => (a > 0 ? x.b / a : 0)), k1: BM25F.k1 };
}

/** BM25F's term-frequency part Σ boost·tf / (a + c·len) over the three fields, in SQL (`tf`, `len`: fixed column expressions). */
function tfPart(coef: FieldCoefficients, tf: readonly [string, string, string], len: readonly [string, string, string]) {
  const field = (i: 0 | 1 | 2) => sql`${coef.boost[i]}::float8 * ${sql.raw(tf[i])} / (${coef.a[i]}::float8 + ${coef.c[i]}::float8 * ${sql.raw(len[i])})`;
  return sql`(${field(0)} + ${field(1)} + ${field(2)})`;
}

function impactCoefficients(totals: { doc_count: number; len_title: number; len_tags: number; len_body: number } | undefined, batch: readonly DocToIndex[]): FieldCoefficients {
  const n = Number(totals?.doc_count ?? 0);
  if (n > 0) return fieldCoefficients([Number(totals?.len_title) / n, Number(totals?.len_tags) / n, Number(totals?.len_body) / n]);
  const sum = [0, 0, 0];
  for (const d of batch) for (let i = 0; i < 3; i++) sum[i] = (sum[i] as number) + (d.lengths[i] as number);
  return fieldCoefficients([(sum[0] as number) / batch.length, (sum[1] as number) / batch.length, (sum[2] as number) / batch.length]);
}

/** An integer array as a PostgreSQL array literal: much cheaper to send than a parameter array. */
function intArray(xs: readonly number[]): string {
  return `{${xs.join(',')}}`;
}

/**
 * Writes the search index in the caller's transaction: removes the documents of `remove` and of
 * `upsert` that exist, then adds `upsert`. Keeps df, the corpus totals and the vocabulary change
 * counter exact. The first statement locks kb_stats, so index writers run one at a time.
 */
export async function writeIndex(tx: Database, upsert: readonly DocToIndex[], remove: readonly DocRef[] = []): Promise<void> {
  if (upsert.length === 0 && remove.length === 0) return;
  const totals = (
    await sql<{ doc_count: number; len_title: number; len_tags: number; len_body: number }>`update kb_stats set generation = generation + 1 where id = 1 returning doc_count, len_title, len_tags, len_body`.execute(tx)
  ).rows[0];

  const refs = [...remove, ...upsert];
  const old = await sql<{ id: number; len_title: number; len_tags: number; len_body: number }>`
    select d.id, d.len_title, d.len_tags, d.len_body from kb_docs d
    join unnest(${refs.map((r) => r.refKind)}::text[], ${refs.map((r) => r.refId)}::text[]) as x(kind, ref) on d.ref_kind = x.kind and d.ref_id = x.ref`.execute(tx);
  const delta = { docs: 0, title: 0, tags: 0, body: 0 };
  if (old.rows.length > 0) {
    const oldIds = intArray(old.rows.map((r) => Number(r.id)));
    await sql`delete from kb_postings p using (select d.id, unnest(d.term_ids) as term_id from kb_docs d where d.id = any(${oldIds}::int4[])) x
      where p.term_id = x.term_id and p.doc_id = x.id`.execute(tx);
    await sql`update kb_vocab v
      set df = v.df - x.n, changed = case when v.df = x.n then nextval('kb_vocab_changed_seq') else v.changed end
      from (select t.term_id, count(*)::int as n from kb_docs d, unnest(d.term_ids) as t(term_id) where d.id = any(${oldIds}::int4[]) group by t.term_id) x
      where v.id = x.term_id`.execute(tx);
    await sql`delete from kb_docs where id = any(${oldIds}::int4[])`.execute(tx);
    for (const r of old.rows) {
      delta.docs--;
      delta.title -= Number(r.len_title);
      delta.tags -= Number(r.len_tags);
      delta.body -= Number(r.len_body);
    }
  }

  if (upsert.length > 0) {
    const impact = impactCoefficients(totals, upsert);
    // df increments of this batch, terms sorted (a stable lock order on kb_vocab).
    const dfs = new Map<string, number>();
    for (const d of upsert) for (const term of d.tf.keys()) dfs.set(term, (dfs.get(term) ?? 0) + 1);
    const terms = [...dfs.keys()].sort();
    const ids = new Map<string, number>();
    for (let i = 0; i < terms.length; i += 50_000) {
      const chunk = terms.slice(i, i + 50_000);
      const r = await sql<{ id: number; term: string }>`
        insert into kb_vocab (term, df, changed)
        select x.term, x.n, nextval('kb_vocab_changed_seq') from unnest(${chunk}::text[], ${intArray(chunk.map((t) => dfs.get(t) as number))}::int4[]) as x(term, n) order by x.term
        on conflict (term) do update set df = kb_vocab.df + excluded.df, changed = case when kb_vocab.df = 0 then excluded.changed else kb_vocab.changed end
        returning id, term`.execute(tx);
      for (const row of r.rows) ids.set(row.term, Number(row.id));
    }
    for (let i = 0; i < upsert.length; i += 1000) {
      const batch = upsert.slice(i, i + 1000);
      const termLists = batch.map((d) => [...d.tf.keys()].map((term) => ids.get(term) as number));
      const inserted = await tx
        .insertInto('kb_docs')
        .values(batch.map((d, j) => ({ ref_kind: d.refKind, ref_id: d.refId, facet: d.facet, len_title: d.lengths[0], len_tags: d.lengths[1], len_body: d.lengths[2], term_ids: intArray(termLists[j] as number[]) })))
        .returning(['id', 'ref_kind', 'ref_id'])
        .execute();
      const docIds = new Map(inserted.map((r) => [`${r.ref_kind}:${r.ref_id}`, Number(r.id)]));
      // Postings as columns; the document's facet and lengths by its index in the batch (j).
      const cols = { t: [] as number[], j: [] as number[], a: [] as number[], b: [] as number[], c: [] as number[] };
      const docs = { id: [] as number[], facet: [] as number[], lt: [] as number[], lg: [] as number[], lb: [] as number[] };
      batch.forEach((doc, j) => {
        docs.id.push(docIds.get(`${doc.refKind}:${doc.refId}`) as number);
        docs.facet.push(doc.facet);
        docs.lt.push(doc.lengths[0]);
        docs.lg.push(doc.lengths[1]);
        docs.lb.push(doc.lengths[2]);
        const termIds = termLists[j] as number[];
        let k = 0;
        for (const counts of doc.tf.values()) {
          cols.t.push(termIds[k++] as number);
          cols.j.push(j + 1);
          cols.a.push(counts[0]);
          cols.b.push(counts[1]);
          cols.c.push(counts[2]);
        }
      });
      await sql`insert into kb_postings (term_id, doc_id, facet, tf_title, tf_tags, tf_body, len_title, len_tags, len_body, impact)
        select u.t, x.id[u.j], x.facet[u.j], u.a, u.b, u.c, x.lt[u.j], x.lg[u.j], x.lb[u.j],
          ${tfPart(impact, ['u.a', 'u.b', 'u.c'], ['x.lt[u.j]', 'x.lg[u.j]', 'x.lb[u.j]'])}::real
        from unnest(${intArray(cols.t)}::int4[], ${intArray(cols.j)}::int4[], ${intArray(cols.a)}::int4[], ${intArray(cols.b)}::int4[], ${intArray(cols.c)}::int4[]) as u(t, j, a, b, c),
             (select ${intArray(docs.id)}::int4[] as id, ${intArray(docs.facet)}::int4[] as facet, ${intArray(docs.lt)}::int4[] as lt, ${intArray(docs.lg)}::int4[] as lg, ${intArray(docs.lb)}::int4[] as lb) as x
        order by u.t, u.j`.execute(tx);
    }
    for (const d of upsert) {
      delta.docs++;
      delta.title += d.lengths[0];
      delta.tags += d.lengths[1];
      delta.body += d.lengths[2];
    }
  }
  await sql`update kb_stats set
      doc_count = doc_count + ${delta.docs}, len_title = len_title + ${delta.title}, len_tags = len_tags + ${delta.tags}, len_body = len_body + ${delta.body},
      vocab_changed = (select case when is_called then last_value else 0 end from kb_vocab_changed_seq)
    where id = 1`.execute(tx);
}
