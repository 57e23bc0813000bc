import { z } from 'zod';
import type { KbArticle, KbCase } from '../../../store/schema.ts';

const Lang = z.enum(['zh', 'en']);
const short = (max: number) => z.string().trim().min(1).max(max);
const Tags = z.array(short(50)).max(20);
const Version = z.string().trim().max(40).regex(/^v?\d+(\.(\d+|[xX*])){0,3}([-+][\w.]+)?$/, 'a version such as 4.2.1 or 4.2.x');
const Platform = z.string().trim().max(30).regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a platform name such as android, ios, web');
const ErrorCode = z.string().trim().max(60).regex(/^[A-Za-z0-9_.-]+$/, 'an error code such as 110, -1003 or ERR_JOIN_TIMEOUT');
const Id = z.string().min(1).max(100);

export const ArticleIn = z.strictObject({
  title: short(300),
  body: z.string().trim().min(1).max(50_000),
  lang: Lang,
  tags: Tags.optional(),
  status: z.enum(['draft', 'published']).optional(),
  productArea: short(60).nullable().optional(),
  sdkVersions: z.array(Version).max(30).optional(),
  platforms: z.array(Platform).max(20).optional(),
  errorCodes: z.array(ErrorCode).max(50).optional(),
  /** Id (or slug) of the article this one translates. */
  translationOf: Id.optional(),
  slug: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'lower-case letters, digits and dashes').optional(),
});

export const ArticlePatchIn = z.strictObject({
  title: short(300).optional(),
  body: z.string().trim().min(1).max(50_000).optional(),
  lang: Lang.optional(),
  tags: Tags.optional(),
  status: z.enum(['draft', 'published', 'archived']).optional(),
  productArea: short(60).nullable().optional(),
  sdkVersions: z.array(Version).max(30).optional(),
  platforms: z.array(Platform).max(20).optional(),
  errorCodes: z.array(ErrorCode).max(50).optional(),
  note: z.string().trim().max(500).optional(),
  /** The version the edit started from; a newer stored version answers 409. */
  version: z.number().int().min(1).optional(),
});

