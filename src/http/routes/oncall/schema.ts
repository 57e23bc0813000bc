import { z } from 'zod';
import type { OnCall, Shift } from '../../../domain/oncall/schedule.ts';
import type { OutboxRow } from '../../../store/repos/outbox.ts';
import type { ContactRow, IcalTokenRow, OverrideRow, PageRow } from '../../../store/repos/oncall.ts';
import type { StoredPolicy, StoredSchedule } from '../../../services/oncall.ts';

export const id = z.string().min(1).max(100);
const text = (max: number) => z.string().max(max);

// ---------------------------------------------------------------------------------------------
// Schedules. The body's shape is checked here; the rules (zones, date-times, rotation lengths,
// restriction times, override order) by the domain's scheduleSchema, with the same field paths.

const RotationIn = z.object({
  type: text(20).describe('daily | weekly | hours | days'),
  hours: z.number().optional().describe('for "hours": the shift length in hours (≥ 1/60)'),
  days: z.number().optional().describe('for "days": the shift length in calendar days'),
});

const RestrictionIn = z.object({
  days: z.array(text(3)).max(7).describe('mon … sun: the days on which a window starts'),
  start: text(5).describe('HH:MM in the schedule’s zone'),
  end: text(5).describe('HH:MM; at or before start: runs past midnight'),
});

const LayerIn = z.object({
  name: text(200),
  start: text(64).describe('ISO-8601; without an offset it is wall-clock time in the schedule’s zone'),
  rotation: RotationIn,
  users: z.array(text(100)).max(500),
  restrictions: z.array(RestrictionIn).max(50).optional(),
});

export const OverrideIn = z.object({ start: text(64), end: text(64), user: text(100) });

export const ScheduleIn = z.object({
  name: text(200),
  timezone: text(100).describe('IANA time zone, e.g. Asia/Shanghai'),
  layers: z.array(LayerIn).max(50),
  overrides: z.array(OverrideIn).max(2000).optional(),
});

const RotationOut = z.object({ type: z.string(), hours: z.number().optional(), days: z.number().optional() });
const LayerOut = z.object({
  name: z.string(),
  start: z.string(),
  rotation: RotationOut,
  users: z.array(z.string()),
  restrictions: z.array(z.object({ days: z.array(z.string()), start: z.string(), end: z.string() })).optional(),
});

export const OverrideOut = z.object({ id: z.number(), start: z.string(), end: z.string(), user: z.string(), createdAt: z.string() });

export const ScheduleOut = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  layers: z.array(LayerOut),
  overrides: z.array(OverrideOut),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const OnCallOut = z.object({ user: z.string().nullable(), layer: z.string().nullable(), override: z.boolean() });

export const ShiftOut = z.object({ start: z.string(), end: z.string(), user: z.string().nullable(), layer: z.string().nullable(), override: z.boolean() });

export const RangeQuery = z.object({ from: text(64).optional(), to: text(64).optional() });
export const IcalQuery = RangeQuery.extend({ lang: z.enum(['zh', 'en']).optional() });

export const presentOverride = (o: OverrideRow): z.infer<typeof OverrideOut> => ({
  id: Number(o.id),
  start: o.start_at.toISOString(),
  end: o.end_at.toISOString(),
  user: o.user_id,
  createdAt: o.created_at.toISOString(),
});

export function presentSchedule(s: StoredSchedule): z.infer<typeof ScheduleOut> {
  return {
    id: s.row.id,
    name: s.row.name,
    timezone: s.row.timezone,
    layers: s.schedule.layers.map((l) => ({
      name: l.name,
      start: typeof l.start === 'string' ? l.start : l.start.toISOString(),
      rotation: l.rotation,
      users: l.users,
      ...(l.restrictions ? { restrictions: l.restrictions } : {}),
    })),
    overrides: s.overrides.map(presentOverride),
    createdAt: s.row.created_at.toISOString(),
    updatedAt: s.row.updated_at.toISOString(),
  };
}

export const presentOnCall = (o: OnCall): z.infer<typeof OnCallOut> => ({ user: o.user, layer: o.layer, override: o.override });

export const presentShift = (s: Shift | { start: Date; end: Date; user: string | null; layer: string | null; override: boolean }): z.infer<typeof ShiftOut> => ({
  start: s.start.toISOString(),
  end: s.end.toISOString(),
  user: s.user,
  layer: s.layer,
  override: s.override,
});

// ---------------------------------------------------------------------------------------------
// Escalation policies

export const PolicyIn = z.object({
  name: z.string().trim().min(1).max(200),
  steps: z
    .array(
      z.object({
        targets: z.array(z.object({ type: text(20).describe('user | schedule | group'), id: text(100) })).max(50),
        ackTimeoutMinutes: z.number().max(7 * 24 * 60, 'must be at most a week (10080 minutes)'),
      }),
    )
    .max(50),
  repeat: z.number().optional(),
  default: z.boolean().optional().describe('pages that name no policy use the default one'),
});

