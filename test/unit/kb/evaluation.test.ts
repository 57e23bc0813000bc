// The regression floor of knowledge-base search: the in-memory BM25F ranker over the fixture
// articles must answer the labeled queries (rule in test/fixtures/kb/queries.json). The database
// implementation should be run through the same evaluate() with its own search function.

import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../src/domain/kb/analyze.ts';
import { evaluate, translationGroups, type Evaluation } from '../../../src/domain/kb/evaluate.ts';
import { buildIndex, search, type KbIndex } from '../../../src/domain/kb/rank.ts';
import { loadArticles, loadQueries, toDocument } from '../../fixtures/kb/load.ts';

const articles = loadArticles();
const { rule, queries } = loadQueries();
const groups = translationGroups(articles);
const HAN = /\p{Script=Han}/u;

describe('knowledge-base fixtures', () => {
  it('has at least 40 topics, each written in both zh and en', () => {
    expect(articles.length).toBeGreaterThanOrEqual(80);
    const bySlug = new Map(articles.map((a) => [a.slug, a]));
    expect(bySlug.size).toBe(articles.length);
    for (const a of articles) {
      const other = bySlug.get(a.translationOf);
      expect(other, a.slug).toBeDefined();
      expect(other?.translationOf).toBe(a.slug);
      expect(other?.lang).not.toBe(a.lang);
    }
    expect(new Set(groups.values()).size).toBeGreaterThanOrEqual(40);
  });

  it.each(articles.map((a) => [a.slug, a] as const))('%s is a complete article of the right size', (_slug, a) => {
    expect(a.title.length).toBeGreaterThan(5);
    expect(a.tags.length).toBeGreaterThanOrEqual(3);
    if (a.lang === 'en') {
      const words = a.body.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
      expect(words).toBeGreaterThanOrEqual(150);
      expect(words).toBeLessThanOrEqual(400);
    } else {
      const han = (a.body.match(/\p{Script=Han}/gu) ?? []).length;
      expect(han).toBeGreaterThanOrEqual(300);
      expect(han).toBeLessThanOrEqual(800);
    }
  });

  it('has at least 60 labeled queries in Chinese, English and mixed, each naming real articles', () => {
    expect(rule.length).toBeGreaterThan(0);
    expect(queries.length).toBeGreaterThanOrEqual(60);
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length);
    const slugs = new Set(articles.map((a) => a.slug));
    for (const q of queries) {
      expect(q.expected.length, q.id).toBeGreaterThan(0);
      for (const s of q.expected) expect(slugs.has(s), `${q.id}: ${s}`).toBe(true);
      expect(analyze(q.q).length, q.id).toBeGreaterThan(0);
    }
    const mixed = queries.filter((q) => HAN.test(q.q) && /[A-Za-z]{2,}|\d{3}/.test(q.q));
    expect(queries.filter((q) => HAN.test(q.q)).length).toBeGreaterThanOrEqual(20);
    expect(queries.filter((q) => !HAN.test(q.q)).length).toBeGreaterThanOrEqual(20);
    expect(mixed.length).toBeGreaterThanOrEqual(10);
  });

  it('covers every topic with at least one query', () => {
    const answered = new Set(queries.flatMap((q) => q.expected.map((s) => groups.get(s))));
    expect(answered).toEqual(new Set(groups.values()));
  });
});

describe('knowledge-base search quality (regression floor)', () => {
  let index: KbIndex;
  let all: Evaluation;
  let sameLanguage: Evaluation;

  beforeAll(() => {
    index = buildIndex(articles.map(toDocument));
    all = evaluate({ queries, groups, search: (q) => ids(search(index, q.q, { limit: 20 })) });
    sameLanguage = evaluate({ queries, groups, search: (q) => ids(search(index, q.q, { limit: 20, lang: q.lang })) });
    const missed = all.outcomes.filter((o) => o.rank === null || o.rank > all.k);
    console.log(
      [
        `kb search over ${articles.length} articles, ${queries.length} queries (jieba + BM25F):`,
        `  all languages:      recall@3 ${all.recallAtK.toFixed(3)}  MRR ${all.mrr.toFixed(3)}`,
        `  query's language:   recall@3 ${sameLanguage.recallAtK.toFixed(3)}  MRR ${sameLanguage.mrr.toFixed(3)}`,
        ...missed.map((o) => `  missed ${o.id} "${o.q}" (rank ${o.rank ?? '>10'}) → ${o.top.slice(0, 3).join(', ')}`),
      ].join('\n'),
    );
  });

  it('answers at least 90% of the queries within the first three results', () => {
    expect(all.recallAtK).toBeGreaterThanOrEqual(0.9);
  });

  it('answers at least 90% within three results when searching only the query language', () => {
    expect(sameLanguage.recallAtK).toBeGreaterThanOrEqual(0.9);
  });

  it('puts the answer first most of the time (MRR ≥ 0.8)', () => {
    expect(all.mrr).toBeGreaterThanOrEqual(0.8);
  });
});

function ids(hits: readonly { id: string }[]): string[] {
  return hits.map((h) => h.id);
}
