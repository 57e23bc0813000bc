import { z } from 'zod';

const instant = (name: string) =>
  z
    .string()
    .max(64)
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: `${name} must be an ISO-8601 instant` });

export const IncidentsQuery = z.object({
  from: instant('from').optional(),
  to: instant('to').optional(),
  status: z.string().max(64).optional().describe('comma-separated: open, acknowledged, resolved'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const IncidentParams = z.object({ id: z.string().min(1).max(200) });

export const IncidentOut = z.object({
  id: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  severity: z.enum(['P0', 'P1', 'P2']),
  metrics: z.array(z.string()).describe('metric names (telemetry.md), the primary one first'),
  startedAt: z.string().describe('event time at which the anomaly began'),
  detectedAt: z.string().describe('event time of the watermark at which it was raised'),
  resolvedAt: z.string().nullable(),
  rootCause: z.array(z.record(z.string(), z.string())).describe('dimension combinations that explain the change, best first'),
  scope: z.object({ apps: z.array(z.string()), sessions: z.number(), share: z.number() }),
  observed: z.number(),
  expected: z.number(),
  summary: z.object({ en: z.string(), zh: z.string() }),
  ticketId: z.string().nullable(),
  affectedOrgs: z.array(z.string()),
  acknowledgedAt: z.string().nullable(),
  mergedInto: z.string().nullable(),
  diagnosis: z.record(z.string(), z.unknown()),
});

export const IncidentList = z.object({ items: z.array(IncidentOut) });
