// Knowledge-base articles: zh/en markdown with linked translations, versions with history, tags,
// product area, affected SDK versions, platforms and error codes; draft → published → archived;
// "was this helpful?" feedback; and search. Customers read published articles only; admins and
// agents write. Every change is indexed in the same transaction, so it is searchable on commit.

import type { Lang, QueryTerm } from '../domain/kb/analyze.ts';
import { translationGroups } from '../domain/kb/evaluate.ts';
import { documentTerms, type DocumentTerms } from '../domain/kb/rank.ts';
import { AppError } from '../domain/errors.ts';
import type { Database } from '../store/db.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/kb.ts';
import type { Insertable } from 'kysely';
import type { KbArticle, KbArticlesTable, KbArticleStatus, KbCase } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { newId } from './crypto.ts';
import { facetsFor, highlightSpans, indexDocuments, removeDocuments, resultSnippet, searchIndex, type IndexEntry, type IndexHit, type Scope } from './kb-search.ts';
import { isStaff, requireStaff } from './policy.ts';

export interface ArticleInput {
  title: string;
  body: string;
  lang: Lang;
  tags?: string[];
  status?: 'draft' | 'published';
  productArea?: string | null;
  sdkVersions?: string[];
  platforms?: string[];
  errorCodes?: string[];
  /** Id of the article this one translates: both end up in one translation group. */
  translationOf?: string;
  /** A stable name for imported content (demo articles). */
  slug?: string;
  /** Set by case promotion. */
  sourceCaseId?: string;
}

export interface ArticlePatch {
  title?: string;
  body?: string;
  lang?: Lang;
  tags?: string[];
  status?: KbArticleStatus;
  productArea?: string | null;
  sdkVersions?: string[];
  platforms?: string[];
  errorCodes?: string[];
  /** What changed, kept with the version. */
  note?: string;
  /** The version the editor started from: a newer stored version is a conflict. */
  version?: number;
}

/** The text an article is found by: error codes, SDK versions, platforms and the product area count as tags. */
export function articleTerms(a: { title: string; body: string; lang: Lang; tags: readonly string[]; productArea: string | null; errorCodes: readonly string[]; sdkVersions: readonly string[]; platforms: readonly string[] }): DocumentTerms {
  return documentTerms({ title: a.title, body: a.body, lang: a.lang, tags: [...a.tags, ...(a.productArea ? [a.productArea] : []), ...a.errorCodes, ...a.sdkVersions, ...a.platforms] });
}

function termsOfRow(a: KbArticle): DocumentTerms {
  return articleTerms({ title: a.title, body: a.body, lang: a.lang, tags: a.tags, productArea: a.product_area, errorCodes: a.error_codes, sdkVersions: a.sdk_versions, platforms: a.platforms });
}

const scopeOf = (status: KbArticleStatus): Scope | null => (status === 'published' ? 'published' : status === 'draft' ? 'draft' : null);

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

function dedupe(xs: readonly string[] | undefined): string[] {
  return [...new Set((xs ?? []).map((x) => x.trim()).filter((x) => x !== ''))];
}

/** Loads an article the actor may see: customers only published ones (anything else is "not found"). */
export async function loadVisibleArticle(db: Database, actor: Actor, id: string): Promise<KbArticle> {
  const a = await repo.findArticle(db, id);
  if (!a || (!isStaff(actor) && a.status !== 'published')) throw AppError.notFound('article');
  return a;
}

async function translationGroupFor(db: Database, input: { lang: Lang; translationOf?: string | undefined }, id: string): Promise<string> {
  if (!input.translationOf) return id;
  const other = (await repo.findArticle(db, input.translationOf)) ?? (await repo.findArticleBySlug(db, input.translationOf));
  if (!other || other.status === 'archived') throw AppError.validation('translationOf', 'no such article');
  if (other.lang === input.lang) throw AppError.validation('translationOf', `a translation must be in another language than ${other.lang}`);
  const siblings = await repo.groupArticles(db, other.translation_group);
  if (siblings.some((s) => s.lang === input.lang)) {
    throw new AppError('conflict', `that article already has a ${input.lang} translation`, [{ path: 'translationOf', message: 'translation exists' }]);
  }
  return other.translation_group;
}