export const PolicyOut = z.object({
  id: z.string(),
  name: z.string(),
  steps: z.array(z.object({ targets: z.array(z.object({ type: z.string(), id: z.string() })), ackTimeoutMinutes: z.number() })),
  repeat: z.number(),
  default: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const presentPolicy = (p: StoredPolicy): z.infer<typeof PolicyOut> => ({
  id: p.row.id,
  name: p.row.name,
  steps: p.policy.steps,
  repeat: p.policy.repeat,
  default: p.row.is_default,
  createdAt: p.row.created_at.toISOString(),
  updatedAt: p.row.updated_at.toISOString(),
});

// ---------------------------------------------------------------------------------------------
// Calendar feed tokens

export const IcalTokenIn = z.object({
  scope: z.enum(['schedule', 'person']).describe('one schedule’s feed, or one person’s shifts across schedules'),
  targetId: id.describe('the schedule id, or the user id'),
});

export const IcalTokenOut = z.object({
  id: z.string(),
  scope: z.enum(['schedule', 'person']),
  targetId: z.string(),
  userId: z.string().describe('who created it (the feed is read with their rights)'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const IcalTokenCreatedOut = IcalTokenOut.extend({ token: z.string().describe('shown once; stored hashed'), url: z.string().describe('the feed URL for calendar clients') });

export const presentIcalToken = (t: IcalTokenRow): z.infer<typeof IcalTokenOut> => ({
  id: t.id,
  scope: t.scope,
  targetId: t.target_id,
  userId: t.user_id,
  createdAt: t.created_at.toISOString(),
  lastUsedAt: t.last_used_at ? t.last_used_at.toISOString() : null,
  revokedAt: t.revoked_at ? t.revoked_at.toISOString() : null,
});

// ---------------------------------------------------------------------------------------------
// Contact methods

export const ContactIn = z.strictObject({
  type: z.enum(['email', 'sms', 'voice', 'webhook']),
  kind: z.enum(['dingtalk', 'feishu', 'wecom', 'slack', 'generic']).optional(),
  address: z.string().trim().min(1).max(2000).describe('e-mail, E.164 phone number, or the webhook URL'),
  secret: z.string().min(1).max(500).optional().describe('signing secret (DingTalk, Feishu, generic); never returned'),
});

export const ContactOut = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.string(),
  kind: z.string().nullable(),
  address: z.string(),
  hasSecret: z.boolean(),
  createdAt: z.string(),
});

export const presentContact = (c: ContactRow): z.infer<typeof ContactOut> => ({
  id: c.id,
  userId: c.user_id,
  type: c.type,
  kind: c.kind,
  address: c.address,
  hasSecret: c.secret !== null,
  createdAt: c.created_at.toISOString(),
});

// ---------------------------------------------------------------------------------------------
// Pages

export const PAGE_SOURCES = ['ticket', 'sla', 'incident', 'manual'] as const;
export const PAGE_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;

export const PageIn = z.strictObject({
  title: z.string().trim().min(1).max(300),
  titleZh: z.string().trim().min(1).max(300).optional(),
  summary: z.string().trim().max(5000).optional(),
  summaryZh: z.string().trim().max(5000).optional(),
  policyId: id.optional(),
  severity: z.enum(['P0', 'P1', 'P2']).optional(),
});

export const PagesQuery = z.object({
  status: text(100).optional().describe('comma-separated: triggered, acknowledged, resolved'),
  source: z.enum(PAGE_SOURCES).optional(),
  sourceId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const NotificationOut = z.object({ pass: z.number(), step: z.number(), userId: z.string(), at: z.string(), channels: z.array(z.string()) });

export const PageOut = z.object({
  id: z.string(),
  source: z.enum(PAGE_SOURCES),
  sourceId: z.string().nullable(),
  policyId: z.string().nullable(),
  title: z.object({ zh: z.string(), en: z.string() }),
  summary: z.object({ zh: z.string(), en: z.string() }),
  severity: z.string().nullable(),
  status: z.enum(PAGE_STATUSES),
  startedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  escalation: z.object({ pass: z.number(), step: z.number(), stepStartedAt: z.string().nullable(), nextStepAt: z.string().nullable(), exhaustedAt: z.string().nullable() }),
  notifications: z.array(NotificationOut).optional(),
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentPage(p: PageRow, notifications?: Array<{ pass: number; step: number; user_id: string; at: Date; channels: string[] }>): z.infer<typeof PageOut> {
  return {
    id: p.id,
    source: p.source,
    sourceId: p.source_id,
    policyId: p.policy_id,
    title: { zh: p.title_zh, en: p.title_en },
    summary: { zh: p.summary_zh, en: p.summary_en },
    severity: p.severity,
    status: p.status,
    startedAt: p.started_at.toISOString(),
    acknowledgedAt: iso(p.acknowledged_at),
    acknowledgedBy: p.acknowledged_by,
    resolvedAt: iso(p.resolved_at),
    resolvedBy: p.resolved_by,
    escalation: { pass: p.pass, step: p.step, stepStartedAt: iso(p.step_started_at), nextStepAt: iso(p.next_step_at), exhaustedAt: iso(p.exhausted_at) },
    ...(notifications ? { notifications: notifications.map((n) => ({ pass: n.pass, step: n.step, userId: n.user_id, at: n.at.toISOString(), channels: n.channels })) } : {}),
  };
}

export const LinkOut = z.object({ action: z.enum(['ack', 'resolve']), changed: z.boolean(), page: PageOut });

// ---------------------------------------------------------------------------------------------
// Outbox (admins)

export const OUTBOX_STATUSES = ['pending', 'delivering', 'done', 'dead'] as const;

export const OutboxQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  topic: text(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export const OutboxOut = z.object({
  id: z.number(),
  topic: z.string(),
  key: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

export const presentOutbox = (r: OutboxRow): z.infer<typeof OutboxOut> => ({
  id: Number(r.id),
  topic: r.topic,
  key: r.idempotency_key,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at.toISOString(),
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  payload: r.payload,
});
