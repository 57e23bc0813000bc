/**
 * The background work of one server process: the durable timer runner and the outbox deliverer,
 * each polling the database (claims are leased rows, so several processes can run them side by
 * side). Tests drive them with `tick()` and a virtual clock; `poll: false` keeps the loops off.
 */
import { Channels, channelConfigFromEnv, type ChannelConfig } from '../channels/index.ts';
import type { Ctx } from '../services/context.ts';
import { PAGE_STEP_TIMER, pageStepTimer } from '../services/paging.ts';
// Outbox topics of the status page and customer notices register themselves on import.
import '../services/statuspage.ts';
import '../services/customer-notify.ts';
import { auditorConfigFromEnv, EscalationAuditor, type AuditorOptions } from './auditor.ts';
import type { Database } from '../store/db.ts';
import { silentLog, type Log } from './loop.ts';
import { OutboxDeliverer, type DeliveryStats, type DelivererOptions } from './outbox.ts';
import { TimerRunner, type TimerRunnerOptions } from './timers.ts';

export interface BackgroundOptions {
  /** run the poll loops (default true); false: only `tick()` moves anything */
  poll?: boolean;
  timers?: TimerRunnerOptions;
  outbox?: DelivererOptions;
  /** overrides of the channel configuration read from the environment */
  channels?: Partial<ChannelConfig>;
  /** the escalation auditor (defaults from SIGNALDESK_HEARTBEAT_URL, SIGNALDESK_AUDITOR_INTERVAL_MS) */
  auditor?: AuditorOptions;
  log?: Log;
}

export interface Background {
  timers: TimerRunner;
  outbox: OutboxDeliverer;
  channels: Channels;
  /** the periodic escalation auditor (not part of `tick()`; call `auditor.tick()`) */
  auditor: EscalationAuditor;
  /** fires the due timers, then delivers the due messages (what one poll of each does) */
  tick(): Promise<{ fired: number; delivery: DeliveryStats }>;
  /** starts the poll loops (after `pause`, or when created with poll: false) */
  start(): void;
  /** stops the poll loops, waiting for the round in flight; `tick()` still works */
  pause(): Promise<void>;
  /** pause, and close the channels' connections */
  stop(): Promise<void>;
}

const running = new WeakMap<Database, Background>();

/** Wakes this process's deliverer for `db` (after a commit that enqueued something). */
export function nudgeDelivery(db: Database): void {
  running.get(db)?.outbox.wake();
}

export function startBackground(ctx: Ctx, opts: BackgroundOptions = {}): Background {
  const log = opts.log ?? silentLog;
  const channels = new Channels({ ...channelConfigFromEnv(), ...opts.channels }, ctx.clock);
  const outbox = new OutboxDeliverer(ctx, channels, { log, ...opts.outbox });
  const timers = new TimerRunner(ctx, { log, onFired: () => outbox.wake(), ...opts.timers });
  timers.register(PAGE_STEP_TIMER, pageStepTimer);
  const auditor = new EscalationAuditor(ctx, { log, ...auditorConfigFromEnv(), ...opts.auditor });
  const bg: Background = {
    timers,
    outbox,
    channels,
    auditor,
    async tick() {
      const fired = await timers.tick();
      const delivery = await outbox.tick();
      return { fired, delivery };
    },
    start() {
      timers.start();
      outbox.start();
      auditor.start();
    },
    async pause() {
      await Promise.all([timers.stop(), outbox.stop(), auditor.stop()]);
    },
    async stop() {
      await bg.pause();
      channels.close();
      if (running.get(ctx.db) === bg) running.delete(ctx.db);
    },
  };
  running.set(ctx.db, bg);
  if (opts.poll !== false) bg.start();
  return bg;
}
