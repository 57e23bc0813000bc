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
  /**
   * Which reverse proxies' X-Forwarded-For to believe, so per-client rate limits and audit see the
   * client's address: false (none), a hop count, or proxy addresses / CIDR ranges.
   */
  trustProxy: false | number | string[];
  logLevel: string;
}

function int(v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
}

/** SIGNALDESK_TRUST_PROXY: empty (trust no proxy), a hop count, or comma-separated addresses / CIDRs. */
function trustProxy(v: string | undefined): false | number | string[] {
  const t = v?.trim() ?? '';
  if (t === '' || t === '0') return false;
  if (/^\d+$/.test(t)) return int(t, 0);
  const list = t.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.find((x) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x));
  if (bad !== undefined) throw new Error(`SIGNALDESK_TRUST_PROXY: expected a hop count or proxy addresses / CIDR ranges, got "${bad}"`);
  return list;
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
    trustProxy: trustProxy(env.SIGNALDESK_TRUST_PROXY),
    logLevel: env.LOG_LEVEL ?? 'info',
    ...overrides,
  };
}
