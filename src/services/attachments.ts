import { AppError } from '../domain/errors.ts';
import { recordAudit } from '../store/repos/audit.ts';
import type { Actor, Ctx } from './context.ts';
import { newId, sha256Hex } from './crypto.ts';
import { loadVisibleTicket } from './tickets.ts';
import { insertEvent } from '../store/repos/tickets.ts';

/** A file name as stored: no path, no control characters, bounded length. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').replace(/^\.+/, '').trim().slice(0, 200);
  return clean || 'file';
}

export async function upload(ctx: Ctx, actor: Actor, ticketId: string, f: { filename: string; contentType: string; data: Buffer }) {
  if (f.data.length === 0) throw AppError.validation('body', 'the file is empty');
  if (f.data.length > ctx.config.attachmentMaxBytes) throw new AppError('payload_too_large', `attachments are limited to ${ctx.config.attachmentMaxBytes} bytes`);
  return ctx.db.transaction().execute(async (tx) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    const now = ctx.clock.now();
    const id = newId();
    const filename = safeFilename(f.filename);
    const sha256 = sha256Hex(f.data);
    const contentType = f.contentType.split(';')[0]?.trim().slice(0, 100) || 'application/octet-stream';
    const ev = await insertEvent(tx, { ticketId, at: now, type: 'attachment', actorId: actor.userId, public: true, data: { attachmentId: id, filename, size: f.data.length } });
    await tx
      .insertInto('attachments')
      .values({ id, ticket_id: ticketId, event_id: ev.id, filename, content_type: contentType, size: f.data.length, sha256, data: f.data, uploaded_by: actor.userId })
      .execute();
    await recordAudit(tx, { at: now, actorId: actor.userId, orgId: t.org_id, entity: 'ticket', entityId: ticketId, action: 'attachment.add', changes: { filename, size: f.data.length, sha256 } });
    return { id, filename, size: f.data.length, sha256, contentType };
  });
}

export async function list(ctx: Ctx, actor: Actor, ticketId: string) {
  await loadVisibleTicket(ctx.db, actor, ticketId);
  const rows = await ctx.db
    .selectFrom('attachments')
    .select(['id', 'filename', 'size', 'sha256', 'content_type', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, filename: r.filename, size: r.size, sha256: r.sha256, contentType: r.content_type, createdAt: r.created_at.toISOString() }));
}

export async function download(ctx: Ctx, actor: Actor, id: string) {
  const a = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) throw AppError.notFound('attachment');
  try {
    await loadVisibleTicket(ctx.db, actor, a.ticket_id);
  } catch {
    throw AppError.notFound('attachment');
  }
  return a;
}
