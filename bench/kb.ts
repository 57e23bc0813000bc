/**
 * Knowledge-base search: recall@3, MRR and latency of Signaldesk's search (jieba / stemming /
 * tokens / synonyms / typo tolerance in TypeScript, BM25F over postings in the database) beside a
 * plain PostgreSQL full-text baseline measured in the same run on the same data:
 * `to_tsvector('simple', title || ' ' || body)` with a GIN index, an OR of the query's lexemes, and
 * ts_rank.
 *
 * Corpus: the 88 labeled fixture articles (44 topics × zh/en) among generated filler articles, up to
 * 100,000 on PostgreSQL (BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL), or a smaller count on PGlite
 * without one. Filler articles are published zh and en articles built from sentences that mix RTC
 * words of the fixture corpus (about a third of the words) with made-up words, so the common
 * domain terms (SDK, 音频, android …) have long posting lists and the labeled answers have
 * competitors, but no filler is a coherent answer to a labeled query. Queries: the 185 labeled
 * queries (test/fixtures/kb/queries.json), evaluated with src/domain/kb/evaluate.ts.
 *
 * KB_BENCH_KEEP=1 keeps the PostgreSQL database (its URL is printed) for further measurements.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { configFromEnv } from '../src/config.ts';
import { analyze, jiebaSegmenter, warmUpAnalyzer } from '../src/domain/kb/analyze.ts';
import { evaluate, translationGroups, type Evaluation, type LabeledQuery } from '../src/domain/kb/evaluate.ts';
import { documentTerms, type DocumentTerms } from '../src/domain/kb/rank.ts';
import { startServer, type Server } from '../src/server.ts';
import { searchKb } from '../src/services/kb.ts';
import { loadKbContent } from '../src/services/kb-content.ts';
import { indexDocuments, type IndexEntry } from '../src/services/kb-search.ts';
import type { Actor } from '../src/services/context.ts';
import type { Database } from '../src/store/db.ts';
import { insertArticles } from '../src/store/repos/kb.ts';
import { freshPostgresDatabase } from '../test/helpers/services.ts';
import { ADMIN_TOKEN, ApiClient } from '../test/helpers/server.ts';
import { makeTenant } from '../test/helpers/fixtures.ts';
import { loadArticles, loadQueries } from '../test/fixtures/kb/load.ts';
import { fmt, percentile } from './stats.ts';

interface Sizes {
  articles: number;
  /** Timed passes over the labeled queries. */
  rounds: number;
}

// ── deterministic filler ────────────────────────────────────────────────────────────────────

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from `items` with Zipf-like weights (1/rank). */
function zipfPicker<T>(items: readonly T[], random: () => number): () => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < items.length; i++) cumulative.push((sum += 1 / (i + 1)));
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as T;
  };
}

interface Piece {
  text: string;
  terms: string[];
}

interface FillerDoc {
  lang: 'zh' | 'en';
  title: string;
  body: string;
  tags: string[];
  terms: DocumentTerms;
}

