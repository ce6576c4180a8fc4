/**
 * The KeyAPI client: one endpoint, GET /v1/tiktok/influencer/ranking/analytics. It owns HTTP, auth,
 * the envelope, typed errors, bounded retries and pacing, and counts every request sent (a paid credit).
 * It knows nothing of leaderboards, periods or chat.
 */
import type { Logger } from 'pino';
import { cleanText, truncateText } from '../clean-text.js';
import { codeForEnvelope, codeForStatus, KeyApiError } from './errors.js';
import { createPacer, type Pacer } from './pacing.js';
import { type ApiRow, apiRowSchema, envelopeSchema, parseKeyApiJson } from './schema.js';

export const RANKING_PATH = '/v1/tiktok/influencer/ranking/analytics';
/** KeyAPI serves at most 10 rows a page. */
export const MAX_PAGE_SIZE = 10;

/** The documented query parameters, in the API's own terms. */
export interface RankingRequest {
  date: string;
  region: string;
  /** 1 = day, 2 = week, 3 = month */
  rankType: 1 | 2 | 3;
  /** 1 = total_followers_cnt, 2 = total_sale_cnt */
  rankField: 1 | 2;
  category?: string | undefined;
  productCategoryId?: string | undefined;
  pageNum: number;
  pageSize: number;
}

/** One page of rows; an empty `rows` means KeyAPI has not published that period (or nothing matches). */
export interface RankingPage {
  rows: ApiRow[];
  requestId: string | undefined;
}

/** The outcome of one upstream request, for metrics: an HTTP status, or why there was none. */
export type UpstreamOutcome = number | 'timeout' | 'network';

export interface KeyApiClient {
  fetchPage(request: RankingRequest): Promise<RankingPage>;
  /** Upstream requests sent so far, retries included: each one costs a credit. */
  readonly requestCount: number;
}

export interface KeyApiClientOptions {
  baseUrl: string;
  token: string | undefined;
  qps: number;
  log: Logger;
  timeoutMs?: number;
  /** Attempts per page, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the caller hears "busy" at once. */
  maxRetryAfterMs?: number;
  /** Runs before each upstream request; throws to refuse it (the daily credit budget). */
  beforeRequest?: () => Promise<void>;
  /** Sees every upstream outcome (metrics). */
  onOutcome?: (outcome: UpstreamOutcome) => void;
  pacer?: Pacer;
}

export function createKeyApiClient(options: KeyApiClientOptions): KeyApiClient {
  const {
    baseUrl,
    token,
    log,
    timeoutMs = 10_000,
    maxAttempts = 4,
    baseDelayMs = 500,
    maxDelayMs = 8_000,
    maxRetryAfterMs = 30_000,
    beforeRequest,
    onOutcome,
  } = options;
  const pacer = options.pacer ?? createPacer(options.qps);
  let requestCount = 0;

  async function attempt(request: RankingRequest): Promise<RankingPage> {
    await beforeRequest?.();
    await pacer.wait();
    requestCount += 1;
    const url = new URL(RANKING_PATH, baseUrl);
    for (const [key, value] of Object.entries(toParams(request))) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;

    let response: Response;
    let body: string;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      body = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      onOutcome?.(timedOut ? 'timeout' : 'network');
      throw new KeyApiError('keyapi_unreachable', {
        apiMessage: timedOut ? `no answer within ${timeoutMs} ms` : 'network error',
        cause,
      });
    }
    onOutcome?.(response.status);
    return readResponse(response, body);
  }

  async function fetchPage(request: RankingRequest): Promise<RankingPage> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(request);
      } catch (error) {
        if (!(error instanceof KeyApiError) || !error.retryable || n >= maxAttempts) throw error;
        if ((error.retryAfterMs ?? 0) > maxRetryAfterMs) throw error;
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
        const delay = Math.max(backoff, error.retryAfterMs ?? 0);
        log.warn(
          { code: error.code, status: error.status, attempt: n, delayMs: Math.round(delay) },
          'keyapi retry',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    fetchPage,
    get requestCount() {
      return requestCount;
    },
  };
}

function toParams(request: RankingRequest): Record<string, string> {
  const params: Record<string, string> = {
    date: request.date,
    region: request.region,
    rank_type: String(request.rankType),
    influencer_rank_field: String(request.rankField),
    page_num: String(request.pageNum),
    page_size: String(request.pageSize),
  };
  // Empty optional filters are omitted: KeyAPI treats an empty value as a filter that matches nothing.
  if (request.category) params.influencer_category_name = request.category;
  if (request.productCategoryId) params.product_category_id = request.productCategoryId;
  return params;
}

function readResponse(response: Response, body: string): RankingPage {
  let json: unknown;
  try {
    json = parseKeyApiJson(body);
  } catch {
    json = undefined;
  }
  const envelope = envelopeSchema.safeParse(json);
  const apiMessage = envelope.data?.message ? untrustedMessage(envelope.data.message) : undefined;

  if (!response.ok) {
    throw new KeyApiError(codeForStatus(response.status), {
      status: response.status,
      apiMessage: apiMessage ?? `HTTP ${response.status}`,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    });
  }
  if (!envelope.success) {
    throw new KeyApiError('keyapi_schema_mismatch', {
      status: response.status,
      apiMessage: json === undefined ? 'body is not JSON' : describeIssues(envelope.error.issues),
    });
  }
  if (envelope.data.code !== 0) {
    throw new KeyApiError(codeForEnvelope(envelope.data.code), {
      status: response.status,
      apiMessage: apiMessage ?? `code ${envelope.data.code}`,
    });
  }
  return {
    rows: readRows(envelope.data.data, response.status),
    requestId: envelope.data.requestId ?? undefined,
  };
}

function readRows(data: unknown, status: number): ApiRow[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) {
    throw new KeyApiError('keyapi_schema_mismatch', { status, apiMessage: '`data` is not an array' });
  }
  return data.map((item, index) => {
    const row = apiRowSchema.safeParse(item);
    if (!row.success) {
      throw new KeyApiError('keyapi_schema_mismatch', {
        status,
        apiMessage: `row ${index}: ${describeIssues(row.error.issues)}`,
      });
    }
    return { ...row.data, raw: item as Record<string, unknown> };
  });
}

/** The most of KeyAPI's `message` a user is shown. */
const MAX_API_MESSAGE_LENGTH = 200;

/** KeyAPI's `message` reaches users' sentences: untrusted text, cleaned and cut (adapters escape markup). */
function untrustedMessage(message: string): string {
  return truncateText(cleanText(message), MAX_API_MESSAGE_LENGTH);
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(body)'} ${i.message}`)
    .join('; ');
}

/** `Retry-After` is either whole seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
