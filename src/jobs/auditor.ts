/**
 * The escalation auditor: a periodic check that every open (triggered) page has a pending next
 * step or an acknowledgement. A page with neither is repaired (its timer re-armed, or escalated
 * to the next step) and reported to admins (src/services/paging.ts#auditPage). After each run that
 * completed, it pings the heartbeat URL (SIGNALDESK_HEARTBEAT_URL), so an external monitor notices
 * when the auditor — and with it this process's background work — stops.
 */
import type { Ctx } from '../services/context.ts';
import { AUDIT_OVERDUE_MS, auditPage, type AuditFinding } from '../services/paging.ts';
import { reconcileQualityIncidents } from '../services/statuspage.ts';
import { triggeredPagesWithTimers } from '../store/repos/oncall.ts';
import { PollLoop, silentLog, type Log } from './loop.ts';

export interface AuditorOptions {
  /** how often it runs, real ms (default 60 s) */
  intervalMs?: number;
  /** pinged (POST) after each successful run; default SIGNALDESK_HEARTBEAT_URL */
  heartbeatUrl?: string | null;
  /** pages checked per run (default 5000) */
  limit?: number;
  /** per heartbeat request (default 5 s) */
  heartbeatTimeoutMs?: number;
  log?: Log;
}

export interface AuditStats {
  checked: number;
  findings: AuditFinding[];
  /** whether the heartbeat was answered with a 2xx (null: no heartbeat URL) */
  heartbeat: boolean | null;
}

export function auditorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<AuditorOptions, 'heartbeatUrl' | 'intervalMs'> {
  const interval = Number(env.SIGNALDESK_AUDITOR_INTERVAL_MS);
  return { heartbeatUrl: env.SIGNALDESK_HEARTBEAT_URL || null, ...(Number.isInteger(interval) && interval > 0 ? { intervalMs: interval } : {}) };
}

export class EscalationAuditor {
  private readonly loop: PollLoop;
  private readonly log: Log;
  readonly heartbeatUrl: string | null;

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: AuditorOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    this.heartbeatUrl = opts.heartbeatUrl ?? null;
    this.loop = new PollLoop(() => this.run(), opts.intervalMs ?? 60_000, this.log, 'auditor');
  }

  /** One audit round now (after any round in flight). */
  tick(): Promise<AuditStats> {
    return this.loop.run(() => this.run());
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async run(): Promise<AuditStats> {
    const now = this.ctx.clock.now();
    const rows = await triggeredPagesWithTimers(this.ctx.db, this.opts.limit ?? 5000);
    const findings: AuditFinding[] = [];
    for (const r of rows) {
      const alive = r.job_status === 'pending' || r.job_status === 'running';
      const overdue = alive && r.job_due_at !== null && r.job_due_at.getTime() < now.getTime() - AUDIT_OVERDUE_MS;
      if (!r.exhausted_at && !r.no_policy && alive && !overdue) continue; // healthy: a next step is pending
      const f = await this.ctx.db.transaction().execute((tx) => auditPage(this.ctx, tx, r.id, now));
      if (f) {
        findings.push(f);
        this.log.warn({ pageId: f.pageId, problem: f.problem, repair: f.repair }, 'auditor: page repaired');
      }
    }
    // Housekeeping on the same beat: status page incidents of quality incidents resolved by a merge.
    await reconcileQualityIncidents(this.ctx).catch((err: unknown) => this.log.warn({ err }, 'auditor: status page reconcile failed'));
    const heartbeat = await this.ping({ checked: rows.length, repaired: findings.length, at: now.toISOString() });
    return { checked: rows.length, findings, heartbeat };
  }

  private async ping(body: Record<string, unknown>): Promise<boolean | null> {
    if (!this.heartbeatUrl) return null;
    try {
      const res = await fetch(this.heartbeatUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Signaldesk-auditor' },
        body: JSON.stringify({ check: 'escalation-auditor', ...body }),
        signal: AbortSignal.timeout(this.opts.heartbeatTimeoutMs ?? 5000),
      });
      await res.arrayBuffer();
      if (!res.ok) this.log.warn({ status: res.status }, 'auditor: heartbeat refused');
      return res.ok;
    } catch (err) {
      this.log.warn({ err }, 'auditor: heartbeat failed');
      return false;
    }
  }
}
