/**
 * The tick of a delivery slot: load its subscriptions, fetch each distinct query once (with the
 * previous period, for movement), store the snapshot and fan out one delivery job per subscription,
 * named by subscription and period. An unpublished period is probed with one page and waited for
 * until a deadline, then the latest published period is posted, labelled as such.
 */
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KeyApiError } from '../keyapi/errors.js';
import type { LeaderboardService } from '../ranking/leaderboard-service.js';
import { periodKey, shiftPeriod } from '../ranking/period.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import { parseSlotId } from '../subscriptions/slot.js';
import {
  queryHash,
  type Subscription,
  type SubscriptionQuery,
  toLeaderboardQuery,
} from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { digestJobId } from './job-id.js';
import { type DeliverData, deliverJobOptions, type TickData, tickDataSchema } from './queues.js';
import type { SnapshotStore } from './snapshots.js';
import { MARKER_TTL_SECONDS, targetPeriod, tickDoneKey, tickStartedKey } from './tick-state.js';

/** How far back to look for a published period once the deadline has passed. */
const MAX_FALLBACK = 3;

export interface TickTiming {
  /** A tick first started more than this after its fire time is skipped (logged), never posted stale. */
  catchUpWindowMs: number;
  /** How long after the fire time to keep waiting for the period to be published. */
  publishDeadlineMs: number;
  /** Probe spacing grows with the wait, between these bounds. */
  minProbeDelayMs: number;
  maxProbeDelayMs: number;
}

/** Production timing: catch up within 3 h, wait up to 6 h for data, probe every 10 min to 1 h. */
export const DEFAULT_TICK_TIMING: TickTiming = {
  catchUpWindowMs: 3 * 3600_000,
  publishDeadlineMs: 6 * 3600_000,
  // Longer than the 5-minute cache of an empty page, so every probe really asks KeyAPI.
  minProbeDelayMs: 10 * 60_000,
  maxProbeDelayMs: 60 * 60_000,
};

export interface CollectDeps {
  store: SubscriptionStore;
  leaderboards: LeaderboardService;
  snapshots: SnapshotStore;
  deliver: Queue<DeliverData>;
  redis: Redis;
  prefix: string;
  log: Logger;
  now?: () => Date;
  timing?: Partial<TickTiming>;
}

export interface TickRequest {
  slotId: string;
  /** When the slot fired; the period follows from it. */
  firedAt?: number;
  /** Or the period itself (operators' `digest run --date`). */
  period?: Period;
  /** Scheduled ticks wait for data and respect the catch-up window; manual ones do neither. */
  mode: 'scheduled' | 'manual';
}

export type TickOutcome =
  | { status: 'done'; period: Period; queries: number; queued: number; fellBack: number }
  | { status: 'waiting'; period: Period; unpublished: number; retryInMs: number }
  | { status: 'not_published'; period: Period; unpublished: number; queued: number }
  | { status: 'skipped'; period: Period; reason: 'outside_catch_up_window' | 'already_done' };

