/**
 * Every id and Redis key toprank chooses, built here and nowhere else: BullMQ job and scheduler ids,
 * delivery ids and the Discord nonce they become, and every Redis key under the one hash-tagged prefix.
 * A format with two homes drifts, and a drifted delivery id posts a digest twice. Imports nothing of the
 * project (node:crypto only), so every layer may use it, like src/errors.ts. One export per key.
 */
import { createHash } from 'node:crypto';

// ── BullMQ ids: they name what they do (subscription, period, slot) so a repeat is recognised, and never
// contain `:`, which BullMQ refuses in custom ids (docs/gitbook/guide/jobs/job-ids.md).

function checked(id: string): string {
  if (id.includes(':')) throw new Error(`BullMQ ids may not contain ':': ${id}`);
  return id;
}

/**
 * A delivery job of one period's digests, named by what it carries (`digests-week-2026-11-23-<16 hex>`):
 * a tick retried after a crash that queues the same subscribers again adds nothing.
 */
export function digestsJobId(periodKey: string, subscriptionIds: readonly string[]): string {
  const carried = createHash('sha256').update(subscriptionIds.join(',')).digest('hex').slice(0, 16);
  return checked(`digests-${periodKey}-${carried}`);
}

/** One alert message of one subscription for one published day: `alert-<sub>-2026-11-24`. */
export function alertJobId(subscriptionId: string, date: string): string {
  return checked(`alert-${subscriptionId}-${date}`);
}

/** The job scheduler of a delivery slot: `digest-<slot>`. */
export function schedulerIdOf(slotId: string): string {
  return checked(`digest-${slotId}`);
}

/** The slot a scheduler id names, or undefined for other schedulers. */
export function slotIdOfScheduler(schedulerId: string): string | undefined {
  return schedulerId.startsWith('digest-') ? schedulerId.slice('digest-'.length) : undefined;
}

/** A tick we add ourselves (catch-up, `digest run`), named by its slot and fire time or period. */
export function tickJobId(slotId: string, at: number | string): string {
  return checked(`tick-${slotId}-${at}`);
}

/** The daily alert check the scheduler runs. */
export const ALERT_SCHEDULER_ID = 'alert-check';

/** A manual alert check for one date: `alert-check-2026-11-24`. */
export function alertCheckJobId(date: string): string {
  return checked(`alert-check-${date}`);
}

// ── Delivery identity: one id names a delivery everywhere (its sent marker and the adapter's idempotency
// key; an alert's job id too), so a retry of the same delivery is always recognised.

/** One digest of one subscription for one period: `deliver-<sub>-week-2026-11-23`. */
export function digestDeliveryId(subscriptionId: string, periodKey: string): string {
  return checked(`deliver-${subscriptionId}-${periodKey}`);
}

/** Discord's nonce limit: "up to 25 characters". */
const NONCE_LENGTH = 25;

/** The Discord nonce of a delivery: 25 hex digits (100 bits) of its id's SHA-256, always the same. */
export function deliveryNonce(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('hex').slice(0, NONCE_LENGTH);
}

// ── Redis keys: `<prefix>:<type>:<id>`, where the prefix is one Redis Cluster hash tag ({toprank}), so
// every key, BullMQ's included, lives in one slot. A key of a team's own data (its subscriptions'
// indexes, its limits, its installation, its watches) has the team ref (`slack:T…`, `discord:<guild>`)
// as whole segments, so `teamKeyPatterns` finds all of it; records keyed by subscription id are found
// through the team's subscriptions.

/** SCAN patterns matching every key that has `team` as whole segments (`toprank team forget`). */
export function teamKeyPatterns(prefix: string, team: string): string[] {
  const glob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
  return [`${glob(prefix)}:*:${glob(team)}:*`, `${glob(prefix)}:*:${glob(team)}`];
}

/** Set when a tick for (slot, period) first runs; catch-up and restarts look for it. */
export function tickStartedKey(prefix: string, slotId: string, periodKey: string): string {
  return `${prefix}:tick-started:${slotId}:${periodKey}`;
}

/** Set once every delivery of (slot, period) has been queued (or the slot was skipped). */
export function tickDoneKey(prefix: string, slotId: string, periodKey: string): string {
  return `${prefix}:tick-done:${slotId}:${periodKey}`;
}

/**
 * How far a tick of (slot, period) got: its pass, scan cursor and counts, and which queries were ready or
 * not in which pass, so a tick killed half-way continues where it was (src/jobs/tick-progress.ts).
 */
export function tickProgressKey(prefix: string, slotId: string, periodKey: string): string {
  return `${prefix}:tick-progress:${slotId}:${periodKey}`;
}

/** Set once a delivery was posted (or found posted); checked before any send. */
export function sentKey(prefix: string, deliveryId: string): string {
  return `${prefix}:sent:${deliveryId}`;
}

