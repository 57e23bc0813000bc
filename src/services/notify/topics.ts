/**
 * What each outbox topic means for the deliverer: one message to one destination, or nothing
 * (the row is marked done with the reason). Topics the help desk enqueues are mapped here; other
 * services add theirs with `registerTopic`.
 *
 * - `notification` {channel, to, contactId?, template, vars, lang, event?}: send exactly that
 *   (paging uses it; the contact's secret is read at delivery time, never copied into the outbox).
 * - `ticket.agent_reply` → e-mail to the requester; `ticket.customer_reply` → e-mail to the
 *   assignee; `ticket.escalated` → e-mail to the requester (new level, owner, plan, next update);
 *   `escalation.requested` → e-mail to the escalation manager; `ticket.created` → nothing.
 */
import { z } from 'zod';
import { CHANNELS, type ChannelName, type Delivery } from '../../channels/types.ts';
import type { Database } from '../../store/db.ts';
import { findContact } from '../../store/repos/oncall.ts';
import { findOrgNotify } from '../../store/repos/statuspage.ts';
import { findEscalationForNotice, findPerson, findTicketEventBody, findTicketForNotice, type OutboxRow } from '../../store/repos/outbox.ts';
import type { ContactType, WebhookKind } from '../../store/schema.ts';
import type { Ctx } from '../context.ts';
import { enqueue } from '../outbox.ts';
import { langOf, render, TEMPLATES, type Lang, type TemplateName, type Vars } from './templates.ts';

export type Resolution = { deliver: Delivery } | { skip: string };
export type TopicResolver = (db: Database, msg: OutboxRow, ctx: Ctx) => Promise<Resolution>;

/** A message that can never be delivered (malformed payload): dead at once, visible to admins. */
export class UndeliverableMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableMessage';
  }
}

const VarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const NotificationPayload = z.object({
  channel: z.enum(CHANNELS),
  to: z.string().min(1),
  contactId: z.string().optional(),
  template: z.enum(TEMPLATES),
  vars: z.record(z.string(), VarValue).default({}),
  lang: z.enum(['zh', 'en']).default('zh'),
  event: z.object({ type: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
});
export type NotificationPayload = z.input<typeof NotificationPayload>;

/** Records a `notification` in the caller's transaction (delivered at least once, deduped by key). */
export async function enqueueNotification(tx: Database, now: Date, key: string, payload: NotificationPayload): Promise<void> {
  await enqueue(tx, now, { topic: 'notification', key, payload: payload as Record<string, unknown> });
}

/** The channel a contact method is reached through. */
export function channelOfContact(type: ContactType, kind: WebhookKind | null): ChannelName {
  switch (type) {
    case 'email':
    case 'sms':
    case 'voice':
      return type;
    case 'webhook':
      switch (kind) {
        case 'dingtalk':
        case 'feishu':
        case 'wecom':
        case 'slack':
          return kind;
        case 'generic':
        case null:
          return 'webhook';
      }
  }
}

function delivery(msg: OutboxRow, channel: ChannelName, to: string, secret: string | null, template: TemplateName, vars: Vars, lang: Lang, event?: Delivery['event']): Delivery {
  return {
    channel,
    to,
    secret,
    message: render(template, vars, lang),
    lang,
    idempotencyKey: msg.idempotency_key,
    event: event ?? { type: template, data: { topic: msg.topic, ...vars } },
    ...(typeof vars.unsubscribeUrl === 'string' && vars.unsubscribeUrl ? { unsubscribeUrl: vars.unsubscribeUrl } : {}),
  };
}

const ticketUrl = (ctx: Ctx, id: string): string => `${ctx.config.publicUrl.replace(/\/$/, '')}/tickets/${id}`;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

async function notification(db: Database, msg: OutboxRow): Promise<Resolution> {
  const r = NotificationPayload.safeParse(msg.payload);
  if (!r.success) throw new UndeliverableMessage(`bad notification payload: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const p = r.data;
  let secret: string | null = null;
  if (p.contactId?.startsWith('org:')) {
    // An organization's IM group robot (customer notices): its secret lives in its settings.
    const settings = await findOrgNotify(db, p.contactId.slice(4));
    if (!settings?.im_url) return { skip: 'the organization’s IM robot was removed' };
    secret = settings.im_secret;
  } else if (p.contactId) {
    const contact = await findContact(db, p.contactId);
    if (!contact) return { skip: 'the contact method was removed' };
    secret = contact.secret;
  }
  return { deliver: delivery(msg, p.channel, p.to, secret, p.template, p.vars, p.lang, p.event) };
}

async function ticketNotice(db: Database, msg: OutboxRow, ctx: Ctx, who: 'requester' | 'assignee', template: TemplateName): Promise<Resolution> {
  const ticketId = str(msg.payload.ticketId);
  if (!ticketId) throw new UndeliverableMessage('payload.ticketId is missing');
  const ticket = await findTicketForNotice(db, ticketId);
  if (!ticket) return { skip: 'the ticket no longer exists' };
  const recipientId = who === 'requester' ? ticket.requester_id : ticket.assignee_id;
  if (!recipientId) return { skip: `the ticket has no ${who}` };
  const person = await findPerson(db, recipientId);
  if (!person || !person.active) return { skip: `the ${who} is not active` };
  const vars: Vars = { number: ticket.number, subject: ticket.subject, url: ticketUrl(ctx, ticket.id), ticketId: ticket.id };
  const eventId = msg.payload.eventId;
  if (typeof eventId === 'number' || typeof eventId === 'string') {
    const event = await findTicketEventBody(db, Number(eventId));
    if (event) {
      vars.body = event.body ?? '';
      const author = event.actor_id ? await findPerson(db, event.actor_id) : undefined;
      if (author) vars[template === 'ticket_agent_reply' ? 'agentName' : 'customerName'] = author.name;
      // Nobody is e-mailed about their own words.
      if (event.actor_id === recipientId) return { skip: 'the recipient wrote it' };
    }
  }
  const escalationId = str(msg.payload.escalationId);
  if (escalationId) {
    const esc = await findEscalationForNotice(db, escalationId);
    if (esc) {
      vars.toLevel = esc.to_level;
      vars.plan = esc.plan;
      vars.nextUpdateAt = esc.next_update_at ? esc.next_update_at.toISOString() : null;
      const owner = esc.owner_id ? await findPerson(db, esc.owner_id) : undefined;
      vars.ownerName = owner?.name ?? null;
    }
  }
  return { deliver: delivery(msg, 'email', person.email, null, template, vars, langOf(person.locale)) };
}

async function escalationRequested(db: Database, msg: OutboxRow, ctx: Ctx): Promise<Resolution> {
  const managerId = str(msg.payload.managerId);
  const ticketId = str(msg.payload.ticketId);
  const escalationId = str(msg.payload.escalationId);
  if (!managerId || !ticketId || !escalationId) throw new UndeliverableMessage('payload needs managerId, ticketId and escalationId');
  const [manager, ticket, esc] = await Promise.all([findPerson(db, managerId), findTicketForNotice(db, ticketId), findEscalationForNotice(db, escalationId)]);
  if (!manager || !manager.active) return { skip: 'the escalation manager is not active' };
  if (!ticket || !esc) return { skip: 'the ticket or the escalation no longer exists' };
  const requester = await findPerson(db, ticket.requester_id);
  const vars: Vars = { number: ticket.number, subject: ticket.subject, reason: esc.reason, toLevel: esc.to_level, requesterName: requester?.name ?? '', url: ticketUrl(ctx, ticket.id), ticketId: ticket.id };
  return { deliver: delivery(msg, 'email', manager.email, null, 'escalation_requested', vars, langOf(manager.locale)) };
}

const topics = new Map<string, TopicResolver>([
  ['notification', (db, msg) => notification(db, msg)],
  ['ticket.agent_reply', (db, msg, ctx) => ticketNotice(db, msg, ctx, 'requester', 'ticket_agent_reply')],
  ['ticket.customer_reply', (db, msg, ctx) => ticketNotice(db, msg, ctx, 'assignee', 'ticket_customer_reply')],
  ['ticket.escalated', (db, msg, ctx) => ticketNotice(db, msg, ctx, 'requester', 'ticket_escalated')],
  ['escalation.requested', escalationRequested],
  ['ticket.created', async () => ({ skip: 'no notification for ticket.created' })],
]);

/** Lets another service say what its topic means to the deliverer. */
export function registerTopic(topic: string, resolver: TopicResolver): void {
  topics.set(topic, resolver);
}

export async function resolveMessage(db: Database, msg: OutboxRow, ctx: Ctx): Promise<Resolution> {
  const resolver = topics.get(msg.topic);
  if (!resolver) return { skip: `no handler for topic "${msg.topic}"` };
  return resolver(db, msg, ctx);
}
