import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { migrateToLatest } from './migrate.ts';

export type Database = Kysely<DB>;

export interface Store {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens the database: PostgreSQL when a URL is given, else an embedded PGlite in `dataDir`
 * (`memory://` for a throw-away one). Migrations run before the store is returned.
 */
export async function openStore(opts: { url?: string; dataDir?: string; migrate?: boolean; poolSize?: number; onIdleClientError?: (err: Error) => void }): Promise<Store> {
  let store: Store;
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8 || oid === NUMERIC
            ? (v: string) => Number(v)
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client whose connection dies (server restart, admin termination) is reported on the
    // pool; the pool drops it and the next query opens a new one. Unhandled, it would end the process.
    pool.on('error', (err) => opts.onIdleClientError?.(err));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    store = { db, kind: 'postgres', close: () => db.destroy() };
  } else {
    const dir = opts.dataDir ?? './data';
    const pglite = await PGlite.create(dir === 'memory://' ? undefined : dir, {
      parsers: { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    store = {
      db,
      kind: 'pglite',
      close: async () => {
        await db.destroy();
        await pglite.close();
      },
    };
  }
  if (opts.migrate !== false) await migrateToLatest(store.db);
  return store;
}
