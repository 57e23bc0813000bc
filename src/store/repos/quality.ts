import { sql, type SqlBool } from 'kysely';
import type { Database } from '../db.ts';

/**
 * Reads of the 1-minute telemetry rollups for the quality dashboard. A rollup is a set of
 * dimensions the pipeline keeps (`[]` global, `['country', 'isp']`, …); its rows partition all
 * traffic, so any slice whose dimensions it covers is exactly the sum of its matching rows.
 */

/** The additive columns of `telemetry_rollups` (numerators, denominators, traffic). */
export const ROLLUP_SUM_COLUMNS = [
  'records', 'sessions', 'joins', 'join_ok', 'join_ok5s', 'ff_count', 'ff_slow', 'stats', 'interval_ms', 'loss_ms', 'delay_bad_ms',
  'rtt_w', 'jitter_w', 'v_ms', 'v_freeze_ms', 'a_ms', 'a_freeze_ms', 'av_ms', 'av_bad_ms', 'leaves', 'leaves_bad',
] as const;
export type RollupSumColumn = (typeof ROLLUP_SUM_COLUMNS)[number];
export type RollupSums = Record<RollupSumColumn, number>;

export interface RollupSelector {
  /** The dimensions of the rollup to read (its rows carry exactly these keys). */
  rollup: readonly string[];
  /** Dimension values the rows must carry (a subset of `rollup`). */
  slice: Readonly<Record<string, string>>;
  /** When set, only rows of these apps (the rollup must contain `app`); empty: nothing. */
  apps?: readonly string[] | undefined;
  from: Date;
  to: Date;
}

const sums = () => ROLLUP_SUM_COLUMNS.map((c) => sql<number>`coalesce(sum(${sql.ref(c)}), 0)::float8`.as(c));

function where(s: RollupSelector) {
  const conds = [sql<SqlBool>`minute >= ${s.from}`, sql<SqlBool>`minute < ${s.to}`];
  if (s.rollup.length === 0) conds.push(sql<SqlBool>`dims_key = ''`);
  else {
    const keys = sql`array[${sql.join(s.rollup.map((d) => sql.val(d)))}]::text[]`;
    // Exactly the rollup's keys: all of them present, none left after removing them.
    conds.push(sql<SqlBool>`dims ?& ${keys}`, sql<SqlBool>`(dims - ${keys}) = '{}'::jsonb`);
  }
  if (Object.keys(s.slice).length > 0) conds.push(sql<SqlBool>`dims @> ${JSON.stringify(s.slice)}::jsonb`);
  if (s.apps) {
    if (s.apps.length === 0) conds.push(sql<SqlBool>`false`);
    else conds.push(sql<SqlBool>`app in (${sql.join(s.apps.map((a) => sql.val(a)))})`);
  }
  return sql<SqlBool>`(${sql.join(conds, sql` and `)})`;
}

export interface SeriesBucket extends RollupSums {
  /** Bucket index: the bucket starts at `from + bucket × stepMs`. */
  bucket: number;
}

/** Sums per time bucket of `stepMs` (a whole number of minutes) from `from`; empty buckets are absent. */
export async function rollupBuckets(db: Database, s: RollupSelector & { stepMs: number }): Promise<SeriesBucket[]> {
  const fromSec = s.from.getTime() / 1000;
  const stepSec = s.stepMs / 1000;
  const bucket = sql<number>`floor((extract(epoch from minute) - ${fromSec}::float8) / ${stepSec}::float8)::int`;
  const rows = await db
    .selectFrom('telemetry_rollups')
    .select([bucket.as('bucket'), ...sums()])
    .where(where(s))
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows as SeriesBucket[];
}

export interface BreakdownRow extends RollupSums {
  /** The value of the breakdown dimension. */
  key: string;
}

/** Sums over [from, to) per value of `by` (a dimension of the rollup). */
export async function rollupBreakdown(db: Database, s: RollupSelector & { by: string }): Promise<BreakdownRow[]> {
  const key = sql<string>`dims ->> ${s.by}`;
  const rows = await db.selectFrom('telemetry_rollups').select([key.as('key'), ...sums()]).where(where(s)).groupBy(sql`1`).execute();
  return rows as BreakdownRow[];
}

/** Sums over [from, to) of the whole selection. */
export async function rollupTotal(db: Database, s: RollupSelector): Promise<RollupSums> {
  const row = await db.selectFrom('telemetry_rollups').select(sums()).where(where(s)).executeTakeFirst();
  return row as RollupSums;
}
