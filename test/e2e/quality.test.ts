import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { ingestFor } from '../../src/ingest/runtime.ts';
import { startServer, type Server } from '../../src/server.ts';
import { FleetSim, type Injection } from '../../src/sim/generator.ts';
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { apiCaller, ensureWebBuilt, launchBrowser, skipBrowserTests } from '../helpers/browser.ts';

const BOOTSTRAP = `sd_e2e_${randomUUID().replaceAll('-', '')}`;
const PASSWORD = 'e2e-password-123';
const MIN = 60_000;
const DAY = 86_400_000;
/** 20:00 in Jakarta, the evening peak; the second outage is the same hour a day later. */
const T0 = Date.UTC(2026, 10, 3, 12, 0, 0);
const TELKOMSEL = { country: 'ID', isp: 'Telkomsel' };
const APPS = [
  { id: 'app-nusa-live', industry: 'live_streaming' as const, countries: ['ID'] },
  { id: 'app-huaying-live', industry: 'live_streaming' as const, countries: ['CN', 'ID'] },
];

interface Lang {
  locale: 'zh-CN' | 'en';
  messages: Messages;
  timezoneId: string;
  /** Which replayed outage this language handles (days after T0). */
  day: number;
  /** Words of the diagnosis, in this language. */
  cause: string[];
}

const LANGS: Lang[] = [
  { locale: 'zh-CN', messages: zhCN, timezoneId: 'Asia/Shanghai', day: 0, cause: ['Telkomsel', '运营商网络问题'] },
  { locale: 'en', messages: en, timezoneId: 'Asia/Jakarta', day: 1, cause: ['Telkomsel in Indonesia', 'an operator network problem'] },
];

let server: Server;
let browser: Browser;
const incidents = new Map<number, string>();
let agentHandle = '';
let customerHandle = '';

const call = apiCaller(() => server.url, BOOTSTRAP);

/** Replays 7½ minutes of a small fleet whose Telkomsel traffic in Indonesia degrades from minute 5 on: the incident is still open at the end. */
async function replayOutage(day: number): Promise<void> {
  const start = T0 + day * DAY;
  const outage: Injection = {
    id: `outage-${day}`, kind: 'isp_outage', start: start + 5 * MIN, end: start + 30 * MIN, target: TELKOMSEL,
    effect: { lossAdd: 0.07, rttAdd: 80, jitterAdd: 15, joinFailAdd: 0.03 }, rootCause: [TELKOMSEL],
  };
  const sim = new FleetSim({ seed: 7 + day, start, sessions: 600, apps: 6, knownApps: APPS, injections: [outage] });
  function* seconds() {
    while (sim.now < start + 7.5 * MIN) yield sim.step();
  }
  await ingestFor(server.ctx.db)!.replay(seconds());
}

async function signIn(page: Page, lang: Lang, handle: string): Promise<void> {
  const M = lang.messages;
  await page.goto(server.url + '/');
  await page.getByRole('heading', { name: M['login.title'], exact: true }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang.locale);
  await page.getByLabel(M['login.handle'], { exact: true }).fill(handle);
  await page.getByLabel(M['login.password'], { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: M['login.submit'], exact: true }).click();
}

async function openPage(lang: Lang): Promise<{ page: Page; close(): Promise<void> }> {
  const ctx = await browser.newContext({ locale: lang.locale, timezoneId: lang.timezoneId, viewport: { width: 1440, height: 1000 } });
  ctx.setDefaultTimeout(20_000);
  const page = await ctx.newPage();
  return { page, close: () => ctx.close() };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `/tmp/signaldesk-${name}.png`, fullPage: true });
}

/** Points drawn by a chart line (the `data-points` the chart writes), 0 when it is absent. */
async function drawn(page: Page, scope: string, line: string): Promise<number> {
  const el = page.locator(`${scope} path[data-line="${line}"]`).first();
  if ((await el.count()) === 0) return 0;
  const d = (await el.getAttribute('d')) ?? '';
  return d.startsWith('M') ? Number(await el.getAttribute('data-points')) : 0;
}

const skip = skipBrowserTests();

