import { IANAZone } from 'luxon';

export const TIERS = ['basic', 'advanced', 'enterprise'] as const;
export const ROLES = ['admin', 'agent', 'customer'] as const;
export const LEVELS = ['L1', 'L2', 'RD', 'ARCH'] as const;
export const INDUSTRIES = ['social_1v1', 'live_streaming', 'voice_chat', 'education', 'conferencing', 'overseas', 'other'] as const;
export const REGIONS = ['APAC', 'EMEA', 'AMER'] as const;
export const SCOPES = ['api', 'ingest'] as const;

export type Industry = (typeof INDUSTRIES)[number];
export type RegionCode = (typeof REGIONS)[number];
export type LevelCode = (typeof LEVELS)[number];

export const isValidTimeZone = (tz: string): boolean => IANAZone.isValidZone(tz);

/** The next level up the escalation ladder, or null at the top. */
export function nextLevel(level: LevelCode): LevelCode | null {
  const i = LEVELS.indexOf(level);
  return LEVELS[i + 1] ?? null;
}

export const levelRank = (l: LevelCode): number => LEVELS.indexOf(l);
