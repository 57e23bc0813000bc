import type { Lang, RenderedMessage } from '../services/notify/templates.ts';

/** Every way Signaldesk reaches a person or a group. */
export const CHANNELS = ['email', 'sms', 'voice', 'dingtalk', 'feishu', 'wecom', 'slack', 'webhook'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const isChannel = (c: string): c is ChannelName => (CHANNELS as readonly string[]).includes(c);

/** One message to one destination, ready to send. */
export interface Delivery {
  channel: ChannelName;
  /** e-mail address, E.164 phone number, or webhook URL */
  to: string;
  /** webhook signing secret (DingTalk, Feishu, generic) */
  secret: string | null;
  message: RenderedMessage;
  lang: Lang;
  /** the outbox row's key: sent as Idempotency-Key (and the e-mail Message-ID) on every attempt */
  idempotencyKey: string;
  /** what a generic webhook receives besides the text (event type and data) */
  event: { type: string; data: Record<string, unknown> };
  /** e-mail: the List-Unsubscribe link of a subscription message (status page updates) */
  unsubscribeUrl?: string;
}

/**
 * A failed send. `permanent` means retrying cannot help (a 4xx answer, a rejected address):
 * the message goes straight to the dead letters. `retryAfterMs` honours a receiver's Retry-After.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Channels whose destination is not configured on this server (no SMTP_URL …): skip, do not retry. */
export class ChannelUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelUnavailable';
  }
}
