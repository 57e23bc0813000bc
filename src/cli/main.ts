import { parseArgs } from 'node:util';
import { configFromEnv } from '../config.ts';
import { startServer, systemClock } from '../server.ts';
import { createToken } from '../services/people.ts';
import { openStore } from '../store/db.ts';
import { findUserByHandle } from '../store/repos/people.ts';
import { seedDemo } from '../services/demo.ts';

const HELP = `signaldesk — support operations for RTC SDK vendors

Usage:
  signaldesk serve [--port N] [--data DIR] [--demo]   start the server (PGlite in DIR unless DATABASE_URL is set)
  signaldesk migrate [--data DIR]                      apply database migrations and exit
  signaldesk token create --user HANDLE [--scopes api,ingest] [--data DIR]
                                                       print a new API token for a user
  signaldesk simulate --mode live|files | --score      the fleet simulator (simulate --help)
Environment: PORT, DATABASE_URL, NATS_URL, SIGNALDESK_BOOTSTRAP_TOKEN, LOG_LEVEL`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'migrate':
        return await migrate(rest);
      case 'token':
        return await token(rest);
      case 'simulate':
        return await (await import('../sim/cli.ts')).simulateCommand(rest);
      case undefined:
      case 'help':
      case '--help':
        console.log(HELP);
        return 0;
      default:
        console.error(`unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, data: { type: 'string' }, demo: { type: 'boolean', default: false } } });
  const config = configFromEnv(process.env, {
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
  });
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const server = await startServer(config, {
    onReady: async (s) => {
      if (values.demo) {
        const seeded = await seedDemo(s.ctx);
        printDemo(s.url, seeded);
        const rt = (await import('../ingest/runtime.ts')).ingestFor(s.ctx.db);
        if (rt) (await import('../sim/demo.ts')).startDemoSimulator(rt, { log: s.log });
      }
    },
  });
  server.log.info(`Signaldesk listening on ${server.url} (${server.store.kind})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.stop();
  return 0;
}

function printDemo(url: string, seeded: { created: boolean; logins: Array<{ handle: string; password: string; who: string }> }) {
  const lines = [
    '',
    `  Signaldesk demo is running: ${url}`,
    seeded.created ? '  Demo data loaded.' : '  Demo data was already there.',
    '  Demo logins (handle / password):',
    ...seeded.logins.map((l) => `    ${l.handle.padEnd(14)} ${l.password.padEnd(14)} ${l.who}`),
    '',
  ];
  console.log(lines.join('\n'));
}

async function migrate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { data: { type: 'string' } } });
  const config = configFromEnv(process.env, values.data ? { dataDir: values.data } : {});
  const store = await openStore({ ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }) });
  await store.close();
  console.log('migrations applied');
  return 0;
}

async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') {
    console.error('usage: signaldesk token create --user HANDLE [--scopes api,ingest]');
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { user: { type: 'string' }, scopes: { type: 'string', default: 'api' }, data: { type: 'string' } } });
  if (!values.user) {
    console.error('--user HANDLE is required');
    return 2;
  }
  const scopes = values.scopes.split(',').map((s) => s.trim());
  for (const s of scopes) if (s !== 'api' && s !== 'ingest') throw new Error(`unknown scope "${s}" (api, ingest)`);
  const config = configFromEnv(process.env, values.data ? { dataDir: values.data } : {});
  const store = await openStore({ ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }) });
  try {
    const user = await findUserByHandle(store.db, values.user);
    if (!user) throw new Error(`no user with handle "${values.user}"`);
    console.log(await createToken({ db: store.db, clock: systemClock, config }, null, user.id, scopes));
  } finally {
    await store.close();
  }
  return 0;
}
