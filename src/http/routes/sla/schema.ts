import { z } from 'zod';
import { PRIORITIES } from '../../../domain/tickets.ts';
import { TIERS } from '../../../domain/people.ts';

// Structure only: the domain validates time zones, periods, dates and instants with field paths.
const Targets = z.object({
  firstResponse: z.number().positive().nullable().optional(),
  nextReply: z.number().positive().nullable().optional(),
  periodicUpdate: z.number().positive().nullable().optional(),
  resolution: z.number().positive().nullable().optional(),
});

const Period = z.tuple([z.string().max(5), z.string().max(5)]);
export const CalendarSpecIn = z.object({
  timezone: z.string().min(1).max(64),
  week: z.record(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(Period).max(12)),
  holidays: z.array(z.string().max(10)).max(2000).optional(),
  workdays: z.array(z.object({ date: z.string().max(10), hours: z.array(Period).max(12) })).max(500).optional(),
});

export const SimulateIn = z.object({
  calendar: z.union([z.literal('24x7'), CalendarSpecIn]),
  targets: Targets,
  events: z
    .array(
      z.object({
        at: z.string().max(40),
        type: z.enum(['created', 'agent_reply', 'customer_reply', 'internal_note', 'auto_reply', 'status', 'targets']),
        status: z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed']).optional(),
        targets: Targets.optional(),
      }),
    )
    .max(10_000),
  now: z.string().max(40),
});

const ClockOut = z.object({
  state: z.enum(['running', 'paused', 'met', 'stopped']),
  targetMinutes: z.number(),
  elapsedSeconds: z.number(),
  breached: z.boolean(),
  breachedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  metAt: z.string().nullable(),
});

export const SimulateOut = z.object({
  firstResponse: ClockOut.nullable(),
  resolution: ClockOut.nullable(),
  nextReply: z.array(ClockOut),
  periodicUpdate: z.array(ClockOut),
});

export const PolicyRow = z.object({
  tier: z.enum(TIERS),
  priority: z.enum(PRIORITIES),
  calendar: z.enum(['24x7', 'business']),
  firstResponse: z.number().int().positive().max(525_600).nullable(),
  nextReply: z.number().int().positive().max(525_600).nullable(),
  periodicUpdate: z.number().int().positive().max(525_600).nullable(),
  resolution: z.number().int().positive().max(525_600).nullable(),
  warnShare: z.number().gt(0).max(1),
});

export const CalendarOut = z.object({ id: z.string(), name: z.string(), isDefault: z.boolean(), spec: z.unknown(), updatedAt: z.string() });
