import { z } from 'zod';
import { TIERS } from '../../../domain/people.ts';
import { PRIORITIES } from '../../../domain/tickets.ts';
import { MAX_RANGE_DAYS } from '../../../services/metrics.ts';

const DAY_MS = 86_400_000;
const list = (values: readonly string[]) => new RegExp(`^(${values.join('|')})(,(${values.join('|')}))*$`);

/** `GET /api/v1/metrics/sla` and `/sla.csv`: tickets created in [from, to), optionally narrowed. */
export const SlaMetricsQueryIn = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'an ISO-8601 date-time with a UTC offset, e.g. 2026-11-01T00:00:00+08:00' }),
    to: z.iso.datetime({ offset: true, message: 'an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T00:00:00+08:00' }),
    tier: z.string().max(100).regex(list(TIERS), `one or more of ${TIERS.join(', ')}, comma-separated`).optional(),
    priority: z.string().max(100).regex(list(PRIORITIES), `one or more of ${PRIORITIES.join(', ')}, comma-separated`).optional(),
    orgId: z.string().min(1).max(100).optional(),
  })
  .superRefine((q, ctx) => {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return; // the field checks already said why
    if (to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (to - from > MAX_RANGE_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
  });

const Spread = z.object({ avgSeconds: z.number().nullable(), p90Seconds: z.number().nullable() });
const Duration = z.object({
  count: z.number().int(),
  business: Spread.describe('seconds as the SLA clock counts them: calendar working time, pauses excluded'),
  wall: Spread.describe('real seconds since the ticket was created'),
});
const Attainment = z.object({ clocks: z.number().int(), breached: z.number().int(), inProgress: z.number().int(), rate: z.number().min(0).max(1).nullable() });

export const MetricsGroupOut = z.object({
  tickets: z.number().int(),
  resolved: z.number().int(),
  resolutionRate: z.number().min(0).max(1).nullable(),
  firstResponse: Duration,
  resolution: Duration,
  attainment: z.object({ firstResponse: Attainment, resolution: Attainment }),
  escalations: z.object({ manual: z.number().int(), customer_request: z.number().int(), auto: z.number().int(), total: z.number().int() }),
});

export const SlaMetricsOut = z.object({
  from: z.string(),
  to: z.string(),
  asOf: z.string(),
  filters: z.object({ tier: z.array(z.enum(TIERS)).nullable(), priority: z.array(z.enum(PRIORITIES)).nullable(), orgId: z.string().nullable() }),
  unevaluated: z.number().int(),
  overall: MetricsGroupOut,
  byTier: z.array(MetricsGroupOut.extend({ tier: z.enum(TIERS) })),
  byPriority: z.array(MetricsGroupOut.extend({ priority: z.enum(PRIORITIES) })),
  byTierPriority: z.array(MetricsGroupOut.extend({ tier: z.enum(TIERS), priority: z.enum(PRIORITIES) })),
});
