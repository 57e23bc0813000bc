/**
 * The default SLA policy of PRODUCT.md's service model, as data: tier × priority → targets and
 * which calendar they count on. Every number is a default; organizations override them.
 *
 * Units as the product states them: real minutes and hours on a 24×7 calendar; business hours
 * (60 business minutes) and business days on the business calendar. A "business day" is the
 * working time of one typical working day of the calendar in use (`typicalWorkdayMinutes`: 450
 * minutes for 09:00–12:00 + 13:30–18:00), so it follows the organization's calendar.
 *
 * nextReply has no number in PRODUCT.md; the default is the first-response target (a customer
 * who writes again waits no longer for the answer than for the first one). periodicUpdate is
 * P0 30 minutes and P1 2 hours for every tier, on the same calendar as the other targets.
 */
import type { TIERS } from '../people.ts';
import type { PriorityCode } from '../tickets.ts';
import { typicalWorkdayMinutes, type BusinessCalendarSpec, type CalendarSpec, type Period } from './calendar.ts';
import type { SlaTargets } from './clocks.ts';

export type TierCode = (typeof TIERS)[number];

export type Span = { minutes: number } | { hours: number } | { businessHours: number } | { businessDays: number };

export interface PolicyRow {
  calendar: '24x7' | 'business';
  firstResponse: Span;
  resolution: Span;
  /** Default: the first-response span. */
  nextReply?: Span;
  periodicUpdate?: Span;
}

export type Policy = Readonly<Record<TierCode, Readonly<Record<PriorityCode, PolicyRow>>>>;

/** Default business calendar: Asia/Shanghai, Monday–Friday 09:00–12:00 and 13:30–18:00. */
const OFFICE_HOURS: readonly Period[] = Object.freeze([
  ['09:00', '12:00'],
  ['13:30', '18:00'],
] as const);

export const DEFAULT_BUSINESS_CALENDAR: BusinessCalendarSpec = Object.freeze<BusinessCalendarSpec>({
  timezone: 'Asia/Shanghai',
  week: { mon: OFFICE_HOURS, tue: OFFICE_HOURS, wed: OFFICE_HOURS, thu: OFFICE_HOURS, fri: OFFICE_HOURS, sat: [], sun: [] },
  holidays: [],
  workdays: [],
});

const P0_UPDATE: Span = { minutes: 30 };
const P1_UPDATE: Span = { hours: 2 };

/** PRODUCT.md, "Priorities and default targets (response / resolution-or-workaround)". */
export const DEFAULT_POLICY: Policy = Object.freeze({
  enterprise: {
    P0: { calendar: '24x7', firstResponse: { minutes: 15 }, resolution: { hours: 4 }, periodicUpdate: P0_UPDATE },
    P1: { calendar: '24x7', firstResponse: { minutes: 30 }, resolution: { hours: 8 }, periodicUpdate: P1_UPDATE },
    P2: { calendar: 'business', firstResponse: { businessHours: 2 }, resolution: { businessDays: 2 } },
    P3: { calendar: 'business', firstResponse: { businessHours: 4 }, resolution: { businessDays: 3 } },
  },
  advanced: {
    P0: { calendar: '24x7', firstResponse: { minutes: 30 }, resolution: { hours: 4 }, periodicUpdate: P0_UPDATE },
    P1: { calendar: '24x7', firstResponse: { hours: 1 }, resolution: { hours: 8 }, periodicUpdate: P1_UPDATE },
    P2: { calendar: 'business', firstResponse: { businessHours: 4 }, resolution: { businessDays: 2 } },
    P3: { calendar: 'business', firstResponse: { businessDays: 1 }, resolution: { businessDays: 3 } },
  },
  basic: {
    P0: { calendar: 'business', firstResponse: { businessHours: 4 }, resolution: { businessDays: 1 }, periodicUpdate: P0_UPDATE },
    P1: { calendar: 'business', firstResponse: { businessHours: 4 }, resolution: { businessDays: 2 }, periodicUpdate: P1_UPDATE },
    P2: { calendar: 'business', firstResponse: { businessHours: 8 }, resolution: { businessDays: 3 } },
    P3: { calendar: 'business', firstResponse: { businessDays: 1 }, resolution: { businessDays: 5 } },
  },
});

/** Minutes of a span on a calendar whose business day lasts `businessDayMinutes`. */
export function spanMinutes(span: Span, businessDayMinutes: number): number {
  if ('minutes' in span) return span.minutes;
  if ('hours' in span) return span.hours * 60;
  if ('businessHours' in span) return span.businessHours * 60;
  return span.businessDays * businessDayMinutes;
}

export interface ResolvedPolicy {
  /** The calendar the targets count on: `'24x7'` or the organization's business calendar. */
  calendar: CalendarSpec;
  targets: Required<Pick<SlaTargets, 'firstResponse' | 'nextReply' | 'resolution'>> & Pick<SlaTargets, 'periodicUpdate'>;
}

/** A policy row as clock targets in minutes, with the calendar they count on. */
export function resolvePolicyRow(row: PolicyRow, businessCalendar: BusinessCalendarSpec = DEFAULT_BUSINESS_CALENDAR): ResolvedPolicy {
  const calendar: CalendarSpec = row.calendar === '24x7' ? '24x7' : businessCalendar;
  const day = typicalWorkdayMinutes(calendar);
  const targets: ResolvedPolicy['targets'] = {
    firstResponse: spanMinutes(row.firstResponse, day),
    nextReply: spanMinutes(row.nextReply ?? row.firstResponse, day),
    resolution: spanMinutes(row.resolution, day),
  };
  if (row.periodicUpdate) targets.periodicUpdate = spanMinutes(row.periodicUpdate, day);
  return { calendar, targets };
}

/** The default targets for a tier and priority, counted on `businessCalendar` where not 24×7. */
export function defaultTargets(
  tier: TierCode,
  priority: PriorityCode,
  businessCalendar: BusinessCalendarSpec = DEFAULT_BUSINESS_CALENDAR,
  policy: Policy = DEFAULT_POLICY,
): ResolvedPolicy {
  return resolvePolicyRow(policy[tier][priority], businessCalendar);
}