export async function createArticle(ctx: Ctx, actor: Actor, input: ArticleInput): Promise<KbArticle> {
  requireStaff(actor);
  const [article] = await importArticles(ctx, actor, [input]);
  return article as KbArticle;
}

/**
 * Creates articles in one transaction (one index write for all): what createArticle, the demo
 * content and imports use. `translationOf` may name an id or slug of a stored article, or the slug
 * of an article of the same batch.
 */
export async function importArticles(ctx: Ctx, actor: Actor | null, inputs: readonly ArticleInput[]): Promise<KbArticle[]> {
  if (actor) requireStaff(actor);
  const prepared = await prepareArticles(ctx, actor, inputs);
  await ctx.db.transaction().execute((tx) => writeArticles(tx, prepared));
  const created = await ctx.db.selectFrom('kb_articles').selectAll().where('id', 'in', prepared.ids).execute();
  const byId = new Map(created.map((a) => [a.id, a]));
  return prepared.ids.map((id) => byId.get(id) as KbArticle);
}

export interface PreparedArticles {
  ids: string[];
  actorId: string | null;
  now: Date;
  rows: Insertable<KbArticlesTable>[];
  entries: IndexEntry[];
}

/** Validation, translation groups and text analysis: everything before the transaction. */
export async function prepareArticles(ctx: Ctx, actor: Actor | null, inputs: readonly ArticleInput[]): Promise<PreparedArticles> {
  const now = ctx.clock.now();
  const ids = inputs.map(() => newId());
  // Translation groups inside the batch (by slug), named by the id of one member.
  const keys = inputs.map((a, i) => a.slug ?? (ids[i] as string));
  const keyIndex = new Map(keys.map((k, i) => [k, i]));
  const inBatch = (a: ArticleInput): boolean => a.translationOf !== undefined && keyIndex.has(a.translationOf);
  const roots = translationGroups(inputs.map((a, i) => ({ slug: keys[i] as string, ...(inBatch(a) ? { translationOf: a.translationOf as string } : {}) })));
  const groupOf = (i: number): string => ids[keyIndex.get(roots.get(keys[i] as string) as string) as number] as string;
  const actorId = actor?.userId || null;
  const rows: Insertable<KbArticlesTable>[] = [];
  const entries: IndexEntry[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as ArticleInput;
    const id = ids[i] as string;
    const group = inBatch(input) ? groupOf(i) : await translationGroupFor(ctx.db, input, id);
    const status = input.status ?? 'published';
    const a = { tags: dedupe(input.tags), productArea: input.productArea ?? null, errorCodes: dedupe(input.errorCodes), sdkVersions: dedupe(input.sdkVersions), platforms: dedupe(input.platforms) };
    rows.push({
      id,
      slug: input.slug ?? null,
      lang: input.lang,
      title: input.title,
      body: input.body,
      tags: JSON.stringify(a.tags),
      product_area: a.productArea,
      sdk_versions: JSON.stringify(a.sdkVersions),
      platforms: JSON.stringify(a.platforms),
      error_codes: JSON.stringify(a.errorCodes),
      status,
      translation_group: group,
      version: 1,
      source_case_id: input.sourceCaseId ?? null,
      created_by: actorId,
      updated_by: actorId,
      created_at: now,
      updated_at: now,
      published_at: status === 'published' ? now : null,
    });
    entries.push({ kind: 'article', id, scope: scopeOf(status) as Scope, lang: input.lang, terms: articleTerms({ title: input.title, body: input.body, lang: input.lang, ...a }) });
  }
  return { ids, actorId, now, rows, entries };
}

/** Inserts prepared articles with their first version, indexes and audits them, in the caller's transaction. */
export async function writeArticles(tx: Database, p: PreparedArticles): Promise<void> {
  try {
    await repo.insertArticles(tx, p.rows);
    await repo.insertVersions(
      tx,
      p.rows.map((r) => ({ article_id: r.id, version: 1, lang: r.lang, title: r.title, body: r.body, tags: r.tags, product_area: r.product_area ?? null, sdk_versions: r.sdk_versions, platforms: r.platforms, error_codes: r.error_codes, status: r.status, edited_by: p.actorId, edited_at: p.now, note: null })),
    );
    await indexDocuments(tx, p.entries);
    for (const r of p.rows) {
      await recordAudit(tx, { at: p.now, actorId: p.actorId, orgId: null, entity: 'kb_article', entityId: r.id, action: 'create', changes: { title: r.title, lang: r.lang, status: r.status } });
    }
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', 'an article with this slug, or a translation in this language, already exists');
    throw e;
  }
}

