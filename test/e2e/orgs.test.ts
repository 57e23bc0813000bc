import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { startServer, type Server } from '../../src/server.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, fillMessage as fill, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';

let server: Server;
let browser: Browser;

const call = apiCaller(() => server.url, BOOTSTRAP);


async function signIn(page: Page, M: Messages, handle: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel(M['login.handle'], { exact: true }).fill(handle);
  await page.getByLabel(M['login.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: M['login.submit'], exact: true }).click();
  await page.getByRole('heading', { name: M['queue.title'], exact: true }).waitFor();
}

const LANGS: Array<{ locale: 'zh-CN' | 'en'; M: Messages }> = [
  { locale: 'zh-CN', M: zhCN },
  { locale: 'en', M: en },
];

describe.skipIf(skipBrowserTests())('customer organizations and their incident notices in a real browser', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { logger: false, background: { poll: false } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const { locale, M } of LANGS) {
    it(`lets an admin set an organization's IM robot and e-mails, and keeps bad input out (${locale})`, async () => {
      const id = randomUUID().slice(0, 6);
      const org = await call<{ id: string; name: string }>('POST', '/api/v1/orgs', { name: `Org ${id} 直播`, tier: 'enterprise', timezone: 'Asia/Shanghai', appIds: [`app-${id}`], regions: ['APAC'] });
      const admin = await call<{ handle: string }>('POST', '/api/v1/users', { handle: `adm${id}`, name: `Admin ${id}`, email: `adm${id}@example.com`, role: 'admin', password: PASSWORD, locale });
      const agent = await call<{ handle: string }>('POST', '/api/v1/users', { handle: `agt${id}`, name: `Agent ${id}`, email: `agt${id}@example.com`, role: 'agent', level: 'L1', password: PASSWORD, locale });
      const ctx = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      try {
        const page = await ctx.newPage();
        await signIn(page, M, admin.handle);
        await page.getByRole('navigation').getByRole('link', { name: M['nav.orgs'] }).click();
        await page.getByRole('heading', { name: M['orgs.title'], exact: true }).waitFor();
        await page.getByRole('button', { name: org.name, exact: true }).click();
        const form = page.locator('form', { has: page.getByRole('heading', { name: fill(M['orgs.notify.title'], { name: org.name }) }) });
        await form.waitFor();

        // A bad address is refused by field and nothing is stored.
        await form.getByPlaceholder(M['orgs.notify.newEmail']).fill('not-an-address');
        await form.getByRole('button', { name: M['orgs.notify.addEmail'], exact: true }).click();
        await form.getByRole('button', { name: M['orgs.notify.save'], exact: true }).click();
        await form.locator('.email-chip .field-error').waitFor();
        expect((await call<{ emails: string[] }>('GET', `/api/v1/orgs/${org.id}/notification-settings`)).emails).toEqual([]);
        await form.getByRole('button', { name: fill(M['orgs.notify.removeEmail'], { email: 'not-an-address' }), exact: true }).click();

        // A Feishu robot with a secret and two addresses.
        await form.getByLabel(M['orgs.notify.robot'], { exact: true }).check();
        await form.getByLabel(M['orgs.notify.kind'], { exact: true }).selectOption('feishu');
        await form.getByLabel(M['orgs.notify.url'], { exact: true }).fill(`https://open.feishu.cn/open-apis/bot/v2/hook/${id}`);
        await form.getByLabel(M['orgs.notify.secret'], { exact: true }).fill('robot-secret');
        for (const email of [`ops-${id}@example.com`, `noc-${id}@example.com`]) {
          await form.getByPlaceholder(M['orgs.notify.newEmail']).fill(email);
          await form.getByPlaceholder(M['orgs.notify.newEmail']).press('Enter');
        }
        await form.getByRole('button', { name: M['orgs.notify.save'], exact: true }).click();
        await page.getByTestId('org-notify-saved').waitFor();
        const stored = await call<{ im: unknown; emails: string[] }>('GET', `/api/v1/orgs/${org.id}/notification-settings`);
        expect(stored.im).toEqual({ kind: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${id}`, signed: true });
        expect(stored.emails).toEqual([`ops-${id}@example.com`, `noc-${id}@example.com`]);
        // The secret is never shown back, and saving again without it keeps it.
        expect(await form.getByLabel(M['orgs.notify.secret'], { exact: true }).inputValue()).toBe('');
        await form.getByText(M['orgs.notify.secretKept']).waitFor();
        await form.getByRole('button', { name: fill(M['orgs.notify.removeEmail'], { email: `noc-${id}@example.com` }), exact: true }).click();
        await form.getByRole('button', { name: M['orgs.notify.save'], exact: true }).click();
        await expect.poll(async () => (await call<{ emails: string[] }>('GET', `/api/v1/orgs/${org.id}/notification-settings`)).emails).toEqual([`ops-${id}@example.com`]);
        expect((await call<{ im: { signed: boolean } }>('GET', `/api/v1/orgs/${org.id}/notification-settings`)).im.signed).toBe(true);
        await page.screenshot({ path: `/tmp/signaldesk-orgs-${locale}.png` });
      } finally {
        await ctx.close();
      }

      // An agent has no such page.
      const other = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      try {
        const page = await other.newPage();
        await signIn(page, M, agent.handle);
        expect(await page.getByRole('navigation').getByRole('link', { name: M['nav.orgs'] }).count()).toBe(0);
        await page.goto(`${server.url}/console/admin/orgs`);
        await page.getByRole('heading', { name: M['notFound.title'], exact: true }).waitFor();
      } finally {
        await other.close();
      }
    }, 60_000);
  }
});
