import { describe, expect, it } from 'vitest';
import { validateCalendar, type BusinessCalendarSpec } from '../../../src/domain/sla/calendar.ts';
import { DEFAULT_BUSINESS_CALENDAR, defaultTargets, type TierCode } from '../../../src/domain/sla/policy.ts';
import type { PriorityCode } from '../../../src/domain/tickets.ts';

// PRODUCT.md's table in minutes; a business day on the default calendar is 3 h + 4.5 h = 450 min.
const table: [TierCode, PriorityCode, '24x7' | 'business', number, number, number | undefined][] = [
  ['enterprise', 'P0', '24x7', 15, 240, 30],
  ['enterprise', 'P1', '24x7', 30, 480, 120],
  ['enterprise', 'P2', 'business', 120, 900, undefined],
  ['enterprise', 'P3', 'business', 240, 1350, undefined],
  ['advanced', 'P0', '24x7', 30, 240, 30],
  ['advanced', 'P1', '24x7', 60, 480, 120],
  ['advanced', 'P2', 'business', 240, 900, undefined],
  ['advanced', 'P3', 'business', 450, 1350, undefined],
  ['basic', 'P0', 'business', 240, 450, 30],
  ['basic', 'P1', 'business', 240, 900, 120],
  ['basic', 'P2', 'business', 480, 1350, undefined],
  ['basic', 'P3', 'business', 450, 2250, undefined],
];

describe('default policy', () => {
  it.each(table)('%s %s: %s calendar, first response %i min, resolution %i min, periodic update %s', (tier, priority, kind, fr, res, pu) => {
    const { calendar, targets } = defaultTargets(tier, priority);
    expect(calendar).toEqual(kind === '24x7' ? '24x7' : DEFAULT_BUSINESS_CALENDAR);
    const want: Record<string, number> = { firstResponse: fr, nextReply: fr, resolution: res };
    if (pu !== undefined) want.periodicUpdate = pu;
    expect(targets).toEqual(want);
  });

  it("takes a business day from the organization's calendar", () => {
    const berlin: BusinessCalendarSpec = {
      timezone: 'Europe/Berlin',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '13:00']] },
    };
    expect(defaultTargets('basic', 'P3', berlin).targets).toEqual({ firstResponse: 480, nextReply: 480, resolution: 2400 });
    expect(defaultTargets('enterprise', 'P0', berlin).calendar).toBe('24x7');
  });

  it('ships a valid Asia/Shanghai calendar with lunch breaks', () => {
    expect(validateCalendar(DEFAULT_BUSINESS_CALENDAR)).toEqual({
      timezone: 'Asia/Shanghai',
      week: {
        mon: [['09:00', '12:00'], ['13:30', '18:00']],
        tue: [['09:00', '12:00'], ['13:30', '18:00']],
        wed: [['09:00', '12:00'], ['13:30', '18:00']],
        thu: [['09:00', '12:00'], ['13:30', '18:00']],
        fri: [['09:00', '12:00'], ['13:30', '18:00']],
        sat: [],
        sun: [],
      },
      holidays: [],
      workdays: [],
    });
  });
});
