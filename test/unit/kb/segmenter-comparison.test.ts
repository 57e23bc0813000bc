// jieba-wasm vs Intl.Segmenter for Chinese, measured with the same BM25F ranker on the fixture
// queries (figures recorded at the top of src/domain/kb/analyze.ts). jieba's dictionary is
// process-wide: the stock-dictionary row is only measured when this file runs before anything
// else in its worker has loaded the RTC words.

import { cut } from 'jieba-wasm';
import { describe, expect, it } from 'vitest';
import {
  analyzeQuery,
  intlSegmenter,
  jiebaSegmenter,
  jiebaStockSegmenter,
  tokenize,
  type ZhSegmenter,
} from '../../../src/domain/kb/analyze.ts';
import { evaluate, translationGroups, type LabeledQuery } from '../../../src/domain/kb/evaluate.ts';
import { buildIndex, scoreQuery } from '../../../src/domain/kb/rank.ts';
import { loadArticles, loadQueries, toDocument } from '../../fixtures/kb/load.ts';

const articles = loadArticles();
const { queries } = loadQueries();
const groups = translationGroups(articles);
const zhQueries = queries.filter((q) => q.lang === 'zh');

interface Row {
  name: string;
  recall3: number;
  recall1: number;
  mrr: number;
  zhRecall3: number;
  zhMrr: number;
  noSynZhRecall3: number;
}

function measure(segmenter: ZhSegmenter): Row {
  const index = buildIndex(articles.map(toDocument), { segmenter });
  const run = (qs: readonly LabeledQuery[], k: number, synonyms: boolean) =>
    evaluate({
      queries: qs,
      groups,
      k,
      search: (q) =>
        scoreQuery(index, analyzeQuery(q.q, { segmenter, vocabulary: index.vocabulary, ...(synonyms ? {} : { synonyms: [] }) }), { limit: 20 }).map((h) => h.id),
    });
  const all = run(queries, 3, true);
  const zh = run(zhQueries, 3, true);
  return {
    name: segmenter.name,
    recall3: all.recallAtK,
    recall1: run(queries, 1, true).recallAtK,
    mrr: all.mrr,
    zhRecall3: zh.recallAtK,
    zhMrr: zh.mrr,
    noSynZhRecall3: run(zhQueries, 3, false).recallAtK,
  };
}

describe('Chinese segmentation: jieba vs Intl.Segmenter', () => {
  // First in this file: it needs jieba's stock dictionary, before anything loads the RTC words.
  it('ranks at least as well with jieba as with Intl.Segmenter (one query of slack)', () => {
    const rows: Row[] = [];
    // Stock jieba first, while the process has not loaded the RTC words yet.
    if (cut('屏幕共享', true).length === 2) rows.push(measure(jiebaStockSegmenter));
    const intl = measure(intlSegmenter());
    const jieba = measure(jiebaSegmenter);
    rows.push(intl, jieba);
    const f = (x: number) => x.toFixed(3);
    console.log(
      [
        `segmenter comparison, ${articles.length} articles, ${queries.length} queries (${zhQueries.length} zh/mixed):`,
        '  segmenter      recall@3 recall@1 MRR   | zh: recall@3 MRR   | zh without synonyms: recall@3',
        ...rows.map(
          (r) => `  ${r.name.padEnd(14)} ${f(r.recall3)}    ${f(r.recall1)}    ${f(r.mrr)} |     ${f(r.zhRecall3)}    ${f(r.zhMrr)} |     ${f(r.noSynZhRecall3)}`,
        ),
      ].join('\n'),
    );
    expect(jieba.recall3).toBeGreaterThanOrEqual(intl.recall3 - 1 / queries.length);
    expect(jieba.recall3).toBeGreaterThanOrEqual(0.9);
  });

  it('segments RTC words that Intl.Segmenter splits into characters', () => {
    const words = (text: string, s: ZhSegmenter) => tokenize(text, { segmenter: s }).filter((t) => !t.derived).map((t) => t.term);
    expect(words('直播时画面卡顿，部分安卓机型首帧慢', jiebaSegmenter)).toEqual(['直播', '画面', '卡顿', '部分', '安卓', '机型', '首帧', '慢']);
    expect(words('画面卡顿', intlSegmenter())).toContain('顿');
  });
});
