/**
 * A delivery job: the digests of one query's subscribers for a period (each its own delivery), or a
 * channel's waiting alerts. Each is rendered and posted through the ChatAdapter port, paced within the
 * platform's limits. A digest job claims its digests once this process has room to post them
 * (./delivery-claims.ts): one already posted, or another job's, is not posted again, and a retry after
 * an unknown outcome passes the same delivery id, which the adapter checks (Discord nonce, Slack
 * metadata). A gone or forbidden channel pauses its subscriptions; a rejected bot token is the
 * operator's to fix and pauses nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Semaphore } from 'async-mutex';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { type Platform, parseChannelRef } from '../chat/channel-ref.js';
import { ChannelUnavailableError, type ChatAdapter } from '../chat/chat-adapter.js';
import { teamOf } from '../chat/team.js';
import type { View } from '../chat/view.js';
import { digestDeliveryId } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { createDeliveryStatusStore } from '../subscriptions/delivery-status.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { Watchlist } from '../subscriptions/watchlist.js';
import type { WatchlistStore } from '../subscriptions/watchlist-store.js';
import { createAlertFlush } from './alert-flush.js';
import { type Claim, createDeliveryClaims } from './delivery-claims.js';
import { createDigestRenderer, type DigestData, type DigestRenderDeps } from './digest-render.js';
import { DOCUMENTED_LIMITS, type Pacer, type PacingLimits, type PacingRule, pacingRuleFor } from './pacer.js';
import { type DeliverData, deliverDataSchema } from './queues.js';

/** What the processor needs, beyond what renders a digest (./digest-render.ts). */
export interface DeliverDeps extends DigestRenderDeps {
  store: SubscriptionStore;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  redis: RedisClient;
  prefix: string;
  log: Logger;
  pacer: Pacer;
  limits?: PacingLimits;
  now?: () => Date;
  /** ALERTS_PER_CHANNEL_DAY (default 6). */
  alertsPerChannelDay?: number;
  /** The channels' watchlists: their creators are marked ★ in digests. */
  watchlists?: WatchlistStore;
  /** Deliveries posted at once by this process (default 50); a job's digests wait their turn. */
  inFlight?: number;
  /** Told of each post (not a retry's duplicate), with when its job was queued. */
  onPosted?: (platform: Platform, queuedAt: number) => void;
}

/**
 * What a delivery job did: the channels it posted to, those whose post the platform already had (a
 * retry after an unknown outcome), and how many deliveries it passed over (already posted or another
 * job's, a removed or paused subscription, alerts already gone).
 */
export interface DeliverOutcome {
  posted: string[];
  duplicates: string[];
  skipped: number;
}

/** A view on its way to a channel; a digest's status is recorded for its subscription. */
interface Post {
  channel: string;
  view: View;
  deliveryId: string;
  mayHavePosted: boolean;
  digest?: { subscriptionId: string; data: DigestData };
}

/** One digest of a job, as it ended: done, to come back to after `laterMs`, or failed. */
type DigestResult =
  | { done: 'posted' | 'duplicate'; channel: string }
  | { laterMs: number }
  | { failed: unknown };

/** The setting that holds each platform's bot token, named in the log when the platform rejects it. */
const tokenVariables: Record<Platform, string> = {
  discord: 'DISCORD_TOKEN',
  slack: 'SLACK_BOT_TOKEN',
  console: 'the console adapter',
};

