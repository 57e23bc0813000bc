/**
 * Ticket creation and queue listing through the HTTP API, on PGlite and (when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set) PostgreSQL, beside a baseline measured in the same run: plain single-row
 * INSERTs into the same table through the driver. Then the queue over a large table: p50/p95 of a
 * page of the agent queue.
 */
import { sql } from 'kysely';
import { configFromEnv } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { freshPostgresDatabase } from '../test/helpers/services.ts';
import { ADMIN_TOKEN, ApiClient } from '../test/helpers/server.ts';
import { makeTenant, makeUser } from '../test/helpers/fixtures.ts';
import { fmt, percentile, pool } from './stats.ts';
import { randomUUID } from 'node:crypto';

interface Sizes {
  creates: number;
  queueRows: number;
  queueRequests: number;
  concurrency: number;
}

async function benchOne(kind: 'pglite' | 'postgres', sizes: Sizes, baseUrl?: string) {
  const fresh = kind === 'postgres' ? await freshPostgresDatabase(baseUrl as string) : null;
  const config = configFromEnv({}, { port: 0, host: '127.0.0.1', bootstrapToken: ADMIN_TOKEN, logLevel: 'silent', ...(fresh ? { databaseUrl: fresh.url } : { dataDir: 'memory://' }) });
  const server = await startServer(config, { logger: false });
  const api = new ApiClient(server.url);
  try {
    const { org, customer } = await makeTenant(api);
    await makeUser(api, { role: 'agent', level: 'L1' });
    const agent = await makeUser(api, { role: 'agent', level: 'L1' });
    const db = server.ctx.db;

    // Baseline: one INSERT statement per ticket row, through the same driver, same concurrency.
    const t0 = performance.now();
    await pool(sizes.creates, sizes.concurrency, async () => {
      const now = new Date();
      await sql`insert into tickets (id, org_id, requester_id, subject, description, priority, status, channel, level, rtc, tags, incident_ids, created_at, updated_at)
        values (${randomUUID()}, ${org.id}, ${customer.id}, ${'bench subject'}, ${'bench body'}, 'P2', 'new', 'api', 'L1', '{}', '[]', '[]', ${now}, ${now})`.execute(db);
    });
    const rawRate = sizes.creates / ((performance.now() - t0) / 1000);

    const t1 = performance.now();
    await pool(sizes.creates, sizes.concurrency, async (i) => {
      const res = await api.post('/api/v1/tickets', { subject: `bench ${i}`, body: '卡顿 after upgrade to 4.2.1', priority: 'P2', rtc: { appId: 'app-bench', sdkVersion: '4.2.1', os: 'android' } }, customer.token);
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    });
    const apiRate = sizes.creates / ((performance.now() - t1) / 1000);
    console.log(`${kind.padEnd(8)} create: API ${fmt(apiRate)} tickets/s vs raw INSERT ${fmt(rawRate)} rows/s → ratio ${fmt(apiRate / rawRate, 2)} (concurrency ${sizes.concurrency}, n=${sizes.creates})`);

    // Fill the table up to the queue size with set-based inserts, then time queue pages.
    const have = Number((await db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const chunk = 100_000;
    for (let done = have; done < sizes.queueRows; done += chunk) {
      const n = Math.min(chunk, sizes.queueRows - done);
      await sql`insert into tickets (id, org_id, requester_id, subject, description, priority, status, channel, level, rtc, tags, incident_ids, created_at, updated_at)
        select gen_random_uuid()::text, ${org.id}, ${customer.id}, 'filler ' || g, 'filler', (array['P0','P1','P2','P3'])[1 + g % 4], (array['new','open','pending','solved'])[1 + g % 4], 'api', 'L1', '{}', '[]', '[]',
               now() - (g || ' seconds')::interval, now()
        from generate_series(1, ${n}) g`.execute(db);
    }
    await sql`analyze tickets`.execute(db);
    const queries = ['/api/v1/tickets?limit=50', '/api/v1/tickets?status=new,open&limit=50', `/api/v1/tickets?orgId=${org.id}&limit=50`];
    for (const q of queries) {
      const times: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < sizes.queueRequests; i++) {
        const page: string | null = i % 5 === 0 ? null : cursor; // mostly deeper pages via the cursor
        const s = performance.now();
        const res: { status: number; body: { nextCursor: string | null } } = await api.get(`${q}${page ? `&cursor=${page}` : ''}`, agent.token);
        times.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`queue failed: ${res.status} ${JSON.stringify(res.body)}`);
        cursor = res.body.nextCursor;
      }
      times.sort((a, b) => a - b);
      console.log(`${kind.padEnd(8)} queue over ${fmt(sizes.queueRows)} tickets ${q.replace(/orgId=[^&]+/, 'orgId=…')}: p50 ${fmt(percentile(times, 50), 1)} ms, p95 ${fmt(percentile(times, 95), 1)} ms`);
    }
  } finally {
    await server.stop();
    await fresh?.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const smoke = args.includes('--smoke');
  const sizes: Sizes = smoke ? { creates: 200, queueRows: 5_000, queueRequests: 20, concurrency: 8 } : { creates: 3_000, queueRows: 1_000_000, queueRequests: 200, concurrency: 8 };
  await benchOne('pglite', smoke ? sizes : { ...sizes, queueRows: 200_000 });
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) await benchOne('postgres', sizes, url);
  else console.log('postgres: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
}
