export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  natsUrl: string | undefined;
  bootstrapToken: string | undefined;
  /** Largest JSON request body, bytes. */
  bodyLimit: number;
  /** Largest telemetry body, bytes (after decompression). */
  telemetryBodyLimit: number;
  /** Largest attachment, bytes. */
  attachmentMaxBytes: number;
  /** Where people reach this server (links in e-mails and pages). */
  publicUrl: string;
  /** Secure cookies (behind HTTPS). */
  secureCookies: boolean;
  logLevel: string;
}

function int(v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? int(env.PORT, 3000);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: env.SIGNALDESK_DATA ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    natsUrl: env.NATS_URL || undefined,
    bootstrapToken: env.SIGNALDESK_BOOTSTRAP_TOKEN || undefined,
    bodyLimit: int(env.SIGNALDESK_BODY_LIMIT, 1024 * 1024),
    telemetryBodyLimit: int(env.SIGNALDESK_TELEMETRY_LIMIT, 16 * 1024 * 1024),
    attachmentMaxBytes: int(env.SIGNALDESK_ATTACHMENT_LIMIT, 20 * 1024 * 1024),
    publicUrl: env.SIGNALDESK_PUBLIC_URL ?? `http://localhost:${port}`,
    secureCookies: env.SIGNALDESK_SECURE_COOKIES === '1',
    logLevel: env.LOG_LEVEL ?? 'info',
    ...overrides,
  };
}
