import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../domain/errors.ts';

/** The one place where an error code becomes an HTTP status. */
export const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

function fromFastify(err: FastifyError): AppError | null {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.map((v) => {
      const path = [where, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.');
      return { path, message: v.message ?? 'invalid' };
    });
    return new AppError('validation', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return new AppError('payload_too_large', 'the request body is larger than this endpoint accepts');
  if (status === 415) return new AppError('unsupported_media_type', err.message);
  if (status === 429) return new AppError('rate_limited', 'too many requests; slow down');
  if (status === 404) return new AppError('not_found', err.message);
  if (status >= 400 && status < 500) return new AppError('bad_request', err.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, 'the body is not valid JSON'));
  return null;
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  let app: AppError;
  if (err instanceof AppError) app = err;
  else if (err instanceof SyntaxError) app = new AppError('bad_request', `the body is not valid JSON: ${err.message}`);
  else if (isResponseSerializationError(err as FastifyError)) {
    req.log.error({ err }, 'response did not match its schema');
    app = new AppError('internal', 'internal error');
  } else {
    app = fromFastify(err as FastifyError) ?? new AppError('internal', 'internal error');
    if (app.code === 'internal') req.log.error({ err }, 'unhandled error');
  }
  const status = STATUS[app.code];
  if (app.code === 'rate_limited') void reply.header('retry-after', '60');
  void reply.status(status).send({ error: { code: app.code, message: app.message, ...(app.details !== undefined ? { details: app.details } : {}) } });
}
