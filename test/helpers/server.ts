import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { configFromEnv, type Config } from '../../src/config.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { BackgroundOptions } from '../../src/jobs/index.ts';
import { startServer, type Server } from '../../src/server.ts';
import type { DialectCase } from './services.ts';

export const ADMIN_TOKEN = 'sd_test_bootstrap_admin_token_0123456789';

/** Where a server's data lives: a PostgreSQL database or a PGlite directory (default in memory). */
export interface Target {
  databaseUrl?: string;
  dataDir?: string;
}

export interface TestServer {
  server: Server;
  url: string;
  api: ApiClient;
  /** Where its data lives, to start another server on the same data. */
  database: { databaseUrl?: string; dataDir?: string };
  stop(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for tests: JSON in, JSON out, a bearer token per call. */
export class ApiClient {
  constructor(readonly base: string) {}

  async call<T = any>(method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Blob | undefined;
    if (opts.raw !== undefined) body = typeof opts.raw === 'string' ? opts.raw : new Blob([new Uint8Array(opts.raw)]);
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const send = () => fetch(this.base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      // A kept-alive socket the server closed while idle (a long benchmark phase): a GET is safe to resend once.
      if (method !== 'GET' || !String((e as { cause?: { code?: string } }).cause?.code ?? '').startsWith('ECONNRESET')) throw e;
      res = await send();
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string, token?: string | null) => this.call<T>('GET', path, { token: token ?? null });
  post = <T = any>(path: string, body: unknown, token?: string | null) => this.call<T>('POST', path, { token: token ?? null, body });
  patch = <T = any>(path: string, body: unknown, token?: string | null) => this.call<T>('PATCH', path, { token: token ?? null, body });
}

function testConfig(target: Target, over: Partial<Config> = {}): Config {
  return configFromEnv({}, {
    port: 0,
    host: '127.0.0.1',
    bootstrapToken: ADMIN_TOKEN,
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : { dataDir: target.dataDir ?? 'memory://' }),
    logLevel: 'silent',
    ...over,
  });
}

export async function startTestServer(dialect: DialectCase, opts: { clock?: Clock; config?: Partial<Config>; background?: BackgroundOptions; database?: Target } = {}): Promise<TestServer> {
  // A given database is reused (a restart); otherwise the dialect makes a fresh one.
  const db = opts.database ? { ...opts.database, cleanup: async () => {} } : await dialect.setup();
  const server = await startServer(testConfig(db, opts.config), { ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.background ? { background: opts.background } : {}), logger: false });
  return {
    server,
    url: server.url,
    api: new ApiClient(server.url),
    database: { ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), ...(db.dataDir ? { dataDir: db.dataDir } : {}) },
    async stop() {
      await server.stop();
      await db.cleanup();
    },
  };
}

/** A server on data that outlives it (a restart, or a second server on one database); stop it with `server.stop()`. */
export async function bootServer(target: Target, clock: Clock, background: BackgroundOptions = { poll: false }): Promise<{ server: Server; api: ApiClient }> {
  const server = await startServer(testConfig(target), { clock, logger: false, background });
  return { server, api: new ApiClient(server.url) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** What it printed so far (for a failure's message). */
  output(): string;
}

/** `signaldesk serve` in a child process on a free port, once it answers its health check. */
export async function spawnServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  let out = '';
  const proc = spawn(process.execPath, ['bin/signaldesk.js', 'serve', '--port', String(port)], {
    env: { ...process.env, SIGNALDESK_BOOTSTRAP_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => (out += String(d)));
  proc.stderr?.on('data', (d) => (out += String(d)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { url, proc, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not become healthy:\n${out}`);
}

/** Stops server processes and waits until they have exited. */
export async function stopProcesses(procs: readonly ChildProcess[]): Promise<void> {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r)))));
}
