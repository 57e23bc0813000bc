import type { LevelCode, RegionCode } from './people.ts';

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const CHANNELS = ['portal', 'api', 'email', 'im', 'phone', 'monitoring', 'chat'] as const;
export type PriorityCode = (typeof PRIORITIES)[number];
export type StatusCode = (typeof STATUSES)[number];
export type ChannelCode = (typeof CHANNELS)[number];

/** Which ticket statuses a change may go to from which (closed is final). */
export function canTransition(from: StatusCode, to: StatusCode): boolean {
  if (from === to) return true;
  if (from === 'closed') return false;
  if (to === 'new') return false;
  return true;
}

/** The status a ticket takes after a comment (contract rule 3 for customer replies). */
export function statusAfterComment(status: StatusCode, by: 'agent_reply' | 'customer_reply' | 'internal_note'): StatusCode {
  switch (by) {
    case 'customer_reply':
      return status === 'pending' || status === 'solved' ? 'open' : status;
    case 'agent_reply':
      return status === 'new' ? 'open' : status;
    case 'internal_note':
      return status;
  }
}

export interface RoutableGroup {
  id: string;
  name: string;
  industry: string | null;
  region: string | null;
}

/**
 * The group a new ticket goes to: the best match on the customer's industry vertical and region.
 * An industry match outweighs a region match; a group that names an industry or region the ticket
 * does not have is excluded; ties go to the group named first alphabetically (stable).
 */
export function routeToGroup<G extends RoutableGroup>(groups: G[], t: { industry: string; regions: string[] }): G | null {
  let best: G | null = null;
  let bestScore = -1;
  for (const g of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    if (g.industry && g.industry !== t.industry) continue;
    if (g.region && !t.regions.includes(g.region)) continue;
    const score = (g.industry ? 2 : 0) + (g.region ? 1 : 0);
    if (score > bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return best;
}

/** Round-robin: the cursor's turn among the eligible agents, in a stable order. */
export function pickRoundRobin<A extends { id: string }>(agents: A[], cursor: number): A | null {
  if (agents.length === 0) return null;
  const sorted = [...agents].sort((a, b) => a.id.localeCompare(b.id));
  return sorted[((cursor % sorted.length) + sorted.length) % sorted.length] ?? null;
}

/** Default time to the next promised update after an escalation, by priority (minutes). */
export const ESCALATION_UPDATE_MINUTES: Record<PriorityCode, number> = { P0: 30, P1: 120, P2: 24 * 60, P3: 72 * 60 };

export type { LevelCode, RegionCode };
