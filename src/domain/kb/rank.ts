// BM25F ranking over an in-memory index: the reference implementation of knowledge-base search.
// The database implementation must produce the same scores (within float rounding) for the same
// articles and query; evaluate.ts measures either against test/fixtures/kb.
//
// Model (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", §3.5):
//
//   per document d and query term t with query weight w(t) (analyzeQuery: 1 for typed words,
//   less for derived parts, synonyms and typo corrections):
//     tf~(t,d) = Σ_f boost_f · tf_f(t,d) / (1 − b_f + b_f · len_f(d) / avglen_f)
//     score(d) = Σ_t w(t) · idf(t) · tf~(t,d) / (k1 + tf~(t,d))
//     idf(t)   = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
//   fields f: title (boost 3), tags (boost 2), body (boost 1); len_f = number of index terms
//   (analyze() output, derived terms included) of the field; avglen_f over all documents;
//   N and df over all documents of every language (a language filter only filters results).
//
// What a database needs to store per article: documentTerms(doc) — term → [tf_title, tf_tags,
// tf_body] and the three field lengths — plus N, Σ len_f and df per term (maintained on insert
// and delete). A query is analyzeQuery(q, {vocabulary}) where vocabulary is the set of index terms
// (only its lower-case ASCII terms matter, for typo tolerance); a document's score is the sum of
// termScore() over the query terms it contains (test/unit/kb/rank.test.ts checks scoreQuery()
// against exactly that sum). Run evaluate() with the database's search to compare it with this.

import { analyze, analyzeQuery, tokenize, type AnalyzeOptions, type Lang, type QueryTerm } from './analyze.ts';

export type Field = 'title' | 'tags' | 'body';
export const FIELDS: readonly Field[] = ['title', 'tags', 'body'];

export const BM25F = {
  k1: 1.2,
  fields: {
    title: { boost: 3, b: 0.5 },
    tags: { boost: 2, b: 0.3 },
    body: { boost: 1, b: 0.75 },
  },
} as const satisfies { k1: number; fields: Record<Field, { boost: number; b: number }> };

export interface KbDocument {
  readonly id: string;
  readonly lang: Lang;
  readonly title: string;
  /** Markdown. */
  readonly body: string;
  readonly tags?: readonly string[];
}

/** Term frequencies per field, in FIELDS order: [title, tags, body]. */
export type FieldCounts = readonly [number, number, number];

export interface DocumentTerms {
  readonly lengths: FieldCounts;
  readonly tf: ReadonlyMap<string, FieldCounts>;
}

/** The index rows of one document: what the database stores per article. */
export function documentTerms(doc: Pick<KbDocument, 'title' | 'body' | 'tags' | 'lang'>, options: AnalyzeOptions = {}): DocumentTerms {
  const opts = { ...options, lang: doc.lang };
  const perField = [analyze(doc.title, opts), analyze((doc.tags ?? []).join(' \n '), opts), analyze(doc.body, opts)] as const;
  const tf = new Map<string, [number, number, number]>();
  perField.forEach((terms, f) => {
    for (const term of terms) {
      let counts = tf.get(term);
      if (counts === undefined) {
        counts = [0, 0, 0];
        tf.set(term, counts);
      }
      counts[f] = (counts[f] as number) + 1;
    }
  });
  return { lengths: [perField[0].length, perField[1].length, perField[2].length], tf };
}

export interface IndexedDocument {
  readonly id: string;
  readonly lang: Lang;
  readonly lengths: FieldCounts;
}

export interface Posting {
  /** Index into KbIndex.docs. */
  readonly doc: number;
  readonly tf: FieldCounts;
}

export interface KbIndex {
  readonly docs: readonly IndexedDocument[];
  readonly postings: ReadonlyMap<string, readonly Posting[]>;
  readonly avgLengths: FieldCounts;
  /** Lower-case ASCII index terms, for typo tolerance. */
  readonly vocabulary: ReadonlySet<string>;
  readonly options: AnalyzeOptions;
}

/** Builds the in-memory index. `options.segmenter` is used for documents and later queries. */
export function buildIndex(docs: readonly KbDocument[], options: AnalyzeOptions = {}): KbIndex {
  const indexed: IndexedDocument[] = [];
  const postings = new Map<string, Posting[]>();
  const totals = [0, 0, 0];
  docs.forEach((doc, i) => {
    const terms = documentTerms(doc, options);
    indexed.push({ id: doc.id, lang: doc.lang, lengths: terms.lengths });
    terms.lengths.forEach((len, f) => {
      totals[f] = (totals[f] as number) + len;
    });
    for (const [term, tf] of terms.tf) {
      let list = postings.get(term);
      if (list === undefined) {
        list = [];
        postings.set(term, list);
      }
      list.push({ doc: i, tf });
    }
  });
  const n = Math.max(1, docs.length);
  const vocabulary = new Set([...postings.keys()].filter((t) => /^[a-z][a-z_]*$/.test(t)));
  return {
    docs: indexed,
    postings,
    avgLengths: [(totals[0] as number) / n, (totals[1] as number) / n, (totals[2] as number) / n],
    vocabulary,
    options,
  };
}

