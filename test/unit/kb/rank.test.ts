import { describe, expect, it } from 'vitest';
import { analyzeQuery, QUERY_WEIGHTS, type QueryTerm } from '../../../src/domain/kb/analyze.ts';
import {
  BM25F,
  buildIndex,
  documentTerms,
  idf,
  markdownToText,
  scoreQuery,
  search,
  snippet,
  termScore,
  type KbDocument,
} from '../../../src/domain/kb/rank.ts';

const FILLER = 'Check the settings of the application and try again with the default configuration.';
const doc = (id: string, fields: Partial<KbDocument>): KbDocument => ({ id, lang: 'en', title: 'Untitled note', body: FILLER, ...fields });
const ids = (hits: readonly { id: string }[]): string[] => hits.map((h) => h.id);
const q = (term: string, weight = 1): QueryTerm => ({ term, weight, source: 'original' });

describe('BM25F ranking', () => {
  it('ranks a match in the title above the same match in the body', () => {
    const index = buildIndex([
      doc('body', { body: `${FILLER} Echo appears on the remote side.` }),
      doc('title', { title: 'Echo on the remote side' }),
      doc('other', { title: 'Camera settings' }),
    ]);
    expect(ids(search(index, 'echo'))).toEqual(['title', 'body']);
  });

  it('ranks a match in the tags above the same match in the body', () => {
    const index = buildIndex([
      doc('body', { body: `${FILLER} Echo appears on the remote side.` }),
      doc('tags', { tags: ['echo'] }),
      doc('other', { title: 'Camera settings' }),
    ]);
    expect(ids(search(index, 'echo'))).toEqual(['tags', 'body']);
  });

  it('prefers the shorter of two documents with the same matches (length normalization)', () => {
    const index = buildIndex([
      doc('long', { body: `Echo. ${FILLER} ${FILLER} ${FILLER} ${FILLER}` }),
      doc('short', { body: `Echo. ${FILLER}` }),
      doc('other', { title: 'Camera settings' }),
    ]);
    expect(ids(search(index, 'echo'))).toEqual(['short', 'long']);
  });

  it('rewards repetition with diminishing returns (k1 saturation)', () => {
    const index = buildIndex([
      doc('one', { body: `echo ${FILLER}` }),
      doc('two', { body: `echo echo ${FILLER}` }),
      doc('eight', { body: `echo echo echo echo echo echo echo echo ${FILLER}` }),
      doc('other', { title: 'Camera settings' }),
    ]);
    const [eight, two, one] = search(index, 'echo').map((h) => h.score) as [number, number, number];
    expect(eight).toBeGreaterThan(two);
    expect(two).toBeGreaterThan(one);
    expect(eight - two).toBeLessThan((two - one) * 6);
  });

  it('lets a rare term outweigh a common one (idf)', () => {
    const index = buildIndex([
      doc('rare', { body: `The headset route. ${FILLER}` }),
      doc('common', { body: `The camera camera. ${FILLER}` }),
      doc('c2', { body: `camera ${FILLER}` }),
      doc('c3', { body: `camera ${FILLER}` }),
    ]);
    expect(search(index, 'camera headset')[0]?.id).toBe('rare');
    expect(idf(10, 1)).toBeGreaterThan(idf(10, 5));
    expect(idf(10, 10)).toBeGreaterThan(0);
  });

  it('ranks the word the customer typed above its synonym', () => {
    const index = buildIndex([
      doc('synonym', { lang: 'en', title: 'Video freeze', body: FILLER }),
      doc('typed', { lang: 'zh', title: '视频卡顿', body: '画面一卡一卡的，检查网络。' }),
      doc('other', { title: 'Camera settings' }),
    ]);
    expect(ids(search(index, '卡顿'))).toEqual(['typed', 'synonym']);
  });

  it('finds a document through a typo of one of its words', () => {
    const index = buildIndex([doc('echo', { title: 'Echo on the remote side' }), doc('other', { title: 'Camera settings' })]);
    expect(ids(search(index, 'ehco'))).toEqual(['echo']);
    expect(ids(search(index, 'remtoe side'))).toEqual(['echo']);
  });

  it('finds error codes, versions and API names as written', () => {
    const index = buildIndex([
      doc('code', { body: `joinChannel() returns -1003 (ERR_INVALID_TOKEN). ${FILLER}` }),
      doc('code110', { body: `Error 110 means a timeout. ${FILLER}` }),
      doc('version', { body: `Fixed in SDK v4.2.2. ${FILLER}` }),
      doc('other', { title: 'Camera settings' }),
    ]);
    expect(search(index, '-1003')[0]?.id).toBe('code');
    expect(search(index, 'ERR_INVALID_TOKEN')[0]?.id).toBe('code');
    expect(search(index, 'joinchannel')[0]?.id).toBe('code');
    expect(ids(search(index, '110'))).toEqual(['code110']);
    expect(ids(search(index, '4.2'))).toEqual(['version']);
    expect(search(index, '101')).toEqual([]);
  });

  it('filters by language but keeps corpus-wide statistics', () => {
    const docs = [doc('en', { title: 'Echo' }), doc('zh', { lang: 'zh', title: '回声 echo' })];
    const index = buildIndex(docs);
    expect(ids(search(index, 'echo', { lang: 'zh' }))).toEqual(['zh']);
    expect(ids(search(index, 'echo', { limit: 1 }))).toHaveLength(1);
  });

  it('breaks ties by id, so results are deterministic', () => {
    const index = buildIndex([doc('b', { title: 'Echo' }), doc('a', { title: 'Echo' }), doc('c', { title: 'Camera' })]);
    expect(ids(search(index, 'echo'))).toEqual(['a', 'b']);
  });

  it('reports which query terms matched, best first', () => {
    const index = buildIndex([doc('x', { title: 'Echo', body: `echo and howling. ${FILLER}` }), doc('y', { title: 'Camera' })]);
    expect(search(index, 'howling echo')[0]?.matched).toEqual(['echo', 'howl']);
  });

  it('is the sum of termScore over the document terms: what a database must reproduce', () => {
    const docs = [
      doc('a', { title: 'Echo and howling', tags: ['echo', 'AEC'], body: `Echo is removed by AEC. ${FILLER}` }),
      doc('b', { title: 'Camera', body: `Echo? ${FILLER}` }),
      doc('c', { lang: 'zh', title: '回声', body: '对方听到回声。' }),
    ];
    const index = buildIndex(docs);
    const terms = analyzeQuery('echo aec 回声', { vocabulary: index.vocabulary });
    const rows = docs.map((d) => documentTerms(d));
    const avg = [0, 1, 2].map((f) => rows.reduce((s, r) => s + (r.lengths[f] as number), 0) / rows.length) as [number, number, number];
    const df = (t: string): number => rows.filter((r) => r.tf.has(t)).length;
    for (const hit of scoreQuery(index, terms)) {
      const r = rows[docs.findIndex((d) => d.id === hit.id)]!;
      const expected = terms.reduce((sum, qt) => {
        const tf = r.tf.get(qt.term);
        if (tf === undefined) return sum;
        return sum + termScore({ weight: qt.weight, docCount: docs.length, docFreq: df(qt.term), tf, lengths: r.lengths, avgLengths: avg });
      }, 0);
      expect(hit.score).toBeCloseTo(expected, 10);
    }
  });

  it('counts terms per field', () => {
    const rows = documentTerms({ lang: 'en', title: 'Echo echo', tags: ['echo', 'AEC'], body: 'Echo.' });
    expect(rows.tf.get('echo')).toEqual([2, 1, 1]);
    expect(rows.tf.get('aec')).toEqual([0, 1, 0]);
    expect(rows.lengths).toEqual([2, 2, 1]);
  });

  it('weights query terms linearly', () => {
    const index = buildIndex([doc('x', { title: 'Echo' }), doc('y', { title: 'Camera' })]);
    const full = scoreQuery(index, [q('echo')])[0]!.score;
    const syn = scoreQuery(index, [q('echo', QUERY_WEIGHTS.synonym)])[0]!.score;
    expect(syn).toBeCloseTo(full * QUERY_WEIGHTS.synonym, 10);
  });

  it('uses the documented field boosts', () => {
    expect(BM25F.fields.title.boost).toBe(3);
    expect(BM25F.fields.tags.boost).toBe(2);
    expect(BM25F.fields.body.boost).toBe(1);
  });
});

