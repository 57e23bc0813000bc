/**
 * SMS and voice calls through a provider's webhook: a JSON POST with the provider's API key in a
 * header. The body is deliberately plain so a small adapter (or the provider's own generic HTTP
 * intake) can map it: `{to, channel: "sms"|"voice", text, lang, idempotencyKey}`.
 */
import { postWebhook } from './webhooks.ts';
import type { Delivery } from './types.ts';

export interface ProviderConfig {
  url: string;
  apiKey: string;
  /** header that carries the key (default X-Api-Key) */
  header?: string;
}

export async function sendViaProvider(cfg: ProviderConfig, d: Delivery, timeoutMs: number): Promise<void> {
  const body = JSON.stringify({ to: d.to, channel: d.channel, text: d.message.short, lang: d.lang, idempotencyKey: d.idempotencyKey });
  await postWebhook(
    {
      url: cfg.url,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'idempotency-key': d.idempotencyKey,
        [(cfg.header ?? 'X-Api-Key').toLowerCase()]: cfg.apiKey,
        'user-agent': 'Signaldesk/1.0',
      },
      body,
    },
    'status',
    timeoutMs,
  );
}
