import { AppError } from '../domain/errors.ts';
import type { Actor } from './context.ts';

/** Authorization as small predicates. A customer never learns that another tenant's id exists. */

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw AppError.forbidden('admins only');
}

export function requireStaff(actor: Actor): void {
  if (actor.role === 'customer') throw AppError.forbidden('support staff only');
}

export function requireScope(actor: Actor, scope: string): void {
  if (!actor.scopes.includes(scope)) throw AppError.forbidden(`this token lacks the "${scope}" scope`);
}

export const isStaff = (actor: Actor): boolean => actor.role !== 'customer';

/** Whether the actor may see anything of this organization. */
export const canSeeOrg = (actor: Actor, orgId: string): boolean => isStaff(actor) || actor.orgId === orgId;
