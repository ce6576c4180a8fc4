/**
 * The tick of a delivery slot: load its subscriptions, fetch each distinct query once (with the
 * previous period, for movement), store the snapshot and fan out one delivery job per subscription,
 * named by subscription and period. An unpublished period, or a KeyAPI outage, is probed with one page
 * and waited for until a deadline, then the latest published period is posted, labelled as such.
 * Each query group fails on its own: one bad group never holds back the others' digests.
 */
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { type LeaderboardService, MAX_FALLBACK } from '../ranking/leaderboard-service.js';
import { periodKey, shiftPeriod } from '../ranking/period.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { parseSlotId } from '../subscriptions/slot.js';
import {
  leaderboardQueryOf,
  queryHash,
  type Subscription,
  type SubscriptionQuery,
} from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { digestJobId } from './job-id.js';
import { type DeliverData, deliverJobOptions, type TickData, tickDataSchema } from './queues.js';
import type { SnapshotStore } from './snapshots.js';
import { MARKER_TTL_SECONDS, targetPeriod, tickDoneKey, tickStartedKey } from './tick-state.js';
import { isTransient, permanentCode, probe } from './upstream.js';

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
  redis: RedisClient;
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
  | { status: 'waiting'; period: Period; unpublished: number; unreachable: number; retryInMs: number }
  | { status: 'not_published'; period: Period; unpublished: number; unreachable: number; queued: number }
  | { status: 'skipped'; period: Period; reason: 'outside_catch_up_window' | 'already_done' };

/** What became of one query group in a tick. */
type GroupResult =
  | { status: 'queued'; queued: number; fellBack: boolean }
  /** Nothing to post yet: not published, or (`unreachable`) KeyAPI failed transiently. */
  | { status: 'unpublished'; unreachable: boolean }
  | { status: 'failed'; error: unknown };

export async function runTick(deps: CollectDeps, request: TickRequest): Promise<TickOutcome> {
  const { store, leaderboards, snapshots, redis, prefix, log } = deps;
  const timing = { ...DEFAULT_TICK_TIMING, ...deps.timing };
  const now = (deps.now ?? (() => new Date()))().getTime();
  const slot = parseSlotId(request.slotId);
  const firedAt = request.firedAt ?? now;
  const period = request.period ?? targetPeriod(slot, firedAt);
  const ctx = { slotId: request.slotId, period: periodKey(period) };

  const done = await redis.get(tickDoneKey(prefix, request.slotId, period));
  // A slot skipped as too late posted nothing, so an operator may still backfill it; delivery job ids
  // and sent markers keep that from posting anything twice.
  if (done !== null && !(request.mode === 'manual' && done === 'skipped')) {
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

  async function collectGroup(hash: string, subs: Subscription[]): Promise<GroupResult> {
    const query = (subs[0] as Subscription).query;
    let board: Leaderboard | undefined;
    let unreachable = false;
    try {
      if (await probe(leaderboards, query, period)) {
        board = await leaderboards.get(leaderboardQueryOf(query, period.date));
      }
    } catch (error) {
      if (!isTransient(error)) return { status: 'failed', error };
      unreachable = true;
      log.warn({ ...ctx, query, err: errorCode(error) }, 'KeyAPI failed for a query: probing again later');
    }
    if (!board && pastDeadline) {
      try {
        board = await latestPublished(leaderboards, query, period);
      } catch (error) {
        if (!isTransient(error)) return { status: 'failed', error };
      }
      if (!board) log.error({ ...ctx, query }, 'no published period to post after the deadline');
    }
    if (!board) return { status: 'unpublished', unreachable };
    await snapshots.put(hash, board);
    const queued = await fanOut(deps.deliver, subs, period, board.period);
    return { status: 'queued', queued, fellBack: board.fellBackFrom !== undefined };
  }

  const results = await Promise.all([...groups].map(([hash, subs]) => collectGroup(hash, subs)));
  let queued = 0;
  let unpublished = 0;
  let unreachable = 0;
  let fellBack = 0;
  const failures: unknown[] = [];
  for (const result of results) {
    if (result.status === 'queued') {
      queued += result.queued;
      if (result.fellBack) fellBack += 1;
    } else if (result.status === 'failed') failures.push(result.error);
    else if (result.unreachable) unreachable += 1;
    else unpublished += 1;
  }
  if (failures.length > 0) {
    // The other groups' deliveries are queued already; a rerun re-adds them under the same job ids.
    log.error(
      { ...ctx, failed: failures.length, err: errorCode(failures[0]) },
      'tick failed for some queries',
    );
    throw failures.find((f) => permanentCode(f) !== undefined) ?? failures[0];
  }

  const waitingFor = unpublished + unreachable;
  if (waitingFor > 0 && !pastDeadline) {
    if (request.mode === 'manual')
      return { status: 'not_published', period, unpublished, unreachable, queued };
    const waited = now - firedAt;
    const retryInMs = Math.min(
      Math.max(timing.minProbeDelayMs, waited / 2, 0),
      timing.maxProbeDelayMs,
      Math.max(firedAt + timing.publishDeadlineMs - now, 0) + 1,
    );
    log.info(
      { ...ctx, unpublished, unreachable, retryInMs },
      'period not published yet: probing again later',
    );
    return { status: 'waiting', period, unpublished, unreachable, retryInMs };
  }
  await redis.set(tickDoneKey(prefix, request.slotId, period), 'done', 'EX', MARKER_TTL_SECONDS);
  log.info({ ...ctx, queries: groups.size, queued, fellBack }, 'tick done');
  return { status: 'done', period, queries: groups.size, queued, fellBack };
}

function errorCode(error: unknown): string {
  return (error as { code?: unknown })?.code ? String((error as { code: unknown }).code) : String(error);
}

async function latestPublished(
  leaderboards: LeaderboardService,
  query: SubscriptionQuery,
  wanted: Period,
): Promise<Leaderboard | undefined> {
  for (let step = 1; step <= MAX_FALLBACK; step++) {
    const earlier = shiftPeriod(wanted, -step);
    if (await probe(leaderboards, query, earlier)) {
      const board = await leaderboards.get(leaderboardQueryOf(query, earlier.date));
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
      const permanent = permanentCode(error);
      if (permanent) throw new UnrecoverableError(permanent);
      throw error;
    }
    if (outcome.status === 'waiting') {
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
}

function parsePeriodKey(key: string): Period {
  const match = /^(day|week|month)-(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (!match) throw new Error(`not a period key: ${key}`);
  return { type: match[1] as Period['type'], date: match[2] as string };
}
