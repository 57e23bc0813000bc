import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/services.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts';
import { makeTenant } from '../helpers/fixtures.ts';

describe.each(dialects())('sign-in and sessions on $name', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function login(handle: string, password: string) {
    const res = await fetch(`${t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle, password }) });
    return { res, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', setCookie: res.headers.get('set-cookie') ?? '' };
  }

  it('creates the bootstrap admin with exactly the given token', async () => {
    const me = await t.api.get('/api/v1/me', ADMIN_TOKEN);
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('admin');
  });

  it('signs in with a scrypt-hashed password into an httpOnly SameSite session cookie', async () => {
    const { org } = await makeTenant(t.api);
    const res = await t.api.post('/api/v1/users', { handle: 'pw.user', name: 'P', email: 'p@example.com', role: 'customer', orgId: org.id, password: 'correct horse battery' }, ADMIN_TOKEN);
    expect(res.status).toBe(201);
    const row = await t.server.ctx.db.selectFrom('users').select('password_hash').where('handle', '=', 'pw.user').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('correct horse');

    expect((await login('pw.user', 'wrong password')).res.status).toBe(401);
    expect((await login('nobody', 'whatever1')).res.status).toBe(401);
    const ok = await login('pw.user', 'correct horse battery');
    expect(ok.res.status).toBe(200);
    expect(ok.setCookie).toMatch(/HttpOnly/i);
    expect(ok.setCookie).toMatch(/SameSite=Lax/i);

    const me = await fetch(`${t.url}/api/v1/me`, { headers: { cookie: ok.cookie } });
    expect(((await me.json()) as any).user.handle).toBe('pw.user');

    // A write carried by the cookie alone (as a cross-site form would) is refused.
    const forged = await fetch(`${t.url}/api/v1/tickets`, { method: 'POST', headers: { cookie: ok.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 's', body: 'b', priority: 'P3' }) });
    expect(forged.status).toBe(403);
    const real = await fetch(`${t.url}/api/v1/tickets`, { method: 'POST', headers: { cookie: ok.cookie, 'content-type': 'application/json', 'x-requested-with': 'signaldesk' }, body: JSON.stringify({ subject: 's', body: 'b', priority: 'P3' }) });
    expect(real.status).toBe(201);
    expect(((await real.json()) as any).channel).toBe('portal');

    const out = await fetch(`${t.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: ok.cookie, 'x-requested-with': 'signaldesk' } });
    expect(out.status).toBe(204);
    expect((await fetch(`${t.url}/api/v1/me`, { headers: { cookie: ok.cookie } })).status).toBe(401);
  });

  it('rate-limits repeated failed logins for one handle', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login('brute.target', `guess-${i}`)).res.status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
