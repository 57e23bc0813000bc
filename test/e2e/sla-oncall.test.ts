import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { startServer, type Server } from '../../src/server.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, fillMessage as fill, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';
const MINUTE = 60_000;

/**
 * Real time, shifted on demand: seeding a ticket "three hours ago" gives it a breached clock, and
 * the clock is set back before the browser looks, so the server's "now" is the browser's.
 */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

interface Lang {
  locale: 'zh-CN' | 'en';
  M: Messages;
  /** The browser's zone; the customer lives in another one and sees times in theirs. */
  browserZone: string;
  customerZone: string;
  names: { customer: string; agent: string; admin: string };
}

const LANGS: Lang[] = [
  { locale: 'zh-CN', M: zhCN, browserZone: 'Europe/Berlin', customerZone: 'Asia/Shanghai', names: { customer: '王客户', agent: '陈值班', admin: '赵管理' } },
  { locale: 'en', M: en, browserZone: 'Asia/Tokyo', customerZone: 'America/New_York', names: { customer: 'Casey Customer', agent: 'Olivia Oncall', admin: 'Adam Admin' } },
];

let server: Server;
let browser: Browser;
const clock = new ShiftedClock();

const call = apiCaller(() => server.url, BOOTSTRAP);

/** A ticket created `agoMinutes` before now (the server's clock is moved back for the call). */
async function ticketAgo(orgId: string, subject: string, priority: string, agoMinutes: number): Promise<{ id: string; number: number }> {
  clock.offsetMs = -agoMinutes * MINUTE;
  try {
    return await call('POST', '/api/v1/tickets', { subject, body: 'e2e', priority, orgId });
  } finally {
    clock.offsetMs = 0;
  }
}

async function seed(lang: Lang, id: string) {
  const org = await call<{ id: string }>('POST', '/api/v1/orgs', { name: `${lang.locale === 'en' ? 'Streamly' : '星河直播'} ${id}`, tier: 'enterprise', industry: 'live_streaming', timezone: lang.customerZone, regions: ['APAC'] });
  const person = (handle: string, name: string, role: string, extra: Record<string, unknown> = {}) =>
    call<{ id: string; name: string; handle: string }>('POST', '/api/v1/users', { handle, name, email: `${handle}@example.com`, role, password: PASSWORD, locale: lang.locale, ...extra });
  const customer = await person(`cust.${id}`, lang.names.customer, 'customer', { orgId: org.id, timezone: lang.customerZone });
  const agent = await person(`agent.${id}`, `${lang.names.agent} ${id}`, 'agent', { level: 'L1', timezone: 'Asia/Shanghai' });
  const admin = await person(`admin.${id}`, `${lang.names.admin} ${id}`, 'admin', { timezone: 'Asia/Shanghai' });
  // Enterprise P1: first response in 30 minutes, 24×7, warning at 80 %.
  const breached = await ticketAgo(org.id, `${lang.locale === 'en' ? 'Breached' : '已超时工单'} ${id}`, 'P1', 180);
  const atRisk = await ticketAgo(org.id, `${lang.locale === 'en' ? 'At risk' : '即将超时工单'} ${id}`, 'P1', 25);
  const fresh = await ticketAgo(org.id, `${lang.locale === 'en' ? 'Fresh' : '新工单'} ${id}`, 'P1', 0);
  return { org, customer, agent, admin, breached, atRisk, fresh };
}

async function openContext(lang: Lang): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale: lang.locale, timezoneId: lang.browserZone, viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(15_000);
  return { ctx, page: await ctx.newPage() };
}

