/**
 * The SLA engine under load, each figure beside a baseline measured in the same run:
 *
 * 1. clocks: `evaluateClocks` per second over seeded, realistic ticket histories (5–40 events:
 *    replies, notes, pauses, holds, solves, reopens, closes, priority changes) on the Asia/Shanghai
 *    business calendar with holidays and make-up working days — beside the same loop on the 24×7
 *    calendar and the same loop that only sums the gaps between events (what a pass over the
 *    events costs without any SLA logic). business ÷ 24×7 is what the calendar math costs.
 * 2. recompute: `recomputeTickets` over 100,000 open tickets after a calendar edit on PostgreSQL
 *    (BENCH_DATABASE_URL or TEST_DATABASE_URL; skipped when neither is set), tickets and events
 *    inserted set-based into a fresh database — beside a baseline that only reads the same events
 *    in the same chunks.
 * 3. timers: 10,000 durable timers due within one minute on the real clock, fired by the
 *    `TimerRunner` of src/jobs/timers.ts; lag = fire time − due time (p50, p99, max).
 *
 * `--smoke`: 1,000 histories, 2,000 tickets, 500 timers in 5 s.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { configFromEnv } from '../src/config.ts';
import type { Clock } from '../src/domain/clock.ts';
import { compileCalendar, type BusinessCalendarSpec, type Period, type WorkCalendar } from '../src/domain/sla/calendar.ts';
import { evaluateClocks, type SlaEvent, type SlaTargets } from '../src/domain/sla/clocks.ts';
import { DEFAULT_POLICY, resolvePolicyRow } from '../src/domain/sla/policy.ts';
import { PRIORITIES, type StatusCode } from '../src/domain/tickets.ts';
import { TIERS } from '../src/domain/people.ts';
import type { Ctx } from '../src/services/context.ts';
import { DEFAULT_CALENDAR_ID, ensureSlaDefaults, evaluateTicketSla, loadSlaSettings, recomputeTickets, type StoredEvent } from '../src/services/sla.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { eventsForTickets } from '../src/store/repos/sla.ts';
import { freshPostgresDatabase } from '../test/helpers/services.ts';
import { fmt, percentile } from './stats.ts';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const OFFICE: readonly Period[] = [
  ['09:00', '12:00'],
  ['13:30', '18:00'],
];

/** Shanghai office hours with the autumn 2026 holidays and their make-up working days (调休). */
export const BENCH_CALENDAR: BusinessCalendarSpec = {
  timezone: 'Asia/Shanghai',
  week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] },
  holidays: ['2026-09-25', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2027-01-01'],
  workdays: [
    { date: '2026-09-20', hours: OFFICE }, // a Sunday worked for the National Day week
    { date: '2026-10-10', hours: OFFICE }, // a Saturday worked for the National Day week
  ],
};

/** mulberry32: a small seeded PRNG, so every run generates the same histories. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface History {
  targets: SlaTargets;
  events: SlaEvent[];
  now: Date;
}

/** The targets of the policy cells that count on the business calendar, by tier. */
function businessCells(calendar: BusinessCalendarSpec): SlaTargets[][] {
  return TIERS.map((tier) =>
    PRIORITIES.filter((p) => DEFAULT_POLICY[tier][p].calendar === 'business').map((p) => resolvePolicyRow(DEFAULT_POLICY[tier][p], calendar).targets),
  );
}

/**
 * Seeded ticket histories between September and mid-December 2026 (across the holidays): 5–40
 * events, as the ticket service stores them (a reply that opens a ticket also records the status).
 */
