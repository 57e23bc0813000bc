/**
 * E-mail out over SMTP (nodemailer). The Message-ID is derived from the outbox key, so a retried
 * message carries the same Message-ID (receivers and threading can tell it is the same mail), and
 * the key itself rides along as `X-Signaldesk-Idempotency-Key`.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { DeliveryError, type Delivery } from './types.ts';
import { escapeHtml } from '../domain/html.ts';

export interface Mailer {
  send(d: Delivery): Promise<void>;
  close(): void;
}


export function messageIdFor(key: string, domain = 'signaldesk'): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

function html(d: Delivery): string {
  const body = escapeHtml(d.message.body).replace(/\n/g, '<br>');
  const links = d.message.links.map((l) => `<a href="${escapeHtml(l.url)}" style="display:inline-block;margin:4px 8px 4px 0;padding:6px 12px;border:1px solid #888;border-radius:4px;text-decoration:none">${escapeHtml(l.label)}</a>`).join('');
  return `<!doctype html><html lang="${d.lang === 'zh' ? 'zh-CN' : 'en'}"><body><h3>${escapeHtml(d.message.subject)}</h3><p>${body}</p><p>${links}</p></body></html>`;
}

/** SMTP errors with a 5xx reply (unknown mailbox, policy rejection) will not get better by retrying. */
function classify(err: unknown): DeliveryError {
  const e = err as Error & { responseCode?: number; code?: string };
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  return new DeliveryError(`SMTP ${e.responseCode ?? e.code ?? ''} ${e.message}`.trim(), permanent);
}

export function createMailer(smtpUrl: string, from: string, timeoutMs: number): Mailer {
  const options: SMTPTransport.Options = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs * 3 };
  const transport = nodemailer.createTransport(smtpUrl, options);
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'signaldesk';
  return {
    async send(d) {
      try {
        await transport.sendMail({
          from,
          to: d.to,
          subject: d.message.subject,
          text: d.message.text,
          html: html(d),
          messageId: messageIdFor(d.idempotencyKey, domain),
          headers: { 'X-Signaldesk-Idempotency-Key': d.idempotencyKey, 'Auto-Submitted': 'auto-generated', ...(d.unsubscribeUrl ? { 'List-Unsubscribe': `<${d.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) },
        });
      } catch (err) {
        throw classify(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