/** Set once a daily query's day was checked for alerts (holds the number of alerts queued). */
export function alertsCheckedKey(prefix: string, queryHash: string, date: string): string {
  return `${prefix}:alerts-checked:${queryHash}:${date}`;
}

/** The leaderboard of one query for one period, as a tick or an alert check fetched it. */
export function snapshotKey(prefix: string, queryHash: string, periodKey: string): string {
  return `${prefix}:snap:${queryHash}:${periodKey}`;
}

/** Every parameter of a KeyAPI request that changes its answer. */
export interface PageKeyParts {
  region: string;
  rankType: number;
  rankField: number;
  date: string;
  pageSize: number;
  pageNum: number;
  category?: string | undefined;
  productCategoryId?: string | undefined;
}

/** One KeyAPI request's fields; the free-text filters are encoded so `:` cannot shift fields. */
function pageParts(r: PageKeyParts): string {
  const filters = [r.category ?? '', r.productCategoryId ?? ''].map(encodeURIComponent).join(':');
  return `${r.region}:${r.rankType}:${r.rankField}:${r.date}:${r.pageSize}:${r.pageNum}:${filters}`;
}

/** The cached answer of one KeyAPI request. */
export function pageKey(prefix: string, r: PageKeyParts): string {
  return `${prefix}:page:${pageParts(r)}`;
}

/** A new value at each write of that page: a reader that knows the page by its stamp skips its text. */
export function pageStampKey(prefix: string, r: PageKeyParts): string {
  return `${prefix}:page-stamp:${pageParts(r)}`;
}

/** The creator categories seen in a region's pages (autocomplete without a paid call). */
export function categoriesKey(prefix: string, region: string): string {
  return `${prefix}:categories:${region}`;
}

/** Upstream requests counted on one UTC day (KEYAPI_DAILY_CREDIT_LIMIT). */
export function creditsKey(prefix: string, day: string): string {
  return `${prefix}:credits:${day}`;
}

/** The next free send time of one pacing bucket (a Discord bot, a Slack channel). */
export function paceKey(prefix: string, bucket: string): string {
  return `${prefix}:pace:${bucket}`;
}

/** How much wider than documented a spacing is now, after 429s: the Discord bot's, every Slack channel's. */
export function paceFactorKey(prefix: string, spacing: string): string {
  return `${prefix}:pace-factor:${spacing}`;
}

/** Until when a platform told a pacing bucket to wait (its 429's Retry-After, an emptied bucket's reset). */
export function paceHoldKey(prefix: string, bucket: string): string {
  return `${prefix}:pace-hold:${bucket}`;
}

/** The send times of a pacing bucket's last (widened) second, newest first: its sliding window. */
export function paceWindowKey(prefix: string, bucket: string): string {
  return `${prefix}:pace-window:${bucket}`;
}

/** One subscription's JSON record. */
export function subscriptionKey(prefix: string, id: string): string {
  return `${prefix}:sub:${id}`;
}

/** A channel's subscription ids, oldest first. */
export function channelSubscriptionsKey(prefix: string, channel: string): string {
  return `${prefix}:subs:channel:${channel}`;
}

/** The subscription ids of one delivery slot. */
export function slotSubscriptionsKey(prefix: string, slotId: string): string {
  return `${prefix}:subs:slot:${slotId}`;
}

/** Every slot that has at least one subscription. */
export function liveSlotsKey(prefix: string): string {
  return `${prefix}:subs:slots`;
}

/** The ids of subscriptions with alerts on. */
export function alertingSubscriptionsKey(prefix: string): string {
  return `${prefix}:subs:alerting`;
}

/** The subscription a channel has for one query (the duplicate check). */
export function channelQueryKey(prefix: string, channel: string, queryHash: string): string {
  return `${prefix}:subs:query:${channel}:${queryHash}`;
}

/** A signed Slack request's (timestamp, signature) pair, kept five minutes to refuse its replay. */
export function slackSeenRequestKey(prefix: string, timestamp: string, signature: string): string {
  return `${prefix}:slack-seen:${timestamp}:${signature}`;
}

/** One history snapshot: a hash of page number → KeyAPI rows, for one query and one period date. */
export function historyKey(prefix: string, queryId: string, date: string): string {
  return `${prefix}:history:${queryId}:${date}`;
}

/** The periods held in history for one query: a sorted set of dates, scored by day, for retention. */
export function historyPeriodsKey(prefix: string, queryId: string): string {
  return `${prefix}:history-periods:${queryId}`;
}

/** Credits one member of a team spent on interactive commands in one UTC hour (`2026-11-25T09`). */
export function creditsUserKey(prefix: string, team: string, user: string, hour: string): string {
  return `${prefix}:credits-user:${team}:${user}:${hour}`;
}