export function generateHistories(count: number, seed: number, calendar: BusinessCalendarSpec = BENCH_CALENDAR): History[] {
  const r = rng(seed);
  const cells = businessCells(calendar).filter((c) => c.length > 0);
  const start = Date.UTC(2026, 8, 1);
  const span = Date.UTC(2026, 11, 15) - start;
  const gap = (): number => {
    const x = r();
    if (x < 0.6) return Math.round((1 + r() * 119) * MIN_MS); // minutes to two hours
    if (x < 0.9) return Math.round((2 + r() * 22) * HOUR_MS); // hours
    return Math.round((1 + r() * 4) * DAY_MS); // days
  };
  const out: History[] = [];
  for (let i = 0; i < count; i++) {
    const tierCells = cells[Math.floor(r() * cells.length)]!;
    const targets = tierCells[Math.floor(r() * tierCells.length)]!;
    const size = 5 + Math.floor(r() * 36); // 5–40 events
    let t = start + Math.floor((r() * span) / MIN_MS) * MIN_MS;
    const events: SlaEvent[] = [{ at: new Date(t), type: 'created' }];
    let status = 'new' as StatusCode; // (assigned in the closures below too)
    const push = (e: SlaEvent): void => {
      if (events.length < size) events.push(e);
    };
    const setStatus = (s: StatusCode): void => {
      status = s;
      push({ at: new Date(t), type: 'status', status: s });
    };
    while (events.length < size && status !== 'closed') {
      t += gap();
      const at = new Date(t);
      if (status === 'solved') {
        if (r() < 0.7 || events.length < 4) {
          push({ at, type: 'customer_reply' }); // a reopen (a close ends the history: not before 5 events)
          setStatus('open');
        } else setStatus('closed');
        continue;
      }
      const x = r();
      if (x < 0.3) {
        push({ at, type: 'agent_reply' });
        if (status === 'new') setStatus('open');
      } else if (x < 0.52) {
        push({ at, type: 'customer_reply' });
        if (status === 'pending') setStatus('open');
      } else if (x < 0.6) push({ at, type: 'internal_note' });
      else if (x < 0.63) push({ at, type: 'auto_reply' });
      else if (x < 0.73) setStatus(status === 'pending' ? 'open' : 'pending');
      else if (x < 0.77) setStatus(status === 'on_hold' ? 'open' : 'on_hold');
      else if (x < 0.83) setStatus('open');
      else if (x < 0.9) push({ at, type: 'targets', targets: tierCells[Math.floor(r() * tierCells.length)]! }); // a priority change
      else setStatus('solved');
    }
    out.push({ targets, events, now: new Date(t + gap()) });
  }
  return out;
}

interface Rate {
  perSecond: number;
  checksum: number;
}

