// The case library: when a ticket is solved the agent confirms a problem / cause / solution summary
// (prefilled from the conversation), which becomes an internal case, searchable by staff and shown
// as a similar case on other tickets; after review it can be promoted to a public article. On a
// ticket page, similar cases and articles are ranked with the ticket's text and its RTC facts.

import { analyzeQuery, type Lang, type QueryTerm } from '../domain/kb/analyze.ts';
import { AppError } from '../domain/errors.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/kb.ts';
import { listEvents } from '../store/repos/tickets.ts';
import type { KbArticle, KbCase, RtcFacts, Ticket } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { newId } from './crypto.ts';
import { caseTerms, hydrate, prepareArticles, writeArticles, type SearchItem } from './kb.ts';
import { facetsFor, indexDocuments, searchIndex } from './kb-search.ts';
import { requireStaff } from './policy.ts';
import { loadVisibleTicket } from './tickets.ts';

export interface CaseInput {
  ticketId: string;
  title: string;
  problem: string;
  cause: string;
  solution: string;
  lang?: Lang;
  tags?: string[];
  productArea?: string | null;
  errorCode?: string | null;
  sdkVersion?: string | null;
  platform?: string | null;
}

export type CasePatch = Partial<Omit<CaseInput, 'ticketId'>>;

/** zh when the text has Han characters and not many more Latin letters than them. */
export function detectLang(text: string): Lang {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

const CAUSE_HINT = /原因|根因|导致|由于|因为|是因为|确实是|问题出在|root cause|caused by|because|due to|turned out|the cause/i;
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

const SOLVED = new Set(['solved', 'closed']);

/**
 * A summary to confirm, from the ticket and its conversation: the problem is the customer's
 * description, the solution the last public agent reply before the ticket was solved, the cause the
 * latest internal note (or customer reply) that names one. The agent edits it before saving.
 */
export async function caseDraft(ctx: Ctx, actor: Actor, ticketId: string) {
  requireStaff(actor);
  const t = await loadVisibleTicket(ctx.db, actor, ticketId);
  const events = await listEvents(ctx.db, ticketId, false);
  let solvedAt = events.length;
  events.forEach((e, i) => {
    if (e.type === 'status' && (e.data as { status?: string }).status === 'solved') solvedAt = i;
  });
  const before = events.slice(0, solvedAt);
  const withBody = (types: string[]) => before.filter((e) => types.includes(e.type) && (e.body ?? '').trim() !== '');
  const replies = withBody(['agent_reply']);
  const solution = replies[replies.length - 1]?.body ?? '';
  const causeCandidates = [...withBody(['internal_note', 'escalation_reason']), ...withBody(['customer_reply']).filter((e) => events.indexOf(e) > events.indexOf(replies[0] ?? e))];
  const hinted = causeCandidates.filter((e) => CAUSE_HINT.test(e.body ?? ''));
  const cause = (hinted[hinted.length - 1] ?? withBody(['internal_note'])[0])?.body ?? '';
  const facts = factsOf(t);
  const existing = await repo.findCaseByTicket(ctx.db, ticketId);
  return {
    ticketId,
    solved: SOLVED.has(t.status),
    existingCaseId: existing?.id ?? null,
    lang: detectLang(`${t.subject}\n${t.description}`),
    title: clip(t.subject, 300),
    problem: clip(t.description.trim(), 5000),
    cause: clip(cause.trim(), 5000),
    solution: clip(solution.trim(), 10000),
    tags: [...new Set([...t.tags, ...(t.category ? [t.category] : [])])].slice(0, 20),
    productArea: t.category,
    errorCode: facts.errorCode,
    sdkVersion: facts.sdkVersion,
    platform: facts.platform,
  };
}

interface TicketFacts {
  errorCode: string | null;
  sdkVersion: string | null;
  platform: string | null;
}

function factsOf(t: Ticket): TicketFacts {
  const rtc: RtcFacts = t.rtc ?? {};
  const errorCode = rtc.errorCode && rtc.errorCode !== '0' ? rtc.errorCode : null;
  return { errorCode, sdkVersion: rtc.sdkVersion?.replace(/^v/i, '') ?? null, platform: rtc.os?.trim().toLowerCase() || null };
}

export async function createCase(ctx: Ctx, actor: Actor, input: CaseInput): Promise<KbCase> {
  requireStaff(actor);
  const t = await loadVisibleTicket(ctx.db, actor, input.ticketId);
  if (!SOLVED.has(t.status)) throw new AppError('conflict', `the ticket is ${t.status}; a case is written once it is solved`, [{ path: 'ticketId', message: 'ticket not solved' }]);
  const now = ctx.clock.now();
  const row = {
    id: newId(),
    ticket_id: t.id,
    org_id: t.org_id,
    lang: input.lang ?? detectLang(`${input.title}\n${input.problem}`),
    title: input.title,
    problem: input.problem,
    cause: input.cause,
    solution: input.solution,
    tags: [...new Set(input.tags ?? [])],
    product_area: input.productArea ?? null,
    error_code: input.errorCode ?? null,
    sdk_version: input.sdkVersion ?? null,
    platform: input.platform?.toLowerCase() ?? null,
  };
  const terms = caseTerms(row);
  return ctx.db.transaction().execute(async (tx) => {
    if (await repo.findCaseByTicket(tx, t.id)) throw new AppError('conflict', 'this ticket already has a case; edit that one', [{ path: 'ticketId', message: 'case exists' }]);
    const c = await repo.insertCase(tx, { ...row, tags: JSON.stringify(row.tags), status: 'internal', article_id: null, created_by: actor.userId, created_at: now, updated_at: now });
    await indexDocuments(tx, [{ kind: 'case', id: c.id, scope: 'case', lang: c.lang, terms }]);
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: t.org_id, entity: 'kb_case', entityId: c.id, action: 'create', changes: { ticketId: t.id, title: c.title } });
    return c;
  });
}

