// Text analysis for knowledge-base search: the same function turns articles into index terms and
// queries into weighted query terms, so whatever stores the index (the in-memory ranker in
// rank.ts, or the database later) only has to store and look up the strings produced here.
//
// Segmenter comparison (test/unit/kb/segmenter-comparison.test.ts prints it): BM25F ranker of
// rank.ts over test/fixtures/kb, 88 articles (44 topics × zh/en), 185 labeled queries of which 102
// Chinese or mixed; results collapsed by translation group (rule in queries.json).
//
//   segmenter                         recall@3  recall@1  MRR    | zh/mixed: recall@3  MRR   | zh, no synonyms: recall@3
//   jieba-wasm 2.4, stock dictionary  0.989     0.859     0.919  |           0.990     0.908 |                  0.961
//   Intl.Segmenter('zh', word)        0.989     0.849     0.917  |           0.990     0.915 |                  0.980
//   jieba-wasm 2.4 + ZH_USER_WORDS    0.989     0.854     0.918  |           0.990     0.907 |                  0.961
//
// Before single characters of Chinese words were indexed as low-weight derived terms, Intl won
// (recall@3 0.989 vs 0.978, MRR 0.925 vs 0.908): its character fallback let 一顿一顿 meet 卡顿
// and 九宫格 meet 宫格, where jieba's whole words did not. With the character fallback in the
// shared pipeline the two rank the same within one query, so jieba is kept for what the figures
// do not show: it produces words (安卓, 录制, 机房, 首帧; Intl gives 安/卓, 录/制, 机/房, 首/帧 and
// even 音像 out of 声音像), which synonym matching, snippets and similar-case features work on, and
// its dictionary takes product vocabulary (lexicon.ts). Its cost: a 4 MB WASM module and 1–2 s to
// build the dictionary on first use (warmUpAnalyzer). The segmenter is a parameter, so
// intlSegmenter() remains a drop-in fallback where WASM is unwelcome.
//
// Pipeline, per token, offsets always pointing into the caller's original text:
//   1. fold: Unicode NFKC (full-width → half-width: ＳＤＫ４．２ → SDK4.2, ，→ ,), − → -, ’ → '
//   2. split by script: runs of Han characters go to the Chinese segmenter (jieba: cut), with
//      derived terms for the dictionary sub-words of long words (cut_for_search: 屏幕共享 →
//      屏幕, 共享) and for the single characters of multi-character words; the rest is scanned
//      for special tokens, kept whole:
//        versions     v4.2.1 → 4.2.1 (+ derived prefixes 4.2, 4);  4.2.x → 4.2
//        error codes  -1003, 110 (numbers are kept as they are)
//        measures     400ms, 400 ms → 400ms; 1080p, 30fps, 48khz, 15%
//        identifiers  ERR_JOIN_TIMEOUT → err_join_timeout (+ err, join, timeout)
//        API names    joinChannel → joinchannel (+ join, channel)
//        codecs       H.265 → h265
//      and plain words: lower-cased, English stop words dropped, Porter-stemmed (stem.ts);
//      negative contractions (can't, doesn't, cannot) become `not`.
//   3. Chinese stop words (的, 了, 吗 …) are dropped after segmentation.
//
// jieba-wasm: in Node the package's `node` export instantiates the WASM module synchronously on
// import (≈40–130 ms, 4 MB), so no async init is needed; but the first cut() of a process builds
// jieba's dictionary (1–2 s of CPU, synchronous). warmUpAnalyzer() does that on purpose at server
// start. A browser bundle would resolve to the `web` build, which needs `await init()` first; the
// web app calls the server's search API instead of importing this module.

import { add_word, cut, cut_for_search } from 'jieba-wasm';
import { EN_STOP_WORDS, MEASURE_UNITS, UNSTEMMED_WORDS, ZH_STOP_WORDS, ZH_USER_WORDS } from './lexicon.ts';
import { stem } from './stem.ts';
import { SYNONYM_GROUPS, type SynonymGroup } from './synonyms.ts';

export type Lang = 'zh' | 'en';

export type TokenKind =
  | 'word' // an English (or other non-Han) word, stemmed
  | 'zh' // a Chinese word from the segmenter (or a dictionary sub-word of one)
  | 'zhchar' // a single Han character of a longer Chinese word: the recall fallback
  | 'api' // a camelCase name: joinchannel
  | 'identifier' // a snake/SCREAMING_CASE name: err_join_timeout
  | 'alnum' // letters and digits: h265, arm64, 1v1
  | 'version' // 4.2.1
  | 'code' // a negative error code: -1003
  | 'number' // 110
  | 'measure'; // 400ms

