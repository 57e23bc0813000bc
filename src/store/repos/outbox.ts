import type { Selectable } from 'kysely';
import type { Database } from '../db.ts';
import type { JobsTable, OutboxTable } from '../schema.ts';
import { deleteJobs, upsertJobs } from './jobs.ts';

/**
 * The two durable queues: the outbox (side effects delivered at least once) and the jobs table
 * (durable timers). Both are claimed with `FOR UPDATE SKIP LOCKED` plus a lease, so any number
 * of processes can work them; a process that dies mid-way loses its lease and the row comes back.
 */

export type OutboxRow = Selectable<OutboxTable>;
export type OutboxStatus = OutboxRow['status'];

// ---------------------------------------------------------------------------------------------
// Outbox

/**
 * Claims up to `limit` due rows: pending ones whose time has come, and delivering ones whose
 * lease ran out (their deliverer died). Each claim counts an attempt; `attempts` is the fence a
 * deliverer must present to record the outcome.
 */
export async function claimOutbox(db: Database, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db
    .updateTable('outbox')
    .set((eb) => ({ status: 'delivering', lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'pending'), w('next_attempt_at', '<=', now)]),
            w.and([w('status', '=', 'delivering'), w('lease_until', '<', now)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Records a successful delivery; false if the lease was lost (another deliverer owns the row). */
export async function markOutboxDone(db: Database, id: number, fence: number, note: string | null = null): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'done', lease_until: null, last_error: note })
    .where('id', '=', id)
    .where('status', '=', 'delivering')
    .where('attempts', '=', fence)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A failed attempt: back to pending at `nextAt`, or dead when `dead`. */
export async function markOutboxFailed(db: Database, id: number, fence: number, error: string, nextAt: Date, dead: boolean): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: dead ? 'dead' : 'pending', lease_until: null, last_error: error.slice(0, 2000), next_attempt_at: nextAt })
    .where('id', '=', id)
    .where('status', '=', 'delivering')
    .where('attempts', '=', fence)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives a claimed row back without counting the attempt (a rate limit said "not yet"). */
export async function releaseOutbox(db: Database, id: number, fence: number, nextAt: Date): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'pending', lease_until: null, next_attempt_at: nextAt, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'delivering')
    .where('attempts', '=', fence)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export function listOutbox(db: Database, q: { status?: OutboxStatus; topic?: string; limit: number; beforeId?: number }) {
  let query = db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.topic) query = query.where('topic', '=', q.topic);
  if (q.beforeId) query = query.where('id', '<', q.beforeId);
  return query.execute();
}

export const findOutbox = (db: Database, id: number) => db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();

/** Puts a dead (or done) message back in the queue with a fresh attempt budget. */
export async function retryOutbox(db: Database, id: number, now: Date): Promise<OutboxRow | undefined> {
  return db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['dead', 'done'])
    .returningAll()
    .executeTakeFirst();
}

/** Delivered messages older than `before` are history; keep the table small. */
export async function purgeDeliveredOutbox(db: Database, before: Date, limit = 1000): Promise<number> {
  const r = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) => eb.selectFrom('outbox').select('id').where('status', '=', 'done').where('created_at', '<', before).limit(limit))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function countOutbox(db: Database): Promise<Record<string, number>> {
  const rows = await db.selectFrom('outbox').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

// ---------------------------------------------------------------------------------------------
// Lookups the notification topics need (who to tell about a ticket event, in which language)

export const findTicketForNotice = (db: Database, id: string) =>
  db
    .selectFrom('tickets as t')
    .select(['t.id', 't.number', 't.subject', 't.priority', 't.status', 't.level', 't.requester_id', 't.assignee_id', 't.org_id'])
    .where('t.id', '=', id)
    .executeTakeFirst();

export const findPerson = (db: Database, id: string) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'locale', 'active', 'role']).where('id', '=', id).executeTakeFirst();

export const findTicketEventBody = (db: Database, id: number) =>
  db.selectFrom('ticket_events').select(['id', 'body', 'public', 'actor_id']).where('id', '=', id).executeTakeFirst();

export const findEscalationForNotice = (db: Database, id: string) =>
  db.selectFrom('escalations').select(['id', 'reason', 'plan', 'to_level', 'from_level', 'next_update_at', 'owner_id', 'kind']).where('id', '=', id).executeTakeFirst();

// ---------------------------------------------------------------------------------------------
// Jobs (durable timers)

export type JobRow = Selectable<JobsTable>;

/**
 * Creates the timer of `key`, or moves an existing one (any status) to the new time and payload.
 * A new lease token makes a run that is in flight for the old version unable to mark it done.
 */
/** One timer: see `upsertJobs` (moves an existing key and makes it pending again). */
export async function upsertJob(db: Database, j: { kind: string; key: string; dueAt: Date; payload: Record<string, unknown>; now: Date }): Promise<void> {
  await upsertJobs(db, [j]);
}

/** Removes a pending timer; true if there was one. A run in flight finishes, but cannot re-arm it. */
export async function deleteJob(db: Database, key: string): Promise<boolean> {
  return (await deleteJobs(db, [key])) > 0;
}

export const findJob = (db: Database, key: string) => db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();

/** Claims due timers of the given kinds (and running ones whose lease expired) under a new lease token. */
export async function claimJobs(db: Database, q: { kinds: string[]; now: Date; leaseMs: number; limit: number; token: string }): Promise<JobRow[]> {
  if (q.kinds.length === 0) return [];
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      lease_until: new Date(q.now.getTime() + q.leaseMs),
      lease_token: q.token,
      attempts: eb('attempts', '+', 1),
      updated_at: q.now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', q.kinds)
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'pending'), w('due_at', '<=', q.now)]),
            w.and([w('status', '=', 'running'), w('lease_until', '<', q.now)]),
          ]),
        )
        .orderBy('due_at')
        .orderBy('id')
        .limit(q.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Locks a claimed job for its run, if this claim still owns it. */
export const lockClaimedJob = (db: Database, id: number, token: string) =>
  db.selectFrom('jobs').selectAll().where('id', '=', id).where('status', '=', 'running').where('lease_token', '=', token).forUpdate().executeTakeFirst();

/** Marks the run done unless the handler re-armed the key (a new token) in the same transaction. */
export async function finishJob(db: Database, id: number, token: string, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', lease_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('lease_token', '=', token)
    .execute();
}

export async function failJob(db: Database, id: number, token: string, q: { error: string; retryAt: Date; final: boolean; now: Date }): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: q.final ? 'failed' : 'pending', lease_until: null, due_at: q.retryAt, last_error: q.error.slice(0, 2000), updated_at: q.now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('lease_token', '=', token)
    .execute();
}

/** The earliest pending due time of the given kinds (for the poll loop), or null. */
export async function nextJobDue(db: Database, kinds: string[]): Promise<Date | null> {
  if (kinds.length === 0) return null;
  const r = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('kind', 'in', kinds)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const due = r?.due as Date | string | null | undefined;
  return due ? new Date(due) : null;
}

/** Finished timers older than `before` are history. */
export async function purgeFinishedJobs(db: Database, before: Date): Promise<number> {
  const r = await db.deleteFrom('jobs').where('status', '=', 'done').where('updated_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