async function signIn(page: Page, M: Messages, handle: string): Promise<void> {
  await page.goto(server.url + '/');
  await page.getByLabel(M['login.handle'], { exact: true }).fill(handle);
  await page.getByLabel(M['login.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: M['login.submit'], exact: true }).click();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `/tmp/signaldesk-${name}.png`, fullPage: true });
}


const skip = skipBrowserTests();

describe.skipIf(skip)('SLA clocks and on-call in a real browser', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { clock, logger: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of LANGS) {
    const { M } = lang;

    it(`shows agents live SLA countdowns with breached tickets in red, and the customer the due time in their zone (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const s = await seed(lang, id);
      const { ctx, page } = await openContext(lang);
      await signIn(page, M, s.agent.handle);
      await page.getByRole('heading', { name: M['queue.title'], exact: true }).waitFor();
      await page.getByRole('searchbox', { name: M['queue.search'] }).fill(id);
      await expect.poll(() => page.locator('tbody tr').count()).toBe(3);

      const slaOf = (n: number) => page.locator(`tr[data-ticket="${n}"] .col-sla .sla-chip`);
      await expect.poll(() => slaOf(s.breached.number).getAttribute('data-tone')).toBe('breached');
      expect(await slaOf(s.breached.number).evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');
      expect(await slaOf(s.breached.number).innerText()).toContain(M['sla.overdue'].split('{d}')[0]?.trim() ?? '');
      expect(await slaOf(s.atRisk.number).getAttribute('data-tone')).toBe('risk');
      expect(await slaOf(s.fresh.number).getAttribute('data-tone')).toBe('ok');
      expect(await page.locator(`tr[data-ticket="${s.fresh.number}"] .sla-cell-name`).innerText()).toBe(M['sla.clock.firstResponse']);
      // The countdown ticks in the browser.
      const before = await slaOf(s.fresh.number).innerText();
      await expect.poll(() => slaOf(s.fresh.number).innerText(), { timeout: 5000 }).not.toBe(before);

      // Quick filters and "due soonest" go to the server and stay in the address.
      await page.getByRole('button', { name: M['sla.filter.breached'], exact: true }).click();
      await page.waitForURL(/[?&]sla=breached/);
      await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
      await page.locator(`tr[data-ticket="${s.breached.number}"]`).waitFor();
      await page.getByRole('button', { name: M['sla.filter.atRisk'], exact: true }).click();
      await page.waitForURL(/[?&]sla=atRisk/);
      await expect.poll(() => page.locator(`tr[data-ticket="${s.breached.number}"]`).count()).toBe(0);
      // The server decides who is at risk (its stored warning instant); neither the breached nor the
      // fresh ticket is. (It does not list a ticket whose warning timer has already fired: the
      // stored warn_at then moves on to the next clock's warning — a server-side matter.)
      expect(await page.locator(`tr[data-ticket="${s.fresh.number}"]`).count()).toBe(0);
      await page.getByRole('button', { name: M['sla.filter.atRisk'], exact: true }).click();
      await page.getByLabel(M['queue.sort']).selectOption('due');
      await page.waitForURL(/[?&]sort=due/);
      await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
      await expect.poll(() => page.locator('tbody tr').first().getAttribute('data-ticket')).toBe(String(s.breached.number));
      await shot(page, `sla-queue-${lang.locale}`);

      // The ticket page lists every clock; the breached first response is red.
      await page.locator(`tr[data-ticket="${s.breached.number}"]`).getByRole('link').click();
      const panel = page.getByTestId('sla-panel');
      await panel.waitFor();
      const first = panel.locator('[data-clock="firstResponse"]');
      expect(await first.getAttribute('data-tone')).toBe('breached');
      await first.getByText(M['sla.clock.firstResponse'], { exact: true }).waitFor();
      await first.getByText(M['sla.breached'], { exact: true }).waitFor();
      await first.getByText(M['sla.breachedAt'], { exact: true }).waitFor();
      await first.getByText(fill(M['dur.m'], { m: 30 }), { exact: true }).waitFor();
      const resolution = panel.locator('[data-clock="resolution"]');
      expect(await resolution.getAttribute('data-tone')).toBe('ok');
      await resolution.getByText(M['sla.state.running'], { exact: true }).waitFor();
      await shot(page, `sla-ticket-${lang.locale}`);
      await ctx.close();

      // The customer sees when the next answer is due, in their own zone (not the browser's).
      const customer = await openContext(lang);
      await signIn(customer.page, M, s.customer.handle);
      await customer.page.getByRole('heading', { name: M['portal.title'], exact: true }).waitFor();
      await customer.page.goto(`${server.url}/portal/tickets/${encodeURIComponent(s.fresh.id)}`);
      const due = customer.page.getByTestId('next-response');
      await due.getByText(lang.customerZone).waitFor();
      expect(await due.innerText()).toContain(fill(M['portal.dueBy'], { at: '' }).trim());
      await shot(customer.page, `sla-portal-${lang.locale}`);
      await customer.ctx.close();
    }, 120_000);

    it(`lets an admin simulate edited SLA targets before saving them (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const s = await seed(lang, id);
      const original = (await call<{ items: any[] }>('GET', '/api/v1/sla/policies')).items;
      const { ctx, page } = await openContext(lang);
      try {
        await signIn(page, M, s.admin.handle);
        await page.getByRole('navigation').getByRole('link', { name: M['nav.slaPolicies'] }).click();
        await page.getByRole('heading', { name: M['slaAdmin.title'], exact: true }).waitFor();
        const cell = `${M['tier.enterprise']} P1`;
        const firstResponse = page.getByLabel(`${cell} ${M['sla.clock.firstResponse']}`, { exact: true });
        expect(await firstResponse.inputValue()).toBe('30');
        await firstResponse.fill('45');
        await page.getByText(fill(M['slaAdmin.changed'], { n: 1 })).waitFor();
        await page.getByLabel(fill(M['slaAdmin.simulateCell'], { cell }), { exact: true }).check();
        await page.getByRole('button', { name: M['sim.run'], exact: true }).click();
        const result = page.getByTestId('sim-result');
        const clock = result.locator('[data-clock="firstResponse"]');
        await clock.waitFor();
        // The sample's first agent reply comes 40 minutes after creation: in time for 45, not for 30.
        await clock.getByText(fill(M['dur.m'], { m: 45 }), { exact: true }).waitFor();
        expect(await clock.getAttribute('data-tone')).toBe('done');
        expect(await clock.locator('.sla-state').first().innerText()).toBe(M['sla.state.met']);
        expect(await result.locator('[data-clock="resolution"]').count()).toBe(1);
        expect(await result.locator('[data-clock="nextReply"]').count()).toBeGreaterThan(0);
        await shot(page, `sla-policy-${lang.locale}`);

        // Saving recomputes the open enterprise P1 tickets (this tenant's three at least).
        await page.getByRole('button', { name: M['slaAdmin.save'], exact: true }).click();
        const saved = page.getByTestId('policy-saved');
        await saved.waitFor();
        const n = Number(/\d+/.exec(await saved.innerText())?.[0]);
        expect(n).toBeGreaterThanOrEqual(3);
        const row = (await call<{ items: any[] }>('GET', '/api/v1/sla/policies')).items.find((r) => r.tier === 'enterprise' && r.priority === 'P1');
        expect(row.firstResponse).toBe(45);
        const ticket = await call<any>('GET', `/api/v1/tickets/${s.fresh.id}`);
        expect(ticket.sla.firstResponse.targetMinutes).toBe(45);

        // The business calendar is there to edit, with its lunch break.
        await page.getByRole('navigation').getByRole('link', { name: M['nav.calendars'] }).click();
        await page.getByRole('heading', { name: M['cal.title'], exact: true }).waitFor();
        expect(await page.getByLabel(fill(M['cal.periodEnd'], { day: M['weekday.mon'], n: 1 }), { exact: true }).inputValue()).toBe('12:00');
        expect(await page.getByLabel(fill(M['cal.periodStart'], { day: M['weekday.mon'], n: 2 }), { exact: true }).inputValue()).toBe('13:30');
        // A holiday added by hand, saved; then an .ics feed previewed and confirmed (调休 included).
        const year = lang.locale === 'en' ? 2028 : 2027;
        await page.getByLabel(M['cal.holidayDate'], { exact: true }).fill(`${year}-05-01`);
        await page.getByRole('button', { name: M['cal.addHoliday'] }).click();
        await page.getByRole('button', { name: M['cal.save'], exact: true }).click();
        await page.getByTestId('calendar-saved').waitFor();
        const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', `DTSTART;VALUE=DATE:${year}1001`, `DTEND;VALUE=DATE:${year}1008`, 'SUMMARY:国庆节', 'END:VEVENT', 'BEGIN:VEVENT', `DTSTART;VALUE=DATE:${year}1010`, 'SUMMARY:国庆节补班', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
        await page.getByLabel(M['ics.file'], { exact: true }).setInputFiles({ name: `holidays-${year}.ics`, mimeType: 'text/calendar', buffer: Buffer.from(ics) });
        const preview = page.getByTestId('ics-preview');
        await preview.getByText(fill(M['ics.holidays'], { n: 7 })).waitFor();
        await preview.getByText(fill(M['ics.workdays'], { n: 1 })).waitFor();
        await preview.getByText('国庆节补班', { exact: false }).waitFor();
        await shot(page, `sla-calendar-${lang.locale}`);
        await preview.getByRole('button', { name: M['ics.apply'], exact: true }).click();
        await expect.poll(() => page.getByTestId('calendar-saved').innerText()).toContain(M['cal.imported'].split('{n}')[0]?.trim() ?? '');
        const cal = (await call<{ items: any[] }>('GET', '/api/v1/sla/calendars')).items.find((c) => c.isDefault);
        expect(cal.spec.holidays).toEqual(expect.arrayContaining([`${year}-05-01`, `${year}-10-01`, `${year}-10-07`]));
        expect(cal.spec.workdays).toEqual(expect.arrayContaining([expect.objectContaining({ date: `${year}-10-10` })]));
        // The editor shows the merged calendar: the make-up workday with its own hours.
        await page.getByRole('button', { name: fill(M['cal.removeDate'], { date: `${year}-10-10` }), exact: true }).waitFor();
      } finally {
        await call('PUT', '/api/v1/sla/policies', { items: original });
        await ctx.close();
      }
    }, 120_000);

    it(`shows who is on call now for a schedule made through the API, gaps, and pages to acknowledge (${lang.locale})`, async () => {
      const id = randomUUID().slice(0, 8);
      const s = await seed(lang, id);
      const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
      const followTheSun = await call<{ id: string; name: string }>('POST', '/api/v1/schedules', {
        name: `${lang.locale === 'en' ? 'L1 follow-the-sun' : 'L1 全球值班'} ${id}`,
        timezone: 'Asia/Shanghai',
        layers: [
          { name: 'APAC', start: weekAgo, rotation: { type: 'daily' }, users: [s.agent.id] },
          { name: 'EMEA', start: weekAgo, rotation: { type: 'weekly' }, users: [s.admin.id], restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '16:00', end: '24:00' }] },
        ],
      });
      const americas = await call<{ id: string; name: string }>('POST', '/api/v1/schedules', {
        name: `${lang.locale === 'en' ? 'Americas office hours' : '美洲白班'} ${id}`,
        timezone: 'America/New_York',
        layers: [{ name: 'Americas', start: weekAgo, rotation: { type: 'hours', hours: 12 }, users: [s.agent.id, s.admin.id], restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }] }],
      });
      const expected = await call<{ user: string | null; layer: string | null }>('GET', `/api/v1/schedules/${followTheSun.id}/oncall`);
      expect(expected.user).not.toBeNull();
      const expectedName = expected.user === s.agent.id ? s.agent.name : s.admin.name;
      const page0 = await call<{ id: string }>('POST', '/api/v1/pages', { title: `Viewers in Jakarta cannot join ${id}`, titleZh: `雅加达观众无法进房 ${id}`, severity: 'P1' });

      const { ctx, page } = await openContext(lang);
      await signIn(page, M, s.admin.handle);
      await page.getByRole('navigation').getByRole('link', { name: M['nav.oncall'] }).click();
      await page.getByRole('heading', { name: M['oncall.title'], exact: true }).waitFor();
      const card = page.getByRole('region', { name: followTheSun.name, exact: true });
      await card.getByTestId('oncall-now').getByText(expectedName).waitFor();
      await card.getByTestId('oncall-now').getByText(expected.layer ?? 'APAC', { exact: true }).waitFor();
      await card.locator('[data-region="EMEA"]').getByText(s.admin.name).waitFor();
      expect(await card.getByRole('link', { name: M['oncall.ical'] }).getAttribute('href')).toBe(`/api/v1/schedules/${followTheSun.id}.ics?lang=${lang.locale === 'en' ? 'en' : 'zh'}`);
      const gaps = page.locator('.gap-warnings');
      await gaps.getByText(M['oncall.gapsTitle'].replace('{days}', '7')).waitFor();
      await gaps.getByText(americas.name).waitFor();
      expect(await gaps.getByText(followTheSun.name).count()).toBe(0);
      await page.locator('.tl-lane', { hasText: followTheSun.name }).locator('.tl-shift').first().waitFor();

      // An override from the admin: it shows in their own shifts.
      await page.getByLabel(M['oncall.schedule'], { exact: true }).selectOption(followTheSun.id);
      await page.getByLabel(M['oncall.who'], { exact: true }).selectOption(s.admin.id);
      await page.getByRole('button', { name: M['oncall.overrideSubmit'], exact: true }).click();
      await page.getByText(M['oncall.overrideDone'], { exact: true }).waitFor();
      await page.getByTestId('my-shifts').getByText(M['oncall.override'], { exact: true }).first().waitFor();
      await shot(page, `oncall-${lang.locale}`);

      // Pages: acknowledge, then resolve.
      await page.getByRole('navigation').getByRole('link', { name: M['nav.pages'] }).click();
      await page.getByRole('heading', { name: M['pages.title'], exact: true }).waitFor();
      const row = page.locator(`tr[data-page="${page0.id}"]`);
      await row.getByText(lang.locale === 'en' ? `Viewers in Jakarta cannot join ${id}` : `雅加达观众无法进房 ${id}`).waitFor();
      await row.getByRole('button', { name: M['pages.ack'], exact: true }).click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('acknowledged');
      await row.getByText(s.admin.name).waitFor();
      await shot(page, `pages-${lang.locale}`);
      await row.getByRole('button', { name: M['pages.resolve'], exact: true }).click();
      await expect.poll(() => row.count()).toBe(0);
      expect((await call<{ status: string; acknowledgedBy: string }>('GET', `/api/v1/pages/${page0.id}`)).status).toBe('resolved');
      await ctx.close();
    }, 120_000);
  }
});
