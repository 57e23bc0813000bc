/**
 * `POST /api/v1/telemetry` (shared/spec/telemetry.md): an NDJSON body of version-1 records,
 * `Content-Type: application/x-ndjson`, optionally `Content-Encoding: gzip`; a token with the
 * `ingest` scope. 202 with per-line errors; 400 when the body is not NDJSON at all; 413 over the
 * configured limit, compressed or decompressed; 415 for another content type or encoding; 429
 * over the per-token / per-address request rate.
 *
 * The NDJSON parser is registered in this route's own scope only (the rest of the API keeps JSON).
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '../../../domain/errors.ts';
import { ingestFor } from '../../../ingest/runtime.ts';
import { requireScope } from '../../../services/policy.ts';
import { actorOf, type Api, type RouteModule } from '../../types.ts';
import { IntakeOut } from './schema.ts';

const gunzipAsync = promisify(gunzip);

async function decompress(body: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new AppError('unsupported_media_type', `Content-Encoding "${enc}" is not supported; send gzip or no encoding`);
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (err instanceof RangeError || code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('payload_too_large', `the decompressed body is larger than ${limit} bytes`);
    }
    throw new AppError('bad_request', 'the body is not valid gzip data');
  }
}

export const telemetryRoutes: RouteModule = async (app, ctx) => {
  const limit = ctx.config.telemetryBodyLimit;
  await app.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

    scope.post(
      '/api/v1/telemetry',
      {
        bodyLimit: limit,
        schema: {
          tags: ['telemetry'],
          summary: 'Send quality telemetry (NDJSON, version 1)',
          description: 'Body: one JSON record per line (telemetry.md). Content-Type application/x-ndjson; Content-Encoding gzip optional. Token scope: ingest.',
          consumes: ['application/x-ndjson'],
          response: { 202: IntakeOut },
        },
        // Before the body is read: scope and rate.
        onRequest: async (req) => {
          const actor = actorOf(req);
          requireScope(actor, 'ingest');
          const rt = ingestFor(ctx.db);
          if (!rt) throw new AppError('unavailable', 'the telemetry pipeline is not running in this process');
          rt.counters.requests++;
          if (!rt.limiter.allow(actor.userId, req.ip)) throw new AppError('rate_limited', 'too many telemetry requests; batch more records per request');
        },
      },
      async (req, reply) => {
        const rt = ingestFor(ctx.db);
        if (!rt) throw new AppError('unavailable', 'the telemetry pipeline is not running in this process');
        const raw = req.body;
        const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
        const header = req.headers['content-encoding'];
        const body = await decompress(buf, Array.isArray(header) ? header.join(',') : header, limit);
        if (body.length > limit) throw new AppError('payload_too_large', `the body is larger than ${limit} bytes`);
        const r = rt.ingestNdjson(body.toString('utf8'));
        if (r.notNdjson) {
          throw new AppError('bad_request', 'the body is not NDJSON: send one JSON object per line (not a JSON array, not plain text, not undeclared compressed data)', r.errors.slice(0, 5));
        }
        return reply.status(202).send({ accepted: r.accepted, rejected: r.rejected, late: r.late, errors: r.errors });
      },
    );
  });
};
