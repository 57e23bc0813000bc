import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { startServer, type Server } from '../../src/server.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';

interface Lang {
  locale: 'zh-CN' | 'en';
  /** The browser's own language: the app follows it until the person switches. */
  browserLocale: string;
  messages: Messages;
  /** What the browser's language shows before the switch. */
  before: Messages;
  switchTo: string;
  internalNoteLabel: string;
  timezoneId: string;
  names: { customer: string; agent: string };
  subject: string;
  reply: string;
  note: string;
}

const LANGS: Lang[] = [
  {
    locale: 'zh-CN',
    browserLocale: 'en-US',
    messages: zhCN,
    before: en,
    switchTo: '中文',
    internalNoteLabel: '内部备注',
    timezoneId: 'Asia/Shanghai',
    names: { customer: '李测试', agent: '陈工程师' },
    subject: '直播间观众声音断续',
    reply: '您好，已收到。请问出现断续时主播是否在使用蓝牙耳机？',
    note: '怀疑是 4.3.0 的 AEC 回归，先别告诉客户',
  },
  {
    locale: 'en',
    browserLocale: 'zh-CN',
    messages: en,
    before: zhCN,
    switchTo: 'English',
    internalNoteLabel: 'Internal note',
    timezoneId: 'Europe/Berlin',
    names: { customer: 'Anna Tester', agent: 'Emma Engineer' },
    subject: 'Choppy audio for viewers in the live room',
    reply: 'Thanks, we are on it. Does the host use a Bluetooth headset when it happens?',
    note: 'Probably the AEC regression in 4.3.0; do not tell the customer yet',
  },
];

let server: Server;
let browser: Browser;

const call = apiCaller(() => server.url, BOOTSTRAP);

/** Each test builds its own tenant: an organization with two app ids, its customer, and an L1 agent. */
async function seedTenant(lang: Lang, id: string) {
  const appIds = [`app-e2e-${id}`, `app-e2e-${id}-staging`];
  const org = await call<{ id: string; name: string }>('POST', '/api/v1/orgs', { name: `${lang.locale === 'en' ? 'Streamly' : '星河直播'} ${id}`, tier: 'enterprise', industry: 'live_streaming', timezone: lang.timezoneId, regions: ['APAC'], appIds });
  const customer = { handle: `cust.${id}`, name: lang.names.customer };
  const agent = { handle: `agent.${id}`, name: `${lang.names.agent} ${id}` };
  await call('POST', '/api/v1/users', { ...customer, email: `cust.${id}@example.com`, role: 'customer', orgId: org.id, password: PASSWORD, locale: lang.locale });
  await call('POST', '/api/v1/users', { ...agent, email: `agent.${id}@example.com`, role: 'agent', level: 'L1', password: PASSWORD, locale: lang.locale });
  return { org, appIds, customer, agent };
}

async function openContext(lang: Lang): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale: lang.browserLocale, timezoneId: lang.timezoneId, viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  return { ctx, page };
}

