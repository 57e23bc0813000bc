// Knowledge-base search on PostgreSQL (and PGlite): the domain analyzer (src/domain/kb) turns text
// into terms in TypeScript; the database stores them (kb_docs, kb_vocab, kb_postings, kb_stats)
// and this module ranks with exactly the BM25F of src/domain/kb/rank.ts:
//
//   1. the query is analyzed with analyzeQuery() against the index vocabulary (typo tolerance);
//      the vocabulary is cached per process and refreshed incrementally from kb_vocab.changed;
//   2. the terms are looked up (id, df) and given an upper bound w·idf of what they can add to a
//      score (tf~/(k1+tf~) < 1);
//   3. candidates: each term's postings are read best first (kb_postings_impact_idx, ordered by the
//      posting's stored term-frequency part of BM25F), the rare terms whole and the frequent ones up
//      to a share of a budget of postings; the documents with the best partial scores are then
//      scored exactly over all query terms, from probes of the primary key, with rank.ts#termScore.
//      The result is flagged exact when provably so (every posting read, or the k-th score at least
//      what a document left out could reach); otherwise it is the exact ranking of the candidates.
//      mode 'exhaustive' reads every posting of every query term (evaluation, diagnostics).
//
// Scores equal rank.ts's for the same documents and query (test/integration/kb-evaluation.test.ts).

import { analyzeQuery, jiebaSegmenter, maxTypoDistance, tokenize, warmUpAnalyzer, type Lang, type QueryTerm, type ZhSegmenter } from '../domain/kb/analyze.ts';
import { idf, snippet, termScore, type DocumentTerms, type FieldCounts } from '../domain/kb/rank.ts';
import type { Database } from '../store/db.ts';
import * as repo from '../store/repos/kb.ts';

// ── facets ──────────────────────────────────────────────────────────────────────────────────

/** Who may find a document: published articles (everyone), drafts (staff), internal cases (staff). */
export type Scope = 'published' | 'draft' | 'case';
const SCOPE_CODE: Record<Scope, number> = { published: 0, draft: 1, case: 2 };

export function facetOf(scope: Scope, lang: Lang): number {
  return SCOPE_CODE[scope] * 2 + (lang === 'en' ? 1 : 0);
}

export function facetsFor(scopes: readonly Scope[], lang?: Lang): number[] {
  const langs: Lang[] = lang ? [lang] : ['zh', 'en'];
  return scopes.flatMap((s) => langs.map((l) => facetOf(s, l)));
}

export const langOfFacet = (facet: number): Lang => (facet % 2 === 1 ? 'en' : 'zh');

// ── indexing ────────────────────────────────────────────────────────────────────────────────

export interface IndexEntry {
  kind: 'article' | 'case';
  id: string;
  scope: Scope;
  lang: Lang;
  terms: DocumentTerms;
}

/** Adds or replaces documents in the index, in the caller's transaction (searchable on commit). */
export async function indexDocuments(tx: Database, entries: readonly IndexEntry[]): Promise<void> {
  await repo.writeIndex(
    tx,
    entries.map((e) => ({ refKind: e.kind, refId: e.id, facet: facetOf(e.scope, e.lang), lengths: e.terms.lengths, tf: e.terms.tf })),
  );
}

export async function removeDocuments(tx: Database, refs: readonly { kind: 'article' | 'case'; id: string }[]): Promise<void> {
  await repo.writeIndex(tx, [], refs.map((r) => ({ refKind: r.kind, refId: r.id })));
}

// ── vocabulary cache ────────────────────────────────────────────────────────────────────────

/** The terms typo tolerance looks at (rank.ts#buildIndex keeps the same). */
const VOCABULARY_PATTERN = '^[a-z][a-z_]*$';

