import type { Database } from '../db.ts';

/**
 * Many durable timers at once (recomputing thousands of SLA clocks after a calendar edit): one
 * multi-row upsert and one delete per chunk instead of a statement per timer. Same semantics as
 * `upsertJob` / `deleteJob` in repos/outbox.ts, which call these: an upsert moves an existing key
 * and makes it pending again.
 */
export async function upsertJobs(db: Database, jobs: ReadonlyArray<{ kind: string; key: string; dueAt: Date; payload: Record<string, unknown>; now: Date }>): Promise<void> {
  if (jobs.length === 0) return;
  await db
    .insertInto('jobs')
    .values(jobs.map((j) => ({ kind: j.kind, key: j.key, due_at: j.dueAt, payload: JSON.stringify(j.payload), created_at: j.now, updated_at: j.now })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        kind: eb.ref('excluded.kind'),
        due_at: eb.ref('excluded.due_at'),
        payload: eb.ref('excluded.payload'),
        status: 'pending',
        attempts: 0,
        lease_until: null,
        lease_token: null,
        last_error: null,
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Removes the timers with these keys; returns how many existed. */
export async function deleteJobs(db: Database, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await db.deleteFrom('jobs').where('key', 'in', keys).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The earliest pending timer of these kinds due after `after`, if any (the runner sleeps until then). */
export async function nextPendingDue(db: Database, kinds: readonly string[], after: Date): Promise<Date | null> {
  if (kinds.length === 0) return null;
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('status', '=', 'pending')
    .where('due_at', '>', after)
    .where('kind', 'in', kinds)
    .executeTakeFirst();
  return row?.due ? new Date(row.due) : null;
}