describe.skipIf(skip)('quality incidents and dashboard in a real browser', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    const config = configFromEnv(process.env, { port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: undefined, natsUrl: undefined, bootstrapToken: BOOTSTRAP, logLevel: 'silent' });
    server = await startServer(config, { logger: false });
    browser = await launchBrowser();
    const id = randomUUID().slice(0, 8);
    const nusa = await call<{ id: string }>('POST', '/api/v1/orgs', { name: 'Nusantara Live', tier: 'basic', industry: 'live_streaming', timezone: 'Asia/Jakarta', regions: ['APAC'], appIds: ['app-nusa-live'] });
    await call('POST', '/api/v1/orgs', { name: '华映直播', tier: 'enterprise', industry: 'live_streaming', timezone: 'Asia/Shanghai', regions: ['APAC'], appIds: ['app-huaying-live'] });
    agentHandle = `agent.${id}`;
    customerHandle = `cust.${id}`;
    await call('POST', '/api/v1/users', { handle: agentHandle, name: '值班工程师', email: `${agentHandle}@example.com`, role: 'agent', level: 'L2', password: PASSWORD });
    await call('POST', '/api/v1/users', { handle: customerHandle, name: 'Nusa Ops', email: `${customerHandle}@example.com`, role: 'customer', orgId: nusa.id, password: PASSWORD });
    for (const lang of LANGS) await replayOutage(lang.day);
    const list = await call<{ items: { id: string; status: string; startedAt: string; rootCause: unknown }[] }>('GET', '/api/v1/incidents');
    for (const lang of LANGS) {
      const start = T0 + lang.day * DAY;
      const inc = list.items.find((i) => Date.parse(i.startedAt) >= start && Date.parse(i.startedAt) < start + DAY);
      expect(inc, `an incident on day ${lang.day}`).toBeDefined();
      expect(inc!.status).toBe('open');
      expect(inc!.rootCause).toEqual([TELKOMSEL]);
      incidents.set(lang.day, inc!.id);
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of LANGS) {
    it(`shows an incident with its diagnosis, root cause and chart, and lets staff acknowledge and resolve it (${lang.locale})`, async () => {
      const M = lang.messages;
      const incidentId = incidents.get(lang.day)!;
      const { page, close } = await openPage(lang);
      try {
        await signIn(page, lang, agentHandle);
        await page.getByRole('navigation').getByRole('link', { name: M['quality.nav.incidents'], exact: true }).click();
        await page.getByRole('heading', { name: M['quality.list.title'], exact: true }).waitFor();
        const row = page.locator(`tr[data-incident="${incidentId}"]`);
        await row.waitFor();
        expect(await page.locator('tbody tr[data-incident]').count()).toBe(2);
        const rowText = await row.innerText();
        expect(rowText).toContain(M['quality.status.open']);
        expect(rowText).toContain(`${M['quality.dim.country']} ID · ${M['quality.dim.isp']} Telkomsel`);
        expect(rowText).toContain(M['quality.metric.rttMean']);
        // The status filter: this incident is not among the resolved ones.
        await page.getByRole('button', { name: M['quality.status.resolved'], exact: true }).click();
        await page.waitForURL(/[?&]status=resolved/);
        await expect.poll(async () => (await page.locator('.is-stale').count()) + (await row.count())).toBe(0);
        expect(await page.locator('tbody tr[data-status="open"]').count()).toBe(0);
        await page.getByRole('button', { name: M['quality.list.active'], exact: true }).click();
        await row.waitFor();
        await shot(page, `incidents-${lang.locale}`);
        await row.locator('a.q-incident-link').click();

        // The incident page: diagnosis in the UI language, the root cause, the timeline.
        await page.waitForURL(`**/console/incidents/${incidentId}`);
        const cause = page.locator('.q-diagnosis [data-part="cause"]');
        for (const words of lang.cause) await cause.getByText(words, { exact: false }).first().waitFor();
        await page.locator('.q-diagnosis [data-part="direction"]').waitFor();
        expect(await page.locator('.q-root-cause').first().innerText()).toBe(`${M['quality.dim.country']} ID · ${M['quality.dim.isp']} Telkomsel`);
        expect(await page.locator('.q-step-done').count()).toBe(2); // started, detected
        expect(await page.locator('[data-fact="customers"]').innerText()).toContain('Nusantara Live');
        await page.getByRole('link', { name: M['quality.incident.openTicket'], exact: true }).waitFor();

        // The chart: the Telkomsel slice against the rest of Indonesia, drawn from the rollups.
        await expect.poll(() => drawn(page, '.q-incident-chart', 'slice')).toBeGreaterThanOrEqual(6);
        expect(await drawn(page, '.q-incident-chart', 'rest')).toBeGreaterThanOrEqual(6);
        expect(await page.locator('.q-incident-chart .q-legend-item').count()).toBe(2);
        await shot(page, `incident-${lang.locale}`);

        // Acknowledge, then resolve.
        await page.getByRole('button', { name: M['quality.incident.acknowledge'], exact: true }).click();
        await page.locator(`.q-incident[data-status="acknowledged"]`).waitFor();
        await page.locator('.q-step-done[data-step="acknowledged"]').waitFor();
        expect(await page.getByRole('button', { name: M['quality.incident.acknowledge'], exact: true }).count()).toBe(0);
        await page.getByRole('button', { name: M['quality.incident.resolve'], exact: true }).click();
        await page.locator(`.q-incident[data-status="resolved"]`).waitFor();
        await page.locator('.q-step-done[data-step="resolved"]').waitFor();
        expect(await page.getByRole('button', { name: M['quality.incident.resolve'], exact: true }).count()).toBe(0);
        const stored = await call<{ status: string; acknowledgedAt: string | null; resolvedAt: string | null }>('GET', `/api/v1/incidents/${incidentId}`);
        expect(stored.status).toBe('resolved');
        expect(stored.acknowledgedAt).not.toBeNull();
        expect(stored.resolvedAt).not.toBeNull();

        // From the incident to the dashboard on the root-cause slice.
        await page.getByRole('link', { name: M['quality.incident.openDashboard'], exact: true }).click();
        await page.getByRole('heading', { name: M['quality.dashboard.title'], exact: true }).waitFor();
        await page.locator('.q-filter-chip[data-dim="country"]').waitFor();
        await page.locator('.q-filter-chip[data-dim="isp"]').waitFor();
        await page.getByText(M['quality.breakdown.deepest']).waitFor();
      } finally {
        await close();
      }
    });

    it(`drills down the quality dashboard from countries to operators (${lang.locale})`, async () => {
      const M = lang.messages;
      const start = T0 + lang.day * DAY;
      const { page, close } = await openPage(lang);
      try {
        await signIn(page, lang, agentHandle);
        await page.getByRole('navigation').getByRole('link', { name: M['quality.nav.dashboard'], exact: true }).waitFor();
        const q = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(start + 8 * MIN).toISOString(), metric: 'rttMean' });
        await page.goto(`${server.url}/console/quality?${q.toString()}`);
        await page.getByRole('heading', { name: M['quality.dashboard.title'], exact: true }).waitFor();
        await expect.poll(() => page.locator('.q-metric').count()).toBe(11);
        await expect.poll(() => drawn(page, '.q-metric[data-metric="rttMean"]', 'slice')).toBeGreaterThanOrEqual(7);
        // Break the whole fleet down by country, then click Indonesia.
        await page.getByLabel(M['quality.breakdown.by'], { exact: true }).selectOption('country');
        const idRow = page.locator('table.q-breakdown[data-by="country"] tr[data-key="ID"]');
        await idRow.waitFor();
        await idRow.getByRole('button', { name: 'ID', exact: true }).click();
        await page.locator('.q-filter-chip[data-dim="country"]', { hasText: 'ID' }).waitFor();
        expect(new URL(page.url()).searchParams.get('country')).toBe('ID');
        // Inside Indonesia, by operator: Telkomsel's round-trip time is the furthest above the country's.
        await page.getByLabel(M['quality.breakdown.by'], { exact: true }).selectOption('isp');
        await page.locator('table.q-breakdown[data-by="isp"]').waitFor();
        await expect.poll(async () => page.locator('table.q-breakdown[data-by="isp"] tbody tr[data-key]').first().getAttribute('data-key')).toBe('Telkomsel');
        await expect.poll(() => drawn(page, '.q-metric[data-metric="rttMean"]', 'slice')).toBeGreaterThanOrEqual(7);
        await shot(page, `dashboard-${lang.locale}`);
        // Removing the chip goes back up.
        await page.locator('.q-filter-chip[data-dim="country"]').click();
        await page.locator('table.q-breakdown[data-by="app"]').waitFor();
        expect(new URL(page.url()).searchParams.get('country')).toBeNull();
        // Any dimension as a filter chip: the platform, then one of its values.
        await page.getByLabel(M['quality.slice.addDimension'], { exact: true }).selectOption('os');
        const values = page.getByLabel(M['quality.slice.addValue'], { exact: true });
        await expect.poll(() => values.locator('option[value="android"]').count()).toBe(1);
        await values.selectOption('android');
        await page.locator('.q-filter-chip[data-dim="os"]', { hasText: 'android' }).waitFor();
        await page.locator('table.q-breakdown[data-by="sdk"]').waitFor(); // os × sdk is the rollup that keeps the platform
      } finally {
        await close();
      }
    });
  }

  it('shows a customer its incidents without acknowledge or resolve', async () => {
    const lang = LANGS[1]!;
    const M = lang.messages;
    const { page, close } = await openPage(lang);
    try {
      await signIn(page, lang, customerHandle);
      await page.getByRole('navigation').getByRole('link', { name: M['quality.nav.incidents'], exact: true }).click();
      await page.getByRole('heading', { name: M['quality.list.title'], exact: true }).waitFor();
      const id = incidents.get(lang.day)!;
      await page.locator(`tr[data-incident="${id}"] a.q-incident-link`).click();
      await page.waitForURL(`**/portal/incidents/${id}`);
      await page.locator('.q-summary').getByText('Telkomsel', { exact: false }).first().waitFor();
      expect(await page.locator('.q-summary').innerText()).not.toContain('华映');
      expect(await page.locator('[data-fact="apps"]').innerText()).toBe('app-nusa-live');
      await page.locator('.q-incident-chart path[data-line="slice"]').waitFor();
      expect(await page.getByRole('button', { name: M['quality.incident.acknowledge'], exact: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: M['quality.incident.resolve'], exact: true }).count()).toBe(0);
      await shot(page, 'incident-customer-en');
      // Its dashboard covers its own app only.
      const start = T0 + lang.day * DAY;
      const q = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(start + 8 * MIN).toISOString() });
      await page.goto(`${server.url}/portal/quality?${q.toString()}`);
      await page.getByText(M['quality.dashboard.ownApps'].replace('{apps}', 'app-nusa-live'), { exact: true }).waitFor();
      await expect.poll(() => page.locator('.q-metric').count()).toBe(11);
      const apps = page.locator('table.q-breakdown[data-by="app"] tbody tr[data-key]');
      await apps.first().waitFor();
      expect(await apps.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['app-nusa-live']);
    } finally {
      await close();
    }
  });
});