/** Credits spent on interactive commands in one channel of a team in one UTC hour. */
export function creditsChannelKey(prefix: string, team: string, channel: string, hour: string): string {
  return `${prefix}:credits-channel:${team}:${channel}:${hour}`;
}

/** Credits one team (a Discord server, a Slack workspace) spent on interactive commands in one UTC day. */
export function creditsTeamKey(prefix: string, team: string, day: string): string {
  return `${prefix}:credits-team:${team}:${day}`;
}

/** The last delivery outcome of a subscription (delivered, failed, waiting, missed), as JSON. */
export function deliveryStatusKey(prefix: string, subscriptionId: string): string {
  return `${prefix}:delivery-status:${subscriptionId}`;
}

/** When KeyAPI last answered, and its last error, as a hash. */
export function upstreamHealthKey(prefix: string): string {
  return `${prefix}:keyapi-health`;
}

/** Set while a tick of (slot, period) waits for the credit budget; its deliveries say they are late. */
export function tickLateKey(prefix: string, slotId: string, periodKey: string): string {
  return `${prefix}:tick-late:${slotId}:${periodKey}`;
}

/** Set when an alert check of (query, day) met a spent credit budget; its alerts say they are late. */
export function alertsLateKey(prefix: string, queryHash: string, date: string): string {
  return `${prefix}:alerts-late:${queryHash}:${date}`;
}

/** The subscriptions of one team (a Discord server, a Slack workspace), for its monthly price. */
export function teamSubscriptionsKey(prefix: string, team: string): string {
  return `${prefix}:subs:team:${team}`;
}

/** Set (NX, with expiry) by the one bot process that answers a Discord interaction. */
export function discordInteractionClaimKey(prefix: string, interactionId: string): string {
  return `${prefix}:discord:interaction:${interactionId}`;
}

/** One Slack workspace's installation (OAuth): its bot token, bot ids and scopes, as JSON. */
export function slackInstallationKey(prefix: string, teamId: string): string {
  return `${prefix}:slack-installation:${teamId}`;
}

/** The ids of the Slack workspaces installed by OAuth (a set, for counting them in /healthz). */
export function slackInstallationsKey(prefix: string): string {
  return `${prefix}:slack-installations`;
}

// ── Watchlists and the alert policy (issue 15): every key names its team, so teams never meet.

/** A channel's watchlist (JSON), under its team. */
export function watchlistKey(prefix: string, team: string, channel: string): string {
  return `${prefix}:watch:${team}:${channel}`;
}

/** Every (team, channel) that has a watchlist, as JSON `[team, channel]` members. */
export function watchlistsKey(prefix: string): string {
  return `${prefix}:watchlists`;
}

/** Set once a watched leaderboard's period was checked (holds the number of channels alerted). */
export function watchCheckedKey(prefix: string, boardHash: string, periodKey: string): string {
  return `${prefix}:watch-checked:${boardHash}:${periodKey}`;
}

/** One watch alert item: a channel's events on one watched leaderboard for one period. */
export function watchAlertId(channelHash: string, boardHash: string, periodKey: string): string {
  return checked(`watch-${channelHash}-${boardHash}-${periodKey}`);
}

/** A short hash of (team, channel), for ids that may not hold `:`. */
export function channelHashOf(team: string, channel: string): string {
  return createHash('sha256').update(`${team}|${channel}`).digest('hex').slice(0, 12);
}

/** A channel's alert items waiting to be posted (hash: item id → JSON), under its team. */
export function alertOutboxKey(prefix: string, team: string, channel: string): string {
  return `${prefix}:alert-outbox:${team}:${channel}`;
}

/** The batch of a channel's alert items being posted (JSON: delivery id and items). */
export function alertInflightKey(prefix: string, team: string, channel: string): string {
  return `${prefix}:alert-inflight:${team}:${channel}`;
}

/** Alert item ids a channel ever took (so a rerun of a check never adds one twice). */
export function alertItemsSeenKey(prefix: string, team: string, channel: string): string {
  return `${prefix}:alert-seen:${team}:${channel}`;
}

/** Alert messages posted to a channel on one UTC day (ALERTS_PER_CHANNEL_DAY). */
export function alertsSentKey(prefix: string, team: string, channel: string, day: string): string {
  return `${prefix}:alerts-sent:${team}:${channel}:${day}`;
}

/** What each creator's last reported entry or exit was, for one alert stream (hysteresis). */
export function alertMemoryKey(prefix: string, team: string, channel: string, stream: string): string {
  return `${prefix}:alert-memory:${team}:${channel}:${stream}`;
}

/** Alert flush jobs held (quiet hours, daily cap), scored by when they may go: the check releases them. */
export function alertsHeldKey(prefix: string): string {
  return `${prefix}:alerts-held`;
}
