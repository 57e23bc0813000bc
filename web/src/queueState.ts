import type { TicketQuery } from './api.ts';
import { ACTIVE_STATUSES, isLevel, isPriority, isStatus } from './types.ts';

/** The queue's filters, kept in the address (`/console?status=open&sort=priority`) so back and reload keep them. */
export interface QueueState {
  status: string;
  priority: string;
  level: string;
  mine: boolean;
  q: string;
  /** Quick SLA filter: only breached tickets, or only those at risk of breaching. */
  sla: SlaFilter;
  sort: NonNullable<TicketQuery['sort']>;
}

export const SLA_FILTERS = ['breached', 'atRisk'] as const;
export type SlaFilter = '' | (typeof SLA_FILTERS)[number];

const SORT_VALUES = ['-created', 'created', 'priority', 'updated', 'due'] as const;

export function readQueueState(search: URLSearchParams): QueueState {
  const status = search.get('status') ?? 'active';
  const priority = search.get('priority') ?? '';
  const level = search.get('level') ?? '';
  const sort = SORT_VALUES.find((s) => s === search.get('sort')) ?? '-created';
  return {
    status: status === 'all' || status === 'active' || isStatus(status) ? status : 'active',
    priority: isPriority(priority) ? priority : '',
    level: isLevel(level) ? level : '',
    mine: search.get('mine') === '1',
    q: search.get('q') ?? '',
    sla: SLA_FILTERS.find((f) => f === search.get('sla')) ?? '',
    sort,
  };
}

export function queueStateUrl(s: QueueState): string {
  const p = new URLSearchParams();
  if (s.status !== 'active') p.set('status', s.status);
  if (s.priority) p.set('priority', s.priority);
  if (s.level) p.set('level', s.level);
  if (s.mine) p.set('mine', '1');
  if (s.q) p.set('q', s.q);
  if (s.sla) p.set('sla', s.sla);
  if (s.sort !== '-created') p.set('sort', s.sort);
  const qs = p.toString();
  return `/console${qs ? `?${qs}` : ''}`;
}

export function queueQuery(s: QueueState, limit: number): TicketQuery {
  return {
    status: s.status === 'all' ? undefined : s.status === 'active' ? [...ACTIVE_STATUSES] : [s.status],
    priority: s.priority ? [s.priority] : undefined,
    level: s.level || undefined,
    assigneeId: s.mine ? 'me' : undefined,
    q: s.q || undefined,
    breached: s.sla === 'breached' || undefined,
    atRisk: s.sla === 'atRisk' || undefined,
    sort: s.sort,
    limit,
  };
}
