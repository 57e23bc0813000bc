/**
 * A real SMTP server on loopback (smtp-server), every message parsed with mailparser: tests see
 * what a mail client would (decoded subject, text, html, headers). It can refuse the first
 * messages with a temporary error (4xx) to exercise retries.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Envelope {
  from: string | null;
  to: string[];
}

export class FakeSmtp {
  readonly messages: Array<ParsedMail & { envelope: Envelope }> = [];
  url = '';
  private server: SMTPServer | null = null;
  private refusals: number;

  constructor(opts: { refuseFirst?: number } = {}) {
    this.refusals = opts.refuseFirst ?? 0;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            if (this.refusals > 0) {
              this.refusals--;
              const err = new Error('try again later') as Error & { responseCode: number };
              err.responseCode = 451;
              callback(err);
              return;
            }
            const env = session.envelope;
            this.messages.push(Object.assign(mail, { envelope: { from: env.mailFrom ? env.mailFrom.address : null, to: env.rcptTo.map((r) => r.address) } }));
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = (this.server as unknown as { server: { address(): { port: number } } }).server.address();
    this.url = `smtp://127.0.0.1:${addr.port}`;
    return this;
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > until) throw new Error(`fake SMTP: ${this.messages.length} of ${count} messages within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
