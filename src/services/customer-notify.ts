/**
 * Telling a customer organization that a quality incident affects it (outbox topic
 * `incident.customer_notice`, one per affected organization), by its tier:
 *
 * - Enterprise: its IM group (the robot in its notification settings), e-mail to each of its
 *   active customer users and to its named CSM;
 * - Advanced: e-mail to its customer users and its IM group;
 * - Basic: the public status page only (the quality incident appears there).
 *
 * The diagnosis goes out in the organization's language (its locale). The notice fans out into
 * `notification` messages with stable keys (`customer_notice:<incident>:<org>:<target>`), so a
 * notice handled twice sends nothing twice.
 */
import { AppError } from '../domain/errors.ts';
import type { Database } from '../store/db.ts';
import { recordAudit } from '../store/repos/audit.ts';
import { findPerson } from '../store/repos/outbox.ts';
import { findOrg } from '../store/repos/people.ts';
import * as repo from '../store/repos/statuspage.ts';
import type { Tier, WebhookKind } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { channelOfContact, enqueueNotification, registerTopic, UndeliverableMessage, type NotificationPayload, type Resolution } from './notify/topics.ts';
import { langOf, type Lang } from './notify/templates.ts';
import { canSeeOrg, requireAdmin } from './policy.ts';
import { ensureQualityStatusIncident, qualityPublicSummary, statusPageUrl, type Bilingual } from './statuspage.ts';

export type NoticeTarget = 'im' | 'email' | 'csm' | 'status_page';

/** What each tier is told through. */
export const TIER_ROUTES: Record<Tier, readonly NoticeTarget[]> = {
  enterprise: ['im', 'email', 'csm'],
  advanced: ['email', 'im'],
  basic: ['status_page'],
};

// ---------------------------------------------------------------------------------------------
// Settings

