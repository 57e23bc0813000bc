import type { SimEvent, SimEventType, SimulateRequest, SlaPolicyRow, StatusCode } from './types.ts';
import { fromWallInput, toDateInput } from './zoned.ts';

/** One editable line of the simulator's timeline: a wall-clock time in the simulation's zone. */
export interface SimRow {
  key: number;
  at: string;
  type: SimEventType;
  status: StatusCode;
}

export interface SimDraft {
  rows: SimRow[];
  now: string;
}

let nextKey = 1;
export const newRowKey = (): number => nextKey++;

/** `YYYY-MM-DD` plus `days`. */
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const x = new Date(Date.UTC(y, m - 1, d + days));
  return x.toISOString().slice(0, 10);
}

/**
 * A typical ticket of this week, starting Monday 10:00 in `zone`: answered late, a customer reply,
 * waiting on the customer overnight, answered again, solved. Every clock has something to show.
 */
export function sampleTimeline(nowMs: number, zone: string): SimDraft {
  const today = toDateInput(nowMs, zone);
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const mon = addDays(today, -weekday);
  const tue = addDays(mon, 1);
  const row = (at: string, type: SimEventType, status: StatusCode = 'open'): SimRow => ({ key: newRowKey(), at, type, status });
  return {
    rows: [
      row(`${mon}T10:00`, 'created'),
      row(`${mon}T10:40`, 'agent_reply'),
      row(`${mon}T11:30`, 'customer_reply'),
      row(`${mon}T15:00`, 'agent_reply'),
      row(`${mon}T15:05`, 'status', 'pending'),
      row(`${tue}T09:30`, 'customer_reply'),
      row(`${tue}T11:00`, 'agent_reply'),
      row(`${tue}T16:00`, 'status', 'solved'),
    ],
    now: `${tue}T18:00`,
  };
}

/** The policy row's targets as the simulator takes them (a missing target: that clock is not kept). */
export function rowTargets(row: SlaPolicyRow): SimulateRequest['targets'] {
  const out: SimulateRequest['targets'] = {};
  if (row.firstResponse !== null) out.firstResponse = row.firstResponse;
  if (row.nextReply !== null) out.nextReply = row.nextReply;
  if (row.periodicUpdate !== null) out.periodicUpdate = row.periodicUpdate;
  if (row.resolution !== null) out.resolution = row.resolution;
  return out;
}

const iso = (wall: string, zone: string): string => {
  const ms = fromWallInput(wall, zone);
  // An unreadable time goes as typed: the server names the field that is wrong.
  return ms === null ? wall : new Date(ms).toISOString();
};

/** The request for `POST /api/v1/sla/simulate`. */
export function simulateRequest(draft: SimDraft, zone: string, calendar: SimulateRequest['calendar'], targets: SimulateRequest['targets']): SimulateRequest {
  const events: SimEvent[] = draft.rows.map((r) => (r.type === 'status' ? { at: iso(r.at, zone), type: 'status', status: r.status } : { at: iso(r.at, zone), type: r.type }));
  return { calendar, targets, events, now: iso(draft.now, zone) };
}