export interface Token {
  /** The normalized index term. */
  readonly term: string;
  /** UTF-16 offsets of the token in the original text. */
  readonly start: number;
  readonly end: number;
  /** Ordinal of the primary token; derived tokens share their parent's position. */
  readonly position: number;
  readonly kind: TokenKind;
  /** A term derived from another token: camelCase parts, version prefixes, Chinese sub-words. */
  readonly derived: boolean;
}

/** Splits runs of Han characters into words. */
export interface ZhSegmenter {
  readonly name: string;
  /** Words of the run, in order; they concatenate back to the run. */
  segment(run: string): readonly string[];
  /** Shorter dictionary words inside a word (屏幕共享 → 屏幕, 共享), without the word itself. */
  subwords(word: string): readonly string[];
}

export interface AnalyzeOptions {
  /**
   * Language of the text, as stored with the article. Accepted so that callers can pass what they
   * have, but the result does not depend on it: the pipeline is script-driven (Han runs are
   * segmented, everything else goes through the English rules), so mixed text such as
   * `安卓 SDK 4.2.1 joinChannel 返回 110` analyzes the same whatever the declared language, and a
   * zh article and a zh query that quote English API names meet on the same terms.
   */
  readonly lang?: Lang;
  /** Chinese segmenter; jieba unless told otherwise. */
  readonly segmenter?: ZhSegmenter;
}

// ── segmenters ──────────────────────────────────────────────────────────────────────────────

let jiebaDictionaryLoaded = false;

function loadJiebaDictionary(): void {
  if (jiebaDictionaryLoaded) return;
  for (const word of ZH_USER_WORDS) add_word(word, null, null);
  jiebaDictionaryLoaded = true;
}

const subwordCache = new Map<string, readonly string[]>();

function jiebaSubwords(word: string): readonly string[] {
  if (word.length <= 2) return [];
  let subs = subwordCache.get(word);
  if (subs === undefined) {
    subs = unique(cut_for_search(word, true).filter((w) => w !== word && w.length >= 2));
    if (subwordCache.size >= 50_000) subwordCache.clear();
    subwordCache.set(word, subs);
  }
  return subs;
}

/** jieba (jieba-wasm) with the RTC vocabulary of lexicon.ts added to its dictionary. */
export const jiebaSegmenter: ZhSegmenter = {
  name: 'jieba',
  segment(run) {
    loadJiebaDictionary();
    return cut(run, true);
  },
  subwords(word) {
    loadJiebaDictionary();
    return jiebaSubwords(word);
  },
};

/**
 * jieba with its stock dictionary only. For the segmenter comparison: jieba's dictionary is
 * process-wide, so this is only "stock" if used before jiebaSegmenter in the process.
 */
export const jiebaStockSegmenter: ZhSegmenter = {
  name: 'jieba-stock',
  segment: (run) => cut(run, true),
  // Not cached: the cache belongs to jiebaSegmenter, whose dictionary differs.
  subwords: (word) => (word.length <= 2 ? [] : unique(cut_for_search(word, true).filter((w) => w !== word && w.length >= 2))),
};

/**
 * Builds jieba's dictionary now. The first jieba call of a process spends 1–2 s of CPU
 * (synchronously) loading its dictionary; a server calls this once at start so that the first
 * search request does not pay it. Idempotent and cheap afterwards.
 */
export function warmUpAnalyzer(): void {
  jiebaSegmenter.segment('预热');
}

const intlSegmenters = new Map<string, Intl.Segmenter>();

/** ICU's word segmentation, as shipped with the JavaScript runtime. */
export function intlSegmenter(locale = 'zh'): ZhSegmenter {
  return {
    name: `intl:${locale}`,
    segment(run) {
      let segmenter = intlSegmenters.get(locale);
      if (segmenter === undefined) {
        segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
        intlSegmenters.set(locale, segmenter);
      }
      return Array.from(segmenter.segment(run), (s) => s.segment);
    },
    subwords: () => [],
  };
}

// ── normalization with an offset map ────────────────────────────────────────────────────────

