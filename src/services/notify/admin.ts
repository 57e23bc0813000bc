/** The outbox as admins see it: what is pending, what died and why, and a way to retry it. */
import { AppError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/repos/audit.ts';
import { findContact } from '../../store/repos/oncall.ts';
import { findOutbox, listOutbox, retryOutbox, type OutboxRow, type OutboxStatus } from '../../store/repos/outbox.ts';
import type { Actor, Ctx } from '../context.ts';
import { requireAdmin, requireStaff } from '../policy.ts';
import { channelOfContact, enqueueNotification } from './topics.ts';
import { langOf } from './templates.ts';

export async function listOutboxFor(ctx: Ctx, actor: Actor, q: { status?: OutboxStatus | undefined; topic?: string | undefined; limit: number; before?: number | undefined }): Promise<OutboxRow[]> {
  requireAdmin(actor);
  return listOutbox(ctx.db, { limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.topic ? { topic: q.topic } : {}), ...(q.before ? { beforeId: q.before } : {}) });
}

/** A dead (or delivered) message goes back to the queue with a fresh attempt budget. */
export async function retryOutboxMessage(ctx: Ctx, actor: Actor, id: number): Promise<OutboxRow> {
  requireAdmin(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await retryOutbox(tx, id, now);
    if (!row) {
      const exists = await findOutbox(tx, id);
      if (!exists) throw AppError.notFound('outbox message');
      throw new AppError('conflict', `a ${exists.status} message is already on its way`, [{ path: 'status', message: exists.status }]);
    }
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: null, entity: 'outbox', entityId: String(id), action: 'retry', changes: { topic: row.topic } });
    return row;
  });
}

/** Sends a test message through one contact method (admins, or the person it belongs to). */
export async function testContact(ctx: Ctx, actor: Actor, userId: string, contactId: string): Promise<string> {
  requireStaff(actor);
  if (actor.role !== 'admin' && actor.userId !== userId) throw AppError.forbidden('only admins test other people’s contact methods');
  const c = await findContact(ctx.db, contactId);
  if (!c || c.user_id !== userId) throw AppError.notFound('contact method');
  const now = ctx.clock.now();
  const key = `test:${contactId}:${now.getTime()}`;
  await ctx.db.transaction().execute(async (tx) => {
    await enqueueNotification(tx, now, key, { channel: channelOfContact(c.type, c.kind), to: c.address, contactId: c.id, template: 'test', vars: { title: actor.name }, lang: langOf(actor.locale) });
  });
  return key;
}