/**
 * The vocabulary for analyzeQuery's typo tolerance. analyzeQuery asks has(word) and, on a miss,
 * runs fuzzyExpand(word, vocabulary) over the whole set; with tens of thousands of terms that scan
 * costs milliseconds per unknown word. Iterating right after a miss yields only terms that can be
 * within fuzzyExpand's distance of that word: its length window, at least 4 letters of a–z and _,
 * and no more letters missing on either side than the distance allows (each edit adds or removes
 * at most one distinct letter). The expansions are the same, at a fraction of the cost.
 */
export class TypoVocabulary extends Set<string> {
  /** length → term → bit mask of the letters it contains */
  private readonly byLength = new Map<number, Map<string, number>>();
  private lastMiss: string | null = null;

  override add(term: string): this {
    super.add(term);
    // (Set's constructor may call add before the fields exist.)
    if (this.byLength !== undefined && term.length >= 4 && FUZZY_CANDIDATE.test(term)) {
      let bucket = this.byLength.get(term.length);
      if (bucket === undefined) this.byLength.set(term.length, (bucket = new Map()));
      bucket.set(term, letterMask(term));
    }
    return this;
  }

  override delete(term: string): boolean {
    this.byLength.get(term.length)?.delete(term);
    return super.delete(term);
  }

  override has(term: string): boolean {
    const found = super.has(term);
    this.lastMiss = found ? null : term;
    return found;
  }

  override *[Symbol.iterator](): SetIterator<string> {
    const miss = this.lastMiss;
    if (miss === null) {
      yield* super.values();
      return;
    }
    const d = maxTypoDistance(miss.length);
    const mask = letterMask(miss);
    for (let length = miss.length - d; length <= miss.length + d; length++) {
      for (const [term, m] of this.byLength.get(length) ?? []) {
        if (bitCount(mask & ~m) <= d && bitCount(m & ~mask) <= d) yield term;
      }
    }
  }
}

/** What fuzzyExpand (domain/kb/analyze.ts) accepts as a candidate. */
const FUZZY_CANDIDATE = /^[a-z][a-z_]*[a-z]$/;

function letterMask(term: string): number {
  let m = 0;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i) - 97;
    m |= c >= 0 && c < 26 ? 1 << c : 1 << 26;
  }
  return m;
}

function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

interface VocabularyCache {
  generation: number;
  upTo: number;
  terms: TypoVocabulary;
  /** Refreshes run one after another, so an older read never overwrites a newer one. */
  chain: Promise<void>;
}

const vocabularies = new WeakMap<Database, VocabularyCache>();

async function vocabulary(db: Database, stats: repo.IndexStats): Promise<ReadonlySet<string>> {
  let cache = vocabularies.get(db);
  if (cache === undefined) {
    cache = { generation: -1, upTo: 0, terms: new TypoVocabulary(), chain: Promise.resolve() };
    vocabularies.set(db, cache);
  }
  if (cache.generation === stats.generation) return cache.terms;
  const c = cache;
  c.chain = c.chain.then(async () => {
    if (stats.vocabChanged > c.upTo) {
      for (const row of await repo.vocabularyChanges(db, c.upTo, stats.vocabChanged, VOCABULARY_PATTERN)) {
        if (row.df > 0) c.terms.add(row.term);
        else c.terms.delete(row.term);
      }
      c.upTo = stats.vocabChanged;
    }
    if (stats.generation > c.generation) c.generation = stats.generation;
  });
  await c.chain;
  return c.terms;
}

/** Builds jieba's dictionary and this process's vocabulary cache: call once at server start. */
export async function warmUpSearch(db: Database): Promise<void> {
  warmUpAnalyzer();
  await vocabulary(db, await repo.readStats(db));
}

// ── search ──────────────────────────────────────────────────────────────────────────────────

export interface IndexQuery {
  /** Free text, analyzed with analyzeQuery (synonyms, typo tolerance). */
  text: string;
  /** More weighted terms (e.g. a ticket's error code); a term keeps its highest weight. */
  extra?: readonly QueryTerm[];
  facets: readonly number[];
  limit: number;
  mode?: keyof typeof SEARCH_BUDGET;
}

