import { describe, expect, it } from 'vitest';
import { canTransition, pickRoundRobin, routeToGroup, statusAfterComment } from '../../../src/domain/tickets.ts';
import { nextLevel } from '../../../src/domain/people.ts';

describe('routing a new ticket to a group', () => {
  const groups = [
    { id: 'g-any', name: 'Global', industry: null, region: null },
    { id: 'g-apac', name: 'APAC', industry: null, region: 'APAC' },
    { id: 'g-live', name: 'Live streaming', industry: 'live_streaming', region: null },
    { id: 'g-live-apac', name: 'Live APAC', industry: 'live_streaming', region: 'APAC' },
  ];
  it.each([
    ['prefers industry and region together', { industry: 'live_streaming', regions: ['APAC'] }, 'g-live-apac'],
    ['prefers an industry match over a region match', { industry: 'live_streaming', regions: ['EMEA'] }, 'g-live'],
    ['falls back to the region', { industry: 'education', regions: ['APAC'] }, 'g-apac'],
    ['falls back to a catch-all group', { industry: 'education', regions: ['AMER'] }, 'g-any'],
  ])('%s', (_name, ticket, expected) => {
    expect(routeToGroup(groups, ticket)?.id).toBe(expected);
  });
  it('finds no group when none fits', () => {
    expect(routeToGroup([{ id: 'x', name: 'x', industry: 'education', region: null }], { industry: 'other', regions: [] })).toBeNull();
  });
});

describe('round-robin inside a group', () => {
  const agents = [{ id: 'c' }, { id: 'a' }, { id: 'b' }];
  it('takes turns in a stable order whatever the order agents come in', () => {
    expect([0, 1, 2, 3, 4].map((k) => pickRoundRobin(agents, k)?.id)).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
  it('has nobody to pick from an empty group', () => {
    expect(pickRoundRobin([], 3)).toBeNull();
  });
});

describe('status changes', () => {
  it.each([
    ['pending', 'customer_reply', 'open'],
    ['solved', 'customer_reply', 'open'],
    ['on_hold', 'customer_reply', 'on_hold'],
    ['closed', 'customer_reply', 'closed'],
    ['new', 'agent_reply', 'open'],
    ['pending', 'agent_reply', 'pending'],
    ['new', 'internal_note', 'new'],
  ] as const)('a %s ticket after a %s is %s', (from, by, to) => {
    expect(statusAfterComment(from, by)).toBe(to);
  });
  it('never reopens a closed ticket and never goes back to new', () => {
    expect(canTransition('closed', 'open')).toBe(false);
    expect(canTransition('open', 'new')).toBe(false);
    expect(canTransition('solved', 'open')).toBe(true);
  });
  it('climbs the ladder L1 → L2 → RD → ARCH and stops at the top', () => {
    expect([nextLevel('L1'), nextLevel('L2'), nextLevel('RD'), nextLevel('ARCH')]).toEqual(['L2', 'RD', 'ARCH', null]);
  });
});
