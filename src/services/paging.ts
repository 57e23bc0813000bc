/**
 * Pages: someone must look at this now. A page follows an escalation policy step by step
 * (src/domain/oncall/escalation.ts has the rules): each step notifies its targets — a schedule
 * means whoever is on call at that instant, a group its active members — through the outbox, and
 * waits its ack timeout on a durable timer; without an acknowledgement the next step starts, and
 * after the last step the policy repeats `repeat` more times. A step whose targets resolve to
 * nobody is passed over at once. Acknowledge or resolve (API or a one-time link) stops it.
 *
 * `openPage(ctx, tx, …)` runs in the caller's transaction, so a P0 ticket, an SLA breach or a
 * quality incident opens its page atomically with its own change. Handlers use only `tx`.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { stepRecipients, type EscalationPolicy } from '../domain/oncall/escalation.ts';
import { cancel, schedule, type TimerHandler } from '../jobs/timers.ts';
import type { Database } from '../store/db.ts';
import { findJob } from '../store/repos/outbox.ts';
import { outboxKeysWithPrefix } from '../store/repos/statuspage.ts';
import { recordAudit } from '../store/repos/audit.ts';
import * as repo from '../store/repos/oncall.ts';
import type { PageSource, PageStatus } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { hashToken, newId } from './crypto.ts';
import { channelOfContact, enqueueNotification } from './notify/topics.ts';
import { langOf } from './notify/templates.ts';
import { policyOf, targetResolver } from './oncall.ts';
import { requireStaff } from './policy.ts';

export const PAGE_STEP_TIMER = 'page.step';
/** How long the acknowledge / resolve links in a notification work. */
export const PAGE_LINK_TTL_MS = 24 * 3_600_000;

export interface OpenPageInput {
  source: PageSource;
  /** the ticket, SLA clock or incident id; one unresolved page per source object */
  sourceId?: string | null;
  /** the escalation policy; default: the policy marked default (else the oldest) */
  policyId?: string | null;
  title: { zh: string; en: string };
  summary?: { zh: string; en: string };
  severity?: string | null;
  createdBy?: string | null;
}

export interface OpenedPage {
  page: repo.PageRow;
  /** false when an unresolved page for the same source already existed (it is returned) */
  created: boolean;
}

const timerKey = (pageId: string): string => `page:${pageId}`;

function pagePolicy(page: repo.PageRow): EscalationPolicy | null {
  const p = page.policy as EscalationPolicy | null;
  return p && Array.isArray(p.steps) && p.steps.length > 0 ? p : null;
}

/** Opens a page (or returns the open one for the same source) and runs its first step, in `tx`. */
export async function openPage(ctx: Ctx, tx: Database, input: OpenPageInput): Promise<OpenedPage> {
  const now = ctx.clock.now();
  const sourceId = input.sourceId ?? null;
  if (sourceId) {
    const open = await repo.findOpenPageBySource(tx, input.source, sourceId);
    if (open) return { page: open, created: false };
  }
  const policyRow = input.policyId ? await repo.findPolicy(tx, input.policyId) : await repo.defaultPolicy(tx);
  if (input.policyId && !policyRow) throw AppError.validation('policyId', `no escalation policy "${input.policyId}"`);
  const policy = policyRow ? policyOf(policyRow) : null;
  const inserted = await repo.insertPage(tx, {
    id: newId(),
    source: input.source,
    source_id: sourceId,
    policy_id: policyRow?.id ?? null,
    policy: policy ? JSON.stringify(policy) : null,
    title_zh: input.title.zh,
    title_en: input.title.en,
    summary_zh: input.summary?.zh ?? '',
    summary_en: input.summary?.en ?? '',
    severity: input.severity ?? null,
    started_at: now,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    step_started_at: null,
    next_step_at: null,
    exhausted_at: null,
    created_by: input.createdBy ?? null,
  });
  if (!inserted) {
    // Another transaction opened one for the same source first.
    const open = await repo.findOpenPageBySource(tx, input.source, sourceId as string);
    if (open) return { page: open, created: false };
    throw new AppError('conflict', 'a page for this source was opened at the same time; try again');
  }
  await recordAudit(tx, { at: now, actorId: input.createdBy ?? null, orgId: null, entity: 'page', entityId: inserted.id, action: 'open', changes: { source: input.source, sourceId, policyId: policyRow?.id ?? null, title: input.title.en } });
  const page = policy ? await activateFrom(ctx, tx, inserted, policy, 0, now) : inserted;
  return { page, created: true };
}

/**
 * Starts the first step at or after activation number `index` (pass · steps + step) whose targets
 * resolve to someone at `at`, notifies them and arms the timer for its timeout; with none left the
 * page is exhausted at `at`.
 */