interface Normalized {
  readonly text: string;
  /** For each UTF-16 unit of `text`, the [start, end) of the source cluster in the original; null if identical. */
  readonly from: readonly (readonly [number, number])[] | null;
}

/** Length-preserving folds NFKC does not do. */
function preFold(text: string): string {
  return text.replace(/[\u2212\u2010\u2011]/g, '-').replace(/[\u2018\u2019\u02bc]/g, "'");
}

/** Combining marks stay with their base character when normalizing. */
const COMBINING = /^\p{M}$/u;

function normalize(original: string): Normalized {
  const folded = preFold(original);
  const nfkc = folded.normalize('NFKC');
  if (nfkc === folded) return { text: folded, from: null };
  // Normalize character by character (a base and its combining marks) to keep offsets. ASCII and
  // the CJK Unified Ideographs blocks are NFKC-stable and skip the call.
  const parts: string[] = [];
  const from: (readonly [number, number])[] = [];
  const n = folded.length;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    if (c < 0x80 || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      parts.push(folded[i] as string);
      from.push([i, i + 1]);
      i++;
      continue;
    }
    let end = i + (c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1);
    while (end < n) {
      const next = folded.codePointAt(end) as number;
      const len = next > 0xffff ? 2 : 1;
      if (next < 0x300 || !COMBINING.test(folded.slice(end, end + len))) break;
      end += len;
    }
    const out = folded.slice(i, end).normalize('NFKC');
    parts.push(out);
    for (let k = 0; k < out.length; k++) from.push([i, end]);
    i = end;
  }
  return { text: parts.join(''), from };
}

// ── scanning ────────────────────────────────────────────────────────────────────────────────

const HAN = '\\p{Script=Han}';
const L = `(?:(?!${HAN})\\p{L})`; // a letter that is not Han
const W = `(?:(?!${HAN})[\\p{L}\\p{N}_])`; // a word character that is not Han
/** A unit as a case-insensitive pattern without the `i` flag (which makes \p{…} classes slow). */
const unitPattern = (u: string): string => u.replace(/[a-z]/g, (ch) => `[${ch}${ch.toUpperCase()}]`);
const MULTI_UNITS = MEASURE_UNITS.filter((u) => u.length > 1 && /^[a-z]+$/.test(u))
  .sort((a, b) => b.length - a.length)
  .map(unitPattern);
const SINGLE_UNITS = MEASURE_UNITS.filter((u) => u.length === 1).map(unitPattern);

const TOKEN_RE = new RegExp(
  [
    `(?<han>${HAN}+)`,
    `(?<codec>(?<!${W})[hH]\\.?26[45](?!${W}))`,
    `(?<version>(?<![\\p{N}_.])(?:[vV]?\\d+(?:\\.(?:\\d+|[xX*])){1,3}|(?<!${W})[vV]\\d+)(?!${W}|\\.\\d))`,
    `(?<measure>(?<!${W}|\\.)\\d+(?:\\.\\d+)?(?:\\s?(?:${MULTI_UNITS.join('|')})|(?:${SINGLE_UNITS.join('|')}))(?!${W}))`,
    `(?<code>(?<!${W}|[.\\-])-\\d+(?!${W}|\\.\\d))`,
    `(?<alnum>\\d+${L}${W}*)`,
    `(?<word>(?:${L}|_)(?:${L}|_|\\p{N}(?!\\.\\d))*(?:'${L}+)?)`,
    `(?<number>\\d+)`,
  ].join('|'),
  'gu',
);

interface RawToken {
  term: string;
  /** Offsets in the normalized text. */
  start: number;
  end: number;
  kind: TokenKind;
  derived: boolean;
}

const CAMEL_SPLIT = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

function isAsciiWord(s: string): boolean {
  return /^[a-z]+$/.test(s);
}

/** A plain word: stop words → null, otherwise its stem. */
function wordTerm(lower: string): string | null {
  if (lower === 'cannot') return 'not';
  if (EN_STOP_WORDS.has(lower)) return null;
  if (lower.length === 1 && /[a-z]/.test(lower)) return null;
  return isAsciiWord(lower) && !UNSTEMMED_WORDS.has(lower) ? stem(lower) : lower;
}

/** Terms derived from the parts of a compound name. */
function partTerms(parts: readonly string[], whole: string): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const lower = part.toLowerCase();
    if (lower === '' || lower === whole) continue;
    const term = /^\p{N}+$/u.test(lower) ? lower : wordTerm(lower);
    if (term !== null && term !== whole && !out.includes(term)) out.push(term);
  }
  return out;
}

