/**
 * Paging and the outbox deliverer, on loopback, beside a baseline measured in the same run:
 *
 * 1. Latency from page creation (POST /api/v1/pages) to the first webhook arriving at the
 *    receiver (the transaction, the outbox row, the deliverer's claim, the signed POST), p50/p99 —
 *    against the same receiver called directly with a message of the same size and signature.
 * 2. Outbox throughput: many notifications committed at once, deliveries per second until the
 *    receiver has them all — against the same receiver called directly at the same concurrency.
 *
 * PGlite always; PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { configFromEnv } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { enqueueNotification } from '../src/services/notify/topics.ts';
import { freshPostgresDatabase } from '../test/helpers/services.ts';
import { ADMIN_TOKEN, ApiClient } from '../test/helpers/server.ts';
import { makeUser } from '../test/helpers/fixtures.ts';
import { fmt, percentile, pool } from './stats.ts';

interface Sizes {
  pages: number;
  messages: number;
  concurrency: number;
}

const SECRET = 'bench-secret';

/** The receiver: records when each message arrived, by a key taken from the body. */
class Receiver {
  private server: HttpServer | null = null;
  url = '';
  private readonly waiting = new Map<string, (at: number) => void>();
  readonly arrived = new Map<string, number>();
  count = 0;
  private allWaiter: { n: number; resolve: () => void } | null = null;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        const body = Buffer.concat(chunks).toString('utf8');
        let key = '';
        try {
          const json = JSON.parse(body) as { data?: { pageId?: string; bench?: string } };
          key = json.data?.pageId ?? json.data?.bench ?? '';
        } catch {
          key = '';
        }
        // The application verifies the signature, as a real receiver would.
        const sig = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-signaldesk-signature'] ?? ''));
        const ok = sig !== null && createHmac('sha256', SECRET).update(`${sig[1]}.${body}`).digest('hex') === sig[2];
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? '{"ok":true}' : '{"error":"bad signature"}');
        if (!ok) return;
        this.count++;
        if (key && !this.arrived.has(key)) {
          this.arrived.set(key, at);
          this.waiting.get(key)?.(at);
          this.waiting.delete(key);
        }
        if (this.allWaiter && this.count >= this.allWaiter.n) {
          this.allWaiter.resolve();
          this.allWaiter = null;
        }
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  arrival(key: string): Promise<number> {
    const known = this.arrived.get(key);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.waiting.set(key, resolve));
  }

  untilCount(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve) => (this.allWaiter = { n, resolve }));
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** A message like the deliverer's generic webhook, signed the same way. */
async function postDirect(url: string, key: string, payload: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ id: key, type: 'page.triggered', createdAt: new Date().toISOString(), lang: 'zh', subject: '【值班告警 P0】bench', text: 'x'.repeat(400), links: [], data: payload });
  const t = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': key, 'x-signaldesk-signature': `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}` },
    body,
  });
  await res.text();
  if (!res.ok) throw new Error(`direct POST failed: ${res.status}`);
}

