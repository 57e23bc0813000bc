// The built-in knowledge-base content (kb-content/articles.json: RTC troubleshooting articles, each
// topic in zh and en), loaded by `--demo`; the same file is the search evaluation's corpus
// (test/fixtures/kb/load.ts reads it from here).

import { readFileSync } from 'node:fs';
import type { Lang } from '../domain/kb/analyze.ts';
import * as repo from '../store/repos/kb.ts';
import type { Actor, Ctx } from './context.ts';
import { importArticles, type ArticleInput } from './kb.ts';
import { caseDraft, createCase } from './kb-cases.ts';

export interface ContentArticle {
  slug: string;
  lang: Lang;
  title: string;
  body: string;
  tags: string[];
  errorCodes?: string[];
  sdkVersions?: string[];
  platforms?: string[];
  translationOf: string;
}

export function contentArticles(): ContentArticle[] {
  return JSON.parse(readFileSync(new URL('./kb-content/articles.json', import.meta.url), 'utf8')) as ContentArticle[];
}

export function toArticleInput(a: ContentArticle): ArticleInput {
  return {
    slug: a.slug,
    lang: a.lang,
    title: a.title,
    body: a.body,
    tags: a.tags,
    errorCodes: a.errorCodes ?? [],
    sdkVersions: a.sdkVersions ?? [],
    platforms: a.platforms ?? [],
    translationOf: a.translationOf,
    status: 'published',
  };
}

/**
 * The help center's product areas: the ticket categories, so that articles and cases (whose product
 * area is their ticket's category) are browsed under the same names. Keyed by topic (slug without
 * the language suffix).
 */
const PRODUCT_AREAS: Record<string, 'audio' | 'video' | 'join' | 'crash' | 'performance' | 'other'> = {
  'echo-howling': 'audio',
  'audio-freeze': 'audio',
  'bluetooth-audio-routing': 'audio',
  'ios-background': 'audio',
  'low-volume': 'audio',
  'noise-suppression': 'audio',
  'ios-audio-session': 'audio',
  callkit: 'audio',
  'no-audio-remote': 'audio',
  'known-issue-421-audio-route': 'audio',
  'video-freeze': 'video',
  'remote-black-screen': 'video',
  'screen-share-android': 'video',
  'screen-share-ios': 'video',
  'screen-share-desktop-web': 'video',
  'h265-compat': 'video',
  'simulcast-dual-stream': 'video',
  'bitrate-resolution-scenarios': 'video',
  'av-sync': 'video',
  'browser-autoplay': 'video',
  'device-permission-denied': 'video',
  'camera-occupied': 'video',
  'join-timeout-110': 'join',
  'invalid-token-1003': 'join',
  'token-expired-109': 'join',
  'token-clock-skew': 'join',
  'app-id-certificate': 'join',
  'invalid-channel-args': 'join',
  'firewall-ports': 'join',
  'china-overseas-connectivity': 'join',
  'android-background': 'crash',
  'android-oem-kills': 'crash',
  'electron-capture': 'crash',
  'slow-first-frame': 'performance',
  'cross-border-latency': 'performance',
  'network-quality-callbacks': 'performance',
  'weak-network-tuning': 'performance',
  reconnection: 'performance',
  'cloud-recording': 'other',
  webhooks: 'other',
  'cdn-push-failure': 'other',
  'rest-rate-limit': 'other',
  'log-upload': 'other',
  'upgrade-4-2-to-4-3': 'other',
};

export const productAreaOf = (slug: string): string | null => PRODUCT_AREAS[slug.replace(/-(zh|en)$/, '')] ?? null;

/**
 * Loads the built-in articles that are not there yet (by slug), published. With `productAreas` each
 * gets its help-center product area (the demo); without, the articles are exactly the evaluation
 * corpus (test/fixtures/kb), whose reference ranking knows no product areas.
 */
export async function loadKbContent(ctx: Ctx, actor: Actor | null, options: { productAreas?: boolean } = {}): Promise<{ created: number }> {
  const all = contentArticles();
  const existing = new Set((await repo.findArticlesBySlug(ctx.db, all.map((a) => a.slug))).map((a) => a.slug));
  const missing = all.filter((a) => !existing.has(a.slug));
  if (missing.length > 0) await importArticles(ctx, actor, missing.map((a) => ({ ...toArticleInput(a), ...(options.productAreas ? { productArea: productAreaOf(a.slug) } : {}) })));
  return { created: missing.length };
}

/** Demo: the built-in articles, and a case for every solved ticket (its prefilled summary, confirmed). */
export async function seedKbDemo(ctx: Ctx, admin: Actor): Promise<{ articles: number; cases: number }> {
  const { created } = await loadKbContent(ctx, admin, { productAreas: true });
  const solved = await ctx.db.selectFrom('tickets').select(['id']).where('status', 'in', ['solved', 'closed']).orderBy('created_at').execute();
  let cases = 0;
  for (const t of solved) {
    const draft = await caseDraft(ctx, admin, t.id);
    if (draft.existingCaseId || !draft.solution) continue;
    await createCase(ctx, admin, {
      ticketId: t.id,
      title: draft.title,
      problem: draft.problem,
      cause: draft.cause,
      solution: draft.solution,
      lang: draft.lang,
      tags: draft.tags,
      productArea: draft.productArea,
      errorCode: draft.errorCode,
      sdkVersion: draft.sdkVersion,
      platform: draft.platform,
    });
    cases++;
  }
  return { articles: created, cases };
}