export async function runTick(deps: CollectDeps, request: TickRequest): Promise<TickOutcome> {
  const { store, leaderboards, snapshots, redis, prefix, log } = deps;
  const timing = { ...DEFAULT_TICK_TIMING, ...deps.timing };
  const now = (deps.now ?? (() => new Date()))().getTime();
  const slot = parseSlotId(request.slotId);
  const firedAt = request.firedAt ?? now;
  const period = request.period ?? targetPeriod(slot, firedAt);
  const ctx = { slotId: request.slotId, period: periodKey(period) };

  if (await redis.exists(tickDoneKey(prefix, request.slotId, period))) {
    return { status: 'skipped', period, reason: 'already_done' };
  }
  const firstStart = await redis.set(
    tickStartedKey(prefix, request.slotId, period),
    String(now),
    'EX',
    MARKER_TTL_SECONDS,
    'NX',
  );
  if (request.mode === 'scheduled' && firstStart === 'OK' && now - firedAt > timing.catchUpWindowMs) {
    log.warn(
      { ...ctx, firedAt: new Date(firedAt).toISOString() },
      'slot missed beyond the catch-up window: skipped',
    );
    await redis.set(tickDoneKey(prefix, request.slotId, period), 'skipped', 'EX', MARKER_TTL_SECONDS);
    return { status: 'skipped', period, reason: 'outside_catch_up_window' };
  }

  const active = (await store.listBySlot(request.slotId)).filter((s) => s.state.status === 'active');
  const groups = new Map<string, Subscription[]>();
  for (const sub of active) {
    const hash = queryHash(sub.query);
    groups.set(hash, [...(groups.get(hash) ?? []), sub]);
  }

  const pastDeadline = request.mode === 'scheduled' && now >= firedAt + timing.publishDeadlineMs;
  let queued = 0;
  let unpublished = 0;
  let fellBack = 0;
  await Promise.all(
    [...groups.entries()].map(async ([hash, subs]) => {
      const query = (subs[0] as Subscription).query;
      let board: Leaderboard | undefined;
      if (await probe(leaderboards, query, period)) {
        board = await leaderboards.get(toLeaderboardQuery(query, period.date));
      } else if (pastDeadline) {
        board = await latestPublished(leaderboards, query, period);
        if (board) fellBack += 1;
        else log.error({ ...ctx, query }, 'no published period to post after the deadline');
      }
      if (!board) {
        unpublished += 1;
        return;
      }
      await snapshots.put(hash, board);
      const added = await fanOut(deps.deliver, subs, period, board.period);
      queued += added;
    }),
  );

  if (unpublished > 0 && !pastDeadline) {
    if (request.mode === 'manual') return { status: 'not_published', period, unpublished, queued };
    const waited = now - firedAt;
    const retryInMs = Math.min(
      Math.max(timing.minProbeDelayMs, waited / 2, 0),
      timing.maxProbeDelayMs,
      Math.max(firedAt + timing.publishDeadlineMs - now, 0) + 1,
    );
    log.info({ ...ctx, unpublished, retryInMs }, 'period not published yet: probing again later');
    return { status: 'waiting', period, unpublished, retryInMs };
  }
  await redis.set(tickDoneKey(prefix, request.slotId, period), 'done', 'EX', MARKER_TTL_SECONDS);
  log.info({ ...ctx, queries: groups.size, queued, fellBack }, 'tick done');
  return { status: 'done', period, queries: groups.size, queued, fellBack };
}

/** One page (one credit) of the unfiltered ranking says whether the period is out: filters can empty it. */
function probe(leaderboards: LeaderboardService, query: SubscriptionQuery, period: Period): Promise<boolean> {
  const base = { region: query.region, type: query.type, by: query.by, limit: 10 };
  return leaderboards.isPublished(toLeaderboardQuery(base, period.date), period);
}

async function latestPublished(
  leaderboards: LeaderboardService,
  query: SubscriptionQuery,
  wanted: Period,
): Promise<Leaderboard | undefined> {
  for (let step = 1; step <= MAX_FALLBACK; step++) {
    const earlier = shiftPeriod(wanted, -step);
    if (await probe(leaderboards, query, earlier)) {
      const board = await leaderboards.get(toLeaderboardQuery(query, earlier.date));
      return { ...board, fellBackFrom: wanted };
    }
  }
  return undefined;
}

/** Adds one delivery per subscription; the job id makes a second add of the same delivery a no-op. */
async function fanOut(
  queue: Queue<DeliverData>,
  subs: Subscription[],
  period: Period,
  shown: Period,
): Promise<number> {
  for (let i = 0; i < subs.length; i += 500) {
    await queue.addBulk(
      subs.slice(i, i + 500).map((sub) => ({
        name: 'digest',
        data: {
          kind: 'digest' as const,
          subscriptionId: sub.id,
          periodKey: periodKey(period),
          shownKey: periodKey(shown),
        },
        opts: { ...deliverJobOptions, jobId: digestJobId(sub.id, periodKey(period)) },
      })),
    );
  }
  return subs.length;
}

/** Permanent KeyAPI failures: retrying burns nothing but time, so the job stops. */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof KeyApiError &&
    (error.code === 'keyapi_unauthorized' || error.code === 'keyapi_credits_exhausted')
  );
}

/** The BullMQ processor of the tick queue. */
export function createCollectProcessor(deps: CollectDeps) {
  return async (job: Job<TickData>, token?: string): Promise<TickOutcome> => {
    const data = tickDataSchema.parse(job.data);
    // Scheduler jobs carry their fire time as prevMillis; jobs we add carry firedAt.
    const firedAt = data.firedAt ?? job.opts.prevMillis ?? job.timestamp;
    const period = data.periodKey ? parsePeriodKey(data.periodKey) : undefined;
    let outcome: TickOutcome;
    try {
      outcome = await runTick(
        { ...deps, log: deps.log.child({ jobId: job.id }) },
        { slotId: data.slotId, firedAt, period, mode: 'scheduled' },
      );
    } catch (error) {
      if (isPermanent(error)) throw new UnrecoverableError((error as KeyApiError).code);
      throw error;
    }
    if (outcome.status === 'waiting') {
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
}

export function parsePeriodKey(key: string): Period {
  const match = /^(day|week|month)-(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (!match) throw new Error(`not a period key: ${key}`);
  return { type: match[1] as Period['type'], date: match[2] as string };
}
