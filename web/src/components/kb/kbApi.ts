/**
 * The knowledge-base API as the web app uses it (src/http/routes/kb): articles, search, facets,
 * feedback, versions, cases, similar items and suggestions. Shapes come from the server's zod
 * schemas (type-only imports), so a change there is a type error here.
 */
import type { z } from 'zod';
import type {
  ArticleIn,
  ArticleOut,
  ArticlePatchIn,
  ArticleSummaryOut,
  CaseDraftOut,
  CaseIn,
  CaseOut,
  CasePatchIn,
  FacetsOut,
  FeedbackListOut,
  FeedbackOut,
  PromoteIn,
  SearchItemOut,
  SessionOut,
  SimilarOut,
  SuggestOut,
  VersionOut,
  VersionSummaryOut,
} from '../../../../src/http/routes/kb/schema.ts';
import { request } from '../../api.ts';

export type KbLang = 'zh' | 'en';
export type Article = z.infer<typeof ArticleOut>;
export type ArticleSummary = z.infer<typeof ArticleSummaryOut>;
export type NewArticle = z.input<typeof ArticleIn>;
export type ArticlePatch = z.input<typeof ArticlePatchIn>;
export type SearchItem = z.infer<typeof SearchItemOut>;
export type Facets = z.infer<typeof FacetsOut>;
export type Feedback = z.infer<typeof FeedbackOut>;
export type FeedbackList = z.infer<typeof FeedbackListOut>;
export type VersionSummary = z.infer<typeof VersionSummaryOut>;
export type Version = z.infer<typeof VersionOut>;
export type KbCase = z.infer<typeof CaseOut>;
export type CaseDraft = z.infer<typeof CaseDraftOut>;
export type NewCase = z.input<typeof CaseIn>;
export type CasePatch = z.input<typeof CasePatchIn>;
export type Promote = z.input<typeof PromoteIn>;
export type Similar = z.infer<typeof SimilarOut>;
export type Suggestions = z.infer<typeof SuggestOut>;
export type SuggestionSession = z.infer<typeof SessionOut>;

function qs(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const kbApi = {
  search: (q: { q: string; lang?: KbLang; limit?: number; kind?: 'article' | 'case' | 'all' }, signal?: AbortSignal) =>
    request<{ items: SearchItem[] }>('GET', `/api/v1/kb/search${qs(q)}`, undefined, signal),
  facets: (q: { lang?: KbLang; status?: string }) => request<Facets>('GET', `/api/v1/kb/facets${qs(q)}`),
  articles: (q: { lang?: KbLang; tag?: string; productArea?: string; status?: string; limit?: number; offset?: number }) =>
    request<{ items: ArticleSummary[] }>('GET', `/api/v1/kb/articles${qs(q)}`),
  article: (id: string) => request<Article>('GET', `/api/v1/kb/articles/${enc(id)}`),
  createArticle: (a: NewArticle) => request<Article>('POST', '/api/v1/kb/articles', a),
  updateArticle: (id: string, patch: ArticlePatch) => request<Article>('PATCH', `/api/v1/kb/articles/${enc(id)}`, patch),
  archiveArticle: (id: string) => request<Article>('DELETE', `/api/v1/kb/articles/${enc(id)}`),
  versions: (id: string) => request<{ items: VersionSummary[] }>('GET', `/api/v1/kb/articles/${enc(id)}/versions`),
  version: (id: string, version: number) => request<Version>('GET', `/api/v1/kb/articles/${enc(id)}/versions/${version}`),
  feedback: (id: string, f: { helpful: boolean; comment?: string }) => request<Feedback>('POST', `/api/v1/kb/articles/${enc(id)}/feedback`, f),
  feedbackList: (id: string) => request<FeedbackList>('GET', `/api/v1/kb/articles/${enc(id)}/feedback`),

  caseDraft: (ticketId: string) => request<CaseDraft>('GET', `/api/v1/kb/cases/draft${qs({ ticketId })}`),
  createCase: (c: NewCase) => request<KbCase>('POST', '/api/v1/kb/cases', c),
  cases: (q: { status?: 'internal' | 'promoted'; limit?: number }) => request<{ items: KbCase[] }>('GET', `/api/v1/kb/cases${qs(q)}`),
  kbCase: (id: string) => request<KbCase>('GET', `/api/v1/kb/cases/${enc(id)}`),
  updateCase: (id: string, patch: CasePatch) => request<KbCase>('PATCH', `/api/v1/kb/cases/${enc(id)}`, patch),
  promoteCase: (id: string, p: Promote) => request<{ case: KbCase; article: Article }>('POST', `/api/v1/kb/cases/${enc(id)}/promote`, p),
  similar: (ticketId: string, limit = 5) => request<Similar>('GET', `/api/v1/kb/similar${qs({ ticketId, limit })}`),

  suggest: (s: { subject: string; body?: string; lang?: KbLang; limit?: number; sessionId?: string }, signal?: AbortSignal) => request<Suggestions>('POST', '/api/v1/kb/suggestions', s, signal),
  suggestionEvent: (sessionId: string, e: { type: 'opened'; articleId: string } | { type: 'submitted'; ticketId: string }) =>
    request<SuggestionSession>('POST', `/api/v1/kb/suggestions/${enc(sessionId)}/events`, e),
};

/** zh when the text has Han characters and not many more Latin letters than them (as the server's case drafts). */
export function detectLang(text: string): KbLang {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

/** The UI language's article language. */
export const kbLangOf = (locale: string): KbLang => (locale.startsWith('zh') ? 'zh' : 'en');

/** The ticket categories double as product areas (cases take theirs from their ticket). */
export const PRODUCT_AREAS = ['audio', 'video', 'join', 'crash', 'performance', 'other'] as const;
export const isKnownArea = (v: string): v is (typeof PRODUCT_AREAS)[number] => (PRODUCT_AREAS as readonly string[]).includes(v);