export interface IndexHit {
  docId: number;
  kind: 'article' | 'case';
  refId: string;
  lang: Lang;
  facet: number;
  score: number;
  /** Query terms that contributed, best contribution first. */
  matched: string[];
}

export interface IndexResult {
  hits: IndexHit[];
  /** The analyzed query (for snippets). */
  terms: QueryTerm[];
  /** Provably the exact top `limit` (every posting read, or nothing left out could reach it). */
  exact: boolean;
}

/**
 * How many postings a search reads for candidate generation, spread over the query's terms (rare
 * terms whole, the rest of the budget shared by the frequent ones, each read best first), and how
 * many candidates beyond the limit it then scores exactly. 'exhaustive' reads every posting.
 * On 100,000 articles (bench/kb.ts on PostgreSQL 15) budgets of 4,000 to 12,000 postings all gave
 * recall@3 0.924–0.930 and MRR 0.878–0.881 (exhaustive: 0.930 / 0.879), at 4.7 to 8.3 ms median for
 * the index part; 2,000 lost recall (0.919).
 */
export const SEARCH_BUDGET: Record<'fast' | 'exhaustive', { postings: number; extraDepth: number }> = {
  fast: { postings: 5_000, extraDepth: 20 },
  exhaustive: { postings: Number.POSITIVE_INFINITY, extraDepth: 20 },
};

/** Shares `budget` postings among terms: the rarest first, each at most an equal share of what is left. */
export function postingCaps(dfs: readonly number[], budget: number): number[] {
  const order = dfs.map((df, i) => ({ df, i })).sort((a, b) => a.df - b.df);
  const caps = new Array<number>(dfs.length).fill(0);
  let left = budget;
  order.forEach(({ df, i }, k) => {
    const cap = Math.min(df, Math.max(1, Math.floor(left / (order.length - k))));
    caps[i] = cap;
    left -= cap;
  });
  return caps;
}

interface ScoredTerm {
  readonly q: QueryTerm;
  readonly order: number;
  readonly id: number;
  readonly df: number;
  /** Upper bound of the term's contribution: weight × idf (tf~ / (k1 + tf~) < 1). */
  readonly ub: number;
}

export async function searchIndex(db: Database, query: IndexQuery): Promise<IndexResult> {
  // Analyze with the cached vocabulary, read the totals and the terms in one round trip; only when
  // the index changed since the cache was refreshed, refresh it and analyze again.
  const cached = vocabularies.get(db);
  let terms = mergeTerms(analyzeQuery(query.text, { vocabulary: cached?.terms ?? new TypoVocabulary() }), query.extra ?? []);
  let { stats, terms: rows } = await repo.statsAndTerms(db, terms.map((t) => t.term));
  if (cached === undefined || cached.generation !== stats.generation) {
    const before = terms.map((t) => `${t.term}:${t.weight}`).join(' ');
    terms = mergeTerms(analyzeQuery(query.text, { vocabulary: await vocabulary(db, stats) }), query.extra ?? []);
    if (terms.map((t) => `${t.term}:${t.weight}`).join(' ') !== before) ({ stats, terms: rows } = await repo.statsAndTerms(db, terms.map((t) => t.term)));
  }
  if (terms.length === 0 || stats.docCount === 0 || query.facets.length === 0) return { hits: [], terms, exact: true };

  const found = new Map(rows.map((r) => [r.term, r]));
  const N = stats.docCount;
  const scored: ScoredTerm[] = [];
  terms.forEach((q, order) => {
    const row = found.get(q.term);
    if (row === undefined || row.df <= 0 || q.weight <= 0) return;
    scored.push({ q, order, id: row.id, df: row.df, ub: q.weight * idf(N, row.df) });
  });
  if (scored.length === 0) return { hits: [], terms, exact: true };

  const n = Math.max(1, N);
  const avgLengths: FieldCounts = [stats.lenTitle / n, stats.lenTags / n, stats.lenBody / n];
  const limit = Math.max(1, query.limit);
  const { postings: budget, extraDepth } = SEARCH_BUDGET[query.mode ?? 'fast'];
  const caps = postingCaps(
    scored.map((t) => t.df),
    budget,
  );
  const { docs, next } = await repo.candidates(db, {
    terms: scored.map((t) => t.id),
    weights: scored.map((t) => t.ub),
    caps,
    coef: repo.fieldCoefficients(avgLengths),
    facets: [...query.facets],
    depth: limit + extraDepth,
  });
  const byId = new Map(scored.map((t, i) => [t.id, i]));
  const hits = docs.map((doc) => scoreDocument(doc, scored, byId, N, avgLengths)).sort(compareHits);
  // Exact when every posting was read, or when no document left out can reach the k-th score: a
  // candidate left out has at most the next partial score plus the bounds of the terms read only in
  // part; a document never read holds only such terms.
  const truncated = scored.reduce((sum, t, i) => ((caps[i] as number) < t.df ? sum + t.ub : sum), 0);
  const theta = hits.length >= limit ? (hits[limit - 1] as IndexHit).score : 0;
  const bound = (next ?? 0) + truncated;
  const exact = truncated === 0 || theta >= bound - 1e-9 * Math.max(1, bound);
  return { hits: hits.slice(0, limit), terms, exact };
}

