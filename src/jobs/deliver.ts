/**
 * A delivery job: render the digest or the alert for its subscription and post it through the
 * ChatAdapter port, paced within the platform's limits. A delivery already recorded is not posted
 * again; a retry after an unknown outcome passes the same delivery id, which the adapter checks
 * (Discord nonce, Slack metadata). A gone or forbidden channel pauses its subscriptions; a rejected
 * bot token is the operator's to fix and pauses nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { type Platform, parseChannelRef } from '../chat/channel-ref.js';
import { ChannelUnavailableError, type ChatAdapter } from '../chat/chat-adapter.js';
import { digestView } from '../chat/digest-view.js';
import { type ChartRenderer, chartAttachment } from '../chat/leaderboard-files.js';
import { teamOf } from '../chat/team.js';
import type { Attachment, View } from '../chat/view.js';
import { deliveryIdOf, sentKey } from '../keys.js';
import type { RankHistorySource } from '../ranking/rank-history.js';
import type { Leaderboard } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { createDeliveryStatusStore } from '../subscriptions/delivery-status.js';
import { digestHasChart, queryHash, type Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { watchedMatcher } from '../subscriptions/watchlist.js';
import type { WatchlistStore } from '../subscriptions/watchlist-store.js';
import { createAlertFlush } from './alert-flush.js';
import { DOCUMENTED_LIMITS, type Pacer, type PacingLimits, type PacingRule, pacingRuleFor } from './pacer.js';
import { type DeliverData, deliverDataSchema } from './queues.js';
import type { SnapshotStore } from './snapshots.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

export interface DeliverDeps {
  store: SubscriptionStore;
  snapshots: SnapshotStore;
  /** Digest charts are drawn from history only: the tick fetched what was missing. */
  rankHistory: RankHistorySource;
  renderChart?: ChartRenderer | undefined;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  redis: RedisClient;
  prefix: string;
  log: Logger;
  pacer: Pacer;
  limits?: PacingLimits;
  /** Label posts as sample data (the demo). */
  sample?: boolean;
  now?: () => Date;
  /** ALERTS_PER_CHANNEL_DAY (default 6). */
  alertsPerChannelDay?: number;
  /** The channels' watchlists: their creators are marked ★ in digests. */
  watchlists?: WatchlistStore;
}

export type DeliverOutcome =
  | { status: 'posted' | 'duplicate'; channel: string }
  | { status: 'skipped'; reason: 'already_sent' | 'removed' | 'paused' | 'no_events' };

/** The setting that holds each platform's bot token, named in the log when the platform rejects it. */
const tokenVariables: Record<Platform, string> = {
  discord: 'DISCORD_TOKEN',
  slack: 'SLACK_BOT_TOKEN',
  console: 'the console adapter',
};

type ChartCache = Map<string, Promise<Attachment | undefined>>;

/** A few recent entries are enough: one slot's deliveries of a query arrive together. */
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  if (cache.size > 32) cache.delete(cache.keys().next().value as string);
  return value;
}

/**
 * The digest's chart, drawn once per query and period in this process and shared by its deliveries.
 * Failing to draw it never holds the digest back: it is logged and the digest goes without it.
 */
function digestChart(deps: DeliverDeps, charts: ChartCache, board: Leaderboard, key: string, log: Logger) {
  let chart = charts.get(key);
  if (!chart) {
    chart = deps.rankHistory
      .load(board.query, board.period, { fetchMissing: false })
      .then((history) =>
        chartAttachment(board, history, { sample: deps.sample, log, render: deps.renderChart }),
      )
      .catch((error: unknown) => {
        log.error({ err: error }, 'chart history unavailable: digest sent without its chart');
        return undefined;
      });
    remember(charts, key, chart);
  }
  return chart;
}

interface RenderCaches {
  charts: ChartCache;
  /**
   * Digests of channels that watch none of their creators, per query, period and lateness: every such
   * channel gets the same view object, which the adapters then render once (views are never changed).
   */
  views: Map<string, View>;
}

async function render(
  deps: DeliverDeps,
  caches: RenderCaches,
  sub: Subscription,
  data: Extract<DeliverData, { kind: 'digest' }>,
  log: Logger,
): Promise<View> {
  const hash = queryHash(sub.query);
  const board = await deps.snapshots.get(hash, data.shownKey);
  // Snapshots outlive every retry; a missing one cannot come back.
  if (!board) throw new UnrecoverableError(`snapshot ${data.shownKey} is missing`);
  const watchlist = await deps.watchlists?.get(sub.team ?? teamOf(sub.channel), sub.channel);
  const isWatched = watchedMatcher(watchlist);
  const options = { sample: deps.sample, late: data.late, isWatched };
  const shared = `${hash}|${data.shownKey}|${data.late ?? ''}`;
  const view = isWatched
    ? digestView(board, sub.query.type, options)
    : (caches.views.get(shared) ??
      remember(caches.views, shared, digestView(board, sub.query.type, options)));
  if (!digestHasChart(sub)) return view;
  const chart = await digestChart(deps, caches.charts, board, `${hash}|${data.shownKey}`, log);
  return chart ? { ...view, attachments: [chart] } : view;
}

