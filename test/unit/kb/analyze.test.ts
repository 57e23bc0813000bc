import { describe, expect, it } from 'vitest';
import {
  analyze,
  analyzeQuery,
  fuzzyExpand,
  intlSegmenter,
  maxTypoDistance,
  osaDistance,
  QUERY_WEIGHTS,
  tokenize,
  warmUpAnalyzer,
  type QueryTerm,
} from '../../../src/domain/kb/analyze.ts';
import { SYNONYM_GROUPS } from '../../../src/domain/kb/synonyms.ts';

/** The primary terms (what was written, without derived parts). */
const primary = (text: string): string[] => tokenize(text).filter((t) => !t.derived).map((t) => t.term);
const weightOf = (terms: readonly QueryTerm[], term: string): number | undefined => terms.find((t) => t.term === term)?.weight;

describe('analyze: platform names', () => {
  it.each([
    ['HarmonyOS 黑屏', 'harmonyos 黑屏'],
    ['macOS screen share', 'macos screen share'],
    ['iPadOS crash', 'ipados crash'],
  ])('gives %s and its lower-case spelling the same primary terms', (camel, lower) => {
    expect(primary(lower)).toEqual(primary(camel));
  });
});

describe('analyze: Chinese and mixed text', () => {
  it.each([
    ['安卓 SDK 4.2.1 joinChannel 返回 110', ['安卓', 'sdk', '4.2.1', 'joinchannel', '返回', '110']],
    ['对方听到自己的回声怎么办', ['对方', '听到', '回声']],
    ['进房间一直失败 报110', ['进', '房间', '失败', '报', '110']],
    ['iOS切后台就没声音了', ['ios', '切后台', '没声音']],
    ['安卓 4.2.1 耳机声音跑到外放', ['安卓', '4.2.1', '耳机', '声音', '跑', '到', '外放']],
    ['token过期了', ['token', '过期']],
    ['屏幕共享没有权限', ['屏幕共享', '没有', '权限']],
  ])('segments %s', (text, expected) => {
    expect(primary(text)).toEqual(expected);
  });

  it('adds dictionary sub-words and single characters of compounds as derived terms', () => {
    const terms = tokenize('屏幕共享');
    expect(terms.filter((t) => t.derived && t.kind === 'zh').map((t) => t.term)).toEqual(expect.arrayContaining(['屏幕', '共享']));
    expect(terms.filter((t) => t.kind === 'zhchar').map((t) => t.term)).toEqual(['屏', '幕', '共', '享']);
  });

  it('drops Chinese stop words', () => {
    expect(primary('的了吗呢吧')).toEqual([]);
    expect(primary('请问怎么办')).toEqual([]);
  });

  it('keeps negations, which carry the meaning of 没声音 / no audio', () => {
    expect(primary('没有画面')).toContain('没有');
    expect(primary('no audio')).toEqual(['no', 'audio']);
  });

  it('does not depend on the declared language', () => {
    const text = '安卓 SDK 4.2.1 joinChannel 返回 110';
    expect(analyze(text, { lang: 'en' })).toEqual(analyze(text, { lang: 'zh' }));
  });

  it('can use Intl.Segmenter instead of jieba', () => {
    const viaIntl = tokenize('直播画面卡顿', { segmenter: intlSegmenter() }).filter((t) => !t.derived).map((t) => t.term);
    expect(viaIntl.join('')).toBe('直播画面卡顿');
  });
});

describe('analyze: English', () => {
  it.each([
    ['Freezes', ['freez']],
    ['freezing video', ['freez', 'video']],
    ['The connection is connected', ['connect', 'connect']],
    ['echoes', ['echo']],
    ['I am hearing the echo of my voice', ['hear', 'echo', 'voic']],
    ["can't hear the remote user's voice", ['not', 'hear', 'remot', 'user', 'voic']],
    ['it cannot join', ['not', 'join']],
    ['SDKs and APIs', ['sdk', 'api']],
  ])('normalizes %s', (text, expected) => {
    expect(primary(text)).toEqual(expected);
  });
});

