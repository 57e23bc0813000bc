import { sql } from 'kysely';
import type { Database } from '../db.ts';
import type { Insertable } from 'kysely';
import type { TelemetryRollupsTable } from '../schema.ts';

export type RollupInsert = Insertable<TelemetryRollupsTable>;

const SUMS = [
  'records', 'sessions', 'joins', 'join_ok', 'join_ok5s', 'ff_count', 'ff_slow', 'stats', 'interval_ms', 'loss_ms', 'delay_bad_ms',
  'rtt_w', 'jitter_w', 'v_ms', 'v_freeze_ms', 'a_ms', 'a_freeze_ms', 'av_ms', 'av_bad_ms', 'leaves', 'leaves_bad',
] as const;

/**
 * Adds 1-minute rollup rows, in batches; a row for a minute and slice that exists already is
 * summed into it (several processes, or a minute completed in two parts, add up).
 */
export async function upsertRollups(db: Database, rows: readonly RollupInsert[], batch = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    await db
      .insertInto('telemetry_rollups')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['minute', 'dims_key']).doUpdateSet(() => {
          const set: Record<string, unknown> = {};
          for (const c of SUMS) set[c] = sql`telemetry_rollups.${sql.ref(c)} + excluded.${sql.ref(c)}`;
          return set as Record<(typeof SUMS)[number], never>;
        }),
      )
      .execute();
  }
}

/** Adds late-record counts per minute. */
export async function addLate(db: Database, rows: readonly { minute: Date; records: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('telemetry_late')
    .values(rows.map((r) => ({ minute: r.minute, records: r.records })))
    .onConflict((oc) => oc.column('minute').doUpdateSet({ records: sql`telemetry_late.records + excluded.records` }))
    .execute();
}

export function rollupSeries(db: Database, q: { dimsKey: string; from: Date; to: Date }) {
  return db
    .selectFrom('telemetry_rollups')
    .selectAll()
    .where('dims_key', '=', q.dimsKey)
    .where('minute', '>=', q.from)
    .where('minute', '<', q.to)
    .orderBy('minute')
    .execute();
}

export function lateCounts(db: Database, q: { from: Date; to: Date }) {
  return db.selectFrom('telemetry_late').selectAll().where('minute', '>=', q.from).where('minute', '<', q.to).orderBy('minute').execute();
}
