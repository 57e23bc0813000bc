import { z } from 'zod';
import { LEVELS } from '../../../domain/people.ts';
import { CHANNELS, PRIORITIES, STATUSES } from '../../../domain/tickets.ts';
import type { Ticket } from '../../../store/schema.ts';

const short = (max: number) => z.string().trim().min(1).max(max);

export const RtcIn = z.strictObject({
  appId: short(100).optional(),
  sdkVersion: z.string().trim().max(40).regex(/^v?\d+(\.\d+){0,3}([-+][\w.]+)?$/, 'a version such as 4.2.1').optional(),
  os: short(40).optional(),
  osVersion: short(40).optional(),
  device: short(100).optional(),
  net: short(40).optional(),
  region: short(100).optional(),
  channelId: short(200).optional(),
  userIds: z.array(short(100)).max(50).optional(),
  errorCode: short(60).optional(),
  happenedAt: z.iso.datetime({ offset: true }).optional(),
  reproSteps: z.string().max(10_000).optional(),
});

export const TicketIn = z.strictObject({
  subject: short(300),
  body: z.string().trim().min(1).max(50_000),
  priority: z.enum(PRIORITIES),
  orgId: z.string().min(1).max(100).optional(),
  channel: z.enum(CHANNELS).optional(),
  category: short(60).optional(),
  tags: z.array(short(50)).max(30).optional(),
  rtc: RtcIn.optional(),
});

export const TicketPatchIn = z.strictObject({
  status: z.enum(STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  assigneeId: z.string().min(1).max(100).nullable().optional(),
  level: z.enum(LEVELS).optional(),
  tags: z.array(short(50)).max(30).optional(),
  category: short(60).nullable().optional(),
});

export const CommentIn = z.strictObject({ body: z.string().trim().min(1).max(50_000), public: z.boolean() });

export const EscalationIn = z.strictObject({
  to: z.enum(['L2', 'RD', 'ARCH']).optional(),
  reason: z.string().trim().min(1, 'an escalation always takes a reason').max(5_000),
  plan: z.string().trim().max(5_000).optional(),
  nextUpdateAt: z.iso.datetime({ offset: true }).optional(),
});

const SlaOut = z.record(z.string(), z.unknown());

export const TicketOut = z.object({
  id: z.string(),
  number: z.number(),
  subject: z.string(),
  body: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(STATUSES),
  channel: z.string(),
  orgId: z.string(),
  orgName: z.string().optional(),
  orgTier: z.string().optional(),
  requesterId: z.string(),
  assigneeId: z.string().nullable(),
  assignee: z.object({ id: z.string(), name: z.string(), level: z.string().nullable() }).nullable(),
  groupId: z.string().nullable(),
  level: z.enum(LEVELS),
  category: z.string().nullable(),
  rtc: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  incidentIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  firstResponseAt: z.string().nullable(),
  solvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  sla: SlaOut,
  nextResponseDueAt: z.string().nullable(),
});
export type TicketView = z.infer<typeof TicketOut>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentTicket(
  t: Ticket & { assignee_name?: string | null; assignee_level?: string | null; org_name?: string | null; org_tier?: string | null },
  sla: Record<string, unknown> = {},
  nextResponseDueAt: string | null = null,
): TicketView {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    body: t.description,
    priority: t.priority,
    status: t.status,
    channel: t.channel,
    orgId: t.org_id,
    ...(t.org_name ? { orgName: t.org_name } : {}),
    ...(t.org_tier ? { orgTier: t.org_tier } : {}),
    requesterId: t.requester_id,
    assigneeId: t.assignee_id,
    assignee: t.assignee_id && t.assignee_name ? { id: t.assignee_id, name: t.assignee_name, level: t.assignee_level ?? null } : null,
    groupId: t.group_id,
    level: t.level,
    category: t.category,
    rtc: { ...t.rtc },
    tags: t.tags,
    incidentIds: t.incident_ids,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    firstResponseAt: iso(t.first_response_at),
    solvedAt: iso(t.solved_at),
    closedAt: iso(t.closed_at),
    sla,
    nextResponseDueAt,
  };
}

export const EventOut = z.object({
  id: z.number(),
  at: z.string(),
  type: z.string(),
  public: z.boolean(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  actor: z.object({ id: z.string(), name: z.string(), role: z.string(), level: z.string().nullable() }).nullable(),
});

export const EscalationOut = z.object({
  id: z.string(),
  kind: z.enum(['manual', 'customer_request', 'auto']),
  fromLevel: z.string(),
  toLevel: z.string().nullable(),
  reason: z.string(),
  plan: z.string().nullable(),
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  nextUpdateAt: z.string().nullable(),
  createdAt: z.string(),
});

export const ListQuery = z.object({
  status: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/).optional(),
  priority: z.string().regex(/^P[0-3](,P[0-3])*$/).optional(),
  orgId: z.string().max(100).optional(),
  assigneeId: z.string().max(100).optional(),
  level: z.enum(LEVELS).optional(),
  groupId: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
  breached: z.enum(['true', 'false']).optional(),
  atRisk: z.enum(['true']).optional(),
  sort: z.enum(['created', '-created', 'priority', 'updated', 'due']).default('-created'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
