/**
 * The JetStream telemetry consumer (telemetry.md "Transport"): subject `signaldesk.telemetry.<app>`,
 * each message NDJSON of one or more records. On start the stream `SIGNALDESK_TELEMETRY` on
 * `signaldesk.telemetry.>` is created if it is missing, and a durable pull consumer
 * (`signaldesk-ingest`, explicit acks) is bound; several processes sharing the durable split the
 * messages between them. Every message is acknowledged after it went through the pipeline — a bad
 * line is logged and counted, a message that is not NDJSON at all too, and neither is redelivered:
 * nothing can poison the consumer.
 */
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Log } from '../jobs/loop.ts';
import type { IngestRuntime } from './runtime.ts';

export const TELEMETRY_STREAM = 'SIGNALDESK_TELEMETRY';
export const TELEMETRY_SUBJECTS = 'signaldesk.telemetry.>';
export const TELEMETRY_DURABLE = 'signaldesk-ingest';

export interface ConsumerOptions {
  servers: string;
  log: Log;
  durable?: string;
  /** Messages pulled per request (default 256). */
  batch?: number;
}

export interface JetStreamConsumer {
  stop(): Promise<void>;
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number; code?: number }; message?: string };
  return e?.api_error?.code === 404 || e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || /not found/i.test(String(e?.message ?? ''));
}

/** Creates the telemetry stream unless it exists. */
export async function ensureStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(TELEMETRY_STREAM);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add({ name: TELEMETRY_STREAM, subjects: [TELEMETRY_SUBJECTS] });
    } catch (e) {
      // Another process created it in between.
      await jsm.streams.info(TELEMETRY_STREAM).catch(() => {
        throw e;
      });
    }
  }
}

async function ensureConsumer(jsm: JetStreamManager, durable: string): Promise<void> {
  try {
    await jsm.consumers.info(TELEMETRY_STREAM, durable);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.consumers.add(TELEMETRY_STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000, ack_wait: 60_000_000_000 });
    } catch (e) {
      await jsm.consumers.info(TELEMETRY_STREAM, durable).catch(() => {
        throw e;
      });
    }
  }
}

export async function startJetStreamConsumer(rt: IngestRuntime, opts: ConsumerOptions): Promise<JetStreamConsumer> {
  const durable = opts.durable ?? TELEMETRY_DURABLE;
  const nc = await connect({ servers: opts.servers, name: `signaldesk-ingest-${process.pid}` });
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm);
  await ensureConsumer(jsm, durable);
  const consumer = await jetstream(nc).consumers.get(TELEMETRY_STREAM, durable);
  const messages = await consumer.consume({ max_messages: opts.batch ?? 256 });
  let badLogged = 0;

  const handle = (m: JsMsg): void => {
    rt.counters.natsMessages++;
    try {
      const r = rt.ingestNdjson(m.string());
      if (r.notNdjson) {
        rt.counters.natsBadMessages++;
        if (badLogged++ < 100) opts.log.warn({ subject: m.subject, seq: m.seq, errors: r.errors.slice(0, 3) }, 'telemetry: a JetStream message is not NDJSON; acknowledged and dropped');
      } else if (r.rejected > 0) {
        rt.counters.natsBadLines += r.rejected;
        if (badLogged++ < 100) opts.log.warn({ subject: m.subject, seq: m.seq, rejected: r.rejected, errors: r.errors.slice(0, 3) }, 'telemetry: bad lines in a JetStream message');
      }
    } catch (err) {
      rt.counters.natsBadMessages++;
      opts.log.error({ err, subject: m.subject, seq: m.seq }, 'telemetry: a JetStream message failed; acknowledged and dropped');
    } finally {
      m.ack();
    }
  };

  const loop = (async () => {
    for await (const m of messages) handle(m);
  })().catch((err: unknown) => opts.log.error({ err }, 'telemetry: the JetStream consumer stopped'));
  opts.log.info({ stream: TELEMETRY_STREAM, durable }, 'telemetry: JetStream consumer running');

  return {
    async stop() {
      await messages.close();
      await loop;
      await nc.drain();
    },
  };
}
