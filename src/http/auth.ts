import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { Ctx } from '../services/context.ts';
import { authenticateSession, authenticateToken } from '../services/people.ts';

export const SESSION_COOKIE = 'sd_session';
const INGEST_ONLY = new Set(['/api/v1/telemetry']);
const PUBLIC = new Set(['/api/v1/health', '/api/v1/openapi.json', '/api/v1/auth/login']);

/**
 * Resolves the actor from `Authorization: Bearer` or the session cookie. A cookie-authenticated
 * request that changes something must carry `X-Requested-With` (a header a cross-site form cannot
 * send), so the cookie alone never authorizes a write.
 */
export function authHook(ctx: Ctx) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    req.actor = null;
    req.authVia = null;
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1]) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>"');
      req.actor = await authenticateToken(ctx, m[1]);
      if (!req.actor) throw new AppError('unauthorized', 'invalid or revoked token');
      req.authVia = 'token';
      // A token without the api scope (an SDK collector's ingest token) reaches only intake routes.
      if (!req.actor.scopes.includes('api') && !INGEST_ONLY.has(path)) throw AppError.forbidden('this token may only send telemetry');
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      req.actor = await authenticateSession(ctx, cookie);
      if (req.actor) {
        req.authVia = 'session';
        if (req.method !== 'GET' && req.method !== 'HEAD' && !req.headers['x-requested-with']) {
          throw AppError.forbidden('requests from the web app must carry X-Requested-With');
        }
        return;
      }
    }
    if (PUBLIC.has(path) || path.startsWith('/api/v1/public/')) return;
    throw new AppError('unauthorized', 'sign in, or send Authorization: Bearer <token>');
  };
}