export function createDeliverProcessor(deps: DeliverDeps) {
  const { store, redis, prefix } = deps;
  const limits = deps.limits ?? DOCUMENTED_LIMITS;
  const now = deps.now ?? (() => new Date());
  const render = createDigestRenderer(deps);
  const statuses = createDeliveryStatusStore(redis, prefix);
  // The last digest of each subscription, for /toprank-status (alerts come and go between digests). It is
  // bookkeeping: a failed write is logged, and never turns a posted digest into a failed delivery.
  const recordDigest = async (post: Post, status: Parameters<typeof statuses.record>[1]) => {
    if (!post.digest) return;
    await statuses
      .record(post.digest.subscriptionId, status)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'delivery status not recorded'));
  };

  const prepareAlerts = createAlertFlush({
    redis,
    prefix,
    now: deps.now,
    alertsPerChannelDay: deps.alertsPerChannelDay,
  });

  const claims = createDeliveryClaims(redis, prefix);
  // Digests in flight in this process, whatever its jobs carry.
  const inFlightMax = deps.inFlight ?? 50;
  const inFlight = new Semaphore(inFlightMax);

  return async (job: Job<DeliverData>, token?: string): Promise<DeliverOutcome> => {
    const data = deliverDataSchema.parse(job.data);
    const log = deps.log.child({ jobId: job.id });
    return data.kind === 'alerts'
      ? deliverAlerts(job, token, data, log)
      : deliverDigests(job, token, data, log);
  };

  async function deliverAlerts(
    job: Job<DeliverData>,
    token: string | undefined,
    data: Extract<DeliverData, { kind: 'alerts' }>,
    log: Logger,
  ): Promise<DeliverOutcome> {
    const post = await prepareAlerts(job, token, data);
    if (!post) return { posted: [], duplicates: [], skipped: 1 };
    // Started before (killed or stalled mid-send) or failed before: the outcome of that try is unknown.
    const mayHavePosted = post.mayHavePosted || job.attemptsStarted > 1 || job.attemptsMade > 0;
    const laterMs = await pace(pacingRuleFor(post.channel, limits));
    if (laterMs !== undefined) await comeBackLater(job, token, laterMs);
    const done = await send(job, { ...post, mayHavePosted }, log);
    await post.done();
    // That batch was another job's, left in flight: this job's own alerts still wait.
    if (post.again) await comeBackLater(job, token, 0);
    return outcomeOf([{ done, channel: post.channel }], 0);
  }

  /**
   * Posts the job's digests side by side, each paced on its own, a share at a time: a share is as many
   * as this process may still post (all of them, with the defaults), claimed once it has room, so that
   * a crash leaves unknown only the digests in flight. Those claimed by another job, posted before,
   * removed or paused are passed over. A transient failure retries the job (what went out is claimed as
   * sent); a send time beyond the pacing horizon gives the job back until then; a permanent failure
   * fails the job once the others are done.
   */
  async function deliverDigests(
    job: Job<DeliverData>,
    token: string | undefined,
    data: DigestData,
    log: Logger,
  ): Promise<DeliverOutcome> {
    const results: DigestResult[] = [];
    for (let i = 0; i < data.subscriptionIds.length; i += inFlightMax) {
      const share = data.subscriptionIds.slice(i, i + inFlightMax);
      await inFlight.acquire(share.length);
      results.push(...(await deliverShare(job, data, share, log)));
    }
    const failures = results.flatMap((r) => ('failed' in r ? [r.failed] : []));
    const transient = failures.find((error) => !(error instanceof UnrecoverableError));
    if (transient !== undefined) throw transient;
    const later = results.flatMap((r) => ('laterMs' in r ? [r.laterMs] : []));
    if (later.length > 0) await comeBackLater(job, token, Math.min(...later));
    if (failures[0] !== undefined) throw failures[0];
    return outcomeOf(results, data.subscriptionIds.length - results.length);
  }

  /** Delivers a share of a job's digests, its room in flight taken; gives the room back digest by digest. */
  async function deliverShare(
    job: Job<DeliverData>,
    data: DigestData,
    share: string[],
    log: Logger,
  ): Promise<DigestResult[]> {
    let held = share.length;
    const giveBack = (n: number) => {
      held -= n;
      if (n > 0) inFlight.release(n);
    };
    try {
      const active = (await store.getMany(share)).filter((s) => s.state.status === 'active');
      const ids = active.map((sub) => digestDeliveryId(sub.id, data.periodKey));
      const claimed = await claims.claim(String(job.id), ids);
      const mine = active.flatMap((sub, i) =>
        claimed[i] === 'claimed' || claimed[i] === 'retried'
          ? [{ sub, deliveryId: ids[i] as string, claim: claimed[i] as Claim }]
          : [],
      );
      giveBack(share.length - mine.length);
      const watchlists = await (deps.watchlists?.getMany(
        mine.map(({ sub }) => ({ team: sub.team ?? teamOf(sub.channel), channel: sub.channel })),
      ) ?? []);
      const results = await Promise.all(
        mine.map((d, i) =>
          deliverDigest(job, data, d.sub, watchlists[i], d.deliveryId, d.claim, log).finally(() =>
            giveBack(1),
          ),
        ),
      );
      // Known not to have gone out: free for the job's next try, or another job.
      await claims.release(
        mine.flatMap((d, i) => {
          const result = results[i] as DigestResult;
          const unsent =
            'laterMs' in result || ('failed' in result && result.failed instanceof UnrecoverableError);
          return unsent ? [d.deliveryId] : [];
        }),
      );
      return results;
    } finally {
      if (held > 0) inFlight.release(held);
    }
  }

  async function deliverDigest(
    job: Job<DeliverData>,
    data: DigestData,
    sub: Subscription,
    watchlist: Watchlist | undefined,
    deliveryId: string,
    claim: Claim,
    log: Logger,
  ): Promise<DigestResult> {
    // The first send time is reserved while the view is made: their round trips overlap.
    const rule = pacingRuleFor(sub.channel, limits);
    const reserved = rule && deps.pacer.reserve(rule);
    try {
      const view = await render(sub, watchlist, data, log).catch((error: unknown) => {
        reserved?.catch(() => {});
        throw error;
      });
      const laterMs = await pace(rule, reserved);
      if (laterMs !== undefined) return { laterMs };
      const mayHavePosted = claim === 'retried';
      const digest = { subscriptionId: sub.id, data };
      const done = await send(job, { channel: sub.channel, view, deliveryId, mayHavePosted, digest }, log);
      return { done, channel: sub.channel };
    } catch (error) {
      return { failed: error };
    }
  }

  /**
   * Waits for the channel's send time, from `reserved` (the first reservation, already asked for) on,
   * and its admission then; returns how long to come back after instead when that time lies beyond the
   * pacing horizon. A 429 seen while waiting (by any process) holds back sends reserved before it: this
   * one then reserves again, after the hold, rather than going out with every other held send at once.
   * So does a send whose second is full already (a late send took its room).
   */
  async function pace(
    rule: PacingRule | undefined,
    reserved = rule && deps.pacer.reserve(rule),
  ): Promise<number | undefined> {
    for (let next = reserved; rule && next; next = deps.pacer.reserve(rule)) {
      const decision = await next;
      // Far beyond the limit's horizon: the job comes back then instead of holding a worker.
      if (!decision.reserved) return decision.waitMs;
      if (decision.waitMs === 0) return undefined;
      await sleep(decision.waitMs);
      if (await deps.pacer.admit(rule)) return undefined;
    }
    return undefined;
  }

  /** Gives the job back to BullMQ until `ms` from now. */
  async function comeBackLater(job: Job<DeliverData>, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** Posts a view through its platform's adapter; a gone channel pauses its subscriptions. */
  async function send(job: Job<DeliverData>, post: Post, log: Logger): Promise<'posted' | 'duplicate'> {
    const { channel, view, deliveryId, mayHavePosted, digest } = post;
    const platform = parseChannelRef(channel).platform;
    const adapter = deps.adapters.get(platform);
    if (!adapter) throw new UnrecoverableError(`no ${platform} adapter in this worker`);

    try {
      const posted = await adapter.send(channel, view, { deliveryId, mayHavePosted });
      await Promise.all([
        claims.markSent(deliveryId, posted.messageId),
        recordDigest(post, {
          status: 'delivered',
          at: now().toISOString(),
          period: digest?.data.periodKey ?? '',
          late: digest?.data.late !== undefined,
        }),
      ]);
      if (posted.duplicate) return 'duplicate';
      deps.onPosted?.(platform, job.timestamp);
      return 'posted';
    } catch (error) {
      const permanent = error instanceof ChannelUnavailableError;
      await recordDigest(post, {
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

function outcomeOf(results: DigestResult[], skipped: number): DeliverOutcome {
  const outcome: DeliverOutcome = { posted: [], duplicates: [], skipped };
  for (const r of results) {
    if ('done' in r) (r.done === 'posted' ? outcome.posted : outcome.duplicates).push(r.channel);
  }
  return outcome;
}