export function idf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

/** BM25F pseudo term frequency tf~ of one term in one document. */
export function pseudoTf(tf: FieldCounts, lengths: FieldCounts, avgLengths: FieldCounts): number {
  let sum = 0;
  FIELDS.forEach((f, i) => {
    const count = tf[i] as number;
    if (count === 0) return;
    const { boost, b } = BM25F.fields[f];
    const avg = avgLengths[i] as number;
    const norm = avg > 0 ? 1 - b + (b * (lengths[i] as number)) / avg : 1;
    sum += (boost * count) / norm;
  });
  return sum;
}

/** One term's contribution to a document's score. */
export function termScore(args: {
  weight: number;
  docCount: number;
  docFreq: number;
  tf: FieldCounts;
  lengths: FieldCounts;
  avgLengths: FieldCounts;
}): number {
  const t = pseudoTf(args.tf, args.lengths, args.avgLengths);
  if (t === 0) return 0;
  return args.weight * idf(args.docCount, args.docFreq) * (t / (BM25F.k1 + t));
}

export interface SearchHit {
  readonly id: string;
  readonly lang: Lang;
  readonly score: number;
  /** Query terms that contributed, best contribution first. */
  readonly matched: readonly string[];
}

export interface SearchOptions {
  /** Only return documents in this language (statistics still cover all documents). */
  readonly lang?: Lang;
  readonly limit?: number;
}

/** Scores documents against already analyzed query terms; best first, ties by id. */
export function scoreQuery(index: KbIndex, queryTerms: readonly QueryTerm[], options: SearchOptions = {}): SearchHit[] {
  const scores = new Map<number, { score: number; matched: { term: string; s: number }[] }>();
  const docCount = index.docs.length;
  for (const qt of queryTerms) {
    const list = index.postings.get(qt.term);
    if (list === undefined || qt.weight <= 0) continue;
    for (const p of list) {
      const doc = index.docs[p.doc] as IndexedDocument;
      if (options.lang !== undefined && doc.lang !== options.lang) continue;
      const s = termScore({ weight: qt.weight, docCount, docFreq: list.length, tf: p.tf, lengths: doc.lengths, avgLengths: index.avgLengths });
      let acc = scores.get(p.doc);
      if (acc === undefined) {
        acc = { score: 0, matched: [] };
        scores.set(p.doc, acc);
      }
      acc.score += s;
      acc.matched.push({ term: qt.term, s });
    }
  }
  const hits: SearchHit[] = [...scores].map(([i, acc]) => {
    const doc = index.docs[i] as IndexedDocument;
    return { id: doc.id, lang: doc.lang, score: acc.score, matched: acc.matched.sort((a, b) => b.s - a.s).map((m) => m.term) };
  });
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return options.limit === undefined ? hits : hits.slice(0, options.limit);
}

/** Analyzes `query` (synonyms, typo tolerance against the index vocabulary) and ranks. */
export function search(index: KbIndex, query: string, options: SearchOptions = {}): SearchHit[] {
  const terms = analyzeQuery(query, { ...index.options, vocabulary: index.vocabulary });
  return scoreQuery(index, terms, options);
}

// ── snippets ────────────────────────────────────────────────────────────────────────────────

const BLOCK_END = /[.!?;:,。！？；：，、)）\]】"”'…]$/;

/** Ends a block (heading, list item, table row) with a full stop if it has no punctuation. */
function closeBlock(line: string): string {
  const t = line.trim();
  if (t === '' || BLOCK_END.test(t)) return t;
  return t + (/\p{Script=Han}$/u.test(t) ? '。' : '.');
}

/** Inline markdown to text: links, emphasis, code spans and HTML removed. */
function inlineText(s: string): string {
  return s
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`+/g, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1')
    .replace(/(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, '$1')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Markdown to one line of plain text for excerpts: markup, HTML tags and link targets removed;
 * headings, list items and table rows (cells joined by commas) end with a full stop when they have
 * no punctuation of their own, so they do not run into the next sentence.
 */
export function markdownToText(markdown: string): string {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push(closeBlock(paragraph.join(' ')));
    paragraph = [];
  };
  for (const rawLine of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trim();
    if (line === '' || /^(```|~~~)/.test(line)) {
      flush();
      continue;
    }
    if (/^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(line)) continue; // table rule
    if (line.startsWith('|')) {
      flush();
      const cells = line.replace(/^\||\|$/g, '').split('|').map((c) => inlineText(c).trim()).filter((c) => c !== '');
      blocks.push(closeBlock(cells.join(', ')));
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (heading !== null || item !== null) {
      flush();
      blocks.push(closeBlock(inlineText((heading ?? item)?.[1] ?? '')));
      continue;
    }
    paragraph.push(inlineText(line.replace(/^>\s?/, '')));
  }
  flush();
  return blocks.filter((b) => b !== '').join(' ').replace(/\s+/g, ' ').trim();
}

