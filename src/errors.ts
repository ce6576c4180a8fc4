/**
 * Every failure a user can meet: one stable code, structured fields, and the one sentence users see.
 * Throw sites never write prose; adapters render `messageFor(error)` and never their own words.
 * Must not import anything but zod-free plain TypeScript: every layer depends on this file.
 */

/** Stable, snake_case codes. Adding one makes the compiler ask for its sentence in `messages`. */
export type ErrorCode =
  | 'invalid_option'
  | 'unknown_option'
  | 'unknown_flag'
  | 'malformed_input'
  | 'unknown_command'
  | 'not_published'
  | 'keyapi_bad_request'
  | 'keyapi_unauthorized'
  | 'keyapi_credits_exhausted'
  | 'keyapi_rate_limited'
  | 'keyapi_server_error'
  | 'keyapi_unreachable'
  | 'keyapi_schema_mismatch'
  | 'keyapi_api_error'
  | 'credit_budget_exhausted'
  | 'subscription_exists'
  | 'subscription_limit'
  | 'subscription_not_found'
  | 'no_subscriptions'
  | 'missing_permission'
  | 'slack_manager_required'
  | 'direct_message_subscription'
  | 'channel_unavailable'
  | 'platform_error'
  | 'storage_unavailable'
  | 'chart_unavailable'
  | 'file_upload_refused'
  | 'internal'
  // Credits under control (issue 11): nothing that cannot exist is paid for; fair limits.
  | 'unknown_region'
  | 'future_date'
  | 'period_not_over'
  | 'credit_limit_reached'
  // The operator's side: a REDIS_URL that cannot work, and `toprank subscriptions import`.
  | 'redis_unreachable'
  | 'redis_auth_failed'
  | 'redis_not_redis'
  | 'import_line_invalid'
  // Many teams (issue 13).
  | 'shard_out_of_range'
  | 'slack_org_install_refused'
  // Watchlists (issue 15).
  | 'watch_limit'
  | 'watch_not_found'
  | 'no_watches';

/** Why a channel cannot take posts; each pauses that channel's subscriptions rather than retrying. */
export type UnavailableReason =
  | 'gone'
  | 'forbidden'
  | 'archived'
  | 'unauthorized'
  | 'removed'
  | 'uninstalled';

const unavailableReasons: Record<UnavailableReason, string> = {
  gone: 'the channel no longer exists',
  forbidden: 'the bot is not allowed to post there',
  archived: 'the channel is archived',
  unauthorized: 'the bot token was revoked',
  removed: 'the bot was removed from the server',
  uninstalled: 'the app was uninstalled from the workspace; reinstalling it resumes the subscriptions',
};

/** A channel's unavailability as users read it (in errors and in paused subscriptions). */
export function describeUnavailable(reason: UnavailableReason): string {
  return unavailableReasons[reason];
}

/** Fields a code may carry; each sentence reads only what its code sets. */
export interface ErrorFields {
  option?: string;
  allowed?: string;
  value?: string;
  command?: string;
  period?: string;
  apiMessage?: string;
  status?: number;
  subscriptionId?: string;
  limit?: number;
  reason?: string;
  incidentId?: string;
  permission?: string;
  /** When a credit limit resets, in words ("10:00 UTC"). */
  resetsAt?: string;
  /** A line number in a file the operator gave. */
  line?: number;
}

/** The one error type the core throws; `code` picks the sentence, `fields` fill it in. */
export class ToprankError extends Error {
  readonly code: ErrorCode;
  readonly fields: ErrorFields;

  constructor(code: ErrorCode, fields: ErrorFields = {}, options?: { cause?: unknown }) {
    super(`${code}${fields.apiMessage ? `: ${fields.apiMessage}` : ''}`, options);
    this.name = 'ToprankError';
    this.code = code;
    this.fields = fields;
  }
}

/**
 * Codes the user can fix themselves (a bad option, a missing permission): shown privately and logged at
 * info. Every other code means KeyAPI or the bot failed.
 */
const deniedCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_option',
  'unknown_option',
  'unknown_flag',
  'malformed_input',
  'unknown_command',
  'subscription_exists',
  'subscription_limit',
  'subscription_not_found',
  'no_subscriptions',
  'missing_permission',
  'slack_manager_required',
  'direct_message_subscription',
  'unknown_region',
  'future_date',
  'period_not_over',
  'credit_limit_reached',
  'import_line_invalid',
  'watch_limit',
  'watch_not_found',
  'no_watches',
]);

/** True when the user caused the failure and can fix it. */
export function isDenied(error: ToprankError): boolean {
  return deniedCodes.has(error.code);
}

