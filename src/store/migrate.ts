import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Migrations are the files in ./migrations, in file-name order; forward-only. */
class DirectoryProvider implements MigrationProvider {
  constructor(private readonly include: (name: string) => boolean) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_.*\.ts$/.test(f) && this.include(f.replace(/\.ts$/, ''))).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) {
      const mod = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, f)).href)) as Migration;
      out[f.replace(/\.ts$/, '')] = mod;
    }
    return out;
  }
}

/** Applies every migration not yet applied; `include` limits which files count (tests: an older release). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, include: (name: string) => boolean = () => true): Promise<string[]> {
  // Each area numbers its migrations in its own range (001 core, 010 SLA, 020 on-call, 030 telemetry,
  // 040 knowledge base), so a database may meet a new 025 after it has run 030: apply the missing
  // ones in file-name order rather than refusing to start.
  const migrator = new Migrator({ db, provider: new DirectoryProvider(include), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