/** Opens the app, checks it follows the browser's language, switches with the header control, signs in. */
async function signIn(page: Page, lang: Lang, handle: string): Promise<void> {
  const M = lang.messages;
  await page.goto(server.url + '/');
  await page.getByRole('heading', { name: lang.before['login.title'], exact: true }).waitFor();
  await page.getByRole('button', { name: lang.switchTo, exact: true }).click();
  await page.getByRole('heading', { name: M['login.title'], exact: true }).waitFor();
  expect(await page.evaluate(() => [document.documentElement.lang, localStorage.getItem('signaldesk.locale')])).toEqual([lang.locale, lang.locale]);
  await page.getByLabel(M['login.handle'], { exact: true }).fill(handle);
  await page.getByLabel(M['login.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: M['login.submit'], exact: true }).click();
}

/** A full-page screenshot in /tmp for a person to look at (scrolled to the top, so sticky bars sit right). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `/tmp/signaldesk-${name}.png`, fullPage: true });
}

const skip = skipBrowserTests();

describe.skipIf(skip)('help desk in a real browser', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { logger: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of LANGS) {
    it(`lets a customer file an RTC ticket and an agent answer it, with internal notes hidden from the customer (${lang.locale})`, async () => {
      const M = lang.messages;
      const id = randomUUID().slice(0, 8);
      const tenant = await seedTenant(lang, id);
      const subject = `${lang.subject} ${id}`;

      // The customer files a ticket with the guided RTC fields.
      const customer = await openContext(lang);
      const cp = customer.page;
      await signIn(cp, lang, tenant.customer.handle);
      await cp.getByRole('heading', { name: M['portal.title'], exact: true }).waitFor();
      await cp.getByRole('navigation').getByRole('link', { name: M['nav.newTicket'] }).click();
      await cp.getByRole('heading', { name: M['newTicket.title'], exact: true }).waitFor();
      const field = (key: keyof Messages) => cp.getByLabel(M[key], { exact: true });
      await field('newTicket.subject').fill(subject);
      await field('newTicket.category').selectOption('audio');
      await field('newTicket.priority').selectOption('P1');
      await field('newTicket.body').fill(lang.locale === 'en' ? 'Viewers hear the host cut in and out every few seconds.\n<b>not bold</b>' : '观众反馈主播声音每隔几秒断一下。\n<b>不是粗体</b>');
      expect(await field('rtc.appId').locator('option').allTextContents()).toEqual([M['newTicket.chooseApp'], ...tenant.appIds]);
      await field('rtc.appId').selectOption(tenant.appIds[0] as string);
      await field('rtc.sdkVersion').fill('latest');
      await field('rtc.os').selectOption('android');
      await field('rtc.osVersion').fill('14');
      await field('rtc.device').fill('Xiaomi 14');
      await field('rtc.net').selectOption('wifi');
      await field('rtc.region').fill('ID');
      await field('rtc.channelId').fill(`room_${id}`);
      await field('rtc.errorCode').fill('1109');
      await field('rtc.happenedAt').fill('2026-11-02T20:15');
      // The server rejects the version; its message is shown under the field and nothing is filed.
      await cp.getByRole('button', { name: M['newTicket.submit'], exact: true }).click();
      await cp.locator('.field-invalid', { has: cp.getByLabel(M['rtc.sdkVersion'], { exact: true }) }).getByText('a version such as 4.2.1').waitFor();
      await cp.getByText(M['error.validation']).waitFor();
      await shot(cp, `new-ticket-${lang.locale}`);
      await field('rtc.sdkVersion').fill('4.3.0');
      await cp.getByRole('button', { name: M['newTicket.submit'], exact: true }).click();
      await cp.getByRole('heading', { name: subject }).waitFor();
      const status = cp.locator('.status-strip');
      await status.getByText(M['status.new'], { exact: true }).waitFor();
      // User content is text, never markup.
      expect(await cp.locator('.msg-body b').count()).toBe(0);
      await cp.getByText(lang.locale === 'en' ? '<b>not bold</b>' : '<b>不是粗体</b>').waitFor();

      // An agent finds it in the queue and opens it.
      const agent = await openContext(lang);
      const ap = agent.page;
      await signIn(ap, lang, tenant.agent.handle);
      await ap.getByRole('heading', { name: M['queue.title'], exact: true }).waitFor();
      await ap.locator('tbody tr').first().waitFor();
      await shot(ap, `queue-${lang.locale}`);
      await ap.getByRole('searchbox', { name: M['queue.search'] }).fill(id);
      await ap.waitForURL(new RegExp(`[?&]q=${id}`));
      await expect.poll(() => ap.locator('tbody tr').count()).toBe(1);
      const row = ap.locator('tbody tr', { hasText: subject });
      await row.waitFor();
      expect(await row.innerText()).toContain(tenant.org.name);
      expect(await row.innerText()).toContain(M['tier.enterprise']);
      expect(await row.innerText()).toContain(M['priority.P1']);
      await row.getByRole('link', { name: subject }).click();
      await ap.getByRole('heading', { name: subject }).waitFor();
      const facts = ap.getByRole('region', { name: M['rtc.title'] });
      for (const v of [tenant.appIds[0] as string, '4.3.0', 'Xiaomi 14', `room_${id}`, '1109', M['platform.android'], M['network.wifi']]) await facts.getByText(v, { exact: true }).waitFor();
      await facts.getByText(/2026.*11.*02.*20:15|11\/02\/2026.*20:15/).waitFor();

      await ap.getByRole('button', { name: M['ticket.assignToMe'], exact: true }).click();
      await ap.locator('.ticket-meta').getByText(tenant.agent.name).waitFor();

      // A public reply, then an internal note (visibly yellow and labelled).
      await ap.getByRole('tab', { name: M['compose.reply'] }).click();
      await ap.getByRole('textbox', { name: M['compose.reply'] }).fill(lang.reply);
      await ap.getByRole('button', { name: M['compose.sendReply'], exact: true }).click();
      await ap.locator('.msg-agent', { hasText: lang.reply }).waitFor();
      await ap.getByRole('tab', { name: M['compose.note'] }).click();
      await ap.getByRole('textbox', { name: M['compose.note'] }).fill(lang.note);
      await ap.getByRole('button', { name: M['compose.addNote'], exact: true }).click();
      const note = ap.locator('.msg-internal', { hasText: lang.note });
      await note.waitFor();
      expect(M['event.internalNote']).toBe(lang.internalNoteLabel);
      await note.getByText(lang.internalNoteLabel, { exact: true }).waitFor();
      expect(await note.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 247, 214)');

      // Escalating without a reason shows the server's answer next to the field.
      await ap.getByRole('button', { name: M['escalate.submit'], exact: true }).click();
      await ap.locator('.field-invalid', { has: ap.getByLabel(M['escalate.reason'], { exact: true }) }).getByText('an escalation always takes a reason').waitFor();
      await ap.locator('.ticket-meta').getByText(M['status.open'], { exact: true }).waitFor();
      await shot(ap, `agent-${lang.locale}`);

      // The customer sees the reply and who works on it, never the note.
      await cp.reload();
      await cp.locator('.msg-agent', { hasText: lang.reply }).waitFor();
      expect(await cp.evaluate(() => document.documentElement.lang)).toBe(lang.locale);
      expect(await cp.getByText(lang.note).count()).toBe(0);
      expect(await cp.getByText(lang.internalNoteLabel, { exact: true }).count()).toBe(0);
      await status.getByText(M['status.open'], { exact: true }).waitFor();
      expect(await cp.getByTestId('working-on').innerText()).toContain(tenant.agent.name);
      expect(await cp.getByTestId('next-response').innerText()).toBeTruthy();
      await shot(cp, `portal-${lang.locale}`);

      await customer.ctx.close();
      await agent.ctx.close();
    }, 120_000);
  }
});
