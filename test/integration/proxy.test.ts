import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.ts';
import { dialects } from '../helpers/services.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// The public status feed allows 120 requests a minute per client address.
const LIMIT = 120;
const pglite = dialects()[0]!;

async function burst(t: TestServer, forwardedFor: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await t.api.call('GET', '/api/v1/public/status.json', { token: null, headers: { 'x-forwarded-for': forwardedFor } })).status);
  return statuses;
}

describe('client addresses behind a reverse proxy', () => {
  let direct: TestServer;
  let proxied: TestServer;
  let oneHop: TestServer;
  beforeAll(async () => {
    direct = await startTestServer(pglite);
    proxied = await startTestServer(pglite, { config: { trustProxy: ['127.0.0.1'] } });
    oneHop = await startTestServer(pglite, { config: { trustProxy: 1 } });
  }, 60_000);
  afterAll(async () => {
    await direct?.stop();
    await proxied?.stop();
    await oneHop?.stop();
  });

  it('ignores X-Forwarded-For from an untrusted peer: a client cannot dodge a rate limit by forging it', async () => {
    const statuses = [...(await burst(direct, '203.0.113.1', LIMIT)), ...(await burst(direct, '203.0.113.2', 1))];
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
  });

  it('limits each client on its own behind a trusted proxy', async () => {
    const first = await burst(proxied, '203.0.113.1', LIMIT + 1);
    expect(first.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    expect(first[LIMIT]).toBe(429);
    // Another client behind the same proxy is not limited by the first one's requests.
    expect(await burst(proxied, '198.51.100.7', 1)).toEqual([200]);
  });

  it('with a hop count, believes only the address the trusted proxy added (not one the client forged before it)', async () => {
    // The client forged the first entry; the proxy appended the address it saw.
    const statuses = [...(await burst(oneHop, '192.0.2.1, 203.0.113.9', LIMIT)), ...(await burst(oneHop, '192.0.2.2, 203.0.113.9', 1))];
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
    expect(await burst(oneHop, '192.0.2.1, 198.51.100.8', 1)).toEqual([200]);
  });

  it('reads SIGNALDESK_TRUST_PROXY as a hop count or addresses, and refuses anything else', () => {
    expect(configFromEnv({}).trustProxy).toBe(false);
    expect(configFromEnv({ SIGNALDESK_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(configFromEnv({ SIGNALDESK_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => configFromEnv({ SIGNALDESK_TRUST_PROXY: 'true' })).toThrow(/SIGNALDESK_TRUST_PROXY/);
    expect(() => configFromEnv({ SIGNALDESK_TRUST_PROXY: 'proxy.internal' })).toThrow(/hop count or proxy addresses/);
  });
});