export const ArticleListQuery = z.object({
  status: z.enum(['draft', 'published', 'archived']).optional(),
  lang: Lang.optional(),
  tag: z.string().max(50).optional(),
  productArea: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const FacetsQuery = z.object({
  status: z.enum(['draft', 'published', 'archived']).optional(),
  lang: Lang.optional(),
  tags: z.coerce.number().int().min(0).max(200).default(40),
});

const Facet = z.object({ value: z.string(), count: z.number().int() });
export const FacetsOut = z.object({ productAreas: z.array(Facet), tags: z.array(Facet) });

const Translation = z.object({ id: z.string(), lang: Lang, title: z.string(), status: z.string() });

const articleBase = {
  id: z.string(),
  slug: z.string().nullable(),
  lang: Lang,
  title: z.string(),
  tags: z.array(z.string()),
  productArea: z.string().nullable(),
  sdkVersions: z.array(z.string()),
  platforms: z.array(z.string()),
  errorCodes: z.array(z.string()),
  status: z.enum(['draft', 'published', 'archived']),
  draft: z.boolean(),
  translationGroup: z.string(),
  version: z.number(),
  sourceCaseId: z.string().nullable(),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
};

export const ArticleSummaryOut = z.object(articleBase);

export const ArticleOut = z.object({
  ...articleBase,
  body: z.string(),
  translations: z.array(Translation),
  feedback: z.object({ helpful: z.number(), notHelpful: z.number() }).optional(),
});

type ArticleSummaryRow = Omit<KbArticle, 'body'>;

export function presentArticleSummary(a: ArticleSummaryRow): z.infer<typeof ArticleSummaryOut> {
  return {
    id: a.id,
    slug: a.slug,
    lang: a.lang,
    title: a.title,
    tags: a.tags,
    productArea: a.product_area,
    sdkVersions: a.sdk_versions,
    platforms: a.platforms,
    errorCodes: a.error_codes,
    status: a.status,
    draft: a.status === 'draft',
    translationGroup: a.translation_group,
    version: a.version,
    sourceCaseId: a.source_case_id,
    createdBy: a.created_by,
    updatedBy: a.updated_by,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    publishedAt: a.published_at ? a.published_at.toISOString() : null,
  };
}

export function presentArticle(
  a: KbArticle,
  translations: { id: string; lang: 'zh' | 'en'; title: string; status: string }[],
  feedback?: { helpful: number; notHelpful: number },
): z.infer<typeof ArticleOut> {
  return { ...presentArticleSummary(a), body: a.body, translations, ...(feedback ? { feedback } : {}) };
}

export const VersionSummaryOut = z.object({
  version: z.number(),
  title: z.string(),
  lang: Lang,
  status: z.string(),
  editedBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  editedAt: z.string(),
  note: z.string().nullable(),
});

export const VersionOut = z.object({
  articleId: z.string(),
  version: z.number(),
  lang: Lang,
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  productArea: z.string().nullable(),
  sdkVersions: z.array(z.string()),
  platforms: z.array(z.string()),
  errorCodes: z.array(z.string()),
  status: z.string(),
  editedBy: z.string().nullable(),
  editedAt: z.string(),
  note: z.string().nullable(),
});

export const FeedbackIn = z.strictObject({ helpful: z.boolean(), comment: z.string().trim().max(2000).optional() });

export const FeedbackOut = z.object({ articleId: z.string(), helpful: z.boolean(), comment: z.string().nullable(), version: z.number(), at: z.string() });

export const FeedbackListOut = z.object({
  helpful: z.number(),
  notHelpful: z.number(),
  items: z.array(z.object({ helpful: z.boolean(), comment: z.string().nullable(), version: z.number(), at: z.string(), user: z.object({ id: z.string(), name: z.string().nullable(), role: z.string().nullable() }) })),
});

// ── search ──

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  lang: Lang.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  /** Staff: article (default; published and drafts), case (internal cases) or all. */
  kind: z.enum(['article', 'case', 'all']).default('article'),
});

export const SearchItemOut = z.object({
  id: z.string(),
  title: z.string(),
  score: z.number(),
  snippet: z.string(),
  kind: z.enum(['article', 'case']),
  lang: Lang,
  status: z.string(),
  /** A draft article (staff only ever see one). */
  draft: z.boolean(),
  translationGroup: z.string().nullable(),
  tags: z.array(z.string()),
  errorCodes: z.array(z.string()),
  sdkVersions: z.array(z.string()),
  platforms: z.array(z.string()),
  matched: z.array(z.string()),
  /** [start, end) UTF-16 offsets in `title` and `snippet` where matched query terms stand. */
  highlights: z.object({ title: z.array(z.tuple([z.number().int(), z.number().int()])), snippet: z.array(z.tuple([z.number().int(), z.number().int()])) }),
});

export const SearchOut = z.object({ items: z.array(SearchItemOut) });

export function presentItem<T extends { status: string }>(i: T): T & { draft: boolean } {
  return { ...i, draft: i.status === 'draft' };
}

// ── cases ──

const CaseFields = {
  title: short(300),
  problem: z.string().trim().min(1).max(10_000),
  cause: z.string().trim().max(10_000),
  solution: z.string().trim().min(1).max(20_000),
  lang: Lang,
  tags: Tags,
  productArea: short(60).nullable(),
  errorCode: ErrorCode.nullable(),
  sdkVersion: Version.nullable(),
  platform: Platform.nullable(),
};

export const CaseIn = z.strictObject({
  ticketId: Id,
  title: CaseFields.title,
  problem: CaseFields.problem,
  cause: CaseFields.cause.default(''),
  solution: CaseFields.solution,
  lang: CaseFields.lang.optional(),
  tags: CaseFields.tags.optional(),
  productArea: CaseFields.productArea.optional(),
  errorCode: CaseFields.errorCode.optional(),
  sdkVersion: CaseFields.sdkVersion.optional(),
  platform: CaseFields.platform.optional(),
});

