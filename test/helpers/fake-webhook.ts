/**
 * A local HTTP receiver that speaks like the real ones: DingTalk and Feishu robots (verifying
 * their signatures and answering with their error codes), WeCom, Slack, a generic signed webhook,
 * and an SMS/voice provider (API key header). It can fail on purpose, and it behaves like an
 * idempotent application: `applied` holds each Idempotency-Key once, however often it arrives.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  key: string | null;
  /** whether the signature (or key) checked out; null when the endpoint is not signed */
  verified: boolean | null;
  status: number;
  at: number;
}

export interface FakeWebhookOptions {
  dingtalkSecret?: string;
  feishuSecret?: string;
  genericSecret?: string;
  providerKey?: string;
  /** answer 500 to the first N requests of each Idempotency-Key, before the application sees them */
  failFirst?: number;
  /** apply the message, then answer 500 anyway (a lost answer) for the first N requests of each key */
  loseAnswerFirst?: number;
  /** milliseconds to wait before answering */
  delayMs?: number;
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class FakeWebhook {
  readonly requests: Received[] = [];
  /** what the application accepted, once per Idempotency-Key */
  readonly applied = new Map<string, Received>();
  private readonly seen = new Map<string, number>();
  private server: Server | null = null;
  url = '';
  private waiters: Array<() => void> = [];

  constructor(public options: FakeWebhookOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        void this.handle(req.url ?? '/', req.headers, body).then(({ status, answer, type }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(answer);
          for (const w of this.waiters.splice(0)) w();
        });
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  private verify(path: string, query: URLSearchParams, headers: IncomingHttpHeaders, body: string, json: any): boolean | null {
    const o = this.options;
    switch (path) {
      case '/dingtalk': {
        if (!o.dingtalkSecret) return null;
        const ts = query.get('timestamp') ?? '';
        const sign = query.get('sign') ?? '';
        const expected = createHmac('sha256', o.dingtalkSecret).update(`${ts}\n${o.dingtalkSecret}`).digest('base64');
        return ts !== '' && safeEqual(sign, expected);
      }
      case '/feishu': {
        if (!o.feishuSecret) return null;
        const ts = String(json?.timestamp ?? '');
        const expected = createHmac('sha256', `${ts}\n${o.feishuSecret}`).update('').digest('base64');
        return ts !== '' && safeEqual(String(json?.sign ?? ''), expected);
      }
      case '/generic': {
        if (!o.genericSecret) return null;
        const header = String(headers['x-signaldesk-signature'] ?? '');
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
        if (!m) return false;
        const expected = createHmac('sha256', o.genericSecret).update(`${m[1]}.${body}`).digest('hex');
        return safeEqual(m[2] as string, expected);
      }
      case '/provider':
        if (!o.providerKey) return null;
        return safeEqual(String(headers['x-api-key'] ?? ''), o.providerKey);
      default:
        return null;
    }
  }

  /** Checks the message shape each platform requires; a reason when it is wrong. */
  private shapeError(path: string, json: any): string | null {
    switch (path) {
      case '/dingtalk':
        return json?.msgtype === 'markdown' && typeof json.markdown?.title === 'string' && typeof json.markdown?.text === 'string' ? null : 'not a markdown message';
      case '/feishu':
        if (json?.msg_type === 'interactive') return json.card?.header?.title?.content && Array.isArray(json.card?.elements) ? null : 'bad card';
        return json?.msg_type === 'text' && typeof json.content?.text === 'string' ? null : 'unknown msg_type';
      case '/wecom':
        return json?.msgtype === 'markdown' && typeof json.markdown?.content === 'string' ? null : 'not a markdown message';
      case '/slack':
        return typeof json?.text === 'string' || Array.isArray(json?.blocks) ? null : 'no text or blocks';
      default:
        return null;
    }
  }

  private async handle(rawUrl: string, headers: IncomingHttpHeaders, body: string): Promise<{ status: number; answer: string; type: string }> {
    const u = new URL(rawUrl, 'http://x');
    const path = u.pathname;
    let json: any = null;
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
    const key = (headers['idempotency-key'] as string | undefined) ?? null;
    const verified = this.verify(path, u.searchParams, headers, body, json);
    const record: Received = { path, query: u.searchParams, headers, body, json, key, verified, status: 0, at: Date.now() };
    this.requests.push(record);
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    const n = (this.seen.get(key ?? '') ?? 0) + 1;
    this.seen.set(key ?? '', n);
    const done = (status: number, answer: unknown, type = 'application/json') => {
      record.status = status;
      return { status, answer: typeof answer === 'string' ? answer : JSON.stringify(answer), type };
    };
    if (n <= (this.options.failFirst ?? 0)) return done(500, { error: 'temporarily unavailable' });
    const shape = this.shapeError(path, json);
    switch (path) {
      case '/dingtalk':
        if (verified === false) return done(200, { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
        if (shape) return done(200, { errcode: 40035, errmsg: shape });
        break;
      case '/feishu':
        if (verified === false) return done(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' });
        if (shape) return done(200, { code: 9499, msg: shape });
        break;
      case '/wecom':
        if (!u.searchParams.get('key')) return done(200, { errcode: 93000, errmsg: 'invalid webhook url' });
        if (shape) return done(200, { errcode: 40008, errmsg: shape });
        break;
      case '/slack':
        if (shape) return done(400, 'invalid_payload', 'text/plain');
        break;
      case '/generic':
      case '/provider':
        if (verified === false) return done(401, { error: 'bad signature' });
        break;
      default:
        return done(404, { error: 'no such endpoint' });
    }
    // The application: apply each message once.
    if (key && !this.applied.has(key)) this.applied.set(key, record);
    if (n <= (this.options.failFirst ?? 0) + (this.options.loseAnswerFirst ?? 0)) return done(500, { error: 'lost answer' });
    switch (path) {
      case '/dingtalk':
      case '/wecom':
        return done(200, { errcode: 0, errmsg: 'ok' });
      case '/feishu':
        return done(200, { code: 0, msg: 'success', data: {} });
      case '/slack':
        return done(200, 'ok', 'text/plain');
      case '/generic':
      case '/provider':
        return done(200, { ok: true });
    }
  }

  /** Resolves once `pred()` holds (checked after every request), or rejects after `timeoutMs`. */
  async waitFor(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!pred()) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`fake webhook: condition not met within ${timeoutMs} ms (${this.requests.length} requests)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reset(): void {
    this.requests.length = 0;
    this.applied.clear();
    this.seen.clear();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