export function createDeliverProcessor(deps: DeliverDeps) {
  const { store, redis, prefix } = deps;
  const limits = deps.limits ?? DOCUMENTED_LIMITS;
  const now = deps.now ?? (() => new Date());
  const caches: RenderCaches = { charts: new Map(), views: new Map() };
  const statuses = createDeliveryStatusStore(redis, prefix);
  // The last digest of each subscription, for /toprank-status (alerts come and go between digests). It is
  // bookkeeping: a failed write is logged, and never turns a posted digest into a failed delivery.
  const recordDigest = async (data: DeliverData, status: Parameters<typeof statuses.record>[1]) => {
    if (data.kind !== 'digest') return;
    await statuses
      .record(data.subscriptionId, status)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'delivery status not recorded'));
  };

  const prepareAlerts = createAlertFlush({
    redis,
    prefix,
    now: deps.now,
    alertsPerChannelDay: deps.alertsPerChannelDay,
  });

  return async (job: Job<DeliverData>, token?: string): Promise<DeliverOutcome> => {
    const data = deliverDataSchema.parse(job.data);
    const log = deps.log.child({ jobId: job.id });
    // Started before (killed or stalled mid-send) or failed before: the outcome of that try is unknown.
    const retried = job.attemptsStarted > 1 || job.attemptsMade > 0;
    if (data.kind === 'alerts') {
      const post = await prepareAlerts(job, token, data);
      if (!post) return { status: 'skipped', reason: 'no_events' };
      const mayHavePosted = post.mayHavePosted || retried;
      await pace(job, token, pacingRuleFor(post.channel, limits));
      const outcome = await send(job, data, post.channel, post.view, post.deliveryId, mayHavePosted);
      await post.done();
      // That batch was another job's, left in flight: this job's own alerts still wait.
      if (post.again) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      return outcome;
    }
    const deliveryId = deliveryIdOf(data);
    // Asked at once, so the two round trips overlap: nearly every delivery is neither sent yet nor removed.
    const found = store.get(data.subscriptionId);
    if (await redis.exists(sentKey(prefix, deliveryId))) {
      found.catch(() => {});
      return { status: 'skipped', reason: 'already_sent' };
    }
    const sub = await found;
    if (!sub) return { status: 'skipped', reason: 'removed' };
    if (sub.state.status !== 'active') return { status: 'skipped', reason: 'paused' };
    // The first send time is reserved while the view is made: their round trips overlap too.
    const rule = pacingRuleFor(sub.channel, limits);
    const reserved = rule && deps.pacer.reserve(rule);
    const view = await render(deps, caches, sub, data, log).catch((error: unknown) => {
      reserved?.catch(() => {});
      throw error;
    });
    await pace(job, token, rule, reserved);
    return send(job, data, sub.channel, view, deliveryId, retried);
  };

  /**
   * Waits for the channel's send time, from `reserved` (the first reservation, already asked for) on.
   * A 429 seen while waiting (by any process) holds back sends reserved before it: this one then
   * reserves again, after the hold, rather than going out with every other held send at once.
   */
  async function pace(
    job: Job<DeliverData>,
    token: string | undefined,
    rule: PacingRule | undefined,
    reserved = rule && deps.pacer.reserve(rule),
  ): Promise<void> {
    for (let next = reserved; rule && next; next = deps.pacer.reserve(rule)) {
      const decision = await next;
      if (!decision.reserved) {
        // Far beyond the limit's horizon: give the slot back to BullMQ instead of holding a worker.
        await job.moveToDelayed(Date.now() + decision.waitMs, token);
        throw new DelayedError();
      }
      if (decision.waitMs === 0) return;
      await sleep(decision.waitMs);
      const held = await deps.pacer.heldFor(rule);
      if (held === 0) return;
      await sleep(held);
    }
  }

  /** Posts a view through its platform's adapter; a gone channel pauses its subscriptions. */
  async function send(
    job: Job<DeliverData>,
    data: DeliverData,
    channel: string,
    view: View,
    deliveryId: string,
    mayHavePosted: boolean,
  ): Promise<DeliverOutcome> {
    const log = deps.log.child({ jobId: job.id });
    const platform = parseChannelRef(channel).platform;
    const adapter = deps.adapters.get(platform);
    if (!adapter) throw new UnrecoverableError(`no ${platform} adapter in this worker`);

    try {
      const posted = await adapter.send(channel, view, { deliveryId, mayHavePosted });
      await Promise.all([
        redis.set(sentKey(prefix, deliveryId), posted.messageId, 'EX', MARKER_TTL_SECONDS),
        recordDigest(data, {
          status: 'delivered',
          at: now().toISOString(),
          period: data.kind === 'digest' ? data.periodKey : '',
          late: data.kind === 'digest' && data.late !== undefined,
        }),
      ]);
      return { status: posted.duplicate ? 'duplicate' : 'posted', channel: channel };
    } catch (error) {
      const permanent = error instanceof ChannelUnavailableError;
      await recordDigest(data, {
        status: 'failed',
        at: now().toISOString(),
        detail: permanent
          ? (error.fields.reason ?? error.unavailable)
          : 'the chat platform refused the message',
        retrying: !permanent && job.attemptsMade + 1 < (job.opts.attempts ?? 1),
      }).catch(() => {});
      if (error instanceof ChannelUnavailableError && error.unavailable === 'unauthorized') {
        // The token is the bot's, not the channel's: pausing would silence every channel for good.
        log.error(
          { platform, channel: channel },
          `the ${platform} token was rejected: check ${tokenVariables[platform]}`,
        );
        throw new UnrecoverableError(`${platform} token rejected`);
      }
      if (error instanceof ChannelUnavailableError) {
        const paused = await store.pauseChannel(channel, {
          status: 'paused',
          reason: error.unavailable,
          detail: error.fields.reason ?? error.unavailable,
          at: now().toISOString(),
        });
        log.warn(
          { channel: channel, reason: error.unavailable, paused },
          'channel unavailable: subscriptions paused',
        );
        throw new UnrecoverableError(`channel ${error.unavailable}`);
      }
      throw error;
    }
  }
}