describe('analyze: special tokens', () => {
  it.each([
    ['110', ['110']],
    ['returns -1003', ['return', '-1003']],
    ['error -1003.', ['error', '-1003']],
    ['ERR_JOIN_TIMEOUT', ['err_join_timeout', 'err', 'join', 'timeout']],
    ['4.3.0', ['4.3.0', '4.3', '4']],
    ['v4.2.1', ['4.2.1', '4.2', '4']],
    ['SDK4.2.1', ['sdk', '4.2.1', '4.2', '4']],
    ['版本4.2.1以后', ['版本', '版', '本', '4.2.1', '4.2', '4']], // 以后 is a stop word
    ['4.2.x', ['4.2', '4']],
    ['4.x', ['4']],
    ['400ms', ['400ms']],
    ['400 ms', ['400ms']],
    ['延迟400毫秒', ['延迟', '延', '迟', '400', '毫秒', '毫', '秒']],
    ['1080p 30fps 48kHz 15%', ['1080p', '30fps', '48khz', '15%']],
    ['H.265 and h264', ['h265', 'h264']],
    ['joinChannel', ['joinchannel', 'join', 'channel']],
    ['onNetworkQualityReport', ['onnetworkqualityreport', 'network', 'qualiti', 'report']],
    ['WebRTC', ['webrtc', 'web', 'rtc']],
    ['arm64', ['arm64', 'arm', '64']],
    ['1v1', ['1v1']],
  ])('analyzes %s', (text, expected) => {
    expect(analyze(text)).toEqual(expected);
  });

  it('never splits an error code from its sign or digits', () => {
    expect(analyze('joinChannel() returned -1003 (ERR_INVALID_TOKEN)')).toEqual(
      expect.arrayContaining(['joinchannel', '-1003', 'err_invalid_token']),
    );
    expect(analyze('错误码-1003')).toContain('-1003');
  });
});

describe('analyze: width folding and offsets', () => {
  it('folds full-width letters, digits and punctuation to half-width', () => {
    expect(analyze('ＳＤＫ４．２．１ ｊｏｉｎＣｈａｎｎｅｌ　返回１１０，ＥＲＲ＿ＪＯＩＮ＿ＴＩＭＥＯＵＴ')).toEqual(
      analyze('SDK4.2.1 joinChannel 返回110,ERR_JOIN_TIMEOUT'),
    );
  });

  it('folds the Unicode minus sign of an error code', () => {
    expect(analyze('\u22121003')).toEqual(['-1003']);
  });

  it('reports offsets into the original text, even when folding changed it', () => {
    const text = '报错：ｊｏｉｎＣｈａｎｎｅｌ 返回 －１００３ ﬁle';
    for (const t of tokenize(text)) {
      expect(t.start).toBeGreaterThanOrEqual(0);
      expect(t.end).toBeLessThanOrEqual(text.length);
    }
    const byTerm = new Map(tokenize(text).filter((t) => !t.derived).map((t) => [t.term, text.slice(t.start, t.end)]));
    expect(byTerm.get('joinchannel')).toBe('ｊｏｉｎＣｈａｎｎｅｌ');
    expect(byTerm.get('-1003')).toBe('－１００３');
    expect(byTerm.get('file')).toBe('ﬁle');
    expect(byTerm.get('返回')).toBe('返回');
  });

  it('gives derived terms the position of their parent', () => {
    const tokens = tokenize('joinChannel 失败');
    expect(tokens.map((t) => [t.term, t.position])).toEqual([
      ['joinchannel', 0],
      ['join', 0],
      ['channel', 0],
      ['失败', 1],
      ['失', 1],
      ['败', 1],
    ]);
  });
});