const messages: Record<ErrorCode, (f: ErrorFields) => string> = {
  invalid_option: (f) =>
    f.value === undefined
      ? `Invalid \`${f.option}\`: expected ${f.allowed}.`
      : `Invalid \`${f.option}\`: "${f.value}" is not ${f.allowed}.`,
  unknown_option: (f) => `\`${f.option}\` is not an option of /${f.command}. Options: ${f.allowed}.`,
  unknown_flag: (f) => `\`${f.option}\` is not a flag of \`toprank ${f.command}\`. Flags: ${f.allowed}.`,
  malformed_input: (f) =>
    `Could not read "${f.value}": write options as key:value, e.g. region:US type:week. Try \`/${f.command} help\`.`,
  unknown_command: (f) => `Unknown command \`${f.command}\`. Try \`/toprank help\`.`,
  not_published: (f) => `The ${f.period} ranking is not published yet. Try an earlier date.`,
  keyapi_bad_request: (f) => `KeyAPI rejected the request (${f.apiMessage ?? 'bad request'}).`,
  keyapi_unauthorized: () =>
    'The KeyAPI key is missing or wrong. An operator needs to set KEYAPI_TOKEN to a valid key.',
  keyapi_credits_exhausted: () => 'The KeyAPI credits are used up. An operator needs to top up the account.',
  keyapi_rate_limited: () => 'KeyAPI is busy right now, even after retrying. Try again in a minute.',
  keyapi_server_error: () => 'KeyAPI is failing, try again later.',
  keyapi_unreachable: () => 'KeyAPI did not answer in time. Try again in a minute.',
  keyapi_schema_mismatch: () =>
    'KeyAPI sent data in a shape toprank does not understand. The operator has been told.',
  keyapi_api_error: (f) => `KeyAPI answered with an error (${f.apiMessage ?? 'no message'}).`,
  credit_budget_exhausted: (f) =>
    `Today's KeyAPI credit budget (${f.limit}) is spent; cached leaderboards still work. It resets at 00:00 UTC.`,
  subscription_exists: (f) => `This channel already has that subscription (\`${f.subscriptionId}\`).`,
  subscription_limit: (f) =>
    `This channel has reached its limit of ${f.limit} subscriptions. Remove one with /toprank-unsubscribe.`,
  subscription_not_found: (f) =>
    `No subscription \`${f.subscriptionId}\` in this channel. See /toprank-subscriptions.`,
  no_subscriptions: () => 'This channel has no subscriptions. Add one with /toprank-subscribe.',
  missing_permission: (f) => `You need the ${f.permission} permission to do that.`,
  slack_manager_required: () =>
    "Only a workspace owner or admin, the channel's creator or someone listed in SLACK_MANAGERS can change this channel's subscriptions; whoever added a subscription can also remove it.",
  direct_message_subscription: () =>
    'Subscriptions belong to channels: a direct message or group DM cannot take digests. Run this in a channel and invite the bot there.',
  channel_unavailable: (f) => `The bot cannot post in that channel (${f.reason}).`,
  platform_error: () => 'The chat platform refused the message. Try again in a minute.',
  storage_unavailable: () => 'toprank cannot reach its database right now. Try again in a minute.',
  chart_unavailable: () => 'The chart could not be drawn this time; the leaderboard is shown without it.',
  file_upload_refused: () =>
    'Slack did not take the file: invite the bot to this channel (/invite @toprank) and try again.',
  internal: (f) => `Something went wrong on our side (incident ${f.incidentId}). Try again, or report it.`,
  unknown_region: (f) =>
    `\`${f.value}\` is not a TikTok Shop market toprank knows (${f.allowed}); nothing was requested. An operator can add one with TOPRANK_EXTRA_REGIONS.`,
  future_date: (f) =>
    `${f.value} is in the future, so it has no ranking; nothing was requested. Pick a date up to ${f.allowed}.`,
  period_not_over: (f) =>
    `${(f.period ?? '').charAt(0).toUpperCase()}${(f.period ?? '').slice(1)} is not over yet (it ends ${f.value}), so it has no ranking; nothing was requested. Pick an earlier date.`,
  credit_limit_reached: (f) =>
    `${creditLimitWords[f.reason ?? 'user'] ?? creditLimitWords.user}`
      .replace('{limit}', String(f.limit))
      .replace('{resets}', f.resetsAt ?? 'soon'),
  redis_unreachable: (f) =>
    `Redis at REDIS_URL (${f.value}) is not reachable (${f.reason}): start Redis there, or set REDIS_URL to where it runs.`,
  redis_auth_failed: (f) =>
    `Redis at REDIS_URL (${f.value}) refused the password, or needs one: set REDIS_URL to redis://:<password>@host:port with the right one.`,
  redis_not_redis: (f) =>
    `What answers at REDIS_URL (${f.value}) is not Redis, or speaks TLS: check its host and port, and use rediss:// for a TLS server.`,
  import_line_invalid: (f) =>
    `Line ${f.line} of ${f.value} is not a subscription (${f.reason}): nothing was imported.`,
  shard_out_of_range: (f) =>
    `DISCORD_SHARD_IDS lists shard ${f.value}, but Discord recommends ${f.limit} shard(s) (ids 0 to ${Number(f.limit) - 1}): fix DISCORD_SHARD_IDS, or set DISCORD_SHARDS to a number.`,
  slack_org_install_refused: () =>
    'toprank installs in one workspace at a time, not across an Enterprise Grid organization: nothing was installed. Install it from a workspace of the organization instead.',
  watch_limit: (f) =>
    `This channel would watch more than ${f.limit} creators (it watches ${f.value}); nothing was added. Remove some with /toprank-unwatch.`,
  watch_not_found: (f) => `This channel does not watch ${f.value}. See /toprank-watch.`,
  no_watches: () =>
    'This channel watches no creators. Add some with /toprank-watch creator:@handle region:US.',
};

/** Which fair limit refused a command (src/keyapi/credit-budget.ts names it in `reason`). */
const creditLimitWords: Record<string, string> = {
  user: 'You have spent your {limit} KeyAPI credits for this hour (CREDITS_PER_USER_HOUR); it resets at {resets}. Cached leaderboards still work.',
  channel:
    'This channel has spent its {limit} KeyAPI credits for this hour (CREDITS_PER_CHANNEL_HOUR); it resets at {resets}. Cached leaderboards still work.',
  team: 'This server or workspace has spent its {limit} KeyAPI credits for today (CREDITS_PER_TEAM_DAY); it resets at {resets}. Cached leaderboards still work.',
  reserve:
    "Today's KeyAPI credits for commands are spent; the rest is kept for scheduled digests and alerts (KEYAPI_DIGEST_RESERVE). It resets at {resets}. Cached leaderboards still work.",
};

/** The sentence a user sees for this error. */
export function messageFor(error: ToprankError): string {
  return messages[error.code](error.fields);
}