export interface OrgNotifyInput {
  im?: { kind: WebhookKind; url: string; secret?: string | undefined } | null | undefined;
  emails?: string[] | undefined;
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export async function getOrgNotify(ctx: Ctx, actor: Actor, orgId: string): Promise<{ orgId: string; row: repo.OrgNotifyRow | undefined }> {
  if (!canSeeOrg(actor, orgId)) throw AppError.notFound('organization');
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw AppError.notFound('organization');
  return { orgId, row: await repo.findOrgNotify(ctx.db, orgId) };
}

export async function setOrgNotify(ctx: Ctx, actor: Actor, orgId: string, input: OrgNotifyInput): Promise<repo.OrgNotifyRow> {
  requireAdmin(actor);
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw AppError.notFound('organization');
  const emails = (input.emails ?? []).map((e) => e.trim());
  emails.forEach((e, i) => {
    if (!EMAIL_RE.test(e)) throw AppError.validation(`body.emails.${i}`, 'must be an e-mail address');
  });
  const im = input.im ?? null;
  if (im) {
    let url: URL;
    try {
      url = new URL(im.url);
    } catch {
      throw AppError.validation('body.im.url', 'must be the robot’s webhook URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw AppError.validation('body.im.url', 'must be an http(s) URL');
    if (im.kind === 'wecom' && !url.searchParams.get('key')) throw AppError.validation('body.im.url', 'a WeCom group bot URL carries its key (…/webhook/send?key=…)');
  }
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    // The secret is write-only: omitted, the stored one stays while the robot is the same; '' removes it.
    let secret: string | null = null;
    if (im?.secret !== undefined) secret = im.secret || null;
    else if (im) {
      const prev = await repo.findOrgNotify(tx, orgId);
      if (prev?.im_kind === im.kind && prev.im_url === im.url) secret = prev.im_secret;
    }
    const row = await repo.upsertOrgNotify(tx, { org_id: orgId, im_kind: im?.kind ?? null, im_url: im?.url ?? null, im_secret: secret, emails: JSON.stringify(emails), updated_by: actor.userId, updated_at: now });
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId, entity: 'org', entityId: orgId, action: 'notification_settings.update', changes: { imKind: im?.kind ?? null, emails: emails.length } });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// The notice

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function bilingual(v: unknown): Bilingual | null {
  if (typeof v !== 'object' || v === null) return null;
  const { en, zh } = v as { en?: unknown; zh?: unknown };
  return typeof en === 'string' && typeof zh === 'string' ? { en, zh } : null;
}

interface Planned {
  key: string;
  payload: NotificationPayload;
}

async function customerNotice(db: Database, payload: Record<string, unknown>, ctx: Ctx): Promise<Resolution> {
  const incidentId = str(payload.incidentId);
  const orgId = str(payload.orgId);
  const title = bilingual(payload.title);
  const summary = bilingual(payload.summary);
  if (!incidentId || !orgId || !title || !summary) throw new UndeliverableMessage('incident.customer_notice needs incidentId, orgId, title {en, zh} and summary {en, zh}');
  const org = await findOrg(db, orgId);
  if (!org) return { skip: 'the organization no longer exists' };
  const severity = str(payload.severity) ?? '';
  const routes = TIER_ROUTES[org.tier];

  if (routes.includes('status_page')) {
    const q = await qualityPublicSummary(db, incidentId);
    const row = await db.transaction().execute((tx) => ensureQualityStatusIncident(ctx, tx, { incidentId, severity: severity || 'P2', title, publicSummary: q.summary ?? summary, startedAt: q.startedAt }));
    return { skip: `${org.tier}: on the status page (incident ${row.id})` };
  }

  const orgLang: Lang = langOf(str(payload.locale) ?? org.locale);
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  const ticketId = str(payload.ticketId);
  const varsFor = (lang: Lang, forStaff: boolean) => ({
    title: title[lang],
    summary: summary[lang],
    severity,
    orgName: org.name,
    incidentId,
    statusUrl: statusPageUrl(ctx),
    ticketUrl: ticketId ? `${base}/${forStaff ? 'console' : 'portal'}/tickets/${ticketId}` : null,
  });
  const event = (target: NoticeTarget) => ({ type: 'incident.customer_notice', data: { incidentId, orgId, tier: org.tier, target, severity, title, summary } });
  const keyBase = `customer_notice:${incidentId}:${orgId}`;
  const planned: Planned[] = [];
  const settings = await repo.findOrgNotify(db, orgId);
  for (const target of routes) {
    switch (target) {
      case 'im':
        if (settings?.im_kind && settings.im_url) {
          planned.push({ key: `${keyBase}:im`, payload: { channel: channelOfContact('webhook', settings.im_kind), to: settings.im_url, template: 'customer_incident', vars: varsFor(orgLang, false), lang: orgLang, event: event('im') } });
        }
        break;
      case 'email': {
        for (const u of await repo.customerUsersOf(db, orgId)) {
          planned.push({ key: `${keyBase}:email:${u.id}`, payload: { channel: 'email', to: u.email, template: 'customer_incident', vars: varsFor(orgLang, false), lang: orgLang, event: event('email') } });
        }
        for (const e of settings?.emails ?? []) {
          planned.push({ key: `${keyBase}:email:${e.toLowerCase()}`, payload: { channel: 'email', to: e, template: 'customer_incident', vars: varsFor(orgLang, false), lang: orgLang, event: event('email') } });
        }
        break;
      }
      case 'csm': {
        const csm = org.csm_id ? await findPerson(db, org.csm_id) : undefined;
        if (csm?.active) {
          // The CSM reads it in the customer's language too: it is what the customer was told.
          planned.push({ key: `${keyBase}:csm:${csm.id}`, payload: { channel: 'email', to: csm.email, template: 'customer_incident', vars: varsFor(orgLang, true), lang: orgLang, event: event('csm') } });
        }
        break;
      }
      case 'status_page':
        break;
    }
  }
  const imSecret = settings?.im_secret ?? null;
  if (planned.length > 0) {
    await db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      for (const p of planned) {
        // The robot's signing secret is not copied into the outbox: `org:<id>` names where to read it.
        const payload = p.key.endsWith(':im') && imSecret ? { ...p.payload, contactId: `org:${orgId}` } : p.payload;
        await enqueueNotification(tx, now, p.key, payload);
      }
    });
  }
  return { skip: `${org.tier}: fanned out ${planned.length} notification(s)` };
}

registerTopic('incident.customer_notice', (db, msg, ctx) => customerNotice(db, msg.payload, ctx));