/** A token of a word relative to the word: `length` is how much of the word it covers. */
interface WordPiece {
  readonly term: string;
  readonly length: number;
  readonly kind: TokenKind;
  readonly derived: boolean;
}

/** Words repeat a lot; their analysis is a pure function of the surface form. */
const wordCache = new Map<string, readonly WordPiece[]>();
const WORD_CACHE_LIMIT = 50_000;

function scanWord(raw: string, start: number, push: (t: RawToken) => void): void {
  let pieces = wordCache.get(raw);
  if (pieces === undefined) {
    pieces = analyzeWord(raw);
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    wordCache.set(raw, pieces);
  }
  for (const p of pieces) push({ term: p.term, start, end: start + p.length, kind: p.kind, derived: p.derived });
}

function analyzeWord(raw: string): WordPiece[] {
  let word = raw;
  let lower = word.toLowerCase();
  if (lower.endsWith("n't")) return [{ term: 'not', length: raw.length, kind: 'word', derived: false }];
  if (lower.includes("'")) {
    if (EN_STOP_WORDS.has(lower)) return [];
    const cut = word.indexOf("'");
    word = word.slice(0, cut);
    lower = lower.slice(0, cut);
  }
  const length = word.length;
  if (word.replace(/_/g, '') === '') return [];

  if (word.includes('_')) {
    const whole = lower.replace(/^_+|_+$/g, '');
    const parts = word.split('_').flatMap((p) => p.split(CAMEL_SPLIT));
    return [
      { term: whole, length, kind: 'identifier', derived: false },
      ...partTerms(parts, whole).map((term): WordPiece => ({ term, length, kind: 'word', derived: true })),
    ];
  }
  // Plural acronyms (SDKs, APIs, URLs) are words, not camelCase.
  const pluralAcronym = /^\p{Lu}{2,}s$/u.test(word);
  const parts = pluralAcronym ? [word] : word.split(CAMEL_SPLIT);
  if (parts.length > 1) {
    const hasDigit = /\p{N}/u.test(word);
    const kind: TokenKind = hasDigit && !/\p{Ll}\p{Lu}/u.test(word) ? 'alnum' : 'api';
    return [
      { term: lower, length, kind, derived: false },
      ...partTerms(parts, lower).map((term): WordPiece => ({ term, length, kind: 'word', derived: true })),
    ];
  }
  const term = wordTerm(lower);
  return term === null ? [] : [{ term, length, kind: 'word', derived: false }];
}

function scanVersion(raw: string, start: number, end: number, push: (t: RawToken) => void): void {
  const parts = raw.replace(/^[vV]/, '').split('.');
  while (parts.length > 1 && /^[xX*]$/.test(parts[parts.length - 1] as string)) parts.pop();
  if (parts.some((p) => /^[xX*]$/.test(p))) return;
  push({ term: parts.join('.'), start, end, kind: 'version', derived: false });
  for (let n = parts.length - 1; n >= 1; n--) {
    push({ term: parts.slice(0, n).join('.'), start, end, kind: 'version', derived: true });
  }
}

function scanHan(run: string, start: number, segmenter: ZhSegmenter, push: (t: RawToken) => void): void {
  let cursor = 0;
  for (const word of segmenter.segment(run)) {
    const at = run.indexOf(word, cursor);
    const wStart = at < 0 ? cursor : at;
    cursor = wStart + word.length;
    if (word.trim() === '' || ZH_STOP_WORDS.has(word)) continue;
    push({ term: word, start: start + wStart, end: start + cursor, kind: 'zh', derived: false });
    for (const sub of segmenter.subwords(word)) {
      if (ZH_STOP_WORDS.has(sub)) continue;
      const subAt = word.indexOf(sub);
      const s = start + wStart + Math.max(0, subAt);
      push({ term: sub, start: s, end: s + sub.length, kind: 'zh', derived: true });
    }
    // Characters of multi-character words, so that paraphrases still meet: 一顿一顿 ~ 卡顿,
    // 九宫格 ~ 宫格, 会议室 ~ 会议. Weighted low at query time (QUERY_WEIGHTS.zhChar).
    if (word.length >= 2) {
      const seen = new Set<string>();
      let offset = 0;
      for (const ch of word) {
        const s = start + wStart + offset;
        offset += ch.length;
        if (seen.has(ch) || ZH_STOP_WORDS.has(ch)) continue;
        seen.add(ch);
        push({ term: ch, start: s, end: s + ch.length, kind: 'zhchar', derived: true });
      }
    }
  }
}

