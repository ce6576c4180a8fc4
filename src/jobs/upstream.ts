/**
 * How jobs read the ranking service: the one-page probe that says whether a period is out, and which
 * failures are permanent (stop the job) or transient (treat as "not published yet", probe again).
 * Decided by `ToprankError.code`, so jobs never import the KeyAPI client's own types.
 */
import { type ErrorCode, ToprankError } from '../errors.js';
import type { LeaderboardService } from '../ranking/leaderboard-service.js';
import type { Period } from '../ranking/types.js';
import { leaderboardQueryOf, type SubscriptionQuery } from '../subscriptions/subscription.js';

/**
 * Whether `period` is published for the query's ranking, for one page (one credit). It asks the
 * unfiltered ranking: a category filter can empty a published page.
 */
export function probe(
  leaderboards: LeaderboardService,
  query: SubscriptionQuery,
  period: Period,
): Promise<boolean> {
  const base = { region: query.region, type: period.type, by: query.by, limit: 10 };
  return leaderboards.isPublished(leaderboardQueryOf(base, period.date), period);
}

/** A bad key or no credits on the account: retrying burns nothing but time. */
const permanentCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'keyapi_unauthorized',
  'keyapi_credits_exhausted',
]);

/**
 * Today's credit budget is spent: scheduled work waits for the reset at 00:00 UTC and then delivers,
 * late and saying so; it is never dropped.
 */
export function isBudgetSpent(error: unknown): error is ToprankError {
  return error instanceof ToprankError && error.code === 'credit_budget_exhausted';
}

/**
 * KeyAPI down or busy after the client's own retries, or answering in a shape we cannot read (usually
 * a deploy in progress), or a period that vanished between probe and fetch: likely gone in a while.
 */
const transientCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'keyapi_server_error',
  'keyapi_unreachable',
  'keyapi_rate_limited',
  'keyapi_schema_mismatch',
  'not_published',
  // A page shared with a member's command (single-flight) was refused for that member's limit; asked
  // again, the job asks on its own account.
  'credit_limit_reached',
]);

/** The code of a permanent upstream failure, or undefined. */
export function permanentCode(error: unknown): ErrorCode | undefined {
  return error instanceof ToprankError && permanentCodes.has(error.code) ? error.code : undefined;
}

/** True for a failure that waiting may cure. */
export function isTransient(error: unknown): boolean {
  return error instanceof ToprankError && transientCodes.has(error.code);
}