export const CasePatchIn = z.strictObject({
  title: CaseFields.title.optional(),
  problem: CaseFields.problem.optional(),
  cause: CaseFields.cause.optional(),
  solution: CaseFields.solution.optional(),
  lang: CaseFields.lang.optional(),
  tags: CaseFields.tags.optional(),
  productArea: CaseFields.productArea.optional(),
  errorCode: CaseFields.errorCode.optional(),
  sdkVersion: CaseFields.sdkVersion.optional(),
  platform: CaseFields.platform.optional(),
});

export const CaseOut = z.object({
  id: z.string(),
  ticketId: z.string(),
  orgId: z.string(),
  lang: Lang,
  title: z.string(),
  problem: z.string(),
  cause: z.string(),
  solution: z.string(),
  tags: z.array(z.string()),
  productArea: z.string().nullable(),
  errorCode: z.string().nullable(),
  sdkVersion: z.string().nullable(),
  platform: z.string().nullable(),
  status: z.enum(['internal', 'promoted']),
  articleId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function presentCase(c: KbCase): z.infer<typeof CaseOut> {
  return {
    id: c.id,
    ticketId: c.ticket_id,
    orgId: c.org_id,
    lang: c.lang,
    title: c.title,
    problem: c.problem,
    cause: c.cause,
    solution: c.solution,
    tags: c.tags,
    productArea: c.product_area,
    errorCode: c.error_code,
    sdkVersion: c.sdk_version,
    platform: c.platform,
    status: c.status,
    articleId: c.article_id,
    createdBy: c.created_by,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export const CaseDraftOut = z.object({
  ticketId: z.string(),
  solved: z.boolean(),
  existingCaseId: z.string().nullable(),
  lang: Lang,
  title: z.string(),
  problem: z.string(),
  cause: z.string(),
  solution: z.string(),
  tags: z.array(z.string()),
  productArea: z.string().nullable(),
  errorCode: z.string().nullable(),
  sdkVersion: z.string().nullable(),
  platform: z.string().nullable(),
});

export const CaseListQuery = z.object({
  status: z.enum(['internal', 'promoted']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const PromoteIn = z.strictObject({
  title: short(300).optional(),
  body: z.string().trim().min(1).max(50_000).optional(),
  lang: Lang.optional(),
  tags: Tags.optional(),
  status: z.enum(['draft', 'published']).optional(),
});

export const SimilarQuery = z.object({ ticketId: Id, limit: z.coerce.number().int().min(1).max(20).default(5) });

const SimilarItemOut = SearchItemOut.extend({ matchedFacts: z.object({ errorCode: z.boolean(), sdkVersion: z.boolean(), platform: z.boolean() }) });

export const SimilarOut = z.object({
  facts: z.object({ errorCode: z.string().nullable(), sdkVersion: z.string().nullable(), platform: z.string().nullable() }),
  cases: z.array(SimilarItemOut),
  articles: z.array(SimilarItemOut),
});

// ── suggestions and deflection ──

export const SuggestIn = z.strictObject({
  subject: short(300),
  body: z.string().max(50_000).optional(),
  lang: Lang.optional(),
  limit: z.number().int().min(1).max(10).default(5),
  sessionId: Id.optional(),
});

export const SuggestOut = z.object({ sessionId: z.string(), items: z.array(SearchItemOut) });

export const SuggestionEventIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('opened'), articleId: Id }),
  z.strictObject({ type: z.literal('submitted'), ticketId: Id }),
]);

export const SessionOut = z.object({ sessionId: z.string(), shown: z.array(z.string()), opened: z.array(z.string()), ticketId: z.string().nullable() });

export const DeflectionQuery = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() });

export const DeflectionOut = z.object({
  from: z.string(),
  to: z.string(),
  sessions: z.number(),
  withSuggestions: z.number(),
  opened: z.number(),
  submitted: z.number(),
  deflected: z.number(),
  deflectionRate: z.number().nullable(),
  openRate: z.number().nullable(),
});