function mergeTerms(terms: QueryTerm[], extra: readonly QueryTerm[]): QueryTerm[] {
  if (extra.length === 0) return terms;
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  for (const e of extra) {
    const prev = byTerm.get(e.term);
    if (prev === undefined || e.weight > prev.weight) byTerm.set(e.term, e);
  }
  return [...byTerm.values()].sort((a, b) => b.weight - a.weight);
}

/** The document's exact BM25F score, summed in query-term order as rank.ts#scoreQuery does. */
function scoreDocument(doc: repo.Candidate, terms: readonly ScoredTerm[], byId: ReadonlyMap<number, number>, docCount: number, avgLengths: FieldCounts): IndexHit {
  const contributions = new Array<number | undefined>(terms.length);
  for (const p of doc.postings) {
    const at = byId.get(p.termId);
    if (at === undefined) continue;
    const t = terms[at] as ScoredTerm;
    contributions[at] = termScore({ weight: t.q.weight, docCount, docFreq: t.df, tf: p.tf, lengths: doc.lengths, avgLengths });
  }
  let score = 0;
  const matched: { term: string; s: number }[] = [];
  contributions.forEach((s, i) => {
    if (s === undefined) return;
    score += s;
    matched.push({ term: (terms[i] as ScoredTerm).q.term, s });
  });
  return {
    docId: doc.id,
    kind: doc.refKind,
    refId: doc.refId,
    lang: langOfFacet(doc.facet),
    facet: doc.facet,
    score,
    matched: matched.sort((a, b) => b.s - a.s).map((m) => m.term),
  };
}

function compareHits(a: IndexHit, b: IndexHit): number {
  return b.score - a.score || (a.refId < b.refId ? -1 : a.refId > b.refId ? 1 : 0);
}

// ── snippets ────────────────────────────────────────────────────────────────────────────────

const segments = new Map<string, readonly string[]>();

/**
 * jieba with a memo of its segmentations: result pages show the same popular articles again and
 * again, and segmenting their text is most of a snippet's cost.
 */
const memoJieba: ZhSegmenter = {
  name: 'jieba',
  segment(run) {
    let words = segments.get(run);
    if (words === undefined) {
      words = jiebaSegmenter.segment(run);
      if (segments.size >= 50_000) segments.clear();
      segments.set(run, words);
    }
    return words;
  },
  subwords: (word) => jiebaSegmenter.subwords(word),
};

const SNIPPET_LENGTH = 160;
const ASCII_TERM = /^[a-z0-9_.-]+$/;

