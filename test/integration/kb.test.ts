import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant, makeTicket, makeUser, type Person } from '../helpers/fixtures.ts';

const EN_BODY = (topic: string) =>
  `## Symptoms\n${topic}\n\n## Steps\n1. Check the network.\n2. Update the SDK.\n3. Collect the SDK log and send it to support.\n\nMore text about other things so the body is long enough to need a snippet that is cut somewhere in the middle of the article, with words that matter and words that do not.`;

describe.each(dialects())('knowledge base over HTTP on $name', (dialect) => {
  let t: TestServer;
  let agent: Person;
  let customer: Person;
  let orgId: string;

  const search = async (q: string, token: string, extra = '') => {
    const res = await t.api.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}${extra}`, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as { id: string; title: string; score: number; snippet: string; draft: boolean; status: string; lang: string; kind: string }[];
  };
  const create = async (body: Record<string, unknown>, token = agent.token) => {
    const res = await t.api.post('/api/v1/kb/articles', body, token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; status: string; version: number; [k: string]: any };
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    agent = await makeUser(t.api, { role: 'agent', level: 'L1' });
    const tenant = await makeTenant(t.api);
    customer = tenant.customer;
    orgId = tenant.org.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates an article, published unless it says draft, and finds it at once', async () => {
    const a = await create({ title: 'Screen sharing shows a black window on macOS', body: EN_BODY('Remote users see a black window instead of the shared screen.'), lang: 'en', tags: ['screen sharing', 'macos'] });
    expect(a).toMatchObject({ status: 'published', draft: false, version: 1, lang: 'en', translations: [] });
    const items = await search('screen sharing black window', customer.token);
    expect(items[0]).toMatchObject({ id: a.id, title: 'Screen sharing shows a black window on macOS' });
    expect(Object.keys(items[0]!)).toEqual(expect.arrayContaining(['id', 'title', 'score', 'snippet']));
    expect(items[0]!.score).toBeGreaterThan(0);
    expect(items[0]!.snippet.length).toBeGreaterThan(0);
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
  });

  it('segments Chinese: a question in other words finds the article', async () => {
    const a = await create({ title: '安卓手机切到后台后对方听不到声音', body: '## 现象\n安卓应用切到后台几分钟后，麦克风采集停止，对方听不到声音。\n\n## 原因\n系统限制后台应用使用麦克风，需要启动前台服务。\n\n## 解决方法\n1. 启动前台服务并声明麦克风类型。\n2. 关闭电池优化。', lang: 'zh', tags: ['切后台', '没声音', '前台服务'], platforms: ['android'] });
    const items = await search('安卓退到后台以后没声音了怎么办', customer.token);
    expect(items[0]?.id).toBe(a.id);
    expect(items[0]!.snippet).toMatch(/后台|声音/);
  });

  it('stems English and tolerates typos against the index vocabulary', async () => {
    const a = await create({ title: 'Video freezes when the uplink is congested', body: EN_BODY('The remote video freezing happens when the sender uplink is congested; lower the bitrate.'), lang: 'en', tags: ['freeze', 'bitrate'] });
    expect((await search('video freezing congestion', customer.token))[0]?.id).toBe(a.id);
    // "congeested" and "bitrat" are typos of terms that exist only in the article just created.
    expect((await search('congeested uplnk', customer.token))[0]?.id).toBe(a.id);
  });

  it('finds error codes, SDK versions and API names as whole tokens, in mixed Chinese and English', async () => {
    const code = await create({ title: '加入频道报错 -1003 的处理', body: '调用 joinChannel 返回 -1003，表示 Token 已过期。请在服务端重新生成 Token。', lang: 'zh', tags: ['加入频道'], errorCodes: ['-1003'], sdkVersions: ['4.2.1'] });
    const other = await create({ title: '错误码 1003 的含义', body: '错误码 1003 表示摄像头启动失败，通常是被其他应用占用。', lang: 'zh', tags: ['摄像头'], errorCodes: ['1003'] });
    expect((await search('joinChannel 报 -1003', customer.token))[0]?.id).toBe(code.id);
    expect((await search('错误码1003 摄像头', customer.token))[0]?.id).toBe(other.id);
    const v = await search('SDK 4.2.1 token', customer.token);
    expect(v[0]?.id).toBe(code.id);
    const api = await search('joinchannel', customer.token);
    expect(api.map((i) => i.id)).toContain(code.id);
  });

  it('expands RTC synonyms across languages', async () => {
    const a = await create({ title: 'Remote side hears an echo of their own voice', body: EN_BODY('Acoustic echo cancellation (AEC) removes the echo when the SDK can see the played-out audio.'), lang: 'en', tags: ['echo', 'AEC'] });
    const items = await search('通话里有回音', customer.token);
    expect(items.map((i) => i.id).slice(0, 3)).toContain(a.id);
    expect((await search('hear myself', customer.token))[0]?.id).toBe(a.id);
  });

  it('keeps drafts from customers and shows them to staff with a flag, until published', async () => {
    const d = await create({ title: 'Quasar relay bandwidth probe', body: EN_BODY('The quasar relay probe measures bandwidth before joining.'), lang: 'en', status: 'draft' });
    expect(d).toMatchObject({ status: 'draft', draft: true });
    expect(await search('quasar relay', customer.token)).toEqual([]);
    expect((await t.api.get(`/api/v1/kb/articles/${d.id}`, customer.token)).status).toBe(404);
    const staff = await search('quasar relay', agent.token);
    expect(staff[0]).toMatchObject({ id: d.id, draft: true, status: 'draft' });
    const listed = await t.api.get('/api/v1/kb/articles?status=draft', customer.token);
    expect(listed.body.items).toEqual([]);
    const pub = await t.api.patch(`/api/v1/kb/articles/${d.id}`, { status: 'published' }, agent.token);
    expect(pub.status).toBe(200);
    expect(pub.body.publishedAt).not.toBeNull();
    expect((await search('quasar relay', customer.token))[0]).toMatchObject({ id: d.id, draft: false });
  });

  it('filters by language and respects the limit', async () => {
    const zh = await create({ title: '弱网环境下的音频抗丢包配置', body: '在弱网环境下开启抗丢包，可以减少音频卡顿。', lang: 'zh', tags: ['弱网', '丢包'] });
    const en = await create({ title: 'Audio packet loss resilience on weak networks', body: EN_BODY('Enable packet loss resilience on weak networks to reduce audio stutter.'), lang: 'en', tags: ['weak network', 'packet loss'], translationOf: zh.id });
    const both = await search('丢包 packet loss', customer.token);
    expect(both.map((i) => i.id)).toEqual(expect.arrayContaining([zh.id, en.id]));
    const onlyZh = await search('丢包 packet loss', customer.token, '&lang=zh');
    expect(onlyZh.every((i) => i.lang === 'zh')).toBe(true);
    expect(onlyZh.map((i) => i.id)).toContain(zh.id);
    expect(await search('丢包 packet loss audio', customer.token, '&limit=1')).toHaveLength(1);
  });

  it('links translations: one article per language in a group', async () => {
    const en = await create({ title: 'Cloud recording file is missing', body: EN_BODY('The recording file is uploaded after the channel ends.'), lang: 'en', tags: ['recording'] });
    const zh = await create({ title: '云录制文件找不到', body: '频道结束后录制文件才会上传到存储。', lang: 'zh', tags: ['云录制'], translationOf: en.id });
    expect(zh.translations).toEqual([{ id: en.id, lang: 'en', title: en.title, status: 'published' }]);
    expect(zh.translationGroup).toBe(en.translationGroup);
    const back = await t.api.get(`/api/v1/kb/articles/${en.id}`, customer.token);
    expect(back.body.translations.map((x: any) => x.id)).toEqual([zh.id]);
    const again = await t.api.post('/api/v1/kb/articles', { title: '另一个译文', body: '正文', lang: 'zh', translationOf: en.id }, agent.token);
    expect(again.status).toBe(409);
    const sameLang = await t.api.post('/api/v1/kb/articles', { title: 'Same language', body: 'Body', lang: 'en', translationOf: en.id }, agent.token);
    expect(sameLang.status).toBe(400);
    expect(sameLang.body.error.details[0].path).toBe('translationOf');
  });

  it('keeps versions with history, rejects stale edits, and re-indexes the new text', async () => {
    const a = await create({ title: 'Nebulon codec negotiation fails', body: EN_BODY('Nebulon negotiation fails on old devices.'), lang: 'en', tags: ['codec'] });
    const edit = await t.api.patch(`/api/v1/kb/articles/${a.id}`, { title: 'Pulsarine codec negotiation fails', note: 'renamed the codec', version: 1 }, agent.token);
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ version: 2, title: 'Pulsarine codec negotiation fails' });
    const stale = await t.api.patch(`/api/v1/kb/articles/${a.id}`, { title: 'Other', version: 1 }, agent.token);
    expect(stale.status).toBe(409);
    expect(stale.body.error.details[0].path).toBe('version');
    const versions = await t.api.get(`/api/v1/kb/articles/${a.id}/versions`, agent.token);
    expect(versions.body.items.map((v: any) => [v.version, v.title, v.note])).toEqual([
      [2, 'Pulsarine codec negotiation fails', 'renamed the codec'],
      [1, 'Nebulon codec negotiation fails', null],
    ]);
    expect(versions.body.items[0].editedBy.id).toBe(agent.id);
    const v1 = await t.api.get(`/api/v1/kb/articles/${a.id}/versions/1`, agent.token);
    expect(v1.body).toMatchObject({ version: 1, title: 'Nebulon codec negotiation fails', status: 'published' });
    expect((await t.api.get(`/api/v1/kb/articles/${a.id}/versions`, customer.token)).status).toBe(403);
    expect((await search('pulsarine', customer.token))[0]?.id).toBe(a.id);
    expect((await search('pulsarine', customer.token))[0]?.title).toBe('Pulsarine codec negotiation fails');
    // The body still says Nebulon; the title no longer does.
    const nebulon = await search('nebulon', customer.token);
    expect(nebulon[0]?.id).toBe(a.id);
  });

  it('archives an article: gone from search and from customers', async () => {
    const a = await create({ title: 'Zephyrine relay deprecated', body: EN_BODY('The zephyrine relay is deprecated.'), lang: 'en' });
    expect((await search('zephyrine', customer.token))[0]?.id).toBe(a.id);
    const del = await t.api.call('DELETE', `/api/v1/kb/articles/${a.id}`, { token: agent.token });
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('archived');
    expect(await search('zephyrine', customer.token)).toEqual([]);
    expect(await search('zephyrine', agent.token)).toEqual([]);
    expect((await t.api.get(`/api/v1/kb/articles/${a.id}`, customer.token)).status).toBe(404);
    expect((await t.api.post(`/api/v1/kb/articles/${a.id}/feedback`, { helpful: true }, agent.token)).status).toBe(409);
  });

  it('records "was this helpful?" with a comment, one answer per person', async () => {
    const a = await create({ title: 'Helpfulness probe article', body: EN_BODY('Feedback target.'), lang: 'en' });
    const f1 = await t.api.post(`/api/v1/kb/articles/${a.id}/feedback`, { helpful: false, comment: '没有解决我的问题' }, customer.token);
    expect(f1.status).toBe(201);
    expect(f1.body).toMatchObject({ articleId: a.id, helpful: false, comment: '没有解决我的问题', version: 1 });
    const f2 = await t.api.post(`/api/v1/kb/articles/${a.id}/feedback`, { helpful: true }, customer.token);
    expect(f2.status).toBe(201);
    await t.api.post(`/api/v1/kb/articles/${a.id}/feedback`, { helpful: true, comment: 'clear' }, agent.token);
    const list = await t.api.get(`/api/v1/kb/articles/${a.id}/feedback`, agent.token);
    expect(list.body).toMatchObject({ helpful: 2, notHelpful: 0 });
    expect(list.body.items).toHaveLength(2);
    expect((await t.api.get(`/api/v1/kb/articles/${a.id}`, agent.token)).body.feedback).toEqual({ helpful: 2, notHelpful: 0 });
    expect((await t.api.get(`/api/v1/kb/articles/${a.id}`, customer.token)).body.feedback).toBeUndefined();
    expect((await t.api.get(`/api/v1/kb/articles/${a.id}/feedback`, customer.token)).status).toBe(403);
    const bad = await t.api.post(`/api/v1/kb/articles/${a.id}/feedback`, { helpful: 'yes' }, customer.token);
    expect(bad.status).toBe(400);
  });

  it('lets admins and agents write; customers read; everyone else is turned away', async () => {
    const body = { title: 'Authorization probe', body: 'Body', lang: 'en' };
    expect((await t.api.post('/api/v1/kb/articles', body, customer.token)).status).toBe(403);
    expect((await t.api.post('/api/v1/kb/articles', body, ADMIN_TOKEN)).status).toBe(201);
    expect((await t.api.post('/api/v1/kb/articles', body, null)).status).toBe(401);
    expect((await t.api.get('/api/v1/kb/search?q=probe', null)).status).toBe(401);
    const a = await create({ title: 'Customer cannot edit this', body: 'Body', lang: 'en' });
    expect((await t.api.patch(`/api/v1/kb/articles/${a.id}`, { title: 'x' }, customer.token)).status).toBe(403);
    expect((await t.api.call('DELETE', `/api/v1/kb/articles/${a.id}`, { token: customer.token })).status).toBe(403);
    expect((await t.api.get('/api/v1/kb/search?q=probe&kind=case', customer.token)).status).toBe(403);
    expect((await t.api.get('/api/v1/kb/cases', customer.token)).status).toBe(403);
    expect((await t.api.post('/api/v1/kb/reindex', {}, agent.token)).status).toBe(403);
    expect((await t.api.get('/api/v1/kb/articles/does-not-exist', customer.token)).status).toBe(404);
  });

  it('answers bad input with 400 and the field paths', async () => {
    const cases: [string, unknown, string][] = [
      ['no lang', { title: 'T', body: 'B' }, 'body.lang'],
      ['unknown lang', { title: 'T', body: 'B', lang: 'fr' }, 'body.lang'],
      ['empty title', { title: '  ', body: 'B', lang: 'en' }, 'body.title'],
      ['long title', { title: 'x'.repeat(301), body: 'B', lang: 'en' }, 'body.title'],
      ['too many tags', { title: 'T', body: 'B', lang: 'en', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'body.tags'],
      ['long tag', { title: 'T', body: 'B', lang: 'en', tags: ['x'.repeat(51)] }, 'body.tags.0'],
      ['bad status', { title: 'T', body: 'B', lang: 'en', status: 'archived' }, 'body.status'],
      ['bad version', { title: 'T', body: 'B', lang: 'en', sdkVersions: ['latest'] }, 'body.sdkVersions.0'],
      ['bad error code', { title: 'T', body: 'B', lang: 'en', errorCodes: ['a b'] }, 'body.errorCodes.0'],
      ['unknown field', { title: 'T', body: 'B', lang: 'en', color: 'red' }, 'body'],
    ];
    for (const [name, body, path] of cases) {
      const res = await t.api.post('/api/v1/kb/articles', body, agent.token);
      expect(res.status, name).toBe(400);
      expect(res.body.error.code, name).toBe('validation');
      expect(res.body.error.details.map((d: any) => d.path), name).toContain(path);
    }
    for (const [q, path] of [['', 'querystring.q'], ['q=x&limit=0', 'querystring.limit'], ['q=x&limit=51', 'querystring.limit'], ['q=x&lang=de', 'querystring.lang'], ['q=x&kind=every', 'querystring.kind'], [`q=${'x'.repeat(501)}`, 'querystring.q']] as const) {
      const res = await t.api.get(`/api/v1/kb/search?${q}`, customer.token);
      expect(res.status, q).toBe(400);
      expect(res.body.error.details.map((d: any) => d.path), q).toContain(path);
    }
    const garbage = await t.api.call('POST', '/api/v1/kb/articles', { token: agent.token, raw: '{not json', headers: { 'content-type': 'application/json' } });
    expect(garbage.status).toBe(400);
    const stopWordsOnly = await search('的了吗 the and', customer.token);
    expect(stopWordsOnly).toEqual([]);
  });

  it('turns a solved ticket into a case (prefilled from the conversation) and promotes it to an article', async () => {
    const rtc = { appId: 'app-kb', sdkVersion: '4.2.3', os: 'ios', errorCode: '110' };
    const ticket = await makeTicket(t.api, customer.token, { subject: '学生加入课堂偶尔失败，报错 110', body: '学生端进入课堂时偶尔提示加入失败，错误码 110，重试一次通常就好了。', rtc });
    const early = await t.api.post('/api/v1/kb/cases', { ticketId: ticket.id, title: 'x', problem: 'p', cause: 'c', solution: 's' }, agent.token);
    expect(early.status).toBe(409);
    await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: '服务器时钟慢了 10 分钟，导致 Token 时间戳无效。', public: false }, agent.token);
    await t.api.post(`/api/v1/tickets/${ticket.id}/comments`, { body: '错误码 110 表示 Token 无效或已过期。请确认服务端生成 Token 时的时钟与 NTP 同步。', public: true }, agent.token);
    expect((await t.api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'solved' }, agent.token)).status).toBe(200);

    const draft = await t.api.get(`/api/v1/kb/cases/draft?ticketId=${ticket.id}`, agent.token);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({
      ticketId: ticket.id,
      solved: true,
      existingCaseId: null,
      lang: 'zh',
      title: '学生加入课堂偶尔失败，报错 110',
      problem: '学生端进入课堂时偶尔提示加入失败，错误码 110，重试一次通常就好了。',
      cause: '服务器时钟慢了 10 分钟，导致 Token 时间戳无效。',
      solution: '错误码 110 表示 Token 无效或已过期。请确认服务端生成 Token 时的时钟与 NTP 同步。',
      errorCode: '110',
      sdkVersion: '4.2.3',
      platform: 'ios',
    });
    expect((await t.api.get(`/api/v1/kb/cases/draft?ticketId=${ticket.id}`, customer.token)).status).toBe(403);

    const { ticketId, title, problem, cause, solution, lang, errorCode, sdkVersion, platform } = draft.body;
    const created = await t.api.post('/api/v1/kb/cases', { ticketId, title, problem, cause, solution, lang, errorCode, sdkVersion, platform, tags: ['token'] }, agent.token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ticketId: ticket.id, orgId, status: 'internal', articleId: null, errorCode: '110', platform: 'ios' });
    expect((await t.api.post('/api/v1/kb/cases', { ticketId, title, problem, cause, solution }, agent.token)).status).toBe(409);

    const found = await search('课堂 110 时钟', agent.token, '&kind=case');
    expect(found[0]).toMatchObject({ id: created.body.id, kind: 'case', status: 'internal' });
    expect((await search('课堂 110 时钟', customer.token)).map((i) => i.id)).not.toContain(created.body.id);
    expect((await search('课堂 110 时钟', agent.token)).map((i) => i.id)).not.toContain(created.body.id);
    expect((await search('课堂 110 时钟', agent.token, '&kind=all')).map((i) => i.id)).toContain(created.body.id);

    const promoted = await t.api.post(`/api/v1/kb/cases/${created.body.id}/promote`, {}, agent.token);
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(201);
    expect(promoted.body.case).toMatchObject({ status: 'promoted', articleId: promoted.body.article.id });
    expect(promoted.body.article).toMatchObject({ status: 'draft', lang: 'zh', sourceCaseId: created.body.id, errorCodes: ['110'], sdkVersions: ['4.2.3'], platforms: ['ios'] });
    expect(promoted.body.article.body).toContain('## 解决方法');
    expect((await t.api.post(`/api/v1/kb/cases/${created.body.id}/promote`, {}, agent.token)).status).toBe(409);
    // After review it is published and customers find it.
    expect((await t.api.patch(`/api/v1/kb/articles/${promoted.body.article.id}`, { status: 'published' }, agent.token)).status).toBe(200);
    expect((await search('课堂 报错 110', customer.token)).map((i) => i.id)).toContain(promoted.body.article.id);
  });

  it('shows the agent similar solved cases and articles ranked with the ticket text and its RTC facts', async () => {
    const article = await create({ title: '错误码 110：Token 无效', body: '错误码 110 表示 Token 无效。检查 App ID 与证书是否匹配，以及 Token 是否过期。', lang: 'zh', tags: ['token'], errorCodes: ['110'], platforms: ['ios', 'android'], sdkVersions: ['4.2.x'] });
    const ticket = await makeTicket(t.api, customer.token, { subject: '老师端进入教室失败', body: 'iPad 上进入教室失败，提示错误。', rtc: { sdkVersion: '4.2.3', os: 'ios', errorCode: '110' } });
    const res = await t.api.get(`/api/v1/kb/similar?ticketId=${ticket.id}&limit=3`, agent.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.facts).toEqual({ errorCode: '110', sdkVersion: '4.2.3', platform: 'ios' });
    expect(res.body.cases[0]).toMatchObject({ kind: 'case', errorCodes: ['110'], matchedFacts: { errorCode: true, sdkVersion: true, platform: true } });
    const hit = res.body.articles.find((a: any) => a.id === article.id);
    expect(hit).toMatchObject({ matchedFacts: { errorCode: true, sdkVersion: true, platform: true } });
    // Both the article above and the one promoted from the case of the previous test match all facts.
    expect(res.body.articles.slice(0, 2).map((a: any) => a.id)).toContain(article.id);
    expect(res.body.articles[0].matchedFacts.errorCode).toBe(true);
    expect((await t.api.get(`/api/v1/kb/similar?ticketId=${ticket.id}`, customer.token)).status).toBe(403);
  });

  it('suggests articles while a customer writes a ticket and measures deflection', async () => {
    const a = await create({ title: 'Microphone permission denied on Chrome', body: EN_BODY('NotAllowedError: the browser blocked microphone access; ask the user to allow it.'), lang: 'en', tags: ['microphone', 'permission'], errorCodes: ['NotAllowedError'] });
    const hidden = await create({ title: 'Microphone permission draft', body: EN_BODY('Draft about microphone permission.'), lang: 'en', status: 'draft' });
    const s1 = await t.api.post('/api/v1/kb/suggestions', { subject: 'mic permission' }, customer.token);
    expect(s1.status).toBe(200);
    expect(s1.body.items[0].id).toBe(a.id);
    expect(s1.body.items.map((i: any) => i.id)).not.toContain(hidden.id);
    const again = await t.api.post('/api/v1/kb/suggestions', { subject: 'mic permission denied', body: 'Chrome shows NotAllowedError', sessionId: s1.body.sessionId }, customer.token);
    expect(again.body.sessionId).toBe(s1.body.sessionId);
    const opened = await t.api.post(`/api/v1/kb/suggestions/${s1.body.sessionId}/events`, { type: 'opened', articleId: a.id }, customer.token);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ opened: [a.id], ticketId: null });
    expect(opened.body.shown).toContain(a.id);

    // A second customer writes, opens the article, and still files the ticket.
    const s2 = await t.api.post('/api/v1/kb/suggestions', { subject: 'microphone blocked in browser' }, customer.token);
    await t.api.post(`/api/v1/kb/suggestions/${s2.body.sessionId}/events`, { type: 'opened', articleId: a.id }, customer.token);
    const ticket = await makeTicket(t.api, customer.token, { subject: 'microphone blocked in browser' });
    const submitted = await t.api.post(`/api/v1/kb/suggestions/${s2.body.sessionId}/events`, { type: 'submitted', ticketId: ticket.id }, customer.token);
    expect(submitted.body.ticketId).toBe(ticket.id);
    // A third one sees suggestions, opens nothing and files a ticket.
    const s3 = await t.api.post('/api/v1/kb/suggestions', { subject: 'microphone not working' }, customer.token);
    await t.api.post(`/api/v1/kb/suggestions/${s3.body.sessionId}/events`, { type: 'submitted', ticketId: ticket.id }, customer.token);

    const other = await makeUser(t.api, { role: 'customer', orgId });
    expect((await t.api.post(`/api/v1/kb/suggestions/${s1.body.sessionId}/events`, { type: 'opened', articleId: a.id }, other.token)).status).toBe(404);
    expect((await t.api.post(`/api/v1/kb/suggestions/${s1.body.sessionId}/events`, { type: 'opened', articleId: hidden.id }, customer.token)).status).toBe(400);
    expect((await t.api.post(`/api/v1/kb/suggestions/${s1.body.sessionId}/events`, { type: 'clicked' }, customer.token)).status).toBe(400);

    const report = await t.api.get('/api/v1/kb/deflection', agent.token);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ sessions: 3, withSuggestions: 3, opened: 2, submitted: 2, deflected: 1 });
    expect(report.body.deflectionRate).toBeCloseTo(1 / 3);
    expect((await t.api.get('/api/v1/kb/deflection', customer.token)).status).toBe(403);
  });

  it('browses by product area and tag, counting only the articles each reader may see', async () => {
    const tag = `tag-${Math.random().toString(36).slice(2, 8)}`;
    const area = `area-${tag}`;
    await create({ title: 'Bluetooth headset routing on Android', body: EN_BODY('Audio goes to the speaker.'), lang: 'en', tags: [tag], productArea: area });
    await create({ title: '蓝牙耳机连接后声音仍从外放出来', body: '## 现象\n连接蓝牙耳机后声音从外放出来。', lang: 'zh', tags: [tag], productArea: area });
    await create({ title: 'Draft about Bluetooth routing', body: EN_BODY('Not ready.'), lang: 'en', productArea: area, status: 'draft' });

    const facets = async (token: string, extra = '') => {
      const res = await t.api.get(`/api/v1/kb/facets?tags=200${extra}`, token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { productAreas: { value: string; count: number }[]; tags: { value: string; count: number }[] };
    };
    const c = await facets(customer.token);
    expect(c.productAreas.find((f) => f.value === area)).toEqual({ value: area, count: 2 });
    expect(c.tags.find((f) => f.value === tag)).toEqual({ value: tag, count: 2 });
    expect((await facets(agent.token)).productAreas.find((f) => f.value === area)).toEqual({ value: area, count: 3 });
    expect((await facets(customer.token, '&lang=zh')).productAreas.find((f) => f.value === area)).toEqual({ value: area, count: 1 });
    // Most used first.
    const counts = c.productAreas.map((f) => f.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);

    const listed = await t.api.get(`/api/v1/kb/articles?productArea=${area}`, customer.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: { title: string }) => a.title).sort()).toEqual(['Bluetooth headset routing on Android', '蓝牙耳机连接后声音仍从外放出来']);
    const staffList = await t.api.get(`/api/v1/kb/articles?productArea=${area}&lang=en`, agent.token);
    expect(staffList.body.items.map((a: { status: string }) => a.status).sort()).toEqual(['draft', 'published']);

    for (const [q, path] of [['tags=201', 'querystring.tags'], ['lang=fr', 'querystring.lang'], ['status=gone', 'querystring.status']] as const) {
      const res = await t.api.get(`/api/v1/kb/facets?${q}`, customer.token);
      expect(res.status, q).toBe(400);
      expect(res.body.error.details.map((d: any) => d.path), q).toContain(path);
    }
    const long = await t.api.get(`/api/v1/kb/articles?productArea=${'x'.repeat(61)}`, customer.token);
    expect(long.status).toBe(400);
    expect(long.body.error.details.map((d: any) => d.path)).toContain('querystring.productArea');
    expect((await t.api.get('/api/v1/kb/facets')).status).toBe(401);
  });

  it('marks where the matched words stand in titles and snippets', async () => {
    await create({ title: 'Echo cancellation fails with Bluetooth headsets', body: EN_BODY('With some Bluetooth headsets the echo cancellation cannot see the played-out audio, so the other side hears an echo.'), lang: 'en', tags: ['echo'] });
    await create({ title: '蓝牙耳机通话时对方听到回声', body: '## 现象\n使用部分蓝牙耳机时，回声消除拿不到播放的声音，对方会听到回声。\n\n## 解决方法\n1. 打开回声消除。', lang: 'zh', tags: ['回声'] });
    const marked = (text: string, spans: [number, number][]) => spans.map(([a, b]) => text.slice(a, b).toLowerCase());
    const check = (item: { title: string; snippet: string; highlights: { title: [number, number][]; snippet: [number, number][] } }) => {
      for (const [text, spans] of [[item.title, item.highlights.title], [item.snippet, item.highlights.snippet]] as const) {
        let end = 0;
        for (const [a, b] of spans) {
          expect(a).toBeGreaterThanOrEqual(end);
          expect(b).toBeGreaterThan(a);
          expect(b).toBeLessThanOrEqual(text.length);
          end = b;
        }
      }
    };
    type Item = { title: string; snippet: string; highlights: { title: [number, number][]; snippet: [number, number][] } };
    const en = (await search('bluetooth echo', customer.token, '&lang=en')) as unknown as Item[];
    expect(en[0]!.title).toBe('Echo cancellation fails with Bluetooth headsets');
    // The query's words, and what synonyms matched (a Bluetooth headset); never the other words.
    expect(marked(en[0]!.title, en[0]!.highlights.title)).toEqual(expect.arrayContaining(['echo', 'bluetooth']));
    expect(marked(en[0]!.title, en[0]!.highlights.title)).not.toEqual(expect.arrayContaining(['fails']));
    expect(marked(en[0]!.title, en[0]!.highlights.title)).not.toEqual(expect.arrayContaining(['with']));
    expect(marked(en[0]!.snippet, en[0]!.highlights.snippet)).toEqual(expect.arrayContaining(['bluetooth', 'echo']));
    const zh = (await search('蓝牙耳机有回声', customer.token, '&lang=zh')) as unknown as Item[];
    expect(zh[0]!.title).toBe('蓝牙耳机通话时对方听到回声');
    // Adjacent marks merge into one span (蓝牙耳机, 听到回声).
    expect(marked(zh[0]!.title, zh[0]!.highlights.title).join(' ')).toMatch(/蓝牙.*回声/);
    expect(marked(zh[0]!.title, zh[0]!.highlights.title).join('')).not.toMatch(/通话/);
    // Single characters of longer words (the recall fallback) are not marked on their own.
    expect(marked(zh[0]!.snippet, zh[0]!.highlights.snippet)).not.toContain('声');
    for (const item of [...en, ...zh]) check(item);
  });

  it('documents the knowledge-base routes in the OpenAPI document', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    for (const p of ['/api/v1/kb/articles', '/api/v1/kb/search', '/api/v1/kb/articles/{id}', '/api/v1/kb/cases', '/api/v1/kb/suggestions', '/api/v1/kb/similar', '/api/v1/kb/facets']) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
  });
});

describe('typo tolerance against a large vocabulary', () => {
  it('expands exactly as with a plain set, for every kind of query word', async () => {
    const { analyzeQuery } = await import('../../src/domain/kb/analyze.ts');
    const { TypoVocabulary } = await import('../../src/services/kb-search.ts');
    const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'vo', 'ze', 'pu', 'bel', 'dor', 'fin', 'gar', 'jex', 'kor'];
    let seed = 7;
    // 32-bit LCG in integer arithmetic (a float product loses bits and falls into a short cycle).
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const plain = new Set(['echo', 'cancel', 'android', 'congest', 'uplink', 'screen', 'share', 'black', 'join_timeout', 'ab', 'a_b_', 'video']);
    while (plain.size < 5000) plain.add(Array.from({ length: 2 + Math.floor(next() * 3) }, () => syllables[Math.floor(next() * syllables.length)]).join(''));
    const typo = new TypoVocabulary();
    for (const w of plain) typo.add(w);
    typo.delete('video');
    plain.delete('video');
    for (const q of ['ehco cancelation on andriod', 'the congeested uplnk', 'scren shar blak', 'vidoe', 'kalomi kalomu', 'join_timeuot', 'ab abc', '回声 echo']) {
      expect(analyzeQuery(q, { vocabulary: typo }), q).toEqual(analyzeQuery(q, { vocabulary: plain }));
    }
  });
});