/** Builds filler articles from pre-analyzed sentences, so 100,000 of them cost seconds, not minutes. */
export function fillerFactory(fixtures: ReturnType<typeof loadArticles>, seed = 42) {
  const random = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const byFrequency = (words: string[]): string[] => {
    const counts = new Map<string, number>();
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  };
  const enDomain = byFrequency(fixtures.filter((a) => a.lang === 'en').flatMap((a) => `${a.title} ${a.body}`.match(/[A-Za-z][A-Za-z]+/g) ?? []));
  const zhDomain = byFrequency(fixtures.filter((a) => a.lang === 'zh').flatMap((a) => [...`${a.title} ${a.body}`.matchAll(/\p{Script=Han}+/gu)].flatMap((m) => jiebaSegmenter.segment(m[0]))));
  const hanChars = [...new Set(zhDomain.join(''))];
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'vo', 'ze', 'pu', 'qua', 'bel', 'dor', 'fin', 'gar', 'hul', 'jex', 'kor', 'lim', 'mon', 'nar', 'pel', 'ros', 'sil', 'tun', 'vex', 'wil', 'yor'];
  const enMade = new Set<string>();
  while (enMade.size < 20_000) enMade.add(Array.from({ length: int(2, 4) }, () => syllables[int(0, syllables.length - 1)]).join(''));
  const zhMade = new Set<string>();
  while (zhMade.size < 10_000) zhMade.add(Array.from({ length: int(2, 3) }, () => hanChars[int(0, hanChars.length - 1)]).join(''));
  const pick = {
    enDomain: zipfPicker(enDomain, random),
    zhDomain: zipfPicker(zhDomain, random),
    enMade: zipfPicker([...enMade], random),
    zhMade: zipfPicker([...zhMade], random),
    tag: zipfPicker(byFrequency(fixtures.flatMap((a) => a.tags)), random),
  };
  const enWord = (): string => (random() < 0.3 ? pick.enDomain() : pick.enMade()).toLowerCase();
  const zhWord = (): string => (random() < 0.35 ? pick.zhDomain() : pick.zhMade());
  const piece = (text: string): Piece => ({ text, terms: analyze(text) });
  const enSentence = (n: number): string => {
    const words = Array.from({ length: n }, enWord);
    words[0] = (words[0] as string).charAt(0).toUpperCase() + (words[0] as string).slice(1);
    return words.join(' ');
  };
  const zhSentence = (n: number): string => Array.from({ length: n }, zhWord).join('');
  const pools = {
    en: { sentences: Array.from({ length: 20_000 }, () => piece(`${enSentence(int(8, 16))}.`)), titles: Array.from({ length: 5_000 }, () => piece(enSentence(int(5, 9)))) },
    zh: { sentences: Array.from({ length: 20_000 }, () => piece(`${zhSentence(int(5, 10))}。`)), titles: Array.from({ length: 5_000 }, () => piece(zhSentence(int(3, 6)))) },
    tags: Array.from({ length: 3_000 }, () => piece(random() < 0.4 ? pick.tag() : random() < 0.5 ? pick.enMade() : pick.zhMade())),
  };
  const from = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;

  return (): FillerDoc => {
    const lang = random() < 0.5 ? 'zh' : 'en';
    const pool = pools[lang];
    const title = from(pool.titles);
    const tags = Array.from({ length: int(3, 6) }, () => from(pools.tags));
    const sentences = Array.from({ length: lang === 'en' ? int(10, 18) : int(14, 26) }, () => from(pool.sentences));
    // Two paragraphs, as articles have.
    const cut = Math.ceil(sentences.length / 2);
    const join = (ps: Piece[]) => ps.map((p) => p.text).join(lang === 'en' ? ' ' : '');
    const body = `${join(sentences.slice(0, cut))}\n\n${join(sentences.slice(cut))}`;
    const tf = new Map<string, [number, number, number]>();
    const count = (terms: readonly string[], f: 0 | 1 | 2) => {
      for (const term of terms) {
        let c = tf.get(term);
        if (c === undefined) tf.set(term, (c = [0, 0, 0]));
        c[f]++;
      }
    };
    count(title.terms, 0);
    const tagTerms = tags.flatMap((t) => t.terms);
    count(tagTerms, 1);
    const bodyTerms = sentences.flatMap((s) => s.terms);
    count(bodyTerms, 2);
    return { lang, title: title.text, body, tags: tags.map((t) => t.text), terms: { lengths: [title.terms.length, tagTerms.length, bodyTerms.length], tf } };
  };
}

function sameTerms(a: DocumentTerms, b: DocumentTerms): boolean {
  if (a.lengths.join() !== b.lengths.join() || a.tf.size !== b.tf.size) return false;
  for (const [term, counts] of a.tf) if (b.tf.get(term)?.join() !== counts.join()) return false;
  return true;
}

export async function loadFiller(db: Database, count: number, log: (s: string) => void): Promise<{ seconds: number; checked: number }> {
  const make = fillerFactory(loadArticles());
  const t0 = performance.now();
  let checked = 0;
  const batch = 2_000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const now = new Date();
    const docs = Array.from({ length: n }, make);
    // The composed terms must be what the analyzer makes of the whole text.
    for (const d of docs.slice(0, done === 0 ? 200 : 2)) {
      if (!sameTerms(d.terms, documentTerms({ title: d.title, body: d.body, tags: d.tags, lang: d.lang }))) throw new Error(`filler analysis differs from documentTerms() for "${d.title}"`);
      checked++;
    }
    const rows = docs.map((d) => {
      const id = randomUUID();
      return { id, lang: d.lang, title: d.title, body: d.body, tags: JSON.stringify(d.tags), sdk_versions: '[]', platforms: '[]', error_codes: '[]', status: 'published' as const, translation_group: id, version: 1, created_at: now, updated_at: now, published_at: now };
    });
    const entries: IndexEntry[] = docs.map((d, i) => ({ kind: 'article', id: (rows[i] as { id: string }).id, scope: 'published', lang: d.lang, terms: d.terms }));
    await db.transaction().execute(async (tx) => {
      await insertArticles(tx, rows);
      await indexDocuments(tx, entries);
    });
    const elapsed = (performance.now() - t0) / 1000;
    if ((done / batch) % 5 === 4 || done + n >= count) log(`  … ${fmt(done + n)} filler articles in ${fmt(elapsed, 0)} s`);
  }
  return { seconds: (performance.now() - t0) / 1000, checked };
}