/** Splits text into index tokens with their offsets in the original text. */
export function tokenize(text: string, options: AnalyzeOptions = {}): Token[] {
  const segmenter = options.segmenter ?? jiebaSegmenter;
  const norm = normalize(text);
  const raw: RawToken[] = [];
  const push = (t: RawToken): void => {
    raw.push(t);
  };
  for (const m of norm.text.matchAll(TOKEN_RE)) {
    const g = m.groups ?? {};
    const s = m.index;
    const e = s + m[0].length;
    if (g.han !== undefined) scanHan(g.han, s, segmenter, push);
    else if (g.codec !== undefined) push({ term: g.codec.toLowerCase().replace('.', ''), start: s, end: e, kind: 'alnum', derived: false });
    else if (g.version !== undefined) scanVersion(g.version, s, e, push);
    else if (g.measure !== undefined) push({ term: g.measure.toLowerCase().replace(/\s+/g, ''), start: s, end: e, kind: 'measure', derived: false });
    else if (g.code !== undefined) push({ term: g.code, start: s, end: e, kind: 'code', derived: false });
    else if (g.alnum !== undefined) push({ term: g.alnum.toLowerCase(), start: s, end: e, kind: 'alnum', derived: false });
    else if (g.word !== undefined) scanWord(g.word, s, push);
    else if (g.number !== undefined) push({ term: g.number, start: s, end: e, kind: 'number', derived: false });
  }
  const tokens: Token[] = [];
  let position = -1;
  for (const t of raw) {
    if (!t.derived) position++;
    const [start, end] = norm.from === null ? [t.start, t.end] : originalSpan(norm.from, t.start, t.end);
    tokens.push({ term: t.term, start, end, position: Math.max(0, position), kind: t.kind, derived: t.derived });
  }
  return tokens;
}

function originalSpan(from: readonly (readonly [number, number])[], start: number, end: number): [number, number] {
  const first = from[start];
  const last = from[Math.max(start, end - 1)];
  if (first === undefined || last === undefined) return [start, end];
  return [first[0], last[1]];
}

/** The index terms of a text, in order, derived terms right after their parent. */
export function analyze(text: string, options: AnalyzeOptions = {}): string[] {
  return tokenize(text, options).map((t) => t.term);
}

// ── queries ─────────────────────────────────────────────────────────────────────────────────

export type QueryTermSource = 'original' | 'derived' | 'synonym' | 'fuzzy';

export interface QueryTerm {
  readonly term: string;
  /** Multiplies the term's BM25F contribution: 1 for what the customer typed, less for expansions. */
  readonly weight: number;
  readonly source: QueryTermSource;
  /** For expansions: the query term (or synonym entry) that produced it. */
  readonly from?: string;
}

/** Weights of query-term expansions; the ranker and the database must use the same values. */
export const QUERY_WEIGHTS = {
  original: 1,
  /** camelCase / identifier parts, Chinese dictionary sub-words. */
  derived: 0.5,
  /** Single characters of a Chinese word. */
  zhChar: 0.25,
  /** Version prefixes: 4.2.1 → 4.2 at 0.5, 4 at 0.25. */
  versionPrefixDecay: 0.5,
  /** A synonym of a matched entry; divided by the number of terms of a multi-word synonym. */
  synonym: 0.6,
  /** A vocabulary term at edit distance 1 / 2 from an unknown query term. */
  fuzzy1: 0.7,
  fuzzy2: 0.5,
  /** At most this many fuzzy expansions per query term. */
  fuzzyLimit: 3,
} as const;

export interface QueryOptions extends AnalyzeOptions {
  /**
   * Terms known to the index. When given, query words absent from it are expanded with
   * fuzzyExpand() against it (typo tolerance). Only lower-case ASCII terms are looked at.
   */
  readonly vocabulary?: ReadonlySet<string>;
  /** Synonym groups; SYNONYM_GROUPS unless told otherwise. */
  readonly synonyms?: readonly SynonymGroup[];
}

