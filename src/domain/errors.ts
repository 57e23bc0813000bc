/**
 * The one error type inside Signaldesk. Every failure that reaches a caller is an AppError with a
 * code; the HTTP layer maps the code to a status in one place (src/http/errors.ts).
 */
export const ERROR_CODES = [
  'validation', // 400: input does not match the schema; details carry the field paths
  'bad_request', // 400: well-formed but unusable input (e.g. not NDJSON at all)
  'unauthorized', // 401: no or invalid credentials
  'forbidden', // 403: authenticated, but this role may not do this
  'not_found', // 404: unknown id, or an id of another tenant (never 403, so ids do not leak)
  'conflict', // 409: unique constraint, state conflict
  'payload_too_large', // 413
  'unsupported_media_type', // 415
  'rate_limited', // 429
  'unavailable', // 503: a dependency is down
  'internal', // 500: a bug
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  static validation(path: string, message: string): AppError {
    return new AppError('validation', `${path}: ${message}`, [{ path, message } satisfies FieldIssue]);
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message = 'You may not do this'): AppError {
    return new AppError('forbidden', message);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
