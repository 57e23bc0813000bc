import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFor, type IngestRuntime } from '../../src/ingest/runtime.ts';
import { TELEMETRY_DURABLE, TELEMETRY_STREAM } from '../../src/ingest/nats.ts';
import { dialects, servicesRequired } from '../helpers/services.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** NATS with JetStream for this suite: skipped with a message on a laptop, required in CI. */
function natsUrl(): string | null {
  const url = process.env.TEST_NATS_URL ?? null;
  if (!url) {
    if (servicesRequired) throw new Error('TEST_NATS_URL is required when CI or REQUIRE_SERVICES is set');
    console.warn('[skip] TEST_NATS_URL is not set: the JetStream suite is skipped');
  }
  return url;
}
const NATS = natsUrl();

function record(i: number, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    v: 1, ts: Date.now(), type: 'stats', app: 'app-js', cid: 'c', sid: `s${i}`, country: 'BR', isp: 'Vivo', net: 'wifi', os: 'ios',
    sdk: '4.3.0', edge: 'edge-gru-1', intervalMs: 5000, rttMs: 70, jitterMs: 8, lossPct: 0.5, aMs: 5000, aFreezeMs: 0, vMs: 5000, vFreezeMs: 0, ...over,
  });
}

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the consumer');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!NATS).each(dialects())('JetStream telemetry consumer on $name', (dialect) => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let t: TestServer;
  let rt: IngestRuntime;

  beforeAll(async () => {
    nc = await connect({ servers: NATS as string });
    jsm = await jetstreamManager(nc);
    // Start from nothing: the server must create the stream and its durable consumer itself.
    await jsm.streams.delete(TELEMETRY_STREAM).catch(() => false);
    t = await startTestServer(dialect, { config: { natsUrl: NATS as string } });
    rt = ingestFor(t.server.ctx.db) as IngestRuntime;
  });
  afterAll(async () => {
    await t?.stop();
    await nc?.drain();
  });

  it('creates the stream on signaldesk.telemetry.> and a durable pull consumer', async () => {
    const s = await jsm.streams.info(TELEMETRY_STREAM);
    expect(s.config.subjects).toEqual(['signaldesk.telemetry.>']);
    const c = await jsm.consumers.info(TELEMETRY_STREAM, TELEMETRY_DURABLE);
    expect(c.config.durable_name).toBe(TELEMETRY_DURABLE);
    expect(c.config.ack_policy).toBe('explicit');
  });

  it('ingests NDJSON messages of several records end to end and acknowledges them', async () => {
    const js = jetstream(nc);
    const before = rt.counters.accepted;
    for (let m = 0; m < 10; m++) {
      const lines = Array.from({ length: 50 }, (_, i) => record(m * 50 + i));
      await js.publish('signaldesk.telemetry.app-js', lines.join('\n') + '\n');
    }
    await until(() => rt.counters.accepted - before >= 500);
    expect(rt.counters.accepted - before).toBe(500);
    await until(async () => {
      const c = await jsm.consumers.info(TELEMETRY_STREAM, TELEMETRY_DURABLE);
      return c.num_pending === 0 && c.num_ack_pending === 0;
    });
  });

  it('logs and counts bad lines and non-NDJSON messages without poisoning the consumer', async () => {
    const js = jetstream(nc);
    const c0 = { ...rt.counters };
    await js.publish('signaldesk.telemetry.app-js', [record(1), '{broken', record(2, { lossPct: -1 }), record(3)].join('\n'));
    await js.publish('signaldesk.telemetry.app-js', 'this is not ndjson at all');
    await js.publish('signaldesk.telemetry.app-js', new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]));
    await js.publish('signaldesk.telemetry.app-js', record(4));
    await until(() => rt.counters.natsMessages - c0.natsMessages >= 4);
    expect(rt.counters.accepted - c0.accepted).toBe(3);
    expect(rt.counters.natsBadLines - c0.natsBadLines).toBe(2);
    expect(rt.counters.natsBadMessages - c0.natsBadMessages).toBe(2);
    // Everything acknowledged: nothing waits for redelivery.
    await until(async () => (await jsm.consumers.info(TELEMETRY_STREAM, TELEMETRY_DURABLE)).num_ack_pending === 0);
    const info = await jsm.consumers.info(TELEMETRY_STREAM, TELEMETRY_DURABLE);
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });
});
