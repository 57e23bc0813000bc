/**
 * Outgoing webhooks in each receiver's own message format and signing scheme:
 *
 * - DingTalk robot: `msgtype: markdown`; with a secret, `timestamp` (ms) and
 *   `sign = base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret))` as query parameters.
 *   Answers `{"errcode": 0}` on success (HTTP 200 either way).
 * - Feishu/Lark bot: `msg_type: interactive` (a card with buttons); with a secret, `timestamp`
 *   (seconds) and `sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, ""))` in the body.
 *   Answers `{"code": 0}` (older deployments `{"StatusCode": 0}`).
 * - WeCom group bot: `msgtype: markdown`, the key is in the URL, no signature. `{"errcode": 0}`.
 * - Slack incoming webhook: `text` plus Block Kit `blocks`; answers `ok`.
 * - Generic: our JSON event, signed `X-Signaldesk-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
 *   t + "." + body)>`; any 2xx is success.
 *
 * Every request carries `Idempotency-Key` (the outbox key): a retry of the same message repeats it.
 */
import { createHmac } from 'node:crypto';
import type { Link } from '../services/notify/templates.ts';
import { DeliveryError, type Delivery } from './types.ts';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/** The generic webhook's signature header value. */
export function signaldeskSignature(secret: string, unixSeconds: number, body: string): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex')}`;
}

function clipBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}…`;
}

const baseHeaders = (d: Delivery): Record<string, string> => ({
  'content-type': 'application/json; charset=utf-8',
  'idempotency-key': d.idempotencyKey,
  'user-agent': 'Signaldesk/1.0',
});

export function buildDingTalk(d: Delivery, now: Date): HttpRequest {
  const url = new URL(d.to);
  if (d.secret) {
    const ts = now.getTime();
    url.searchParams.set('timestamp', String(ts));
    url.searchParams.set('sign', dingtalkSign(d.secret, ts));
  }
  const body = {
    msgtype: 'markdown',
    markdown: { title: d.message.subject, text: clipBytes(d.message.markdown, 5000) },
    at: { atMobiles: [], isAtAll: false },
  };
  return { url: url.toString(), headers: baseHeaders(d), body: JSON.stringify(body) };
}

const FEISHU_COLOUR = { critical: 'red', warning: 'orange', info: 'blue' } as const;

function feishuButtons(links: Link[]) {
  return links.map((l, i) => ({ tag: 'button', text: { tag: 'plain_text', content: l.label }, type: i === 0 ? 'primary' : 'default', url: l.url }));
}

export function buildFeishu(d: Delivery, now: Date): HttpRequest {
  const elements: unknown[] = [{ tag: 'div', text: { tag: 'lark_md', content: clipBytes(d.message.body, 8000) } }];
  if (d.message.links.length > 0) elements.push({ tag: 'action', actions: feishuButtons(d.message.links) });
  const body: Record<string, unknown> = {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: d.message.subject }, template: FEISHU_COLOUR[d.message.severity] },
      elements,
    },
  };
  if (d.secret) {
    const ts = Math.floor(now.getTime() / 1000);
    body.timestamp = String(ts);
    body.sign = feishuSign(d.secret, ts);
  }
  return { url: d.to, headers: baseHeaders(d), body: JSON.stringify(body) };
}

export function buildWeCom(d: Delivery): HttpRequest {
  const colour = d.message.severity === 'critical' ? 'warning' : d.message.severity === 'warning' ? 'comment' : 'info';
  const content = [`### <font color="${colour}">${d.message.subject}</font>`, '', d.message.body, '', d.message.links.map((l) => `[${l.label}](${l.url})`).join('  ')].join('\n').trim();
  const body = { msgtype: 'markdown', markdown: { content: clipBytes(content, 4096) } };
  return { url: d.to, headers: baseHeaders(d), body: JSON.stringify(body) };
}

const slackEscape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildSlack(d: Delivery): HttpRequest {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: d.message.subject.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(d.message.body).slice(0, 3000) || ' ' } },
  ];
  if (d.message.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: d.message.links.slice(0, 5).map((l, i) => ({
        type: 'button',
        text: { type: 'plain_text', text: l.label.slice(0, 75), emoji: true },
        url: l.url,
        action_id: `signaldesk_${i}`,
        ...(i === 0 && d.message.severity === 'critical' ? { style: 'danger' } : {}),
      })),
    });
  }
  return { url: d.to, headers: baseHeaders(d), body: JSON.stringify({ text: slackEscape(d.message.subject), blocks }) };
}

export function buildGeneric(d: Delivery, now: Date): HttpRequest {
  const body = JSON.stringify({
    id: d.idempotencyKey,
    type: d.event.type,
    createdAt: now.toISOString(),
    lang: d.lang,
    subject: d.message.subject,
    text: d.message.text,
    links: d.message.links,
    data: d.event.data,
  });
  const headers = baseHeaders(d);
  if (d.secret) headers['x-signaldesk-signature'] = signaldeskSignature(d.secret, Math.floor(now.getTime() / 1000), body);
  return { url: d.to, headers, body };
}

/** How each receiver says "accepted" in a 2xx answer. */
export type Acceptance = 'status' | 'errcode' | 'feishu';

function retryAfter(res: Response): number | null {
  const v = res.headers.get('retry-after');
  if (!v) return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

/** POSTs the request; resolves on acceptance, else throws a DeliveryError (permanent for a 4xx). */
export async function postWebhook(req: HttpRequest, acceptance: Acceptance, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new DeliveryError(`${e.name === 'TimeoutError' ? 'timed out' : 'network error'}: ${e.cause?.code ?? e.message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300) {
    const retryable = res.status >= 500 || res.status === 408 || res.status === 425 || res.status === 429;
    throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 300)}`, !retryable, retryAfter(res));
  }
  if (acceptance === 'status') return;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new DeliveryError(`unexpected answer: ${text.slice(0, 300)}`);
  }
  const code = acceptance === 'errcode' ? parsed.errcode : (parsed.code ?? parsed.StatusCode);
  if (code !== 0) {
    const msg = parsed.errmsg ?? parsed.msg ?? parsed.StatusMessage ?? '';
    throw new DeliveryError(`rejected: code ${String(code)} ${String(msg)}`.trim());
  }
}