describe('markdownToText', () => {
  it('removes markup, HTML and link targets', () => {
    const md = '## Steps\n1. Call `joinChannel()` **again**\n- See [the docs](https://x.example/y) <b>now</b>\n\n> quoted _text_ keeps ERR_JOIN_TIMEOUT';
    expect(markdownToText(md)).toBe('Steps. Call joinChannel() again. See the docs now. quoted text keeps ERR_JOIN_TIMEOUT.');
  });

  it('turns table rows into comma-separated cells', () => {
    expect(markdownToText('| A | B |\n|---|---|\n| TCP 443 | UDP 3478 |')).toBe('A, B. TCP 443, UDP 3478.');
  });

  it('closes Chinese headings with a Chinese full stop', () => {
    expect(markdownToText('## 现象\n对方听到回声。')).toBe('现象。 对方听到回声。');
  });
});

describe('snippet', () => {
  const long = [
    '## Symptoms',
    'Users hear nothing at all for a while after joining. The screen is fine and the network is fine.',
    '## Causes',
    `${FILLER} ${FILLER}`,
    'Echo is produced on the device of the user who does not complain: their microphone picks up the remote voice from their loudspeaker.',
    `${FILLER} ${FILLER} ${FILLER}`,
  ].join('\n');

  it('returns about 160 characters around the best match', () => {
    const s = snippet(long, analyzeQuery('echo microphone'));
    expect(s).toContain('Echo is produced');
    expect(s.replace(/…/g, '').length).toBeLessThanOrEqual(160);
    expect(s.replace(/…/g, '').length).toBeGreaterThan(100);
  });

  it('starts at the beginning of the sentence when it is near', () => {
    expect(snippet(long, ['microphone']).startsWith('…Echo is produced')).toBe(true);
  });

  it('marks cuts with an ellipsis and never cuts an English word', () => {
    const s = snippet(long, ['loudspeaker']);
    expect(s.startsWith('…')).toBe(true);
    const words = new Set(markdownToText(long).split(/[\s.,:]+/));
    for (const w of s.replace(/…/g, ' ').split(/[\s.,:]+/).filter(Boolean)) expect(words.has(w), w).toBe(true);
  });

  it('prefers the passage with more distinct query terms', () => {
    const text = `Echo here. ${FILLER} ${FILLER} ${FILLER} Echo and howling together here. ${FILLER} ${FILLER}`;
    expect(snippet(text, analyzeQuery('echo howling'))).toContain('Echo and howling');
  });

  it('returns the beginning of the text when nothing matches', () => {
    const s = snippet(long, ['zzz']);
    expect(s.startsWith('Symptoms. Users hear nothing')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
  });

  it('returns short texts whole', () => {
    expect(snippet('Echo **only**.', ['echo'])).toBe('Echo only.');
  });

  it('contains no HTML', () => {
    const s = snippet(`<p>${FILLER}</p> <script>alert(1)</script> Echo <b>here</b>. ${FILLER} ${FILLER}`, ['echo']);
    expect(s).not.toMatch(/<[a-z/]/i);
    expect(s).toContain('Echo here');
  });

  it('finds Chinese matches and does not split surrogate pairs', () => {
    const text = `${'网络正常，画面也正常。'.repeat(10)}两台设备距离太近会产生啸叫，请戴耳机。${'😀'.repeat(100)}`;
    const s = snippet(text, analyzeQuery('啸叫'));
    expect(s).toContain('啸叫');
    expect(s).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('honours a custom length', () => {
    expect(snippet(long, ['echo'], { length: 60 }).replace(/…/g, '').length).toBeLessThanOrEqual(60);
  });
});