/** Runs `pass` over all histories until `budgetMs` is used (at least 3 passes); the median pass rate. */
function measure(histories: History[], budgetMs: number, pass: (h: History[]) => number): Rate {
  let checksum = pass(histories); // warm-up (JIT, calendar day cache)
  const rates: number[] = [];
  const t0 = performance.now();
  while (rates.length < 3 || performance.now() - t0 < budgetMs) {
    const s = performance.now();
    checksum = pass(histories);
    rates.push(histories.length / ((performance.now() - s) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, checksum };
}

function evaluatePass(calendar: WorkCalendar): (hs: History[]) => number {
  return (hs) => {
    let sum = 0;
    for (const h of hs) {
      const c = evaluateClocks({ calendar, targets: h.targets, events: h.events, now: h.now });
      sum += (c.firstResponse?.elapsedSeconds ?? 0) + (c.resolution?.elapsedSeconds ?? 0) + c.nextReply.length;
    }
    return sum;
  };
}

/** The baseline: the same loop over the same events, only summing the gaps between them. */
function gapsPass(hs: History[]): number {
  let sum = 0;
  for (const h of hs) {
    let prev = (h.events[0]!.at as Date).getTime();
    for (const e of h.events) {
      const at = (e.at as Date).getTime();
      sum += at - prev;
      prev = at;
    }
    sum += h.now.getTime() - prev;
  }
  return sum / 1000;
}

export function benchClocks(count: number, budgetMs: number): void {
  const histories = generateHistories(count, 20261001);
  const events = histories.reduce((a, h) => a + h.events.length, 0);
  const types = new Map<string, number>();
  for (const h of histories) {
    for (const e of h.events) {
      const key = e.type === 'status' ? `status:${e.status}` : e.type;
      types.set(key, (types.get(key) ?? 0) + 1);
    }
  }
  const mix = ['agent_reply', 'customer_reply', 'status:pending', 'status:on_hold', 'status:solved', 'status:closed', 'targets'].map((k) => `${k} ${fmt(types.get(k) ?? 0)}`).join(', ');
  console.log(
    `clocks: ${fmt(count)} seeded histories, ${fmt(events)} events (${fmt(events / count, 1)} per ticket; ${mix}); ` +
      `Asia/Shanghai office hours, ${BENCH_CALENDAR.holidays?.length ?? 0} holidays, ${BENCH_CALENDAR.workdays?.length ?? 0} make-up days`,
  );
  const business = measure(histories, budgetMs, evaluatePass(compileCalendar(BENCH_CALENDAR)));
  const always = measure(histories, budgetMs, evaluatePass(compileCalendar('24x7')));
  const base = measure(histories, budgetMs, gapsPass);
  const us = (r: Rate): string => fmt(1e6 / r.perSecond, 2);
  console.log(`clocks: evaluateClocks, business calendar  ${fmt(business.perSecond).padStart(12)} tickets/s  (${us(business)} µs per ticket)`);
  console.log(`clocks: evaluateClocks, 24×7 calendar      ${fmt(always.perSecond).padStart(12)} tickets/s  (${us(always)} µs per ticket)`);
  console.log(`clocks: baseline, sum of gaps (same loop)  ${fmt(base.perSecond).padStart(12)} tickets/s  (${us(base)} µs per ticket)`);
  console.log(
    `clocks: ratio business ÷ baseline ${fmt(business.perSecond / base.perSecond, 4)} (a full evaluation costs ${fmt(base.perSecond / business.perSecond, 0)}× a bare pass); ` +
      `business ÷ 24×7 ${fmt(business.perSecond / always.perSecond, 2)} (the calendar math: ${fmt(always.perSecond / business.perSecond, 2)}× the 24×7 time)`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Recompute after a calendar edit (PostgreSQL)

const ORGS = 30;

/** Orgs, a requester and `n` open tickets on business-calendar cells, with 4–13 events each, set-based. */
async function seedDesk(store: Store, n: number): Promise<void> {
  const db = store.db;
  await ensureSlaDefaults(db, new Date('2026-09-01T00:00:00Z'));
  await db.updateTable('calendars').set({ spec: JSON.stringify(BENCH_CALENDAR) }).where('id', '=', DEFAULT_CALENDAR_ID).execute();
  await sql`insert into orgs (id, name, tier, industry, timezone, calendar_id, updated_at)
    select 'bench-org-' || k, 'Bench org ' || k, (array['basic','advanced','enterprise'])[1 + k % 3], 'live_streaming', 'Asia/Shanghai', ${DEFAULT_CALENDAR_ID}, now()
    from generate_series(0, ${ORGS - 1}) k`.execute(db);
  await sql`insert into users (id, handle, name, email, role, org_id, updated_at)
    values ('bench-customer', 'bench.customer', 'Bench customer', 'bench@example.com', 'customer', 'bench-org-0', now())`.execute(db);
  // Ticket g belongs to org g % 30, whose tier is (g % 30) % 3: basic when g % 3 = 0. Basic counts
  // every priority on the business calendar; advanced and enterprise only P2 and P3.
  await sql`insert into tickets (id, org_id, requester_id, subject, description, priority, status, channel, level, created_at, updated_at)
    select 'bench-' || g, 'bench-org-' || (g % ${ORGS}), 'bench-customer', 'Bench ticket ' || g, 'bench',
           case when g % 3 = 0 then (array['P0','P1','P2','P3'])[1 + (g / 3) % 4] else (array['P2','P3'])[1 + (g / 3) % 2] end,
           (array['new','open','pending','on_hold'])[1 + (g / 7) % 4], 'api', 'L1', c, c
    from generate_series(1, ${n}) g,
         lateral (select timestamptz '2026-09-01 01:00:00+00' + ((g * 7919) % (100 * 24 * 60)) * interval '1 minute' as c) x`.execute(db);
  // Events: created, then 3–12 more in time order (ids follow the ORDER BY, so history order holds).
  await sql`insert into ticket_events (ticket_id, at, type, actor_id, public, body, data)
    select 'bench-' || g, c + (case when s = 0 then 0 else s * s * 23 + g % 97 end) * interval '1 minute',
           case when s = 0 then 'created'
                else (array['agent_reply','status','customer_reply','internal_note','agent_reply','priority','status','status'])[1 + (g + s) % 8] end,
           null, true, null,
           case when s = 0 then jsonb_build_object('priority', p)
                when (g + s) % 8 = 1 then '{"status":"pending"}'::jsonb
                when (g + s) % 8 = 5 then jsonb_build_object('priority', case when p = 'P2' then 'P3' else 'P2' end)
                when (g + s) % 8 = 6 then '{"status":"on_hold"}'::jsonb
                when (g + s) % 8 = 7 then '{"status":"open"}'::jsonb
                else '{}'::jsonb end
    from (select g, t.created_at as c, t.priority as p from generate_series(1, ${n}) g join tickets t on t.id = 'bench-' || g) tk,
         generate_series(0, 3 + g % 10) s
    order by g, s`.execute(db);
  await sql`insert into ticket_sla (ticket_id, clocks, next_due_at, warn_at, breached, computed_at)
    select id, '{}', null, null, false, now() from tickets`.execute(db);
  await sql`analyze`.execute(db);
}

export async function benchRecompute(n: number): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('recompute: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server)');
    return;
  }
  const fresh = await freshPostgresDatabase(url);
  const store = await openStore({ url: fresh.url });
  try {
    const s0 = performance.now();
    await seedDesk(store, n);
    const events = Number((await store.db.selectFrom('ticket_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    console.log(`recompute: seeded ${fmt(n)} open tickets with ${fmt(events)} events on PostgreSQL in ${fmt((performance.now() - s0) / 1000, 1)} s`);
    const db = store.db;
    // The calendar edit: a new holiday on the default calendar, which every seeded ticket counts on.
    const edited: BusinessCalendarSpec = { ...BENCH_CALENDAR, holidays: [...(BENCH_CALENDAR.holidays ?? []), '2026-12-31'] };
    await db.updateTable('calendars').set({ spec: JSON.stringify(edited), updated_at: new Date() }).where('id', '=', DEFAULT_CALENDAR_ID).execute();
    const now = new Date('2026-12-20T04:00:00Z');
    const q0 = performance.now();
    const ids = (await db.selectFrom('tickets').select('id').where('status', 'in', ['new', 'open', 'pending', 'on_hold']).orderBy('id').execute()).map((r) => r.id);
    const selectMs = performance.now() - q0;
    // Baseline: the same chunks, only reading the events (one query each), no evaluation, no write.
    const b0 = performance.now();
    let read = 0;
    for (let i = 0; i < ids.length; i += 500) read += (await eventsForTickets(db, ids.slice(i, i + 500))).length;
    const baseS = (performance.now() - b0) / 1000;
    // Second baseline: the same reads plus the same evaluation (evaluateTicketSla), but no writes.
    const settings = await loadSlaSettings(db);
    const e0 = performance.now();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const [tickets, evs] = await Promise.all([
        db.selectFrom('tickets as t').innerJoin('orgs as o', 'o.id', 't.org_id').select(['t.id', 't.priority', 't.created_at', 'o.tier', 'o.calendar_id']).where('t.id', 'in', chunk).execute(),
        eventsForTickets(db, chunk),
      ]);
      const byTicket = new Map<string, StoredEvent[]>();
      for (const e of evs) {
        let list = byTicket.get(e.ticket_id);
        if (!list) byTicket.set(e.ticket_id, (list = []));
        list.push(e);
      }
      for (const t of tickets) evaluateTicketSla(settings, { createdAt: t.created_at, priority: t.priority, tier: t.tier, calendarId: t.calendar_id, events: byTicket.get(t.id) ?? [] }, now);
    }
    const evalS = (performance.now() - e0) / 1000;
    // As a calendar edit runs it: in the transaction that saves the calendar (sla-admin.ts).
    const r0 = performance.now();
    const done = await db.transaction().execute((tx) => recomputeTickets(tx, ids, now));
    const recomputeS = (performance.now() - r0) / 1000;
    const armed = Number((await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const breached = Number((await db.selectFrom('ticket_sla').select((eb) => eb.fn.countAll<number>().as('n')).where('breached', '=', true).executeTakeFirstOrThrow()).n);
    console.log(
      `recompute: ${fmt(done)} open tickets after a calendar edit in ${fmt(recomputeS, 2)} s (${fmt(done / recomputeS)} tickets/s, chunks of 500; ` +
        `selecting the ids took ${fmt(selectMs)} ms; ${fmt(breached)} breached, ${fmt(armed)} SLA timers armed)`,
    );
    console.log(`recompute: baseline, reading the same ${fmt(read)} events in the same chunks: ${fmt(baseS, 2)} s → recompute takes ${fmt(recomputeS / baseS, 2)}× the read time`);
    console.log(
      `recompute: baseline, the same reads and evaluateTicketSla without writing: ${fmt(evalS, 2)} s → ratio ${fmt(recomputeS / evalS, 2)}; ` +
        `the writes (ticket_sla upserts, SLA timers) take ${fmt(Math.max(0, recomputeS - evalS), 2)} s`,
    );
  } finally {
    await store.close();
    await fresh.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Timer lag

const TIMERS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/jobs/timers.ts');

export async function benchTimers(kind: 'pglite' | 'postgres', count: number, windowMs: number, url?: string): Promise<void> {
  if (!existsSync(TIMERS_FILE)) {
    console.log('timers: not available yet');
    return;
  }
  const timers = await import('../src/jobs/timers.ts');
  if (typeof timers.TimerRunner !== 'function' || typeof timers.schedule !== 'function') {
    console.log('timers: not available yet');
    return;
  }
  const fresh = kind === 'postgres' ? await freshPostgresDatabase(url as string) : null;
  const store = await openStore(fresh ? { url: fresh.url } : { dataDir: 'memory://' });
  const clock: Clock = { now: () => new Date() };
  const ctx: Ctx = { db: store.db, clock, config: configFromEnv({}, { logLevel: 'silent' }) };
  const lags: number[] = [];
  const baseLags: number[] = [];
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const runner = new timers.TimerRunner(ctx)
    .register('bench.lag', async (_tx, job) => {
      lags.push(Date.now() - job.dueAt.getTime());
    })
    .register('bench.warm', async () => {});
  try {
    // Warm-up, and a probe of what scheduling costs here: 200 timers due now, scheduled and fired
    // once (first-query planning and JIT are not what a running server pays per timer).
    const probe = 200;
    const w0 = performance.now();
    await store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < probe; i++) await timers.schedule(tx, { kind: 'bench.warm', key: `warm:${i}`, dueAt: new Date(), now: new Date() });
    });
    const perTimerMs = (performance.now() - w0) / probe;
    await runner.tick();
    // Due times spread evenly over the window, which starts once every timer is in the table.
    const base = Date.now() + 2_000 + Math.ceil(count * perTimerMs * 1.5);
    const due = (i: number): number => base + Math.floor((i * windowMs) / count);
    const s0 = performance.now();
    await store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < count; i++) await timers.schedule(tx, { kind: 'bench.lag', key: `bench:${i}`, dueAt: new Date(due(i)), now: new Date() });
    });
    const scheduleMs = performance.now() - s0;
    if (Date.now() > base) console.log(`timers: ${kind.padEnd(8)} warning: scheduling overran the start of the window by ${fmt(Date.now() - base)} ms; early lags include it`);
    // Baseline in the same process and window: a plain in-memory setTimeout per timer, same due times.
    for (let i = 0; i < count; i++) {
      const at = due(i);
      const h = setTimeout(() => {
        baseLags.push(Date.now() - at);
        pending.delete(h);
      }, at - Date.now());
      pending.add(h);
    }
    // A 100 ms ticker (a macrotask, like an HTTP request or any timer) notes how long the event
    // loop went without serving it: the longest gap beyond 100 ms is the worst stall.
    const deadline = base + windowMs + 120_000;
    let started = false;
    let last = Date.now();
    let stall = 0;
    while (lags.length < count && Date.now() < deadline) {
      if (!started && Date.now() >= base) {
        runner.start();
        started = true;
      }
      await new Promise((r) => setTimeout(r, started ? 100 : Math.min(100, Math.max(0, base - Date.now()))));
      const t = Date.now();
      if (started) stall = Math.max(stall, t - last - 100);
      last = t;
    }
    await runner.stop();
    const sorted = [...lags].sort((a, b) => a - b);
    const baseSorted = [...baseLags].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const baseP99 = percentile(baseSorted, 99);
    console.log(
      `timers: ${kind.padEnd(8)} ${fmt(lags.length)}/${fmt(count)} durable timers due within ${fmt(windowMs / 1000)} s fired: lag p50 ${fmt(percentile(sorted, 50))} ms, ` +
        `p99 ${fmt(p99)} ms, max ${fmt(sorted[sorted.length - 1] ?? NaN)} ms (TimerRunner defaults: poll 1 s, batch 50; scheduling ${fmt(count)} took ${fmt(scheduleMs)} ms)`,
    );
    console.log(
      `timers: ${kind.padEnd(8)} baseline, in-memory setTimeout at the same due times in the same process: p50 ${fmt(percentile(baseSorted, 50))} ms, p99 ${fmt(baseP99)} ms ` +
        `→ ratio durable ÷ baseline p99 ${baseP99 > 0 ? fmt(p99 / baseP99, 1) : '∞'}; the event loop went up to ${fmt(Math.max(0, stall))} ms without serving a 100 ms ticker`,
    );
  } finally {
    for (const h of pending) clearTimeout(h);
    await runner.stop();
    await store.close();
    await fresh?.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const smoke = args.includes('--smoke');
  benchClocks(smoke ? 1_000 : 10_000, smoke ? 200 : 2_000);
  await benchRecompute(smoke ? 2_000 : 100_000);
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const count = smoke ? 500 : 10_000;
  const windowMs = smoke ? 5_000 : 60_000;
  await benchTimers('pglite', count, windowMs);
  if (url) await benchTimers('postgres', count, windowMs, url);
  else console.log('timers: postgres skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
}
