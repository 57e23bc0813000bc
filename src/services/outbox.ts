import type { Database } from '../store/db.ts';

export interface OutboxMessage {
  topic: string;
  /** Unique per side effect: a second enqueue with the same key is a no-op. */
  key: string;
  payload: Record<string, unknown>;
}

/** Records a side effect in the caller's transaction; delivered at least once by the deliverer. */
export async function enqueue(tx: Database, now: Date, m: OutboxMessage): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({ topic: m.topic, idempotency_key: m.key, payload: JSON.stringify(m.payload), next_attempt_at: now, created_at: now })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}