interface CompiledEntry {
  readonly group: number;
  readonly text: string;
  /** The entry's primary terms: what it contributes as an expansion. */
  readonly seq: readonly string[];
}

interface CompiledSynonyms {
  /** Entries with Latin letters or digits, matched as phrases of terms, by their first term. */
  readonly byFirst: ReadonlyMap<string, readonly CompiledEntry[]>;
  /** Entries of Han characters only, matched on the query's surface (see analyzeQuery). */
  readonly han: readonly CompiledEntry[];
  readonly byGroup: readonly (readonly CompiledEntry[])[];
}

const HAN_ONLY = /^\p{Script=Han}+$/u;

const compiledCache = new WeakMap<ZhSegmenter, WeakMap<readonly SynonymGroup[], CompiledSynonyms>>();

function compileSynonyms(groups: readonly SynonymGroup[], segmenter: ZhSegmenter): CompiledSynonyms {
  let perSegmenter = compiledCache.get(segmenter);
  if (perSegmenter === undefined) {
    perSegmenter = new WeakMap();
    compiledCache.set(segmenter, perSegmenter);
  }
  const cached = perSegmenter.get(groups);
  if (cached !== undefined) return cached;
  const han: CompiledEntry[] = [];
  const byGroup: CompiledEntry[][] = [];
  const byFirst = new Map<string, CompiledEntry[]>();
  groups.forEach((group, gi) => {
    const list: CompiledEntry[] = [];
    for (const raw of group.terms) {
      const text = raw.normalize('NFKC');
      const seq = tokenize(text, { segmenter }).filter((t) => !t.derived).map((t) => t.term);
      if (seq.length === 0) continue;
      const entry: CompiledEntry = { group: gi, text, seq };
      list.push(entry);
      if (HAN_ONLY.test(text)) {
        han.push(entry);
      } else {
        const first = seq[0] as string;
        byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
      }
    }
    byGroup.push(list);
  });
  const compiled = { byFirst, han, byGroup };
  perSegmenter.set(groups, compiled);
  return compiled;
}

/**
 * The weighted terms of a search query: what the customer typed (weight 1), derived parts,
 * typo corrections against `vocabulary`, and synonyms of every synonym entry found in the query.
 * A term that arrives by several routes keeps its highest weight. Sorted by weight, descending.
 */
