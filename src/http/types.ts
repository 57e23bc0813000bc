import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../domain/errors.ts';
import type { Actor, Ctx } from '../services/context.ts';

export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    authVia: 'token' | 'session' | null;
  }
}

/** Route modules are plain functions: register routes on the app with the services' context. */
export type RouteModule = (app: Api, ctx: Ctx) => void | Promise<void>;

export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'sign in, or send Authorization: Bearer <token>');
  return req.actor;
}