async function activateFrom(ctx: Ctx, tx: Database, page: repo.PageRow, policy: EscalationPolicy, index: number, at: Date): Promise<repo.PageRow> {
  const resolve = await targetResolver(tx, policy);
  const n = policy.steps.length;
  const total = (policy.repeat + 1) * n;
  for (let i = index; i < total; i++) {
    const pass = Math.floor(i / n);
    const step = i % n;
    const def = policy.steps[step] as EscalationPolicy['steps'][number];
    const users = stepRecipients(def, at, resolve);
    const notified = users.length > 0 ? await notifyUsers(ctx, tx, page, { pass, step }, users, at) : 0;
    if (notified === 0) continue; // nobody to page at this step: pass it over at once
    const next = new Date(at.getTime() + def.ackTimeoutMinutes * 60_000);
    await schedule(tx, { kind: PAGE_STEP_TIMER, key: timerKey(page.id), dueAt: next, payload: { pageId: page.id, pass, step }, now: at });
    return repo.updatePage(tx, page.id, { pass, step, step_started_at: at, next_step_at: next });
  }
  await cancel(tx, timerKey(page.id));
  return repo.updatePage(tx, page.id, { exhausted_at: at, next_step_at: null });
}

function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Notifies each active user on every contact method (their e-mail when they have none). */
async function notifyUsers(ctx: Ctx, tx: Database, page: repo.PageRow, at_: { pass: number; step: number }, userIds: string[], at: Date): Promise<number> {
  const people = new Map((await repo.usersByIds(tx, userIds)).map((u) => [u.id, u]));
  const contacts = await repo.contactsOf(tx, userIds);
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  let notified = 0;
  for (const userId of userIds) {
    const person = people.get(userId);
    if (!person || !person.active) continue;
    const lang = langOf(person.locale);
    const links: Record<'ack' | 'resolve', string> = { ack: '', resolve: '' };
    for (const action of ['ack', 'resolve'] as const) {
      const token = newLinkToken();
      await repo.insertPageToken(tx, { hash: hashToken(token), pageId: page.id, userId, action, expiresAt: new Date(at.getTime() + PAGE_LINK_TTL_MS), now: at });
      links[action] = `${base}/api/v1/public/pages/ack?token=${token}`;
    }
    const vars = {
      title: lang === 'zh' ? page.title_zh : page.title_en,
      summary: lang === 'zh' ? page.summary_zh : page.summary_en,
      severity: page.severity,
      source: page.source,
      pageId: page.id,
      pass: at_.pass,
      step: at_.step,
      startedAt: page.started_at.toISOString(),
      ackUrl: links.ack,
      resolveUrl: links.resolve,
      pageUrl: `${base}/pages/${page.id}`,
    };
    const event = {
      type: 'page.triggered',
      data: { pageId: page.id, source: page.source, sourceId: page.source_id, severity: page.severity, pass: at_.pass, step: at_.step, userId, title: { zh: page.title_zh, en: page.title_en }, ackUrl: links.ack, resolveUrl: links.resolve },
    };
    const methods = contacts.filter((c) => c.user_id === userId);
    const targets = methods.length > 0 ? methods.map((c) => ({ id: c.id, channel: channelOfContact(c.type, c.kind), to: c.address })) : [{ id: 'email', channel: 'email' as const, to: person.email }];
    for (const t of targets) {
      await enqueueNotification(tx, at, `page:${page.id}:${at_.pass}:${at_.step}:${userId}:${t.id}`, {
        channel: t.channel,
        to: t.to,
        ...(t.id !== 'email' ? { contactId: t.id } : {}),
        template: 'page',
        vars,
        lang,
        event,
      });
    }
    await repo.insertPageNotification(tx, { pageId: page.id, pass: at_.pass, step: at_.step, userId, at, channels: targets.map((t) => t.channel) });
    notified++;
  }
  return notified;
}

/** The `page.step` timer: the active step timed out without an acknowledgement. */
export const pageStepTimer: TimerHandler = async (tx, job, ctx) => {
  const pageId = String(job.payload.pageId ?? '');
  const page = await repo.lockPage(tx, pageId);
  if (!page || page.status !== 'triggered' || page.exhausted_at) return;
  // A timer for an older step (the page has moved on) is stale.
  if (page.pass !== Number(job.payload.pass) || page.step !== Number(job.payload.step)) return;
  const policy = pagePolicy(page);
  if (!policy) return;
  await activateFrom(ctx, tx, page, policy, page.pass * policy.steps.length + page.step + 1, job.dueAt);
};

// ---------------------------------------------------------------------------------------------
// Acknowledge and resolve

type PageAction = 'ack' | 'resolve';