export async function updateArticle(ctx: Ctx, actor: Actor, id: string, patch: ArticlePatch): Promise<KbArticle> {
  requireStaff(actor);
  const current = await repo.findArticle(ctx.db, id);
  if (!current) throw AppError.notFound('article');
  const next = {
    title: patch.title ?? current.title,
    body: patch.body ?? current.body,
    lang: patch.lang ?? current.lang,
    tags: patch.tags !== undefined ? dedupe(patch.tags) : current.tags,
    productArea: patch.productArea !== undefined ? patch.productArea : current.product_area,
    errorCodes: patch.errorCodes !== undefined ? dedupe(patch.errorCodes) : current.error_codes,
    sdkVersions: patch.sdkVersions !== undefined ? dedupe(patch.sdkVersions) : current.sdk_versions,
    platforms: patch.platforms !== undefined ? dedupe(patch.platforms) : current.platforms,
    status: patch.status ?? current.status,
  };
  if (next.lang !== current.lang) {
    const siblings = await repo.groupArticles(ctx.db, current.translation_group);
    if (siblings.some((s) => s.id !== id && s.lang === next.lang)) throw new AppError('conflict', `this article's translation group already has a ${next.lang} article`, [{ path: 'lang', message: 'translation exists' }]);
  }
  const scope = scopeOf(next.status);
  // Analysis is CPU work: done before the transaction.
  const terms = scope ? articleTerms(next) : null;
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const a = await repo.lockArticle(tx, id);
      if (!a) throw AppError.notFound('article');
      if (patch.version !== undefined && patch.version !== a.version) {
        throw new AppError('conflict', `the article is at version ${a.version}; reload and apply your change again`, [{ path: 'version', message: `stored version is ${a.version}` }]);
      }
      const now = ctx.clock.now();
      const version = a.version + 1;
      const updated = await repo.updateArticle(tx, id, {
        title: next.title,
        body: next.body,
        lang: next.lang,
        tags: JSON.stringify(next.tags),
        product_area: next.productArea,
        error_codes: JSON.stringify(next.errorCodes),
        sdk_versions: JSON.stringify(next.sdkVersions),
        platforms: JSON.stringify(next.platforms),
        status: next.status,
        version,
        updated_by: actor.userId,
        updated_at: now,
        ...(next.status === 'published' && a.status !== 'published' ? { published_at: now } : {}),
      });
      await repo.insertVersions(tx, [
        { article_id: id, version, lang: next.lang, title: next.title, body: next.body, tags: JSON.stringify(next.tags), product_area: next.productArea, sdk_versions: JSON.stringify(next.sdkVersions), platforms: JSON.stringify(next.platforms), error_codes: JSON.stringify(next.errorCodes), status: next.status, edited_by: actor.userId, edited_at: now, note: patch.note ?? null },
      ]);
      if (scope && terms) await indexDocuments(tx, [{ kind: 'article', id, scope, lang: next.lang, terms }]);
      else await removeDocuments(tx, [{ kind: 'article', id }]);
      const changed = (Object.keys(patch) as (keyof ArticlePatch)[]).filter((k) => k !== 'version' && k !== 'note');
      await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'kb_article', entityId: id, action: next.status === 'archived' && a.status !== 'archived' ? 'archive' : 'update', changes: { fields: changed, version, from: a.status, to: next.status } });
      return updated;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', "this article's translation group already has an article in that language");
    throw e;
  }
}

export const archiveArticle = (ctx: Ctx, actor: Actor, id: string) => updateArticle(ctx, actor, id, { status: 'archived' });

export async function articleView(ctx: Ctx, actor: Actor, id: string) {
  const a = await loadVisibleArticle(ctx.db, actor, id);
  const translations = (await repo.groupArticles(ctx.db, a.translation_group)).filter((t) => t.id !== a.id && (isStaff(actor) || t.status === 'published'));
  const feedback = isStaff(actor) ? await repo.feedbackCounts(ctx.db, a.id) : undefined;
  return { article: a, translations, feedback };
}

