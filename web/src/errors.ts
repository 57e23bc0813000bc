import { ApiError, type FieldIssue } from './api.ts';
import type { MessageKey, Translate } from './i18n/index.tsx';

const CODE_KEYS: Record<string, MessageKey> = {
  validation: 'error.validation',
  bad_request: 'error.validation',
  unauthorized: 'error.unauthorized',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  conflict: 'error.conflict',
  rate_limited: 'error.rate_limited',
  network: 'error.network',
};

export interface ErrorText {
  title: string;
  /** The server's own words (English), for anything the title does not say. */
  detail: string | null;
  issues: FieldIssue[];
}

/** A translated headline for an error, with the server's message and field issues kept. */
export function describeError(t: Translate, error: unknown): ErrorText {
  if (error instanceof ApiError) {
    const key = CODE_KEYS[error.code];
    const title = key ? t(key) : t('error.generic');
    const detail = error.details.length > 0 || error.code === 'network' ? null : error.message;
    return { title, detail, issues: error.details };
  }
  return { title: t('error.generic'), detail: error instanceof Error ? error.message : null, issues: [] };
}

/** The server's messages about one field (`body.rtc.sdkVersion`), joined for display under it. */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const issues = error.forField(path);
  return issues.length ? issues.map((i) => i.message).join('; ') : undefined;
}