async function changePage(ctx: Ctx, tx: Database, pageId: string, action: PageAction, userId: string | null, via: 'api' | 'link' | 'source'): Promise<{ page: repo.PageRow; changed: boolean }> {
  const page = await repo.lockPage(tx, pageId);
  if (!page) throw AppError.notFound('page');
  const now = ctx.clock.now();
  let next: repo.PageRow;
  switch (action) {
    case 'ack':
      if (page.status !== 'triggered') return { page, changed: false };
      next = await repo.updatePage(tx, pageId, { status: 'acknowledged', acknowledged_at: now, acknowledged_by: userId, next_step_at: null });
      break;
    case 'resolve':
      if (page.status === 'resolved') return { page, changed: false };
      next = await repo.updatePage(tx, pageId, { status: 'resolved', resolved_at: now, resolved_by: userId, next_step_at: null });
      break;
  }
  await cancel(tx, timerKey(pageId));
  await recordAudit(tx, { at: now, actorId: userId, orgId: null, entity: 'page', entityId: pageId, action: action === 'ack' ? 'acknowledge' : 'resolve', changes: { via, from: page.status, to: next.status } });
  return { page: next, changed: true };
}

/**
 * Keeps a page in step with what it was opened for: acknowledging or resolving the source (a
 * quality incident, by a person or by recovery) does the same to its open page, in the caller's
 * transaction, so nobody is paged on for something already handled. `userId` null: the system.
 */
export async function followSource(ctx: Ctx, tx: Database, source: PageSource, sourceId: string, action: PageAction, userId: string | null): Promise<void> {
  const open = await repo.findOpenPageBySource(tx, source, sourceId);
  if (open) await changePage(ctx, tx, open.id, action, userId, 'source');
}

/** A ticket solved or closed: its P0 and SLA-breach pages are resolved with it (caller's transaction). */
export async function resolveTicketPages(ctx: Ctx, tx: Database, ticketId: string, userId: string): Promise<void> {
  for (const p of await repo.openTicketPages(tx, ticketId)) await changePage(ctx, tx, p.id, 'resolve', userId, 'source');
}

export async function acknowledgePage(ctx: Ctx, actor: Actor, id: string): Promise<repo.PageRow> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const r = await changePage(ctx, tx, id, 'ack', actor.userId, 'api');
    if (!r.changed && r.page.status === 'resolved') throw new AppError('conflict', 'this page is already resolved', [{ path: 'status', message: 'resolved' }]);
    return r.page;
  });
}

export async function resolvePage(ctx: Ctx, actor: Actor, id: string): Promise<repo.PageRow> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (tx) => (await changePage(ctx, tx, id, 'resolve', actor.userId, 'api')).page);
}

/**
 * Uses a one-time link from a notification: the token is spent (whatever the page's state) and
 * its action applied for the person it was sent to. A second use, an expired or an unknown token
 * is refused.
 */
/**
 * What a one-time link would do, without using it: opening a link (a mail scanner, a chat app's
 * preview) must never acknowledge a page; only the confirmation (a POST) does.
 */
export async function peekLink(ctx: Ctx, token: string): Promise<{ action: PageAction; page: repo.PageRow }> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw AppError.notFound('link');
  const known = await repo.findPageToken(ctx.db, hashToken(token));
  if (!known) throw AppError.notFound('link');
  if (known.used_at) throw new AppError('conflict', 'this link has already been used', [{ path: 'token', message: 'used' }]);
  if (known.expires_at <= ctx.clock.now()) throw new AppError('conflict', 'this link has expired', [{ path: 'token', message: 'expired' }]);
  const page = await repo.findPage(ctx.db, known.page_id);
  if (!page) throw AppError.notFound('link');
  return { action: known.action, page };
}

export async function useLink(ctx: Ctx, token: string): Promise<{ action: PageAction; page: repo.PageRow; changed: boolean }> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw AppError.notFound('link');
  const hash = hashToken(token);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const used = await repo.consumePageToken(tx, hash, now);
    if (!used) {
      const known = await repo.findPageToken(tx, hash);
      if (!known) throw AppError.notFound('link');
      if (known.used_at) throw new AppError('conflict', 'this link has already been used', [{ path: 'token', message: 'used' }]);
      throw new AppError('conflict', 'this link has expired', [{ path: 'token', message: 'expired' }]);
    }
    const r = await changePage(ctx, tx, used.page_id, used.action, used.user_id, 'link');
    return { action: used.action, ...r };
  });
}

// ---------------------------------------------------------------------------------------------
// Reads and manual pages

export async function createManualPage(ctx: Ctx, actor: Actor, input: { title: string; titleZh?: string | undefined; summary?: string | undefined; summaryZh?: string | undefined; policyId?: string | undefined; severity?: string | undefined }): Promise<repo.PageRow> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const { page } = await openPage(ctx, tx, {
      source: 'manual',
      policyId: input.policyId ?? null,
      title: { en: input.title, zh: input.titleZh ?? input.title },
      summary: { en: input.summary ?? '', zh: input.summaryZh ?? input.summary ?? '' },
      severity: input.severity ?? null,
      createdBy: actor.userId,
    });
    return page;
  });
}