export interface SnippetOptions extends AnalyzeOptions {
  /** Target length in characters (UTF-16 units), ellipses not counted. Default 160. */
  readonly length?: number;
}

const SENTENCE_END = /[。！？!?；;\n]|\.(?=\s)/g;
const ELLIPSIS = '…';

/**
 * A plain-text excerpt of about `length` characters of `text` (markdown) around the passage that
 * covers the most distinct query terms (by weight). No HTML: the UI escapes and highlights. Starts
 * at a sentence start when one is near, never cuts an English word, marks cuts with "…". Without
 * any match, the beginning of the text.
 */
export function snippet(text: string, queryTerms: readonly (string | QueryTerm)[], options: SnippetOptions = {}): string {
  const length = Math.max(20, options.length ?? 160);
  const plain = markdownToText(text);
  if (plain.length <= length) return plain;

  const weights = new Map<string, number>();
  for (const q of queryTerms) {
    const [term, w] = typeof q === 'string' ? [analyze(q, options)[0] ?? q.toLowerCase(), 1] : [q.term, q.weight];
    weights.set(term, Math.max(w, weights.get(term) ?? 0));
  }
  const matches = tokenize(plain, options)
    .filter((t) => weights.has(t.term))
    .map((t) => ({ start: t.start, end: t.end, term: t.term, w: weights.get(t.term) as number }));

  let from = 0;
  let to = 0;
  if (matches.length > 0) {
    // The window of matches (start of the first to end of the last within `length`) with the best
    // sum of distinct-term weights; repeated terms add a little.
    let best = { score: -1, i: 0, j: 0 };
    for (let i = 0; i < matches.length; i++) {
      const seen = new Map<string, number>();
      let score = 0;
      for (let j = i; j < matches.length; j++) {
        const m = matches[j] as (typeof matches)[number];
        if (m.end - (matches[i] as (typeof matches)[number]).start > length) break;
        const prev = seen.get(m.term);
        if (prev === undefined) score += m.w;
        else score += m.w * 0.1;
        seen.set(m.term, Math.max(prev ?? 0, m.w));
        if (score > best.score) best = { score, i, j };
      }
    }
    from = (matches[best.i] as (typeof matches)[number]).start;
    to = (matches[best.j] as (typeof matches)[number]).end;
  }

  // Spread the slack: start at a sentence start within reach before the first match, else a
  // third of the slack before it.
  const slack = length - (to - from);
  let start = Math.max(0, from - Math.floor(slack / 3));
  if (matches.length === 0) start = 0;
  else {
    const reach = Math.max(0, from - Math.floor(slack * 0.6));
    let sentenceStart = -1;
    for (const m of plain.slice(reach, from).matchAll(SENTENCE_END)) sentenceStart = reach + m.index + m[0].length;
    if (sentenceStart >= 0) start = sentenceStart;
    else if (reach === 0) start = 0;
  }
  start = tokenBoundaryForward(plain, start, from);
  while (start < from && /\s/.test(plain[start] as string)) start++;
  let end = Math.min(plain.length, start + length);
  end = wordBoundaryBackward(plain, end, to);
  if (isLowSurrogate(plain, start)) start++;
  if (isLowSurrogate(plain, end)) end--;

  const body = plain.slice(start, end).trim();
  return (start > 0 ? ELLIPSIS : '') + body + (end < plain.length ? ELLIPSIS : '');
}

const WORDISH = /[A-Za-z0-9_\-.]/;
const HAN_CHAR = /\p{Script=Han}/u;

/**
 * Moves `i` forward out of the middle of a non-Chinese token (a word, a code, `{…}`) to the next
 * space, unless that passes `limit`. Between Han characters any position is a boundary.
 */
function tokenBoundaryForward(s: string, i: number, limit: number): number {
  if (i === 0) return i;
  const before = s[i - 1] as string;
  if (/\s/.test(before) || HAN_CHAR.test(before) || HAN_CHAR.test(s[i] ?? ' ')) return i;
  let j = i;
  while (j < limit && !/\s/.test(s[j] as string) && !HAN_CHAR.test(s[j] as string)) j++;
  return j < limit ? j : i;
}

/** Moves `i` back out of the middle of an English word (not before `limit`). */
function wordBoundaryBackward(s: string, i: number, limit: number): number {
  if (i >= s.length || !WORDISH.test(s[i - 1] ?? ' ') || !WORDISH.test(s[i] as string)) return i;
  let j = i;
  while (j > limit && WORDISH.test(s[j - 1] as string)) j--;
  return j > limit ? j : i;
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
