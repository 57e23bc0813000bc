/**
 * The API's shapes, taken from the server's zod schemas (type-only imports: nothing of the server
 * ends up in the bundle), so a change of the contract is a type error here.
 */
import type { z } from 'zod';
import type { GroupOut, OrgOut, UserOut } from '../../src/http/routes/people/schema.ts';
import type { CommentIn, EscalationIn, EscalationOut, EventOut, RtcIn, TicketIn, TicketOut, TicketPatchIn } from '../../src/http/routes/tickets/schema.ts';
import type { CalendarOut, CalendarSpecIn, PolicyRow, SimulateIn, SimulateOut } from '../../src/http/routes/sla/schema.ts';
import type { OnCallOut, OverrideIn, OverrideOut, PageOut, PolicyIn, PolicyOut, ScheduleOut, ShiftOut } from '../../src/http/routes/oncall/schema.ts';
import type { OrgNotifyIn, OrgNotifyOut } from '../../src/http/routes/status/schema.ts';
import type { LevelCode } from '../../src/domain/people.ts';
import type { PriorityCode, StatusCode } from '../../src/domain/tickets.ts';

export type User = z.infer<typeof UserOut>;
export type Org = z.infer<typeof OrgOut>;
export type OrgNotifySettings = z.infer<typeof OrgNotifyOut>;
export type OrgNotifyInput = z.input<typeof OrgNotifyIn>;
export const ROBOT_KINDS = ['dingtalk', 'feishu', 'wecom', 'slack', 'generic'] as const satisfies readonly NonNullable<NonNullable<OrgNotifyInput['im']>['kind']>[];
export type RobotKind = (typeof ROBOT_KINDS)[number];
export type Me = { user: User; org: Org | null };
export type Role = User['role'];
export type Group = z.infer<typeof GroupOut>;

export type Ticket = z.infer<typeof TicketOut>;
export type TicketEvent = z.infer<typeof EventOut>;
export type Escalation = z.infer<typeof EscalationOut>;
export type TicketPage = { items: Ticket[]; nextCursor: string | null };

export type NewTicket = z.input<typeof TicketIn>;
export type RtcInput = z.input<typeof RtcIn>;
export type TicketPatch = z.input<typeof TicketPatchIn>;
export type NewComment = z.input<typeof CommentIn>;
export type NewEscalation = z.input<typeof EscalationIn>;

export type { LevelCode, PriorityCode, StatusCode };

// SLA (contract.md, "SLA clocks")
export type SlaClocks = z.infer<typeof SimulateOut>;
export type SlaClock = NonNullable<SlaClocks['firstResponse']>;
export type SlaClockState = SlaClock['state'];
export type SimulateRequest = z.input<typeof SimulateIn>;
export type SimEvent = SimulateRequest['events'][number];
export type SimEventType = SimEvent['type'];
export type SlaPolicyRow = z.infer<typeof PolicyRow>;
export type CalendarSpec = z.infer<typeof CalendarSpecIn>;
export type CalendarView = z.infer<typeof CalendarOut>;
export type Weekday = keyof CalendarSpec['week'];
export type Period = [string, string];
export interface IcsPreview {
  applied: boolean;
  addedHolidays: string[];
  addedWorkdays: { date: string; summary: string }[];
  calendar: unknown;
  recomputed: number;
}

// On-call (contract.md, "On-call")
export type Schedule = z.infer<typeof ScheduleOut>;
export type OnCall = z.infer<typeof OnCallOut>;
export type Shift = z.infer<typeof ShiftOut>;
export type NewOverride = z.input<typeof OverrideIn>;
export type Override = z.infer<typeof OverrideOut>;
export type EscalationPolicy = z.infer<typeof PolicyOut>;
export type NewEscalationPolicy = z.input<typeof PolicyIn>;
export type OnCallPage = z.infer<typeof PageOut>;
export type PageStatus = OnCallPage['status'];
export interface Gap {
  start: string;
  end: string;
}

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const satisfies readonly PriorityCode[];
export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const satisfies readonly StatusCode[];
export const LEVELS = ['L1', 'L2', 'RD', 'ARCH'] as const satisfies readonly LevelCode[];
export const ESCALATION_TARGETS = ['L2', 'RD', 'ARCH'] as const satisfies readonly LevelCode[];
/** The statuses a ticket still needs work in (the queue's default view). */
export const ACTIVE_STATUSES: readonly StatusCode[] = ['new', 'open', 'pending', 'on_hold'];

export const CATEGORIES = ['audio', 'video', 'join', 'crash', 'performance', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
export const PLATFORMS = ['android', 'ios', 'harmonyos', 'windows', 'macos', 'linux', 'web', 'other'] as const;
export const NETWORKS = ['wifi', '5g', '4g', '3g', 'ethernet', 'other'] as const;
export const TIERS = ['basic', 'advanced', 'enterprise'] as const satisfies readonly Org['tier'][];

export const CLOCK_KINDS = ['firstResponse', 'nextReply', 'periodicUpdate', 'resolution'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
export const CLOCK_STATES = ['running', 'paused', 'met', 'stopped'] as const satisfies readonly SlaClockState[];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];
export const SIM_EVENT_TYPES = ['created', 'agent_reply', 'customer_reply', 'internal_note', 'auto_reply', 'status'] as const satisfies readonly SimEventType[];
export const TARGET_TYPES = ['user', 'schedule', 'group'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const PAGE_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const satisfies readonly PageStatus[];

export const isStaffRole = (r: Role): boolean => r === 'admin' || r === 'agent';
export const isLevel = (v: unknown): v is LevelCode => typeof v === 'string' && (LEVELS as readonly string[]).includes(v);
export const isStatus = (v: unknown): v is StatusCode => typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
export const isPriority = (v: unknown): v is PriorityCode => typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v);
export const isCategory = (v: unknown): v is Category => typeof v === 'string' && (CATEGORIES as readonly string[]).includes(v);
