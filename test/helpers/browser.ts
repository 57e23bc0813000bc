import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium fonts-wqy-microhei`); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** On CI, or when services are required, a missing browser is a failure rather than a skip. */
export const BROWSER_REQUIRED = Boolean(process.env.CI || process.env.REQUIRE_SERVICES);
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/** Skip browser tests only when Chromium is missing and nobody requires them; say why once. */
export function skipBrowserTests(): boolean {
  if (HAS_CHROMIUM || BROWSER_REQUIRED) return false;
  console.warn(`[e2e] skipped: no Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium fonts-wqy-microhei\` or set CHROMIUM_PATH; set CI or REQUIRE_SERVICES to make this a failure.`);
  return true;
}

export async function launchBrowser(): Promise<Browser> {
  if (!HAS_CHROMIUM) throw new Error(`Chromium is required (CI/REQUIRE_SERVICES is set) but missing at ${CHROMIUM_PATH}: apt-get install -y chromium fonts-wqy-microhei`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB_INDEX = path.join(ROOT, 'dist/web/index.html');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Builds dist/web with Vite when it is missing or older than web/ or vite.config.ts. */
export function ensureWebBuilt(): void {
  const sources = Math.max(newestMtime(path.join(ROOT, 'web')), statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(WEB_INDEX) && statSync(WEB_INDEX).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** The API called from a browser test's setup, with an admin token unless `as` gives another; a failed call throws with its answer. */
export function apiCaller(baseUrl: () => string, token: string) {
  return async function call<T = any>(method: string, path: string, body?: unknown, as = token): Promise<T> {
    const res = await fetch(baseUrl() + path, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** A message with its {placeholders} filled, as the UI shows it. */
export const fillMessage = (template: string, vars: Record<string, string | number>): string => template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k]));
