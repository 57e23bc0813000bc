import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { startServer, type Server } from '../../src/server.ts';
import { loadKbContent } from '../../src/services/kb-content.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';

interface Lang {
  locale: 'zh-CN' | 'en';
  kbLang: 'zh' | 'en';
  M: Messages;
  timezoneId: string;
  /** A question in the customer's words, and the article that answers it. */
  search: { q: string; article: string; marked: string; translation: string };
  /** What a customer types into a new ticket, and the article the panel should offer. */
  ticket: { subject: string; body: string; article: string };
  /** A new article: its title (plus a unique word) and body. */
  article: { title: string; body: string; query: string };
  /** A solved ticket: what the customer wrote, and the agent's answer. */
  solved: { subject: string; body: string; reply: string };
}

const LANGS: Lang[] = [
  {
    locale: 'zh-CN',
    kbLang: 'zh',
    M: zhCN,
    timezoneId: 'Asia/Shanghai',
    search: { q: '对方说能听到自己的回音', article: '对方听到自己的回声或出现啸叫怎么办', marked: '回声', translation: 'Remote users hear their own voice (echo) or a loud howling sound' },
    ticket: { subject: '加入频道一直失败，报错 110', body: '用户进房间时 joinChannel 超时，返回 110，公司网络下更容易出现。', article: '进频道失败，报错 110（ERR_JOIN_TIMEOUT）' },
    article: { title: '鸿蒙设备开启降噪后声音发闷', body: '## 现象\n鸿蒙手机上打开 **AI 降噪** 后，远端听到的声音发闷。\n\n## 解决方法\n1. 升级到 4.3.1。\n2. 调用 `setAINSMode(1)` 改为均衡模式。', query: '鸿蒙 降噪 声音发闷' },
    solved: { subject: '课堂里老师的声音有回声', body: '老师用外放上课时，学生能听到自己的声音被放回来。', reply: '回声来自学生端外放被麦克风再次采集：请让学生戴耳机，并确认没有关闭 AEC。' },
  },
  {
    locale: 'en',
    kbLang: 'en',
    M: en,
    timezoneId: 'Europe/Berlin',
    search: { q: 'the other side hears an echo of their own voice', article: 'Remote users hear their own voice (echo) or a loud howling sound', marked: 'echo', translation: '对方听到自己的回声或出现啸叫怎么办' },
    ticket: { subject: 'joinChannel fails with error 110', body: 'Users time out when joining a channel, error 110, mostly on office networks.', article: 'Join fails with error 110 (ERR_JOIN_TIMEOUT)' },
    article: { title: 'Muffled voice on HarmonyOS with AI noise suppression', body: '## Symptoms\nOn HarmonyOS phones the remote voice sounds **muffled** once AI noise suppression is on.\n\n## Solution\n1. Upgrade to 4.3.1.\n2. Call `setAINSMode(1)` for the balanced mode.', query: 'harmonyos muffled noise suppression' },
    solved: { subject: 'Teacher hears echo in the classroom', body: 'When the teacher uses the loudspeaker, students hear their own voice coming back.', reply: 'The echo comes from students using loudspeakers: ask them to wear headphones and make sure AEC stays on.' },
  },
];

let server: Server;
let browser: Browser;

const call = apiCaller(() => server.url, BOOTSTRAP);

/** An organization with its customer, and an L1 agent, all with passwords. */
async function seedTenant(lang: Lang, id: string) {
  const org = await call<{ id: string }>('POST', '/api/v1/orgs', { name: `KB ${lang.locale} ${id}`, tier: 'advanced', industry: 'education', timezone: lang.timezoneId, regions: ['APAC'], appIds: [`app-kb-${id}`] });
  const customer = await call<{ id: string; handle: string }>('POST', '/api/v1/users', { handle: `kbcust.${id}`, name: `Customer ${id}`, email: `kbcust.${id}@example.com`, role: 'customer', orgId: org.id, password: PASSWORD, locale: lang.locale });
  const agent = await call<{ id: string; handle: string }>('POST', '/api/v1/users', { handle: `kbagent.${id}`, name: `Agent ${id}`, email: `kbagent.${id}@example.com`, role: 'agent', level: 'L1', password: PASSWORD, locale: lang.locale });
  return { org, customer, agent };
}