export async function getPage(ctx: Ctx, actor: Actor, id: string): Promise<{ page: repo.PageRow; notifications: Awaited<ReturnType<typeof repo.pageNotifications>> }> {
  requireStaff(actor);
  const page = await repo.findPage(ctx.db, id);
  if (!page) throw AppError.notFound('page');
  return { page, notifications: await repo.pageNotifications(ctx.db, [id]) };
}

export async function listPagesFor(ctx: Ctx, actor: Actor, q: { status?: PageStatus[]; source?: PageSource; sourceId?: string; limit: number }): Promise<repo.PageRow[]> {
  requireStaff(actor);
  return repo.listPages(ctx.db, q);
}

// ---------------------------------------------------------------------------------------------
// The escalation auditor's repair

export type AuditProblem = 'missing_timer' | 'overdue_timer' | 'no_policy' | 'exhausted';
export type AuditRepair = 'rescheduled' | 'escalated' | 'reported';

export interface AuditFinding {
  pageId: string;
  problem: AuditProblem;
  repair: AuditRepair;
  /** the step the page was at when it was found */
  pass: number;
  step: number;
}

/** A page whose step timer is this late is taken to be stuck (no timer runner is firing it). */
export const AUDIT_OVERDUE_MS = 5 * 60_000;

/**
 * Checks one triggered page, locked in `tx`: it must have a pending timer for its next step (or
 * be acknowledged). A page without one gets its timer back (at its recorded next-step time, or
 * the next step at once when that time has passed); a page whose timer is long overdue is
 * escalated now. Exhausted pages and pages without a policy cannot be repaired: reported.
 * The finding is reported to every active admin (once per page, problem and step).
 */
export async function auditPage(ctx: Ctx, tx: Database, pageId: string, now: Date): Promise<AuditFinding | null> {
  const page = await repo.lockPage(tx, pageId);
  if (!page || page.status !== 'triggered') return null;
  const at = { pageId, pass: page.pass, step: page.step };
  const policy = pagePolicy(page);
  let finding: AuditFinding | null = null;
  if (page.exhausted_at) finding = { ...at, problem: 'exhausted', repair: 'reported' };
  else if (!policy) finding = { ...at, problem: 'no_policy', repair: 'reported' };
  else {
    const job = await findJob(tx, timerKey(pageId));
    const alive = job && job.kind === PAGE_STEP_TIMER && (job.status === 'pending' || job.status === 'running');
    const index = page.pass * policy.steps.length + page.step;
    if (!alive) {
      if (page.next_step_at && page.next_step_at > now) {
        await schedule(tx, { kind: PAGE_STEP_TIMER, key: timerKey(pageId), dueAt: page.next_step_at, payload: { pageId, pass: page.pass, step: page.step }, now });
        finding = { ...at, problem: 'missing_timer', repair: 'rescheduled' };
      } else {
        await activateFrom(ctx, tx, page, policy, page.step_started_at ? index + 1 : index, now);
        finding = { ...at, problem: 'missing_timer', repair: 'escalated' };
      }
    } else if (job.due_at.getTime() < now.getTime() - AUDIT_OVERDUE_MS) {
      await activateFrom(ctx, tx, page, policy, index + 1, now);
      finding = { ...at, problem: 'overdue_timer', repair: 'escalated' };
    }
  }
  if (!finding) return null;
  const reportKey = `auditor:${pageId}:${finding.problem}:${finding.pass}:${finding.step}:`;
  // What cannot be repaired is reported once, not on every run.
  if (finding.repair === 'reported' && (await outboxKeysWithPrefix(tx, reportKey)).size > 0) return null;
  await recordAudit(tx, { at: now, actorId: null, orgId: null, entity: 'page', entityId: pageId, action: 'audit.repair', changes: { problem: finding.problem, repair: finding.repair, pass: finding.pass, step: finding.step } });
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  for (const admin of await repo.activeAdmins(tx)) {
    const lang = langOf(admin.locale);
    await enqueueNotification(tx, now, reportKey + admin.id, {
      channel: 'email',
      to: admin.email,
      template: 'auditor_report',
      lang,
      vars: { title: lang === 'zh' ? page.title_zh : page.title_en, problem: finding.problem, repair: finding.repair, at: now.toISOString(), pageId, pageUrl: `${base}/console/oncall/pages` },
      event: { type: 'page.audit', data: { pageId, problem: finding.problem, repair: finding.repair } },
    });
  }
  return finding;
}