function visibleStatuses(actor: Actor, status?: KbArticleStatus): KbArticleStatus[] {
  const statuses: KbArticleStatus[] = status ? [status] : isStaff(actor) ? ['draft', 'published'] : ['published'];
  return isStaff(actor) ? statuses : statuses.filter((s) => s === 'published');
}

export async function listArticles(ctx: Ctx, actor: Actor, f: { status?: KbArticleStatus; lang?: Lang; tag?: string; productArea?: string; limit: number; offset: number }) {
  const statuses = visibleStatuses(actor, f.status);
  if (statuses.length === 0) return [];
  return repo.listArticles(ctx.db, { statuses, limit: f.limit, offset: f.offset, ...(f.lang ? { lang: f.lang } : {}), ...(f.tag ? { tag: f.tag } : {}), ...(f.productArea ? { productArea: f.productArea } : {}) });
}

/** What the help center browses by: product areas and the most used tags of the articles the actor may read. */
export async function articleFacets(ctx: Ctx, actor: Actor, f: { status?: KbArticleStatus; lang?: Lang; tags: number }) {
  const statuses = visibleStatuses(actor, f.status);
  if (statuses.length === 0) return { productAreas: [], tags: [] };
  return repo.articleFacets(ctx.db, { statuses, tags: f.tags, ...(f.lang ? { lang: f.lang } : {}) });
}

export async function articleVersions(ctx: Ctx, actor: Actor, id: string) {
  requireStaff(actor);
  await loadVisibleArticle(ctx.db, actor, id);
  return repo.listVersions(ctx.db, id);
}

export async function articleVersion(ctx: Ctx, actor: Actor, id: string, version: number) {
  requireStaff(actor);
  await loadVisibleArticle(ctx.db, actor, id);
  const v = await repo.findVersion(ctx.db, id, version);
  if (!v) throw AppError.notFound('version');
  return v;
}

// ── feedback ────────────────────────────────────────────────────────────────────────────────

export async function submitFeedback(ctx: Ctx, actor: Actor, id: string, input: { helpful: boolean; comment?: string }) {
  const a = await loadVisibleArticle(ctx.db, actor, id);
  if (a.status === 'archived') throw new AppError('conflict', 'this article is archived');
  const comment = input.comment?.trim() || null;
  const row = await repo.upsertFeedback(ctx.db, { articleId: a.id, userId: actor.userId, helpful: input.helpful, comment, version: a.version, at: ctx.clock.now() });
  return row;
}

export async function articleFeedback(ctx: Ctx, actor: Actor, id: string, limit: number) {
  requireStaff(actor);
  await loadVisibleArticle(ctx.db, actor, id);
  const [counts, items] = [await repo.feedbackCounts(ctx.db, id), await repo.listFeedback(ctx.db, id, limit)];
  return { ...counts, items };
}

// ── search ──────────────────────────────────────────────────────────────────────────────────

export type SearchKind = 'article' | 'case' | 'all';

export interface SearchInput {
  q: string;
  lang?: Lang;
  limit: number;
  kind?: SearchKind;
}

export interface SearchItem {
  id: string;
  kind: 'article' | 'case';
  title: string;
  score: number;
  snippet: string;
  lang: Lang;
  status: KbArticleStatus | 'internal' | 'promoted';
  translationGroup: string | null;
  tags: string[];
  errorCodes: string[];
  sdkVersions: string[];
  platforms: string[];
  /** Query terms that matched, best first. */
  matched: string[];
  /** [start, end) spans of the snippet and of the title where matched terms stand (for the UI to mark). */
  highlights: { title: [number, number][]; snippet: [number, number][] };
}

/** Which documents the actor may find. Customers: published articles, never cases. */
export function scopesFor(actor: Actor, kind: SearchKind = 'article'): Scope[] {
  if (!isStaff(actor)) {
    if (kind === 'case') throw AppError.forbidden('cases are internal to support');
    return ['published'];
  }
  if (kind === 'case') return ['case'];
  if (kind === 'all') return ['published', 'draft', 'case'];
  return ['published', 'draft'];
}

