import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { freshPostgresDatabase, postgresUrl } from '../helpers/services.ts';

const pgUrl = postgresUrl();

describe('migrations', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('apply on a new PGlite directory, are a no-op the second time, and the data survives a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sd-mig-'));
    dirs.push(dir);
    const first = await openStore({ dataDir: dir, migrate: false });
    const applied = await migrateToLatest(first.db);
    expect(applied[0]).toBe('001_core');
    expect(applied).toEqual([...applied].sort());
    await first.db.insertInto('orgs').values({ id: 'o1', name: '持久', tier: 'basic', industry: 'other', timezone: 'UTC', regions: '[]', app_ids: '[]', csm_id: null, updated_at: new Date() }).execute();
    await first.close();

    const again = await openStore({ dataDir: dir, migrate: false });
    expect(await migrateToLatest(again.db)).toEqual([]);
    expect((await again.db.selectFrom('orgs').select('name').executeTakeFirstOrThrow()).name).toBe('持久');
    await again.close();
  });

  it('apply a migration numbered below ones a database already has (each area numbers in its own range)', async () => {
    const store = await openStore({ dataDir: 'memory://', migrate: false });
    try {
      // An older release without the iCal token migration, which a newer release then brings.
      const heldBack = (name: string) => name.startsWith('027_');
      const older = await migrateToLatest(store.db, (name) => !heldBack(name));
      expect(older.some(heldBack)).toBe(false);
      expect(older.some((name) => name > '027')).toBe(true);
      const newer = await migrateToLatest(store.db);
      expect(newer).toHaveLength(1);
      expect(heldBack(newer[0] as string)).toBe(true);
      expect(await migrateToLatest(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!pgUrl)('produce the same tables on PostgreSQL as on PGlite', async () => {
    const tables = async (store: Awaited<ReturnType<typeof openStore>>) =>
      (await store.db.introspection.getTables()).map((t) => `${t.name}(${t.columns.map((c) => `${c.name}:${c.dataType}`).join(',')})`).sort();
    const lite = await openStore({ dataDir: 'memory://' });
    const db = await freshPostgresDatabase(pgUrl as string);
    const pg = await openStore({ url: db.url });
    try {
      expect(await tables(pg)).toEqual(await tables(lite));
    } finally {
      await lite.close();
      await pg.close();
      await db.drop();
    }
  });
});
