import { z } from 'zod';
import { INDUSTRIES, LEVELS, REGIONS, ROLES, SCOPES, TIERS } from '../../../domain/people.ts';
import type { Org, User } from '../../../store/schema.ts';

export const id = z.string().min(1).max(100);
const tz = z.string().min(1).max(64);

export const OrgIn = z.strictObject({
  name: z.string().trim().min(1).max(200),
  tier: z.enum(TIERS),
  industry: z.enum(INDUSTRIES).default('other'),
  timezone: tz,
  locale: z.enum(['zh-CN', 'en']).optional(),
  regions: z.array(z.enum(REGIONS)).max(3).optional(),
  appIds: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  csmId: id.nullable().optional(),
});

export const OrgOut = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.enum(TIERS),
  industry: z.string(),
  timezone: z.string(),
  locale: z.string(),
  regions: z.array(z.string()),
  appIds: z.array(z.string()),
  csmId: z.string().nullable(),
  createdAt: z.string(),
});

export const presentOrg = (o: Org): z.infer<typeof OrgOut> => ({
  id: o.id,
  name: o.name,
  tier: o.tier,
  industry: o.industry,
  timezone: o.timezone,
  locale: o.locale,
  regions: o.regions,
  appIds: o.app_ids,
  csmId: o.csm_id,
  createdAt: o.created_at.toISOString(),
});

export const UserIn = z.strictObject({
  handle: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  role: z.enum(ROLES),
  orgId: id.nullable().optional(),
  level: z.enum(LEVELS).nullable().optional(),
  timezone: tz.optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
  password: z.string().min(8).max(200).optional(),
  escalationManager: z.boolean().optional(),
  groupIds: z.array(id).max(50).optional(),
});

export const UserOut = z.object({
  id: z.string(),
  handle: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  orgId: z.string().nullable(),
  level: z.enum(LEVELS).nullable(),
  timezone: z.string(),
  locale: z.string(),
  escalationManager: z.boolean(),
  available: z.boolean(),
  createdAt: z.string(),
});

export const presentUser = (u: User): z.infer<typeof UserOut> => ({
  id: u.id,
  handle: u.handle,
  name: u.name,
  email: u.email,
  role: u.role,
  orgId: u.org_id,
  level: u.level,
  timezone: u.timezone,
  locale: u.locale,
  escalationManager: u.escalation_manager,
  available: u.available,
  createdAt: u.created_at.toISOString(),
});

export const TokenIn = z.strictObject({ scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional() }).default({});

export const GroupIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  industry: z.enum(INDUSTRIES).nullable().optional(),
  region: z.enum(REGIONS).nullable().optional(),
  memberIds: z.array(id).max(500).optional(),
});

export const GroupOut = z.object({
  id: z.string(),
  name: z.string(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  members: z.array(z.string()),
});

export const LoginIn = z.strictObject({ handle: z.string().min(1).max(64), password: z.string().min(1).max(200) });
