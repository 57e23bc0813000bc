import type { Clock } from '../domain/clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../store/db.ts';
import type { Level, Role } from '../store/schema.ts';

/** What every use case gets: the database, the one clock, the configuration. */
export interface Ctx {
  db: Database;
  clock: Clock;
  config: Config;
}

/** Who is asking. Built by the HTTP auth layer from a token or a session cookie. */
export interface Actor {
  userId: string;
  role: Role;
  orgId: string | null;
  level: Level | null;
  escalationManager: boolean;
  name: string;
  locale: string;
  scopes: string[];
}