export function analyzeQuery(text: string, options: QueryOptions = {}): QueryTerm[] {
  const segmenter = options.segmenter ?? jiebaSegmenter;
  const tokens = tokenize(text, { ...options, segmenter });
  const result = new Map<string, QueryTerm>();
  const add = (qt: QueryTerm): void => {
    const prev = result.get(qt.term);
    if (prev === undefined || qt.weight > prev.weight) result.set(qt.term, qt);
  };

  // Slots: the terms at each position, with their weights (for synonym phrase matching).
  const slots: Map<string, number>[] = [];
  const slotAt = (p: number): Map<string, number> => {
    let slot = slots[p];
    if (slot === undefined) {
      slot = new Map();
      slots[p] = slot;
    }
    return slot;
  };
  let lastPrimary: Token | undefined;
  let versionDepth = 0;
  for (const t of tokens) {
    let weight: number = QUERY_WEIGHTS.original;
    let source: QueryTermSource = 'original';
    if (t.derived) {
      source = 'derived';
      if (t.kind === 'version') {
        versionDepth++;
        weight = QUERY_WEIGHTS.versionPrefixDecay ** versionDepth;
      } else if (t.kind === 'zhchar') {
        weight = QUERY_WEIGHTS.zhChar;
      } else {
        weight = QUERY_WEIGHTS.derived;
      }
    } else {
      lastPrimary = t;
      versionDepth = 0;
    }
    const from = t.derived ? lastPrimary?.term : undefined;
    add(from === undefined ? { term: t.term, weight, source } : { term: t.term, weight, source, from });
    const slot = slotAt(t.position);
    slot.set(t.term, Math.max(weight, slot.get(t.term) ?? 0));

    if (!t.derived && options.vocabulary !== undefined && (t.kind === 'word' || t.kind === 'api' || t.kind === 'identifier') && !options.vocabulary.has(t.term)) {
      for (const c of fuzzyExpand(t.term, options.vocabulary).slice(0, QUERY_WEIGHTS.fuzzyLimit)) {
        const w = c.distance === 1 ? QUERY_WEIGHTS.fuzzy1 : QUERY_WEIGHTS.fuzzy2;
        add({ term: c.term, weight: w, source: 'fuzzy', from: t.term });
        slot.set(c.term, Math.max(w, slot.get(c.term) ?? 0));
      }
    }
  }

  const synonyms = compileSynonyms(options.synonyms ?? SYNONYM_GROUPS, segmenter);
  const matchedGroups = new Map<number, { weight: number; from: string }>();
  const matched = (entry: CompiledEntry, weight: number): void => {
    const prev = matchedGroups.get(entry.group);
    if (prev === undefined || weight > prev.weight) matchedGroups.set(entry.group, { weight, from: entry.text });
  };
  // Chinese entries match the query text itself, but only on word boundaries of the query's
  // segmentation: jieba segments by context (画面不动 alone is 画面/不/动, in 画面不动了 it is
  // 画面/不动), so comparing terms would miss; boundaries keep 卡 from matching inside 卡片.
  const starts = new Set<number>();
  const ends = new Set<number>();
  for (const t of tokens) {
    if (t.derived || t.kind !== 'zh') continue;
    starts.add(t.start);
    ends.add(t.end);
  }
  if (starts.size > 0) {
    for (const entry of synonyms.han) {
      for (let at = text.indexOf(entry.text); at >= 0; at = text.indexOf(entry.text, at + 1)) {
        if (starts.has(at) && ends.has(at + entry.text.length)) {
          matched(entry, QUERY_WEIGHTS.original);
          break;
        }
      }
    }
  }
  // Other entries match as phrases of terms, typo corrections included.
  for (let p = 0; p < slots.length; p++) {
    for (const [term, w0] of slots[p] ?? []) {
      for (const entry of synonyms.byFirst.get(term) ?? []) {
        let w = w0;
        for (let i = 1; i < entry.seq.length && w > 0; i++) {
          w = Math.min(w, slots[p + i]?.get(entry.seq[i] as string) ?? 0);
        }
        if (w > 0) matched(entry, w);
      }
    }
  }
  for (const [group, match] of matchedGroups) {
    for (const entry of synonyms.byGroup[group] ?? []) {
      const weight = (QUERY_WEIGHTS.synonym * match.weight) / entry.seq.length;
      for (const term of entry.seq) add({ term, weight, source: 'synonym', from: match.from });
    }
  }

  return [...result.values()].sort((a, b) => b.weight - a.weight);
}

// ── typo tolerance ──────────────────────────────────────────────────────────────────────────

export interface FuzzyMatch {
  readonly term: string;
  readonly distance: number;
}

const FUZZY_TERM = /^[a-z][a-z_]*[a-z]$/;

/**
 * Largest edit distance tolerated for a term of this length: 2 from 9 characters, 1 from 5, and
 * for 4-letter terms only a swap of two adjacent letters (ehco → echo); shorter terms: none.
 */
export function maxTypoDistance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 4) return 1;
  return 0;
}

/**
 * Vocabulary terms within the tolerated Damerau-Levenshtein distance (optimal string alignment:
 * insertions, deletions, substitutions and adjacent transpositions) of `term`, closest first,
 * then alphabetical. Only lower-case ASCII terms (a–z and _) take part; the term itself is not
 * returned. Error codes, versions and numbers are never fuzzed: 110 must not find 101.
 */
export function fuzzyExpand(term: string, vocabulary: Iterable<string>): FuzzyMatch[] {
  if (!FUZZY_TERM.test(term)) return [];
  const max = maxTypoDistance(term.length);
  if (max === 0) return [];
  const out: FuzzyMatch[] = [];
  for (const candidate of vocabulary) {
    if (candidate === term || Math.abs(candidate.length - term.length) > max || candidate.length < 4) continue;
    if (!FUZZY_TERM.test(candidate)) continue;
    const d = osaDistance(term, candidate, max);
    if (d > max) continue;
    if (term.length === 4 && !isAdjacentSwap(term, candidate)) continue;
    out.push({ term: candidate, distance: d });
  }
  return out.sort((a, b) => a.distance - b.distance || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === (diff[0] as number) + 1 && a[diff[0] as number] === b[diff[1] as number] && a[diff[1] as number] === b[diff[0] as number];
}

/** Optimal-string-alignment distance, giving up (returning max + 1) once it must exceed `max`. */
export function osaDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m] as number;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
