import { configFromEnv, type Config } from '../../src/config.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { BackgroundOptions } from '../../src/jobs/index.ts';
import { startServer, type Server } from '../../src/server.ts';
import type { DialectCase } from './services.ts';

export const ADMIN_TOKEN = 'sd_test_bootstrap_admin_token_0123456789';

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

export async function startTestServer(dialect: DialectCase, opts: { clock?: Clock; config?: Partial<Config>; background?: BackgroundOptions; database?: { databaseUrl?: string; dataDir?: string } } = {}): Promise<TestServer> {
  // A given database is reused (a restart); otherwise the dialect makes a fresh one.
  const db = opts.database ? { ...opts.database, cleanup: async () => {} } : await dialect.setup();
  const config = configFromEnv({}, {
    port: 0,
    host: '127.0.0.1',
    bootstrapToken: ADMIN_TOKEN,
    ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : { dataDir: db.dataDir ?? 'memory://' }),
    logLevel: 'silent',
    ...opts.config,
  });
  const server = await startServer(config, { ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.background ? { background: opts.background } : {}), logger: false });
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