export const caseBody = (c: Pick<KbCase, 'problem' | 'cause' | 'solution'>): string => [c.problem, c.cause, c.solution].filter((s) => s.trim() !== '').join('\n\n');

export async function searchKb(ctx: Ctx, actor: Actor, input: SearchInput): Promise<SearchItem[]> {
  const scopes = scopesFor(actor, input.kind);
  const result = await searchIndex(ctx.db, { text: input.q, facets: facetsFor(scopes, input.lang), limit: input.limit });
  return hydrate(ctx.db, result.hits, result.terms);
}

/** Titles, snippets and metadata of index hits, in hit order; hits whose row vanished are dropped. */
export async function hydrate(db: Database, hits: readonly IndexHit[], terms: readonly QueryTerm[]): Promise<SearchItem[]> {
  const articles = new Map((await repo.articlesForResults(db, hits.filter((h) => h.kind === 'article').map((h) => h.refId))).map((a) => [a.id, a]));
  const cases = new Map((await repo.casesByIds(db, hits.filter((h) => h.kind === 'case').map((h) => h.refId))).map((c) => [c.id, c]));
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  const items: SearchItem[] = [];
  for (const h of hits) {
    const matchedTerms = h.matched.map((m) => byTerm.get(m)).filter((t) => t !== undefined);
    if (h.kind === 'article') {
      const a = articles.get(h.refId);
      if (!a || a.status === 'archived') continue;
      const snippet = resultSnippet(a.body, matchedTerms);
      const highlights = { title: highlightSpans(a.title, matchedTerms), snippet: highlightSpans(snippet, matchedTerms) };
      items.push({ id: a.id, kind: 'article', title: a.title, score: h.score, snippet, highlights, lang: a.lang, status: a.status, translationGroup: a.translation_group, tags: a.tags, errorCodes: a.error_codes, sdkVersions: a.sdk_versions, platforms: a.platforms, matched: h.matched });
    } else {
      const c = cases.get(h.refId);
      if (!c) continue;
      const snippet = resultSnippet(caseBody(c), matchedTerms);
      const highlights = { title: highlightSpans(c.title, matchedTerms), snippet: highlightSpans(snippet, matchedTerms) };
      items.push({ id: c.id, kind: 'case', title: c.title, score: h.score, snippet, highlights, lang: c.lang, status: c.status, translationGroup: null, tags: c.tags, errorCodes: c.error_code ? [c.error_code] : [], sdkVersions: c.sdk_version ? [c.sdk_version] : [], platforms: c.platform ? [c.platform] : [], matched: h.matched });
    }
  }
  return items;
}

/** Re-analyzes every live article and case (after a change of the analyzer's lexicon). Admins only. */
export async function reindexAll(ctx: Ctx, actor: Actor): Promise<{ articles: number; cases: number }> {
  if (actor.role !== 'admin') throw AppError.forbidden('admins only');
  const articles = await ctx.db.selectFrom('kb_articles').selectAll().where('status', '<>', 'archived').execute();
  const cases = await ctx.db.selectFrom('kb_cases').selectAll().execute();
  const entries: IndexEntry[] = [
    ...articles.map((a): IndexEntry => ({ kind: 'article', id: a.id, scope: scopeOf(a.status) as Scope, lang: a.lang, terms: termsOfRow(a) })),
    ...cases.map((c): IndexEntry => ({ kind: 'case', id: c.id, scope: 'case', lang: c.lang, terms: caseTerms(c) })),
  ];
  for (let i = 0; i < entries.length; i += 500) {
    const batch = entries.slice(i, i + 500);
    await ctx.db.transaction().execute((tx) => indexDocuments(tx, batch));
  }
  return { articles: articles.length, cases: cases.length };
}

export function caseTerms(c: Pick<KbCase, 'title' | 'problem' | 'cause' | 'solution' | 'lang' | 'tags' | 'product_area' | 'error_code' | 'sdk_version' | 'platform'>): DocumentTerms {
  return documentTerms({
    title: c.title,
    body: caseBody(c),
    lang: c.lang,
    tags: [...c.tags, ...[c.product_area, c.error_code, c.sdk_version, c.platform].filter((x): x is string => !!x)],
  });
}