export async function loadCase(ctx: Ctx, actor: Actor, id: string): Promise<KbCase> {
  requireStaff(actor);
  const c = await repo.findCase(ctx.db, id);
  if (!c) throw AppError.notFound('case');
  return c;
}

export async function updateCase(ctx: Ctx, actor: Actor, id: string, patch: CasePatch): Promise<KbCase> {
  const current = await loadCase(ctx, actor, id);
  const next = {
    title: patch.title ?? current.title,
    problem: patch.problem ?? current.problem,
    cause: patch.cause ?? current.cause,
    solution: patch.solution ?? current.solution,
    lang: patch.lang ?? current.lang,
    tags: patch.tags !== undefined ? [...new Set(patch.tags)] : current.tags,
    product_area: patch.productArea !== undefined ? patch.productArea : current.product_area,
    error_code: patch.errorCode !== undefined ? patch.errorCode : current.error_code,
    sdk_version: patch.sdkVersion !== undefined ? patch.sdkVersion : current.sdk_version,
    platform: patch.platform !== undefined ? (patch.platform?.toLowerCase() ?? null) : current.platform,
  };
  const terms = caseTerms(next);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const c = await repo.updateCase(tx, id, { ...next, tags: JSON.stringify(next.tags), updated_at: now });
    await indexDocuments(tx, [{ kind: 'case', id, scope: 'case', lang: c.lang, terms }]);
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: c.org_id, entity: 'kb_case', entityId: id, action: 'update', changes: { fields: Object.keys(patch) } });
    return c;
  });
}

export interface PromoteInput {
  title?: string;
  body?: string;
  lang?: Lang;
  tags?: string[];
  status?: 'draft' | 'published';
}

/** The article a case becomes: its summary as sections, without the customer's specifics (the reviewer edits). */
export function caseArticleBody(c: Pick<KbCase, 'lang' | 'problem' | 'cause' | 'solution'>): string {
  const h = c.lang === 'zh' ? { p: '问题', c: '原因', s: '解决方法' } : { p: 'Problem', c: 'Cause', s: 'Solution' };
  return [`## ${h.p}`, c.problem.trim(), ...(c.cause.trim() ? [`## ${h.c}`, c.cause.trim()] : []), `## ${h.s}`, c.solution.trim()].join('\n\n');
}

