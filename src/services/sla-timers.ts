import { AppError } from '../domain/errors.ts';
import { nextLevel } from '../domain/people.ts';
import { isWarningDue, type Clock as SlaClock } from '../domain/sla/clocks.ts';
import type { TimerHandler } from '../jobs/timers.ts';
import * as ticketsRepo from '../store/repos/tickets.ts';
import * as slaRepo from '../store/repos/sla.ts';
import type { Database } from '../store/db.ts';
import type { Ticket } from '../store/schema.ts';
import type { Ctx } from './context.ts';
import { enqueueNotification } from './notify/topics.ts';
import { langOf } from './notify/templates.ts';
import { openPage } from './paging.ts';
import { armSlaTimer, evaluateTicketSla, loadSlaSettings } from './sla.ts';
import { applyEscalation } from './tickets.ts';

const CLOCK_LABEL: Record<string, { zh: string; en: string }> = {
  firstResponse: { zh: '首次响应', en: 'first response' },
  nextReply: { zh: '后续回复', en: 'next reply' },
  periodicUpdate: { zh: '定期进展更新', en: 'periodic update' },
  resolution: { zh: '解决', en: 'resolution' },
};

async function raiseOnce(tx: Database, ticketId: string, clock: string, idx: number, kind: 'warning' | 'breach', at: Date): Promise<boolean> {
  const row = await tx
    .insertInto('sla_alerts')
    .values({ ticket_id: ticketId, clock, idx, kind, at })
    .onConflict((oc) => oc.columns(['ticket_id', 'clock', 'idx', 'kind']).doNothing())
    .returning('ticket_id')
    .executeTakeFirst();
  return row !== undefined;
}

async function managers(tx: Database) {
  return tx.selectFrom('users').select(['id', 'name', 'email', 'locale']).where('escalation_manager', '=', true).where('active', '=', true).execute();
}

/** A breach: the ticket goes up one level (the escalation manager told); P0/P1 also page on-call. */
async function onBreach(ctx: Ctx, tx: Database, t: Ticket, clock: string, idx: number, now: Date): Promise<void> {
  const label = CLOCK_LABEL[clock] ?? { zh: clock, en: clock };
  await ticketsRepo.insertEvent(tx, { ticketId: t.id, at: now, type: 'sla_breach', actorId: null, public: false, data: { clock, index: idx } });
  const to = nextLevel(t.level);
  const reason = `SLA ${label.en} breached / SLA ${label.zh}超时`;
  if (to) {
    const e = await applyEscalation(tx, t, {
      kind: 'auto',
      to,
      reason,
      plan: `已自动升级至 ${to} 跟进；An SLA target was missed, so ${to} takes over now.`,
      actorId: null,
      now,
    });
    for (const m of await managers(tx)) {
      const lang = langOf(m.locale);
      await enqueueNotification(tx, now, `sla.breach:${t.id}:${clock}:${idx}:${m.id}`, {
        channel: 'email',
        to: m.email,
        template: 'ticket_escalated',
        lang,
        vars: { number: Number(t.number), subject: t.subject, toLevel: to, ownerName: e.owner?.name ?? '', plan: reason, nextUpdateAt: e.nextUpdateAt.toISOString(), url: `${ctx.config.publicUrl.replace(/\/$/, '')}/tickets/${t.id}` },
      });
    }
  }
  if (t.priority === 'P0' || t.priority === 'P1') {
    await openPage(ctx, tx, {
      source: 'sla',
      sourceId: `${t.id}:${clock}:${idx}`,
      title: { zh: `SLA 超时：工单 #${t.number} ${label.zh}（${t.priority}）`, en: `SLA breach: ticket #${t.number} ${label.en} (${t.priority})` },
      summary: { zh: t.subject, en: t.subject },
      severity: t.priority,
    });
  }
}

/**
 * The `sla.deadline` timer: evaluates the ticket's clocks at the timer's moment, raises each new
 * warning and breach once (sla_alerts), then re-arms for the next moment.
 */
export const slaDeadlineTimer: TimerHandler = async (tx, job, ctx) => {
  const ticketId = String(job.payload.ticketId ?? '');
  const t = await ticketsRepo.lockTicket(tx, ticketId);
  if (!t) return;
  const now = ctx.clock.now();
  const settings = await loadSlaSettings(tx);
  const org = await tx.selectFrom('orgs').select(['tier', 'calendar_id']).where('id', '=', t.org_id).executeTakeFirst();
  if (!org) throw new AppError('internal', `ticket ${ticketId} has no organization`);
  const input = { createdAt: t.created_at, priority: t.priority, tier: org.tier, calendarId: org.calendar_id };
  const r = evaluateTicketSla(settings, { ...input, events: await slaRepo.eventsForTickets(tx, [ticketId]) }, now);
  const warnShare = settings.policy(org.tier, t.priority).warnShare;
  const items: Array<[string, number, SlaClock | null]> = [
    ['firstResponse', 0, r.clocks.firstResponse],
    ['resolution', 0, r.clocks.resolution],
    ...r.clocks.nextReply.map((c, i): [string, number, SlaClock] => ['nextReply', i, c]),
    ...r.clocks.periodicUpdate.map((c, i): [string, number, SlaClock] => ['periodicUpdate', i, c]),
  ];
  let changed = false;
  for (const [name, idx, c] of items) {
    if (!c || (c.state !== 'running' && c.state !== 'paused')) continue;
    if (c.breached) {
      await raiseOnce(tx, ticketId, name, idx, 'warning', now); // a breach implies its warning
      if (await raiseOnce(tx, ticketId, name, idx, 'breach', now)) {
        await onBreach(ctx, tx, t, name, idx, now);
        changed = true;
      }
    } else if (isWarningDue(c, warnShare) && (await raiseOnce(tx, ticketId, name, idx, 'warning', now))) {
      await ticketsRepo.insertEvent(tx, { ticketId, at: now, type: 'sla_warning', actorId: null, public: false, data: { clock: name, index: idx, dueAt: c.dueAt } });
      if (t.assignee_id) {
        const a = await tx.selectFrom('users').select(['email', 'locale']).where('id', '=', t.assignee_id).executeTakeFirst();
        if (a) {
          await enqueueNotification(tx, now, `sla.warning:${ticketId}:${name}:${idx}`, {
            channel: 'email',
            to: a.email,
            template: 'ticket_escalated',
            lang: langOf(a.locale),
            vars: { number: Number(t.number), subject: t.subject, toLevel: t.level, plan: `SLA ${CLOCK_LABEL[name]?.en ?? name} due ${c.dueAt ?? ''} / ${CLOCK_LABEL[name]?.zh ?? name}即将超时` },
          });
        }
      }
    }
  }
  // An escalation changed the ticket: recompute from the new history; else keep the evaluation.
  const final = changed ? evaluateTicketSla(settings, { ...input, priority: (await ticketsRepo.findTicket(tx, ticketId))?.priority ?? t.priority, events: await slaRepo.eventsForTickets(tx, [ticketId]) }, now) : r;
  await slaRepo.upsertTicketSla(tx, { ticket_id: ticketId, clocks: JSON.stringify(final.clocks), next_due_at: final.nextDueAt ? new Date(final.nextDueAt) : null, warn_at: final.warnAt ? new Date(final.warnAt) : null, breached: final.breached, computed_at: now });
  await armSlaTimer(tx, ticketId, final, now, true);
};
