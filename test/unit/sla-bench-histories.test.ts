import { describe, expect, it } from 'vitest';
import { BENCH_CALENDAR, generateHistories } from '../../bench/sla.ts';
import { compileCalendar } from '../../src/domain/sla/calendar.ts';
import { evaluateClocks } from '../../src/domain/sla/clocks.ts';

const ms = (at: string | Date): number => new Date(at).getTime();

describe('the SLA benchmark inputs', () => {
  const histories = generateHistories(2_000, 42);

  it('generates the same histories for the same seed', () => {
    expect(generateHistories(50, 42)).toEqual(histories.slice(0, 50));
    expect(generateHistories(50, 43)).not.toEqual(histories.slice(0, 50));
  });

  it('generates 5–40 events in time order, starting with created, evaluated at or after the last', () => {
    const bad = histories.filter((h) => {
      const at = h.events.map((e) => ms(e.at));
      return (
        h.events.length < 5 ||
        h.events.length > 40 ||
        h.events[0]!.type !== 'created' ||
        h.events.some((e, i) => i > 0 && e.type === 'created') ||
        at.some((t, i) => i > 0 && t < at[i - 1]!) ||
        h.now.getTime() < at[at.length - 1]!
      );
    });
    expect(bad).toEqual([]);
    const sizes = histories.map((h) => h.events.length);
    expect(Math.min(...sizes)).toBe(5);
    expect(Math.max(...sizes)).toBe(40);
  });

  it('covers replies, pauses, holds, solves, reopens, closes and priority changes', () => {
    const kinds = new Set<string>();
    let reopened = 0;
    for (const h of histories) {
      let solved = false;
      for (const e of h.events) {
        kinds.add(e.type === 'status' ? `status:${e.status}` : e.type);
        if (e.type === 'status' && e.status === 'solved') solved = true;
        else if (solved && e.type === 'customer_reply') {
          reopened++;
          solved = false;
        }
      }
    }
    expect([...kinds].sort()).toEqual(
      ['agent_reply', 'auto_reply', 'created', 'customer_reply', 'internal_note', 'status:closed', 'status:on_hold', 'status:open', 'status:pending', 'status:solved', 'targets'].sort(),
    );
    expect(reopened).toBeGreaterThan(50);
  });

  it('uses a Shanghai calendar where holidays are off and make-up days are worked', () => {
    const cal = compileCalendar(BENCH_CALENDAR);
    const day = (d: string) => cal.businessSeconds(ms(`${d}T00:00:00+08:00`), ms(`${d}T00:00:00+08:00`) + 86_400_000);
    expect(day('2026-10-09')).toBe(7.5 * 3600); // a Friday
    expect(day('2026-10-01')).toBe(0); // National Day
    expect(day('2026-10-10')).toBe(7.5 * 3600); // a Saturday worked instead
    expect(day('2026-10-11')).toBe(0); // an ordinary Sunday
  });

  it('every history evaluates on both calendars', () => {
    const business = compileCalendar(BENCH_CALENDAR);
    const always = compileCalendar('24x7');
    for (const h of histories.slice(0, 500)) {
      const b = evaluateClocks({ calendar: business, targets: h.targets, events: h.events, now: h.now });
      const a = evaluateClocks({ calendar: always, targets: h.targets, events: h.events, now: h.now });
      expect(b.resolution).not.toBeNull();
      // Business time never exceeds real time.
      expect(b.resolution!.elapsedSeconds).toBeLessThanOrEqual(a.resolution!.elapsedSeconds);
    }
  });
});