// ── baseline ────────────────────────────────────────────────────────────────────────────────

async function setUpBaseline(db: Database): Promise<void> {
  await sql`alter table kb_articles add column bench_tsv tsvector generated always as (to_tsvector('simple', title || ' ' || body)) stored`.execute(db);
  await sql`create index kb_articles_bench_tsv_idx on kb_articles using gin (bench_tsv)`.execute(db);
}

/** Ids best first: an OR of the query's 'simple' lexemes, ranked by ts_rank. */
async function baselineSearch(db: Database, q: string, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with q as (
      select to_tsquery('simple', coalesce(string_agg('''' || l || '''', ' | '), '')) as q
      from unnest(tsvector_to_array(to_tsvector('simple', translate(${q}, '''\\:&|!()<>*', '            ')))) as l
    )
    select a.id from kb_articles a, q
    where a.bench_tsv @@ q.q and a.status = 'published'
    order by ts_rank(a.bench_tsv, q.q) desc, a.id
    limit ${limit}`.execute(db);
  return r.rows.map((row) => row.id);
}

// ── measurement ─────────────────────────────────────────────────────────────────────────────

interface Figures {
  evaluation: Evaluation;
  times: number[];
}

async function measure(queries: readonly LabeledQuery[], groups: Map<string, string>, slugOf: (id: string) => string, rounds: number, run: (q: string, limit: number) => Promise<string[]>): Promise<Figures> {
  const found = new Map<string, string[]>();
  for (const q of queries) found.set(q.id, (await run(q.q, 20)).map(slugOf));
  const evaluation = evaluate({ queries, groups, search: (q) => found.get(q.id) ?? [] });
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      await run(q.q, 10);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { evaluation, times };
}

function line(name: string, f: Figures): string {
  const t = f.times;
  return `  ${name.padEnd(44)} recall@3 ${f.evaluation.recallAtK.toFixed(3)}  MRR ${f.evaluation.mrr.toFixed(3)}  p50 ${fmt(percentile(t, 50), 1).padStart(6)} ms  p95 ${fmt(percentile(t, 95), 1).padStart(6)} ms  p99 ${fmt(percentile(t, 99), 1).padStart(6)} ms`;
}

async function benchOne(kind: 'pglite' | 'postgres', sizes: Sizes, baseUrl?: string): Promise<void> {
  const fresh = kind === 'postgres' ? await freshPostgresDatabase(baseUrl as string) : null;
  const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', ...(fresh ? { databaseUrl: fresh.url } : { dataDir: 'memory://' }) });
  let server: Server | undefined;
  try {
    server = await startServer(config, { logger: false });
    const db = server.ctx.db;
    const api = new ApiClient(server.url);
    const log = (s: string) => console.log(`${kind.padEnd(8)} ${s}`);
    const version = (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]?.v.split(' ').slice(0, 2).join(' ') ?? kind;
    const { org, customer } = await makeTenant(api);
    const actor: Actor = { userId: customer.id, role: 'customer', orgId: org.id, level: null, escalationManager: false, name: 'bench', locale: 'en', scopes: ['api'] };

    const fixtures = loadArticles();
    const { queries } = loadQueries();
    const groups = translationGroups(fixtures);
    await loadKbContent(server.ctx, null);
    const slugs = new Map((await db.selectFrom('kb_articles').select(['id', 'slug']).where('slug', 'is not', null).execute()).map((r) => [r.id, r.slug as string]));
    const slugOf = (id: string): string => slugs.get(id) ?? id;
    const viaApi = async (q: string, limit: number): Promise<string[]> => {
      const res = await api.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}&limit=${limit}`, customer.token);
      if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body.items as { id: string }[]).map((i) => i.id);
    };
    const viaService = async (q: string, limit: number): Promise<string[]> => (await searchKb(server!.ctx, actor, { q, limit })).map((i) => i.id);

    // Reference work, to read the timings against (the machine may be shared).
    const c0 = performance.now();
    for (const a of fixtures) documentTerms({ title: a.title, body: a.body, tags: a.tags, lang: a.lang });
    const jsRef = performance.now() - c0;
    const c1 = performance.now();
    await sql`select sum(x::float8 * 1.5 / (0.3 + x)) from generate_series(1, 1000000) as x`.execute(db);
    const sqlRef = performance.now() - c1;

    // The labeled articles alone.
    await sql`analyze`.execute(db);
    await setUpBaseline(db);
    const small = { ours: await measure(queries, groups, slugOf, 1, viaApi), baseline: await measure(queries, groups, slugOf, 1, (q, limit) => baselineSearch(db, q, limit)) };

    // The full corpus.
    const filler = sizes.articles - fixtures.length;
    log(`loading ${fmt(filler)} filler articles …`);
    const load = await loadFiller(db, filler, log);
    await sql`vacuum analyze`.execute(db);
    const counts = (await sql<{ docs: number; postings: number; vocab: number }>`select (select doc_count from kb_stats) as docs, (select count(*) from kb_postings) as postings, (select count(*) from kb_vocab where df > 0) as vocab`.execute(db)).rows[0];
    const big = {
      api: await measure(queries, groups, slugOf, sizes.rounds, viaApi),
      service: await measure(queries, groups, slugOf, sizes.rounds, viaService),
      baseline: await measure(queries, groups, slugOf, sizes.rounds, (q, limit) => baselineSearch(db, q, limit)),
    };

    console.log('');
    log(`${version}, ${fmt(Number(counts?.docs))} articles = ${fixtures.length} labeled fixture articles + ${fmt(filler)} generated filler articles (zh and en)`);
    log(`  filler loaded in ${fmt(load.seconds, 0)} s (${fmt(filler / load.seconds)} articles/s, analysis of ${load.checked} checked against documentTerms); ${fmt(Number(counts?.postings))} postings, ${fmt(Number(counts?.vocab))} terms`);
    log(`  ${queries.length} labeled queries (zh, en, mixed); latency over ${sizes.rounds} × ${queries.length} searches, limit 10, one at a time`);
    log(`  machine: load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs; reference work at the start: documentTerms() of the 88 articles ${fmt(jsRef, 0)} ms, a 1M-row SQL aggregate ${fmt(sqlRef, 0)} ms`);
    log(line('Signaldesk search, GET /api/v1/kb/search', big.api));
    log(line('Signaldesk search, service call (no HTTP)', big.service));
    log(line("baseline: to_tsvector('simple') + ts_rank", big.baseline));
    log(`  → recall@3 ${fmt(big.api.evaluation.recallAtK / Math.max(1e-9, big.baseline.evaluation.recallAtK), 2)}× the baseline's, p95 ${fmt(percentile(big.api.times, 95) / Math.max(1e-9, percentile(big.baseline.times, 95)), 2)}× (API) / ${fmt(percentile(big.service.times, 95) / Math.max(1e-9, percentile(big.baseline.times, 95)), 2)}× (service) the baseline's SQL alone`);
    log(`  with the ${fixtures.length} labeled articles alone: Signaldesk recall@3 ${small.ours.evaluation.recallAtK.toFixed(3)} MRR ${small.ours.evaluation.mrr.toFixed(3)}; baseline recall@3 ${small.baseline.evaluation.recallAtK.toFixed(3)} MRR ${small.baseline.evaluation.mrr.toFixed(3)}`);
    const missed = big.api.evaluation.outcomes.filter((o) => o.rank === null || o.rank > 3);
    if (missed.length > 0) log(`  missed at ${fmt(Number(counts?.docs))}: ${missed.map((o) => `${o.id} (${o.rank ?? '>10'})`).join(', ')}`);
  } finally {
    await server?.stop();
    if (process.env.KB_BENCH_KEEP) console.log(`kept database ${fresh?.url}`);
    else await fresh?.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const smoke = args.includes('--smoke');
  warmUpAnalyzer();
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url) {
    await benchOne('postgres', smoke ? { articles: 3_000, rounds: 1 } : { articles: 100_000, rounds: 3 }, url);
  } else {
    const articles = smoke ? 1_000 : 10_000;
    console.log(`pglite   no BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL: measuring on embedded PGlite with ${fmt(articles)} articles, not PostgreSQL with 100,000`);
    await benchOne('pglite', { articles, rounds: smoke ? 1 : 2 });
  }
}
