import { z } from 'zod';
import * as kb from '../../../services/kb.ts';
import * as cases from '../../../services/kb-cases.ts';
import { warmUpSearch } from '../../../services/kb-search.ts';
import * as suggestions from '../../../services/kb-suggest.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import {
  ArticleIn,
  ArticleListQuery,
  ArticleOut,
  ArticlePatchIn,
  ArticleSummaryOut,
  CaseDraftOut,
  FacetsOut,
  FacetsQuery,
  CaseIn,
  CaseListQuery,
  CaseOut,
  CasePatchIn,
  DeflectionOut,
  DeflectionQuery,
  FeedbackIn,
  FeedbackListOut,
  FeedbackOut,
  PromoteIn,
  presentArticle,
  presentArticleSummary,
  presentCase,
  presentItem,
  SearchOut,
  SearchQuery,
  SessionOut,
  SimilarOut,
  SimilarQuery,
  SuggestIn,
  SuggestionEventIn,
  SuggestOut,
  VersionOut,
  VersionSummaryOut,
} from './schema.ts';

const Params = z.object({ id: z.string().min(1).max(100) });
const tags = ['knowledge base'];

export const kbRoutes: RouteModule = async (app, ctx) => {
  // jieba's dictionary (1–2 s of CPU) and the vocabulary cache, now rather than in the first search.
  await warmUpSearch(ctx.db);

  const articleView = async (actor: Parameters<typeof kb.articleView>[1], id: string) => {
    const v = await kb.articleView(ctx, actor, id);
    return presentArticle(v.article, v.translations, v.feedback);
  };

  // ── articles ──

  app.post('/api/v1/kb/articles', { schema: { tags, body: ArticleIn, response: { 201: ArticleOut } } }, async (req, reply) => {
    const actor = actorOf(req);
    const a = await kb.createArticle(ctx, actor, req.body);
    return reply.status(201).send(await articleView(actor, a.id));
  });

  app.get('/api/v1/kb/articles', { schema: { tags, querystring: ArticleListQuery, response: { 200: z.object({ items: z.array(ArticleSummaryOut) }) } } }, async (req) => {
    const q = req.query;
    const rows = await kb.listArticles(ctx, actorOf(req), { limit: q.limit, offset: q.offset, ...(q.status ? { status: q.status } : {}), ...(q.lang ? { lang: q.lang } : {}), ...(q.tag ? { tag: q.tag } : {}), ...(q.productArea ? { productArea: q.productArea } : {}) });
    return { items: rows.map(presentArticleSummary) };
  });

  app.get('/api/v1/kb/facets', { schema: { tags, querystring: FacetsQuery, response: { 200: FacetsOut } } }, async (req) => {
    const q = req.query;
    return kb.articleFacets(ctx, actorOf(req), { tags: q.tags, ...(q.status ? { status: q.status } : {}), ...(q.lang ? { lang: q.lang } : {}) });
  });

  app.get('/api/v1/kb/articles/:id', { schema: { tags, params: Params, response: { 200: ArticleOut } } }, async (req) => articleView(actorOf(req), req.params.id));

  app.patch('/api/v1/kb/articles/:id', { schema: { tags, params: Params, body: ArticlePatchIn, response: { 200: ArticleOut } } }, async (req) => {
    const actor = actorOf(req);
    await kb.updateArticle(ctx, actor, req.params.id, req.body);
    return articleView(actor, req.params.id);
  });

  app.delete('/api/v1/kb/articles/:id', { schema: { tags, params: Params, response: { 200: ArticleOut } } }, async (req) => {
    const actor = actorOf(req);
    await kb.archiveArticle(ctx, actor, req.params.id);
    return articleView(actor, req.params.id);
  });

  app.get('/api/v1/kb/articles/:id/versions', { schema: { tags, params: Params, response: { 200: z.object({ items: z.array(VersionSummaryOut) }) } } }, async (req) => {
    const rows = await kb.articleVersions(ctx, actorOf(req), req.params.id);
    return {
      items: rows.map((v) => ({ version: v.version, title: v.title, lang: v.lang, status: v.status, editedBy: v.edited_by ? { id: v.edited_by, name: v.editor_name } : null, editedAt: v.edited_at.toISOString(), note: v.note })),
    };
  });

  app.get(
    '/api/v1/kb/articles/:id/versions/:version',
    { schema: { tags, params: Params.extend({ version: z.coerce.number().int().min(1).max(1_000_000) }), response: { 200: VersionOut } } },
    async (req) => {
      const v = await kb.articleVersion(ctx, actorOf(req), req.params.id, req.params.version);
      return {
        articleId: v.article_id,
        version: v.version,
        lang: v.lang,
        title: v.title,
        body: v.body,
        tags: v.tags,
        productArea: v.product_area,
        sdkVersions: v.sdk_versions,
        platforms: v.platforms,
        errorCodes: v.error_codes,
        status: v.status,
        editedBy: v.edited_by,
        editedAt: v.edited_at.toISOString(),
        note: v.note,
      };
    },
  );

  app.post('/api/v1/kb/articles/:id/feedback', { schema: { tags, params: Params, body: FeedbackIn, response: { 201: FeedbackOut } } }, async (req, reply) => {
    const f = await kb.submitFeedback(ctx, actorOf(req), req.params.id, req.body);
    return reply.status(201).send({ articleId: f.article_id, helpful: f.helpful, comment: f.comment, version: f.version, at: f.updated_at.toISOString() });
  });

  app.get(
    '/api/v1/kb/articles/:id/feedback',
    { schema: { tags, params: Params, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: FeedbackListOut } } },
    async (req) => {
      const f = await kb.articleFeedback(ctx, actorOf(req), req.params.id, req.query.limit);
      return {
        helpful: f.helpful,
        notHelpful: f.notHelpful,
        items: f.items.map((i) => ({ helpful: i.helpful, comment: i.comment, version: i.version, at: i.updated_at.toISOString(), user: { id: i.user_id, name: i.user_name, role: i.user_role } })),
      };
    },
  );

  // ── search ──

  app.get('/api/v1/kb/search', { schema: { tags, querystring: SearchQuery, response: { 200: SearchOut } } }, async (req) => {
    const q = req.query;
    const items = await kb.searchKb(ctx, actorOf(req), { q: q.q, limit: q.limit, kind: q.kind, ...(q.lang ? { lang: q.lang } : {}) });
    return { items: items.map(presentItem) };
  });

  app.post('/api/v1/kb/reindex', { schema: { tags, response: { 200: z.object({ articles: z.number(), cases: z.number() }) } } }, async (req) => kb.reindexAll(ctx, actorOf(req)));

  // ── cases ──

  app.get('/api/v1/kb/cases/draft', { schema: { tags, querystring: z.object({ ticketId: z.string().min(1).max(100) }), response: { 200: CaseDraftOut } } }, async (req) =>
    cases.caseDraft(ctx, actorOf(req), req.query.ticketId),
  );

  app.post('/api/v1/kb/cases', { schema: { tags, body: CaseIn, response: { 201: CaseOut } } }, async (req, reply) => {
    const c = await cases.createCase(ctx, actorOf(req), req.body);
    return reply.status(201).send(presentCase(c));
  });

  app.get('/api/v1/kb/cases', { schema: { tags, querystring: CaseListQuery, response: { 200: z.object({ items: z.array(CaseOut) }) } } }, async (req) => {
    const rows = await cases.listCases(ctx, actorOf(req), req.query);
    return { items: rows.map(presentCase) };
  });

  app.get('/api/v1/kb/cases/:id', { schema: { tags, params: Params, response: { 200: CaseOut } } }, async (req) => presentCase(await cases.loadCase(ctx, actorOf(req), req.params.id)));

  app.patch('/api/v1/kb/cases/:id', { schema: { tags, params: Params, body: CasePatchIn, response: { 200: CaseOut } } }, async (req) =>
    presentCase(await cases.updateCase(ctx, actorOf(req), req.params.id, req.body)),
  );

  app.post('/api/v1/kb/cases/:id/promote', { schema: { tags, params: Params, body: PromoteIn, response: { 201: z.object({ case: CaseOut, article: ArticleOut }) } } }, async (req, reply) => {
    const actor = actorOf(req);
    const r = await cases.promoteCase(ctx, actor, req.params.id, req.body);
    return reply.status(201).send({ case: presentCase(r.case), article: await articleView(actor, r.article.id) });
  });

  app.get('/api/v1/kb/similar', { schema: { tags, querystring: SimilarQuery, response: { 200: SimilarOut } } }, async (req) => {
    const r = await cases.similarForTicket(ctx, actorOf(req), req.query.ticketId, req.query.limit);
    return { facts: r.facts, cases: r.cases.map(presentItem), articles: r.articles.map(presentItem) };
  });

  // ── suggestions while writing a ticket, and deflection ──

  app.post('/api/v1/kb/suggestions', { schema: { tags, body: SuggestIn, response: { 200: SuggestOut } } }, async (req) => {
    const b = req.body;
    const r = await suggestions.suggest(ctx, actorOf(req), { subject: b.subject, limit: b.limit, ...(b.body !== undefined ? { body: b.body } : {}), ...(b.lang ? { lang: b.lang } : {}), ...(b.sessionId ? { sessionId: b.sessionId } : {}) });
    return { sessionId: r.sessionId, items: r.items.map(presentItem) };
  });

  app.post('/api/v1/kb/suggestions/:id/events', { schema: { tags, params: Params, body: SuggestionEventIn, response: { 200: SessionOut } } }, async (req) => {
    const s = await suggestions.recordSuggestionEvent(ctx, actorOf(req), req.params.id, req.body);
    return { sessionId: s.id, shown: s.shown, opened: s.opened, ticketId: s.ticket_id };
  });

  app.get('/api/v1/kb/deflection', { schema: { tags, querystring: DeflectionQuery, response: { 200: DeflectionOut } } }, async (req) => {
    const to = req.query.to ? new Date(req.query.to) : ctx.clock.now();
    const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 30 * 86_400_000);
    return suggestions.deflectionReport(ctx, actorOf(req), from, to);
  });
};
