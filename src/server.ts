import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './domain/clock.ts';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { startBackground, type Background, type BackgroundOptions } from './jobs/index.ts';
import type { Api } from './http/types.ts';
import type { Ctx } from './services/context.ts';
import { bootstrapAdmin } from './services/people.ts';
import { ensureSlaDefaults, SLA_TIMER } from './services/sla.ts';
import { slaDeadlineTimer } from './services/sla-timers.ts';
import { openStore, type Store } from './store/db.ts';
import { startIngest } from './ingest/runtime.ts';

export interface Server {
  app: Api;
  ctx: Ctx;
  store: Store;
  url: string;
  log: FastifyBaseLogger;
  /** durable timers and the outbox deliverer of this process */
  background: Background;
  stop(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Opens the store, bootstraps, builds the app and listens. Everything the process runs hangs off this. */
export async function startServer(config: Config, opts: { clock?: Clock; logger?: boolean; onReady?: (s: Server) => Promise<void>; background?: BackgroundOptions } = {}): Promise<Server> {
  const logRef: { current?: FastifyBaseLogger } = {}; // the app's logger, once the app exists
  const store = await openStore({
    ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }),
    onIdleClientError: (err) => logRef.current?.warn({ err }, 'a database connection was lost; the pool opens a new one'),
  });
  const ctx: Ctx = { db: store.db, clock: opts.clock ?? systemClock, config };
  await ensureSlaDefaults(store.db, ctx.clock.now());
  if (config.bootstrapToken) await bootstrapAdmin(ctx, config.bootstrapToken);
  const app = await buildApp(ctx, { logger: opts.logger === false ? false : { level: config.logLevel } });
  logRef.current = app.log;
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const stoppers: Array<() => Promise<void>> = [];
  const background = startBackground(ctx, { log: app.log, ...opts.background });
  background.timers.register(SLA_TIMER, slaDeadlineTimer);
  stoppers.push(() => background.stop());
  // Telemetry pipeline (and the JetStream consumer with NATS_URL); reach it with ingestFor(ctx.db).
  const ingest = await startIngest(ctx, { log: app.log, natsUrl: config.natsUrl });
  stoppers.push(() => ingest.stop());
  const server: Server = {
    app,
    ctx,
    store,
    url,
    log: app.log,
    background,
    async stop() {
      for (const s of stoppers.reverse()) await s();
      await app.close();
      await store.close();
    },
  };
  if (opts.onReady) await opts.onReady(server);
  return server;
}