function summary(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function benchOne(kind: 'pglite' | 'postgres', sizes: Sizes, baseUrl?: string): Promise<void> {
  const fresh = kind === 'postgres' ? await freshPostgresDatabase(baseUrl as string) : null;
  const receiver = await new Receiver().start();
  const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', ...(fresh ? { databaseUrl: fresh.url } : { dataDir: 'memory://' }) });
  const server = await startServer(config, { logger: false, background: { channels: { ratePerMinute: { email: 0, sms: 0, voice: 0, dingtalk: 0, feishu: 0, wecom: 0, slack: 0, webhook: 0 } } } });
  const api = new ApiClient(server.url);
  try {
    const oncall = await makeUser(api, { role: 'agent', level: 'L2' });
    const c = await api.post(`/api/v1/users/${oncall.id}/contact-methods`, { type: 'webhook', kind: 'generic', address: `${receiver.url}/hook`, secret: SECRET }, ADMIN_TOKEN);
    if (c.status !== 201) throw new Error(`contact: ${c.status} ${JSON.stringify(c.body)}`);
    const policy = await api.post('/api/v1/escalation-policies', { name: 'bench', steps: [{ targets: [{ type: 'user', id: oncall.id }], ackTimeoutMinutes: 30 }] }, ADMIN_TOKEN);
    if (policy.status !== 201) throw new Error(`policy: ${policy.status}`);

    // Warm both paths (connections, JIT).
    for (let i = 0; i < 5; i++) {
      await postDirect(`${receiver.url}/hook`, `warm-${i}`, { bench: `warm-${i}` });
      const p = await api.post('/api/v1/pages', { title: `warm ${i}`, policyId: policy.body.id }, oncall.token);
      await receiver.arrival(p.body.id);
    }

    // 1. Latency, one at a time.
    const direct: number[] = [];
    const paged: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < sizes.pages; i++) {
      const key = `direct-${i}`;
      const t0 = performance.now();
      await postDirect(`${receiver.url}/hook`, key, { bench: key });
      direct.push((await receiver.arrival(key)) - t0);

      const t1 = performance.now();
      const res = await api.post('/api/v1/pages', { title: `Bench page ${i}`, titleZh: `压测告警 ${i}`, policyId: policy.body.id, severity: 'P0' }, oncall.token);
      if (res.status !== 201) throw new Error(`page: ${res.status} ${JSON.stringify(res.body)}`);
      answered.push(performance.now() - t1);
      paged.push((await receiver.arrival(res.body.id)) - t1);
    }
    const d = summary(direct);
    const p = summary(paged);
    const a = summary(answered);
    console.log(
      `${kind.padEnd(8)} page → first webhook: p50 ${fmt(p.p50, 1)} ms, p99 ${fmt(p.p99, 1)} ms  vs direct POST p50 ${fmt(d.p50, 2)} ms, p99 ${fmt(d.p99, 2)} ms → ratio p50 ${fmt(p.p50 / d.p50, 1)}×, p99 ${fmt(p.p99 / d.p99, 1)}× (n=${sizes.pages}; of which the API answer p50 ${fmt(a.p50, 1)} ms)`,
    );

    // 2. Throughput: the receiver called directly, then the deliverer draining the same number.
    const before = receiver.count;
    const t2 = performance.now();
    await pool(sizes.messages, sizes.concurrency, async (i) => postDirect(`${receiver.url}/hook`, `tput-direct-${i}`, { bench: `tput-direct-${i}` }));
    const directRate = sizes.messages / ((performance.now() - t2) / 1000);

    const now = new Date();
    await server.ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < sizes.messages; i++) {
        await enqueueNotification(tx, now, `bench:${kind}:${i}`, { channel: 'webhook', to: `${receiver.url}/hook`, contactId: c.body.id, template: 'test', vars: { title: `bench ${i}` }, lang: 'zh', event: { type: 'bench', data: { bench: `tput-${i}` } } });
      }
    });
    const target = receiver.count + sizes.messages;
    const t3 = performance.now();
    server.background.outbox.wake();
    await receiver.untilCount(target);
    const outboxRate = sizes.messages / ((performance.now() - t3) / 1000);
    if (receiver.count - before !== 2 * sizes.messages) throw new Error(`expected ${2 * sizes.messages} deliveries, the receiver counted ${receiver.count - before}`);
    console.log(
      `${kind.padEnd(8)} outbox throughput: ${fmt(outboxRate)} deliveries/s vs direct POST ${fmt(directRate)} req/s → ratio ${fmt(outboxRate / directRate, 2)} (concurrency ${sizes.concurrency}, n=${sizes.messages})`,
    );
  } finally {
    await server.stop();
    await receiver.close();
    await fresh?.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const smoke = args.includes('--smoke');
  const sizes: Sizes = smoke ? { pages: 30, messages: 300, concurrency: 16 } : { pages: 300, messages: 5_000, concurrency: 16 };
  await benchOne('pglite', sizes);
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) await benchOne('postgres', sizes, url);
  else console.log('postgres: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
}

const invoked = process.argv[1] ?? '';
if (invoked.endsWith('paging.ts') && !invoked.endsWith('run.ts')) await main(process.argv.slice(2));
