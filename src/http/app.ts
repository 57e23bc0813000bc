import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../domain/errors.ts';
import type { Ctx } from '../services/context.ts';
import { authHook } from './auth.ts';
import { errorHandler } from './errors.ts';
import { routeModules } from './routes/index.ts';
import type { Api } from './types.ts';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

export interface AppOptions {
  logger?: boolean | { level: string };
  webDir?: string;
}

const trustHops =
  (n: number) =>
  (_address: string, hop: number): boolean =>
    hop < n;

export async function buildApp(ctx: Ctx, opts: AppOptions = {}): Promise<Api> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    // A hop count as proxy-addr's function form (trust the nearest n hops).
    trustProxy: typeof ctx.config.trustProxy === 'number' ? trustHops(ctx.config.trustProxy) : ctx.config.trustProxy,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('actor', null);
  app.decorateRequest('authVia', null);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Signaldesk API', version: '1.0.0', description: 'Help desk, SLA, quality monitoring and on-call for RTC SDK vendors.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', authHook(ctx));
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'same-origin');
    void reply.header('x-frame-options', 'DENY');
    return payload;
  });

  for (const register of routeModules) await register(app, ctx);

  const webDir = opts.webDir ?? WEB_DIST;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const p = req.url.split('?')[0] ?? '';
    if (req.method === 'GET' && !p.startsWith('/api/')) {
      if (hasWeb) return reply.header('content-security-policy', CSP).sendFile('index.html');
      return reply.type('text/plain').send('The web app is not built: run `npm run build`.');
    }
    throw new AppError('not_found', `no route ${req.method} ${p}`);
  });
  return app;
}

export const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