describe('analyzeQuery', () => {
  it('weights what the customer typed above its synonyms', () => {
    const q = analyzeQuery('卡顿');
    expect(weightOf(q, '卡顿')).toBe(1);
    for (const syn of ['冻屏', '卡住', 'freez', 'stutter', 'lag']) {
      expect(weightOf(q, syn)).toBe(QUERY_WEIGHTS.synonym);
    }
    expect(q.find((t) => t.term === 'freez')?.source).toBe('synonym');
  });

  it.each([
    ['画面不动了', '卡顿'],
    ['对方听到自己的声音', '回声'],
    ['black screen on remote user web', '黑屏'],
    ['no audio', '没声音'],
    ['进不了房间', 'join'],
    ['苹果手机', 'ios'],
    ['安卓', 'android'],
    ['howling', '啸叫'],
    ['token expired', '过期'],
    ['屏幕共享', 'screen'],
  ])('expands %s with the synonym %s', (text, synonym) => {
    const q = analyzeQuery(text);
    expect(weightOf(q, synonym)).toBeGreaterThan(0);
    expect(weightOf(q, synonym)).toBeLessThan(1);
  });

  it('matches multi-word synonyms only as phrases', () => {
    expect(weightOf(analyzeQuery('black screen'), '黑屏')).toBeGreaterThan(0);
    expect(weightOf(analyzeQuery('black cat on the screen'), '黑屏')).toBeUndefined();
    expect(weightOf(analyzeQuery('audio'), '没声音')).toBeUndefined();
  });

  it('spreads the weight of a multi-word synonym over its words', () => {
    const q = analyzeQuery('黑屏');
    expect(weightOf(q, 'black')).toBeCloseTo(QUERY_WEIGHTS.synonym / 2);
  });

  it('keeps the highest weight when a typed term is also a synonym', () => {
    const q = analyzeQuery('卡顿 freeze');
    expect(weightOf(q, 'freez')).toBe(1);
  });

  it('weights version prefixes and name parts below the whole', () => {
    const q = analyzeQuery('joinChannel 4.2.1');
    expect(weightOf(q, '4.2.1')).toBe(1);
    expect(weightOf(q, '4.2')).toBe(0.5);
    expect(weightOf(q, '4')).toBe(0.25);
    expect(weightOf(q, 'joinchannel')).toBe(1);
    expect(weightOf(q, 'join')).toBeLessThan(1);
  });

  it('corrects typos against the vocabulary and expands the correction', () => {
    const vocabulary = new Set(['echo', 'each', 'freez', 'reconnect']);
    const q = analyzeQuery('ehco', { vocabulary });
    expect(q.find((t) => t.term === 'echo')).toMatchObject({ source: 'fuzzy', weight: QUERY_WEIGHTS.fuzzy1, from: 'ehco' });
    expect(weightOf(q, 'each')).toBeUndefined();
    expect(weightOf(q, '回声')).toBeCloseTo(QUERY_WEIGHTS.synonym * QUERY_WEIGHTS.fuzzy1);
    expect(weightOf(analyzeQuery('reconect', { vocabulary }), 'reconnect')).toBe(QUERY_WEIGHTS.fuzzy1);
  });

  it('only corrects words the vocabulary does not know', () => {
    const vocabulary = new Set(['echo', 'ecco']);
    expect(analyzeQuery('echo', { vocabulary }).some((t) => t.source === 'fuzzy')).toBe(false);
    expect(analyzeQuery('ehco').some((t) => t.source === 'fuzzy')).toBe(false);
  });

  it('never fuzzes error codes or versions', () => {
    const vocabulary = new Set(['101', '-1002', '4.2.0']);
    const q = analyzeQuery('110 -1003 4.2.1', { vocabulary });
    expect(q.some((t) => t.source === 'fuzzy')).toBe(false);
  });
});

