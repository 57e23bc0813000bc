import type { Database } from '../db.ts';

export interface AuditEntry {
  at: Date;
  actorId: string | null;
  orgId: string | null;
  entity: string;
  entityId: string;
  action: string;
  changes: Record<string, unknown>;
}

export async function recordAudit(db: Database, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at,
      actor_id: e.actorId,
      org_id: e.orgId,
      entity: e.entity,
      entity_id: e.entityId,
      action: e.action,
      changes: JSON.stringify(e.changes),
    })
    .execute();
}

export async function listAudit(db: Database, q: { entity?: string; entityId?: string; orgId?: string; limit: number; beforeId?: number }) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.orgId) query = query.where('org_id', '=', q.orgId);
  if (q.beforeId) query = query.where('id', '<', q.beforeId);
  return query.execute();
}
