/**
 * The channels Signaldesk sends through, behind one `send(delivery)`: e-mail (SMTP), IM bots
 * (DingTalk, Feishu/Lark, WeCom, Slack), generic signed webhooks, and SMS/voice through a
 * provider webhook. Configuration comes from the environment (see `channelConfigFromEnv`).
 */
import type { Clock } from '../domain/clock.ts';
import { createMailer, type Mailer } from './email.ts';
import { sendViaProvider, type ProviderConfig } from './provider.ts';
import { ChannelUnavailable, CHANNELS, type ChannelName, type Delivery } from './types.ts';
import { buildDingTalk, buildFeishu, buildGeneric, buildSlack, buildWeCom, postWebhook } from './webhooks.ts';

export * from './types.ts';

export interface ChannelConfig {
  /** smtp://user:pass@host:port or smtps://…; null: e-mail is off (messages are skipped) */
  smtpUrl: string | null;
  mailFrom: string;
  sms: ProviderConfig | null;
  voice: ProviderConfig | null;
  /** per request */
  timeoutMs: number;
  /**
   * Messages per minute to one destination (one robot, one address), per channel; 0 = no limit.
   * Defaults follow the platforms' documented robot limits (DingTalk 20/min, WeCom 20/min,
   * Feishu 100/min, Slack about 1/s).
   */
  ratePerMinute: Record<ChannelName, number>;
}

export const DEFAULT_RATES: Record<ChannelName, number> = { email: 0, sms: 30, voice: 10, dingtalk: 20, feishu: 100, wecom: 20, slack: 60, webhook: 0 };

function rates(spec: string | undefined): Record<ChannelName, number> {
  const out = { ...DEFAULT_RATES };
  for (const part of (spec ?? '').split(',')) {
    const [name, value] = part.split('=').map((x) => x.trim());
    if (!name || value === undefined) continue;
    const n = Number(value);
    if (!(CHANNELS as readonly string[]).includes(name) || !Number.isFinite(n) || n < 0) throw new Error(`SIGNALDESK_CHANNEL_RATES: bad entry "${part}"`);
    out[name as ChannelName] = n;
  }
  return out;
}

/**
 * SMTP_URL, SMTP_FROM; SMS_WEBHOOK_URL + SMS_API_KEY; VOICE_WEBHOOK_URL + VOICE_API_KEY;
 * SIGNALDESK_CHANNEL_RATES="dingtalk=20,webhook=600" (per minute per destination);
 * SIGNALDESK_CHANNEL_TIMEOUT_MS.
 */
export function channelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ChannelConfig {
  const provider = (url: string | undefined, key: string | undefined): ProviderConfig | null => (url ? { url, apiKey: key ?? '' } : null);
  return {
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.SMTP_FROM || 'Signaldesk <noreply@signaldesk.local>',
    sms: provider(env.SMS_WEBHOOK_URL, env.SMS_API_KEY),
    voice: provider(env.VOICE_WEBHOOK_URL, env.VOICE_API_KEY),
    timeoutMs: Number(env.SIGNALDESK_CHANNEL_TIMEOUT_MS) > 0 ? Number(env.SIGNALDESK_CHANNEL_TIMEOUT_MS) : 10_000,
    ratePerMinute: rates(env.SIGNALDESK_CHANNEL_RATES),
  };
}

/**
 * Token buckets per key, refilled by the Clock (so a virtual clock drives them in tests):
 * `perMinute` tokens, a burst of the same size.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  /** 0 and a token taken when allowed now; else the milliseconds until one is available. */
  take(key: string, perMinute: number): number {
    if (perMinute <= 0) return 0;
    const now = this.clock.now().getTime();
    const perMs = perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    if (this.buckets.size > 10_000) this.buckets.clear();
    return Math.ceil((1 - b.tokens) / perMs);
  }
}

export class Channels {
  private mailer: Mailer | null = null;
  private readonly limiter: RateLimiter;

  constructor(
    readonly config: ChannelConfig,
    private readonly clock: Clock,
  ) {
    this.limiter = new RateLimiter(clock);
  }

  /** 0 when the delivery may go now (and it is counted), else how long to wait. */
  admit(d: Delivery): number {
    return this.limiter.take(`${d.channel}\u0000${d.to}`, this.config.ratePerMinute[d.channel]);
  }

  /** Sends one message; throws DeliveryError (retry or dead) or ChannelUnavailable (skip). */
  async send(d: Delivery): Promise<void> {
    const now = this.clock.now();
    const t = this.config.timeoutMs;
    switch (d.channel) {
      case 'email': {
        if (!this.config.smtpUrl) throw new ChannelUnavailable('e-mail is not configured (set SMTP_URL)');
        this.mailer ??= createMailer(this.config.smtpUrl, this.config.mailFrom, t);
        return this.mailer.send(d);
      }
      case 'sms':
      case 'voice': {
        const p = d.channel === 'sms' ? this.config.sms : this.config.voice;
        if (!p) throw new ChannelUnavailable(`${d.channel} is not configured (set ${d.channel.toUpperCase()}_WEBHOOK_URL)`);
        return sendViaProvider(p, d, t);
      }
      case 'dingtalk':
        return postWebhook(buildDingTalk(d, now), 'errcode', t);
      case 'feishu':
        return postWebhook(buildFeishu(d, now), 'feishu', t);
      case 'wecom':
        return postWebhook(buildWeCom(d), 'errcode', t);
      case 'slack':
        return postWebhook(buildSlack(d), 'status', t);
      case 'webhook':
        return postWebhook(buildGeneric(d, now), 'status', t);
    }
  }

  close(): void {
    this.mailer?.close();
    this.mailer = null;
  }
}
