import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * External services for integration suites. On a laptop without them a suite skips with a clear
 * message; with CI or REQUIRE_SERVICES set, a missing service fails the run instead.
 */
export const servicesRequired = Boolean(process.env.CI || process.env.REQUIRE_SERVICES);

export function postgresUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL ?? null;
  if (!url) {
    if (servicesRequired) throw new Error('TEST_DATABASE_URL is required when CI or REQUIRE_SERVICES is set');
    console.warn('[skip] TEST_DATABASE_URL is not set: PostgreSQL suites are skipped (PGlite suites still run)');
  }
  return url;
}

/** A fresh, empty database on the test server; dropped by the returned function. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface DialectCase {
  name: 'pglite' | 'postgres';
  /** Returns what the store needs, plus a cleanup. */
  setup(): Promise<{ databaseUrl?: string; dataDir?: string; cleanup: () => Promise<void> }>;
}

/** The dialects every integration suite runs on: PGlite always, PostgreSQL when available. */
export function dialects(): DialectCase[] {
  const out: DialectCase[] = [{ name: 'pglite', setup: async () => ({ dataDir: 'memory://', cleanup: async () => {} }) }];
  const url = postgresUrl();
  if (url) {
    out.push({
      name: 'postgres',
      setup: async () => {
        const db = await freshPostgresDatabase(url);
        return { databaseUrl: db.url, cleanup: db.drop };
      },
    });
  }
  return out;
}

/** A database that outlives one server: a fresh PostgreSQL database, or a PGlite directory. */
export async function durableTarget(dialect: DialectCase, prefix: string): Promise<{ databaseUrl?: string; dataDir?: string; cleanup: () => Promise<void> }> {
  if (dialect.name === 'postgres') {
    const db = await freshPostgresDatabase(postgresUrl() as string);
    return { databaseUrl: db.url, cleanup: db.drop };
  }
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dataDir: dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