async function open(lang: Lang, handle: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale: lang.locale, timezoneId: lang.timezoneId, viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await page.goto(server.url + '/');
  await page.getByLabel(lang.M['login.handle'], { exact: true }).fill(handle);
  await page.getByLabel(lang.M['login.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: lang.M['login.submit'], exact: true }).click();
  await page.getByRole('navigation').waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang.locale);
  return { ctx, page };
}

const skip = skipBrowserTests();

describe.skipIf(skip)('knowledge base in a real browser', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { logger: false });
    // The built-in articles, as `--demo` loads them (with their product areas).
    await loadKbContent(server.ctx, null, { productAreas: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of LANGS) {
    const M = lang.M;

    it(`lets a customer search the help center, read an article and its translation, and rate it (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const { customer } = await seedTenant(lang, id);
      const { ctx, page } = await open(lang, customer.handle);
      try {
        await page.getByRole('navigation').getByRole('link', { name: M['kb.nav.helpCenter'] }).click();
        await page.getByRole('heading', { name: M['kb.help.title'], exact: true }).waitFor();
        // Browsing: product areas from the articles, named in the UI's language.
        await page.getByRole('button', { name: new RegExp(`^${M['kb.area.audio']}`) }).click();
        await page.getByRole('link', { name: lang.search.article, exact: true }).waitFor();

        await page.getByLabel(M['kb.search.label'], { exact: true }).fill(lang.search.q);
        await page.getByRole('button', { name: M['kb.search.submit'], exact: true }).click();
        const results = page.getByRole('list', { name: M['kb.search.results'] });
        const first = results.getByRole('listitem').first();
        await expect.poll(() => first.getByRole('link').textContent()).toBe(lang.search.article);
        // The matched words are marked in the title and the snippet (escaped text, no markup from the server).
        const marked = await first.locator('mark').allTextContents();
        expect(marked.map((m) => m.toLowerCase())).toContain(lang.search.marked);
        expect(await first.locator('.kb-snippet').textContent()).not.toMatch(/<|>/);

        await first.getByRole('link').click();
        await page.getByRole('heading', { level: 1, name: lang.search.article, exact: true }).waitFor();
        // Markdown rendered as elements: section headings (## under the page's h1) and numbered steps.
        expect(await page.locator('article .markdown h3').count()).toBeGreaterThan(1);
        expect(await page.locator('article .markdown ol li').count()).toBeGreaterThan(2);
        const articleUrl = page.url();

        // The linked translation, and back.
        await page.getByRole('link', { name: lang.kbLang === 'zh' ? M['kb.article.readEn'] : M['kb.article.readZh'] }).click();
        await page.getByRole('heading', { level: 1, name: lang.search.translation, exact: true }).waitFor();
        await page.goBack();
        await page.getByRole('heading', { level: 1, name: lang.search.article, exact: true }).waitFor();
        expect(page.url()).toBe(articleUrl);

        // "Was this helpful?" with a comment.
        await page.getByRole('button', { name: M['kb.feedback.yes'], exact: true }).click();
        const comment = lang.kbLang === 'zh' ? `第 3 步解决了问题 ${id}` : `Step 3 fixed it ${id}`;
        await page.getByLabel(M['kb.feedback.commentHelpful'], { exact: true }).fill(comment);
        await page.getByRole('button', { name: M['kb.feedback.send'], exact: true }).click();
        await page.getByText(M['kb.feedback.thanks'], { exact: true }).waitFor();
        const articleId = decodeURIComponent(articleUrl.split('/').pop() as string);
        const feedback = await call<{ items: { helpful: boolean; comment: string | null; user: { id: string } }[] }>('GET', `/api/v1/kb/articles/${articleId}/feedback`);
        expect(feedback.items.find((f) => f.user.id === customer.id)).toMatchObject({ helpful: true, comment });
      } finally {
        await ctx.close();
      }
    });

    it(`suggests a relevant article while the customer writes a ticket and records opening it and submitting (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const { customer } = await seedTenant(lang, id);
      const before = await call<{ sessions: number; opened: number; submitted: number }>('GET', '/api/v1/kb/deflection');
      const { ctx, page } = await open(lang, customer.handle);
      try {
        await page.getByRole('navigation').getByRole('link', { name: M['nav.newTicket'] }).click();
        await page.getByRole('heading', { name: M['newTicket.title'], exact: true }).waitFor();
        const panel = page.getByRole('complementary', { name: M['kb.suggest.title'] });
        await panel.getByText(M['kb.suggest.hint']).waitFor();
        await page.getByLabel(M['newTicket.subject'], { exact: true }).fill(lang.ticket.subject);
        await page.getByLabel(M['newTicket.body'], { exact: true }).fill(lang.ticket.body);
        const suggestion = panel.getByRole('button', { name: lang.ticket.article, exact: true });
        await suggestion.waitFor();
        expect(await panel.getByRole('listitem').first().getByRole('button').textContent()).toBe(lang.ticket.article);

        // Reading it in place keeps the ticket being written.
        await suggestion.click();
        await panel.locator('.kb-inline-article .markdown h3').first().waitFor();
        expect(await page.getByLabel(M['newTicket.subject'], { exact: true }).inputValue()).toBe(lang.ticket.subject);

        await page.getByRole('button', { name: M['newTicket.submit'], exact: true }).click();
        await page.waitForURL(/\/portal\/tickets\//);
        const after = await call<{ sessions: number; opened: number; submitted: number }>('GET', '/api/v1/kb/deflection');
        expect(after.sessions - before.sessions).toBe(1);
        expect(after.opened - before.opened).toBe(1);
        expect(after.submitted - before.submitted).toBe(1);
      } finally {
        await ctx.close();
      }
    });

    it(`lets an agent write an article that search finds at once, and shows a stale edit as a conflict (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const { agent } = await seedTenant(lang, id);
      const { ctx, page } = await open(lang, agent.handle);
      try {
        await page.getByRole('navigation').getByRole('link', { name: M['kb.nav.articles'] }).click();
        await page.getByRole('heading', { name: M['kb.console.title'], exact: true }).waitFor();
        await page.getByRole('link', { name: M['kb.console.new'] }).click();
        await page.getByRole('heading', { name: M['kb.editor.newTitle'], exact: true }).waitFor();
        const form = page.getByRole('form', { name: M['kb.editor.form'] });
        const title = `${lang.article.title} ${id}`;
        await form.getByLabel(M['kb.field.title'], { exact: true }).fill(title);
        await form.getByLabel(M['kb.field.lang'], { exact: true }).selectOption(lang.kbLang);
        await form.getByLabel(M['kb.field.productArea'], { exact: true }).selectOption('audio');
        await form.getByLabel(M['kb.field.tags'], { exact: true }).fill(lang.kbLang === 'zh' ? '降噪, 鸿蒙' : 'noise suppression, HarmonyOS');
        await form.getByLabel(M['kb.field.sdkVersions'], { exact: true }).fill('4.3.0');
        await form.getByLabel(M['kb.field.platforms'], { exact: true }).fill('harmonyos');
        // Raw HTML and a script link stay text in the preview.
        await form.getByLabel(M['kb.field.body'], { exact: true }).fill(`${lang.article.body}\n\n<img src=x onerror="document.title='pwned'"> [x](javascript:alert(1))`);
        const preview = form.getByRole('region', { name: M['kb.editor.preview'] });
        await preview.locator('li code', { hasText: 'setAINSMode(1)' }).waitFor();
        expect(await preview.locator('img').count()).toBe(0);
        expect(await preview.locator('a').count()).toBe(0);
        expect(await preview.textContent()).toContain('<img src=x');
        await form.getByRole('button', { name: M['kb.editor.create'], exact: true }).click();
        await page.getByRole('heading', { name: M['kb.editor.editTitle'], exact: true }).waitFor();
        await page.getByText(M['kb.editor.saved'].replace('{n}', '1')).waitFor();
        const articleId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);

        // Found by search at once: in the console, and by customers through the API.
        await page.getByRole('navigation').getByRole('link', { name: M['kb.nav.articles'] }).click();
        await page.getByLabel(M['kb.search.label'], { exact: true }).fill(lang.article.query);
        await page.getByRole('button', { name: M['kb.search.submit'], exact: true }).click();
        // Among the first three (the built-in noise-suppression article competes for these words).
        const top = page.getByRole('list', { name: M['kb.search.results'] }).getByRole('listitem').getByRole('link');
        await expect.poll(async () => (await top.allTextContents()).slice(0, 3)).toContain(title);

        // Someone else saves while this agent edits: the save is refused and both texts are shown.
        await top.filter({ hasText: title }).click();
        await page.getByRole('heading', { name: M['kb.editor.editTitle'], exact: true }).waitFor();
        await call('PATCH', `/api/v1/kb/articles/${articleId}`, { title: `${title} (v2)`, version: 1, note: 'other editor' });
        await form.getByLabel(M['kb.field.title'], { exact: true }).fill(`${title} (mine)`);
        await form.getByRole('button', { name: M['kb.editor.save'], exact: true }).click();
        const conflict = page.getByRole('alert').filter({ hasText: M['kb.editor.conflictTitle'] });
        await conflict.waitFor();
        expect(await conflict.textContent()).toContain(`${title} (v2)`);
        expect((await call<{ title: string; version: number }>('GET', `/api/v1/kb/articles/${articleId}`)).version).toBe(2);
        await conflict.getByRole('button', { name: M['kb.editor.conflictOverwrite'].replace('{n}', '2') }).click();
        await page.getByText(M['kb.editor.saved'].replace('{n}', '3')).waitFor();
        expect((await call<{ title: string }>('GET', `/api/v1/kb/articles/${articleId}`)).title).toBe(`${title} (mine)`);
        // The history lists all three versions.
        expect(await page.locator('.kb-versions li').count()).toBe(3);
      } finally {
        await ctx.close();
      }
    });

    it(`lets an agent turn a solved ticket into a case and find it in the case library (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const { org, agent } = await seedTenant(lang, id);
      const subject = `${lang.solved.subject} ${id}`;
      const ticket = await call<{ id: string }>('POST', '/api/v1/tickets', { subject, body: lang.solved.body, priority: 'P2', orgId: org.id, category: 'audio', rtc: { sdkVersion: '4.3.0', os: 'android' } });
      await call('POST', `/api/v1/tickets/${ticket.id}/comments`, { body: lang.solved.reply, public: true });
      await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' });

      const { ctx, page } = await open(lang, agent.handle);
      try {
        await page.goto(`${server.url}/console/tickets/${ticket.id}`);
        const panel = page.locator('.kb-ticket-panel');
        await panel.getByRole('heading', { name: M['kb.similar.title'], exact: true }).waitFor();
        // Similar solved cases and articles for the ticket (the echo article fits this one).
        await panel.getByRole('heading', { name: M['kb.similar.articles'], exact: true }).waitFor();
        await panel.getByRole('link', { name: M['kb.case.makeFromTicket'] }).click();

        await page.getByRole('heading', { name: M['kb.case.newTitle'], exact: true }).waitFor();
        const form = page.getByRole('form', { name: M['kb.case.newTitle'] });
        // Prefilled from the conversation.
        expect(await form.getByLabel(M['kb.field.title'], { exact: true }).inputValue()).toBe(subject);
        expect(await form.getByLabel(M['kb.case.problem'], { exact: true }).inputValue()).toBe(lang.solved.body);
        expect(await form.getByLabel(M['kb.case.solution'], { exact: true }).inputValue()).toBe(lang.solved.reply);
        expect(await form.getByLabel(M['kb.case.sdkVersion'], { exact: true }).inputValue()).toBe('4.3.0');
        const cause = lang.kbLang === 'zh' ? '学生端外放，麦克风采集到远端声音' : 'Students used loudspeakers; their microphones picked up the remote voice';
        await form.getByLabel(M['kb.case.cause'], { exact: true }).fill(cause);
        await form.getByRole('button', { name: M['kb.case.confirm'], exact: true }).click();
        await page.getByText(M['kb.case.created'], { exact: true }).waitFor();
        await page.getByText(cause, { exact: true }).waitFor();

        await page.getByRole('navigation').getByRole('link', { name: M['kb.nav.cases'] }).click();
        await page.getByRole('heading', { name: M['kb.cases.title'], exact: true }).waitFor();
        const row = page.getByRole('table', { name: M['kb.cases.title'] }).getByRole('row').filter({ hasText: subject });
        await row.waitFor();
        expect(await row.textContent()).toContain(M['kb.caseStatus.internal']);

        // The ticket page now leads to the case instead of offering a new one.
        await page.goto(`${server.url}/console/tickets/${ticket.id}`);
        await panel.getByRole('link', { name: M['kb.case.openExisting'] }).waitFor();
      } finally {
        await ctx.close();
      }
    });
  }
});
