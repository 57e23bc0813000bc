import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { startServer, type Server } from '../../src/server.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';
const HOUR = 3_600_000;

let server: Server;
let browser: Browser;

const call = apiCaller(() => server.url, BOOTSTRAP);

const LANGS: Array<{ locale: 'zh-CN' | 'en'; M: Messages; pick: 'zh' | 'en' }> = [
  { locale: 'zh-CN', M: zhCN, pick: 'zh' },
  { locale: 'en', M: en, pick: 'en' },
];

const skip = skipBrowserTests();

describe.skipIf(skip)('the public status page in a real browser', () => {
  const text = {
    region: { en: 'Asia Pacific', zh: '亚太区域' },
    service: { en: 'Video calls', zh: '视频通话' },
    incident: { en: 'Join failures <img src=x onerror=alert(1)> in Jakarta', zh: '雅加达加入频道失败 <img src=x onerror=alert(1)>' },
    first: { en: 'We are investigating join failures.', zh: '我们正在调查加入失败的问题。' },
    second: { en: 'A carrier route drops UDP; traffic is being rerouted.', zh: '某运营商线路丢弃 UDP，正在切换路由。' },
    maintenance: { en: 'Media relay upgrade in Frankfurt', zh: '法兰克福媒体中转升级' },
  };

  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { logger: false, background: { poll: false } });
    browser = await launchBrowser();
    const region = await call<{ id: string }>('POST', '/api/v1/status/components', { kind: 'region', name: text.region, status: 'degraded' });
    await call('POST', '/api/v1/status/components', { kind: 'service', name: text.service });
    const inc = await call<{ id: string }>('POST', '/api/v1/status/incidents', { title: text.incident, impact: 'major', componentIds: [region.id], body: text.first });
    await call('POST', `/api/v1/status/incidents/${inc.id}/updates`, { status: 'identified', body: text.second });
    const start = Date.now() + 24 * HOUR;
    await call('POST', '/api/v1/status/maintenance', { title: text.maintenance, componentIds: [region.id], startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * HOUR).toISOString() });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const { locale, M, pick } of LANGS) {
    it(`lets an admin edit an escalation policy and publish a status incident from the console (${locale})`, async () => {
      const id = randomUUID().slice(0, 6);
      const admin = await call<{ id: string; handle: string }>('POST', '/api/v1/users', { handle: `adm${id}`, name: `Admin ${id}`, email: `adm${id}@example.com`, role: 'admin', password: PASSWORD, locale });
      const policy = await call<{ id: string }>('POST', '/api/v1/escalation-policies', { name: `Policy ${id}`, steps: [{ targets: [{ type: 'user', id: admin.id }], ackTimeoutMinutes: 5 }] });
      const ctx = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      try {
        const page = await ctx.newPage();
        await page.goto(`${server.url}/`);
        await page.getByLabel(M['login.handle'], { exact: true }).fill(admin.handle);
        await page.getByLabel(M['login.password'], { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: M['login.submit'], exact: true }).click();
        await page.getByRole('heading', { name: M['queue.title'], exact: true }).waitFor();

        // Edit the policy: new name and a longer timeout, saved with PUT.
        await page.goto(`${server.url}/console/oncall/policies`);
        const card = page.getByRole('region', { name: `Policy ${id}` });
        await card.getByRole('button', { name: M['oncallEdit.edit'], exact: true }).click();
        const editor = page.locator('form.policy-editor');
        await editor.getByRole('heading', { name: M['oncallEdit.title'].replace('{name}', `Policy ${id}`) }).waitFor();
        await editor.getByLabel(M['esc.name'], { exact: true }).fill(`Policy ${id} (edited)`);
        await editor.getByLabel(M['esc.ackAfterStep'].replace('{n}', '1')).fill('12');
        await editor.getByRole('button', { name: M['oncallEdit.save'] }).click();
        await page.getByRole('region', { name: `Policy ${id} (edited)` }).waitFor();
        const stored = await call<{ name: string; steps: Array<{ ackTimeoutMinutes: number }> }>('GET', `/api/v1/escalation-policies/${policy.id}`);
        expect(stored).toMatchObject({ name: `Policy ${id} (edited)`, steps: [{ ackTimeoutMinutes: 12 }] });

        // Publish an incident on the status page from the console; the public page shows it.
        await page.goto(`${server.url}/console/status`);
        const form = page.locator('form', { has: page.getByRole('heading', { name: M['statusAdmin.newIncident'] }) });
        await form.waitFor();
        await form.getByLabel(`${M['statusAdmin.incidentTitle']} (${M['statusAdmin.inEnglish']})`).fill(`Console incident ${id}`);
        await form.getByLabel(`${M['statusAdmin.incidentTitle']} (${M['statusAdmin.inChinese']})`).fill(`控制台事件 ${id}`);
        await form.getByLabel(`${M['statusAdmin.message']} (${M['statusAdmin.inEnglish']})`).fill('Looking into it.');
        await form.getByLabel(`${M['statusAdmin.message']} (${M['statusAdmin.inChinese']})`).fill('正在排查。');
        await form.getByRole('button', { name: M['statusAdmin.publish'] }).click();
        await page.locator('.sp-incident', { hasText: pick === 'zh' ? `控制台事件 ${id}` : `Console incident ${id}` }).waitFor();
        await page.goto(`${server.url}/status`);
        await page.locator('.sp-incident', { hasText: pick === 'zh' ? `控制台事件 ${id}` : `Console incident ${id}` }).waitFor();
      } finally {
        await ctx.close();
      }
    });

    it(`shows components, an incident with its updates and a maintenance window without sign-in (${locale})`, async () => {
      const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
      try {
        const page = await ctx.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.goto(`${server.url}/status`);
        await page.getByRole('heading', { name: M['statusPage.title'], exact: true }).waitFor();
        expect(await page.getByRole('button', { name: M['login.submit'] }).count()).toBe(0);

        // Components with their status, in this language.
        const region = page.locator('.sp-components li', { hasText: text.region[pick] });
        await region.waitFor();
        expect(await region.innerText()).toContain(M['statusPage.component.degraded']);
        expect(await page.locator('.sp-components li', { hasText: text.service[pick] }).innerText()).toContain(M['statusPage.component.operational']);

        // The incident, its title as text (not markup), and both updates newest first.
        const incident = page.locator('.sp-incident', { hasText: text.first[pick] });
        await expect.poll(() => incident.count()).toBe(1);
        expect(await incident.getByRole('heading').innerText()).toBe(text.incident[pick]);
        expect(await incident.locator('img').count()).toBe(0);
        const updates = await incident.locator('.sp-updates li').allInnerTexts();
        expect(updates).toHaveLength(2);
        expect(updates[0]).toContain(M['statusPage.incident.identified']);
        expect(updates[0]).toContain(text.second[pick]);
        expect(updates[1]).toContain(M['statusPage.incident.investigating']);
        expect(updates[1]).toContain(text.first[pick]);
        expect(await incident.innerText()).toContain(text.region[pick]);

        // The maintenance window, scheduled.
        const m = page.locator('.sp-maintenance', { hasText: text.maintenance[pick] });
        await m.waitFor();
        expect(await m.innerText()).toContain(M['statusPage.maintenance.scheduled']);

        // The subscribe form is there for anyone.
        await page.getByLabel(M['statusPage.subscribe.email']).fill(`e2e-${locale}@example.com`);
        await page.getByRole('button', { name: M['statusPage.subscribe.submit'] }).click();
        await page.getByText(M['statusPage.subscribe.sent'].replace('{email}', `e2e-${locale}@example.com`)).waitFor();
        expect(dialogs).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }
});