describe('fuzzyExpand', () => {
  const vocabulary = ['echo', 'each', 'freez', 'disconnect', 'bluetooth', 'notification', 'reconnect', 'log', 'err_join_timeout', '101'];

  it.each([
    ['ehco', ['echo']], // 4 letters: an adjacent swap only
    ['echa', []], // 4 letters: a substitution is too risky
    ['lgo', []], // too short
    ['frez', []],
    ['freex', ['freez']],
    ['disconect', ['disconnect']],
    ['bluetoth', ['bluetooth']],
    ['bluetoh', []], // distance 2 needs 9 letters
    ['notifcaton', ['notification']], // distance 2 at 10 letters
    ['err_join_timout', ['err_join_timeout']],
    ['110', []], // codes are never fuzzed
  ])('expands %s to %j', (term, expected) => {
    expect(fuzzyExpand(term, vocabulary).map((m) => m.term)).toEqual(expected);
  });

  it('returns the distance, closest first', () => {
    expect(fuzzyExpand('connectoin', ['connection', 'connecting', 'connect'])).toEqual([
      { term: 'connection', distance: 1 },
      { term: 'connecting', distance: 2 },
    ]);
  });

  it.each([
    [0, 0],
    [3, 0],
    [4, 1],
    [5, 1],
    [8, 1],
    [9, 2],
    [15, 2],
  ])('tolerates for length %i a distance of %i', (length, max) => {
    expect(maxTypoDistance(length)).toBe(max);
  });

  it.each([
    ['ca', 'ac', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['echo', 'echo', 0],
    ['ehco', 'echo', 1],
  ])('measures the OSA distance between %s and %s as %i', (a, b, d) => {
    expect(osaDistance(a, b)).toBe(d);
  });
});

describe('synonym data', () => {
  it('has at least 40 groups that bridge Chinese and English', () => {
    const bilingual = SYNONYM_GROUPS.filter(
      (g) => g.terms.some((t) => /\p{Script=Han}/u.test(t)) && g.terms.some((t) => /^[\x20-\x7e]+$/.test(t)),
    );
    expect(bilingual.length).toBeGreaterThanOrEqual(40);
  });

  it('has unique ids and entries that all analyze to something', () => {
    expect(new Set(SYNONYM_GROUPS.map((g) => g.id)).size).toBe(SYNONYM_GROUPS.length);
    for (const g of SYNONYM_GROUPS) {
      for (const entry of g.terms) expect(analyze(entry), `${g.id}: ${entry}`).not.toEqual([]);
    }
  });

  it.each([
    ['freeze', ['卡顿', '卡', '冻屏', '卡住', '画面不动', 'freeze', 'stutter', 'lag']],
    ['echo', ['回声', '回音', 'echo']],
    ['howling', ['啸叫', 'howling']],
    ['black-screen', ['黑屏', 'black screen', 'no video']],
    ['latency', ['延迟', '延时', 'latency', 'delay']],
    ['disconnect', ['掉线', '断线', 'disconnect']],
    ['join-failure', ['加入频道失败', '进不了房间', 'join failure']],
    ['first-frame', ['首帧', 'first frame']],
    ['no-audio', ['没声音', '无声', 'no audio']],
    ['noise', ['杂音', 'noise']],
    ['headset', ['耳机', '蓝牙', 'bluetooth']],
    ['screen-share', ['屏幕共享', 'screen sharing']],
    ['android', ['安卓', 'android']],
    ['ios', ['苹果', 'ios', 'iphone']],
    ['token-expired', ['token过期', 'token expired']],
  ])('groups %s', (id, terms) => {
    expect(SYNONYM_GROUPS.find((g) => g.id === id)?.terms).toEqual(expect.arrayContaining(terms));
  });
});

describe('warmUpAnalyzer', () => {
  it('can be called any number of times', () => {
    warmUpAnalyzer();
    warmUpAnalyzer();
    expect(primary('卡顿')).toEqual(['卡顿']);
  });
});
