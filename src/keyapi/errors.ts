/**
 * KeyAPI failures as typed errors: each carries the HTTP status, the API's own `message`, and whether
 * a retry can help. The user's sentence comes from the shared table in src/errors.ts.
 */
import { type ErrorCode, ToprankError } from '../errors.js';

/** A failed KeyAPI call. `retryable` marks 429, 5xx, timeouts and network errors. */
export class KeyApiError extends ToprankError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    details: { status?: number; apiMessage?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    const fields: { status?: number; apiMessage?: string } = {};
    if (details.status !== undefined) fields.status = details.status;
    if (details.apiMessage !== undefined) fields.apiMessage = details.apiMessage;
    super(code, fields, { cause: details.cause });
    this.name = 'KeyApiError';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = retryableCodes.has(code);
  }
}

const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'keyapi_rate_limited',
  'keyapi_server_error',
  'keyapi_unreachable',
]);

/** The error code for an HTTP status that is not 2xx. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'keyapi_bad_request';
  if (status === 401 || status === 403) return 'keyapi_unauthorized';
  if (status === 402) return 'keyapi_credits_exhausted';
  if (status === 429) return 'keyapi_rate_limited';
  if (status >= 500) return 'keyapi_server_error';
  return 'keyapi_api_error';
}

/** The HTTP statuses the seed documents, which KeyAPI also sends as an envelope `code`. */
const documentedStatuses: ReadonlySet<number> = new Set([400, 401, 402, 429, 500]);

/**
 * The error code for a non-zero envelope `code` under HTTP 200. A documented status means that
 * status; any other code (KeyAPI's own, e.g. 10001 "region not supported") is an answer about the
 * request, not an outage: `keyapi_api_error`, never retried, its sentence carrying KeyAPI's message.
 */
export function codeForEnvelope(code: number): ErrorCode {
  return documentedStatuses.has(code) ? codeForStatus(code) : 'keyapi_api_error';
}