/** Promotes a case to an article (a draft for review unless told otherwise). */
export async function promoteCase(ctx: Ctx, actor: Actor, id: string, input: PromoteInput): Promise<{ case: KbCase; article: KbArticle }> {
  const c = await loadCase(ctx, actor, id);
  if (c.status === 'promoted') throw new AppError('conflict', 'this case was already promoted', [{ path: 'id', message: `article ${c.article_id}` }]);
  const prepared = await prepareArticles(ctx, actor, [
    {
      title: input.title ?? c.title,
      body: input.body ?? caseArticleBody(c),
      lang: input.lang ?? c.lang,
      tags: input.tags ?? c.tags,
      status: input.status ?? 'draft',
      productArea: c.product_area,
      errorCodes: c.error_code ? [c.error_code] : [],
      sdkVersions: c.sdk_version ? [c.sdk_version] : [],
      platforms: c.platform ? [c.platform] : [],
      sourceCaseId: c.id,
    },
  ]);
  const articleId = prepared.ids[0] as string;
  const updated = await ctx.db.transaction().execute(async (tx) => {
    const locked = await repo.lockCase(tx, id);
    if (!locked || locked.status === 'promoted') throw new AppError('conflict', 'this case was already promoted');
    await writeArticles(tx, prepared);
    const u = await repo.updateCase(tx, id, { status: 'promoted', article_id: articleId, updated_at: prepared.now });
    await recordAudit(tx, { at: prepared.now, actorId: actor.userId, orgId: c.org_id, entity: 'kb_case', entityId: id, action: 'promote', changes: { articleId } });
    return u;
  });
  const article = await repo.findArticle(ctx.db, articleId);
  return { case: updated, article: article as KbArticle };
}

// ── similar cases and articles for a ticket ───────────────────────────────────────────────────

/** How much a ticket's RTC facts weigh in the query, beside its words (weight 1). */
const FACT_WEIGHTS = { errorCode: 1.5, sdkVersion: 1, platform: 0.8 } as const;

function factTerms(f: TicketFacts): QueryTerm[] {
  const out: QueryTerm[] = [];
  const add = (text: string | null, scale: number): void => {
    if (!text) return;
    for (const t of analyzeQuery(text, { synonyms: [] })) out.push({ ...t, weight: t.weight * scale, source: 'derived', from: text });
  };
  add(f.errorCode, FACT_WEIGHTS.errorCode);
  add(f.sdkVersion, FACT_WEIGHTS.sdkVersion);
  add(f.platform, FACT_WEIGHTS.platform);
  return out;
}

/** Whether an affected-version entry (4.2.1, 4.2, 4.2.x) covers a version. */
function versionCovers(entry: string, version: string): boolean {
  const e = entry.toLowerCase().replace(/^v/, '').replace(/(\.[x*])+$/, '');
  return version === e || version.startsWith(`${e}.`);
}

export interface SimilarItem extends SearchItem {
  matchedFacts: { errorCode: boolean; sdkVersion: boolean; platform: boolean };
}

export async function similarForTicket(ctx: Ctx, actor: Actor, ticketId: string, limit: number) {
  requireStaff(actor);
  const t = await loadVisibleTicket(ctx.db, actor, ticketId);
  const facts = factsOf(t);
  const text = `${t.subject}\n${t.description.slice(0, 2000)}`;
  const extra = factTerms(facts);
  const own = await repo.findCaseByTicket(ctx.db, t.id);
  const annotate = (items: SearchItem[]): SimilarItem[] =>
    items.map((i) => ({
      ...i,
      matchedFacts: {
        errorCode: facts.errorCode !== null && i.errorCodes.includes(facts.errorCode),
        sdkVersion: facts.sdkVersion !== null && i.sdkVersions.some((v) => versionCovers(v, facts.sdkVersion as string)),
        platform: facts.platform !== null && i.platforms.some((p) => p.toLowerCase() === facts.platform),
      },
    }));
  const cases = await searchIndex(ctx.db, { text, extra, facets: facetsFor(['case']), limit: limit + 1 });
  const articles = await searchIndex(ctx.db, { text, extra, facets: facetsFor(['published']), limit });
  const caseHits = cases.hits.filter((h) => h.refId !== own?.id).slice(0, limit);
  return {
    facts,
    cases: annotate(await hydrate(ctx.db, caseHits, cases.terms)),
    articles: annotate(await hydrate(ctx.db, articles.hits, articles.terms)),
  };
}

export async function listCases(ctx: Ctx, actor: Actor, f: { status?: 'internal' | 'promoted' | undefined; limit: number; offset: number }): Promise<KbCase[]> {
  requireStaff(actor);
  return repo.listCases(ctx.db, { limit: f.limit, offset: f.offset, ...(f.status ? { status: f.status } : {}) });
}