/**
 * rank.ts#snippet over the part of `body` around the densest cluster of matches, found by a plain
 * string search (Chinese terms are their own surface; English stems are mostly prefixes of theirs),
 * so that long articles are not segmented whole for a result list.
 */
export function resultSnippet(body: string, terms: readonly QueryTerm[], length = SNIPPET_LENGTH): string {
  if (body.length <= 2.5 * length) return snippet(body, terms, { length, segmenter: memoJieba });
  const lower = body.toLowerCase();
  const matches: { start: number; end: number; term: string; w: number }[] = [];
  for (const t of terms) {
    if (t.term.length < 2) continue;
    const ascii = ASCII_TERM.test(t.term);
    const needles = ascii && t.term.endsWith('i') && t.term.length > 3 ? [t.term, t.term.slice(0, -1)] : [t.term];
    for (const needle of needles) {
      let count = 0;
      for (let at = lower.indexOf(needle); at >= 0 && count < 30; at = lower.indexOf(needle, at + needle.length)) {
        // An English term starts a word, and its stem leaves at most a short suffix (freez|es).
        if (ascii && ((at > 0 && /[a-z0-9_]/.test(lower[at - 1] as string)) || /^[a-z0-9_]{5}/.test(lower.slice(at + needle.length, at + needle.length + 5)))) continue;
        matches.push({ start: at, end: at + needle.length, term: t.term, w: t.weight });
        count++;
      }
    }
  }
  let from = 0;
  let to = 0;
  if (matches.length > 0) {
    matches.sort((a, b) => a.start - b.start);
    let best = { score: -1, i: 0, j: 0 };
    for (let i = 0; i < matches.length; i++) {
      const seen = new Set<string>();
      let score = 0;
      for (let j = i; j < matches.length; j++) {
        const m = matches[j] as (typeof matches)[number];
        if (m.end - (matches[i] as (typeof matches)[number]).start > length) break;
        score += seen.has(m.term) ? m.w * 0.1 : m.w;
        seen.add(m.term);
        if (score > best.score) best = { score, i, j };
      }
    }
    from = (matches[best.i] as (typeof matches)[number]).start;
    to = (matches[best.j] as (typeof matches)[number]).end;
  }
  let start = Math.max(0, from - Math.ceil(0.7 * length));
  let end = Math.min(body.length, Math.max(to, from) + length);
  // Cut at line or word boundaries so the part is still well-formed markdown text.
  if (start > 0) {
    const nl = body.lastIndexOf('\n', from);
    if (nl >= start - length / 2) start = Math.min(nl + 1, from);
    else while (start < from && !/\s/.test(body[start - 1] as string)) start++;
  }
  if (end < body.length) {
    const nl = body.indexOf('\n', end);
    if (nl >= 0 && nl <= end + length / 2) end = nl;
    else while (end > to && !/\s/.test(body[end] as string)) end--;
  }
  let text = snippet(body.slice(start, end), terms, { length, segmenter: memoJieba });
  if (start > 0 && !text.startsWith('…')) text = `…${text}`;
  if (end < body.length && !text.endsWith('…')) text = `${text}…`;
  return text;
}

/**
 * Where a snippet (or title) shows the matched query terms: [start, end) UTF-16 offsets, sorted and
 * merged, for the UI to mark (it escapes the text and wraps these spans; no HTML travels). Single
 * Han characters, the index's recall fallback, are marked only when the query asked for that
 * character itself.
 */
export function highlightSpans(text: string, matched: readonly QueryTerm[]): [number, number][] {
  if (matched.length === 0 || text === '') return [];
  const wanted = new Map(matched.map((t) => [t.term, t]));
  const spans: [number, number][] = [];
  for (const tok of tokenize(text, { segmenter: memoJieba })) {
    const q = wanted.get(tok.term);
    if (q === undefined) continue;
    if (tok.kind === 'zhchar' && q.source !== 'original') continue;
    spans.push([tok.start, tok.end]);
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}
