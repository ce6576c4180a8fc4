/**
 * The delivery of a channel's alerts: under the alert policy (./alert-policy.ts) the waiting items are
 * either held (the job waits, delayed, until quiet hours or the day's cap end) or claimed as one batch
 * and handed to the delivery job to post under the batch's id. Held jobs are listed so an alert check
 * can release them once their time has come, whatever clock the worker keeps.
 */
import { DelayedError, type Job, type Queue } from 'bullmq';
import { alertMessageView } from '../chat/alert-view.js';
import type { View } from '../chat/view.js';
import { alertsHeldKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { type AlertStream, createAlertOutbox, type WaitingAlert } from './alert-outbox.js';
import { capDay, DEFAULT_ALERTS_PER_CHANNEL_DAY, decideFlush } from './alert-policy.js';
import { type DeliverData, deliverJobOptions } from './queues.js';

type AlertsData = Extract<DeliverData, { kind: 'alerts' }>;

export interface AlertFlushDeps {
  redis: RedisClient;
  prefix: string;
  now?: (() => Date) | undefined;
  /** ALERTS_PER_CHANNEL_DAY. */
  alertsPerChannelDay?: number | undefined;
}

/** A batch ready to post; `done` records it posted; `again` means this job's own items still wait. */
export interface AlertPost {
  channel: string;
  view: View;
  deliveryId: string;
  mayHavePosted: boolean;
  again: boolean;
  done(): Promise<void>;
}

/** A batch in flight this long is taken over by the next delivery of the channel: its job is gone. */
const ADOPT_AFTER_MS = 2 * 60_000;

export function createAlertFlush(deps: AlertFlushDeps) {
  const { redis, prefix } = deps;
  const outbox = createAlertOutbox(redis, prefix);
  const now = deps.now ?? (() => new Date());
  const perDay = deps.alertsPerChannelDay ?? DEFAULT_ALERTS_PER_CHANNEL_DAY;

  return async function prepare(
    job: Job<DeliverData>,
    token: string | undefined,
    data: AlertsData,
  ): Promise<AlertPost | undefined> {
    const stream = { team: data.team, channel: data.channel };
    const at = now();
    const waiting = await outbox.waiting(stream);
    if (waiting.length > 0) {
      const sentToday = await outbox.sentOn(stream, capDay(at));
      const decision = decideFlush(waiting, at, { sentToday, perDay });
      if (!decision.send) {
        await outbox.hold(stream, decision.reason);
        const until = decision.until.getTime();
        await redis.zadd(alertsHeldKey(prefix), String(until), String(job.id));
        await job.moveToDelayed(Date.now() + Math.max(until - at.getTime(), 0), token);
        throw new DelayedError();
      }
    }
    const jobId = String(job.id);
    const batch = await outbox.claim(stream, jobId);
    if (!batch) return undefined;
    // Another job's batch, being posted right now (another worker): let that job finish it; adopt it
    // only when it was left behind (that job died), since a Slack post in flight is not yet findable.
    if (batch.id !== jobId && Date.now() - batch.claimedAt < ADOPT_AFTER_MS) {
      await job.moveToDelayed(Date.now() + 2_000, token);
      throw new DelayedError();
    }
    return {
      channel: data.channel,
      view: alertMessageView(batch.items, { held: batch.held }),
      deliveryId: batch.id,
      mayHavePosted: batch.resumed,
      again: batch.id !== jobId,
      done: () => outbox.finish(stream, batch.id, capDay(at)),
    };
  };
}

/** Whether the delivery `jobId` is held by the alert policy (quiet hours, daily cap). */
export async function isHeldAlert(redis: RedisClient, prefix: string, jobId: string): Promise<boolean> {
  return (await redis.zscore(alertsHeldKey(prefix), jobId)) !== null;
}

/**
 * Lets held alert deliveries whose time has come run now (a worker's own delay normally does it; this
 * covers a clock that is not the worker's, such as `alerts run` or a test's). Returns their job ids.
 */
export async function releaseHeldAlerts(
  queue: Queue<DeliverData>,
  redis: RedisClient,
  prefix: string,
  at: Date,
): Promise<string[]> {
  const key = alertsHeldKey(prefix);
  const due = await redis.zrangebyscore(key, '-inf', String(at.getTime()));
  const released: string[] = [];
  for (const id of due) {
    const job = await queue.getJob(id);
    if (job && (await job.isDelayed())) {
      await job.promote();
      released.push(id);
    }
    await redis.zrem(key, id);
  }
  return released;
}

/**
 * Puts an item in its channel's outbox (once: a rerun of a check adds nothing) and queues the
 * delivery that posts it, named `jobId`. True when the item was new.
 */
export async function queueAlertItem(
  deps: { redis: RedisClient; prefix: string; deliver: Queue<DeliverData>; now?: (() => Date) | undefined },
  stream: AlertStream,
  item: WaitingAlert,
  jobId: string,
): Promise<boolean> {
  const at = (deps.now ?? (() => new Date()))();
  const added = await createAlertOutbox(deps.redis, deps.prefix).add(stream, item, at);
  if (added) {
    await deps.deliver.add(
      'alerts',
      { kind: 'alerts', team: stream.team, channel: stream.channel },
      { ...deliverJobOptions, jobId },
    );
  }
  return added;
}
