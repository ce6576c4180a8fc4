/**
 * The tick of a delivery slot: load its subscriptions, fetch each distinct query once (with the
 * previous period, for movement), store the snapshot and fan out one delivery job per subscription,
 * named by subscription and period. An unpublished period, or a KeyAPI outage, is probed with one page
 * and waited for until a deadline, then the latest published period is posted, labelled as such.
 * Each query group fails on its own: one bad group never holds back the others' digests.
 */
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { digestJobId, tickDoneKey, tickLateKey, tickStartedKey } from '../keys.js';
import { type LeaderboardService, MAX_FALLBACK } from '../ranking/leaderboard-service.js';
import { parsePeriodKey, periodKey, shiftPeriod } from '../ranking/period.js';
import type { RankHistorySource } from '../ranking/rank-history.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { createDeliveryStatusStore } from '../subscriptions/delivery-status.js';
import { nextFireTime, parseSlotId } from '../subscriptions/slot.js';
import {
  digestHasChart,
  leaderboardQueryOf,
  queryHash,
  type Subscription,
  type SubscriptionQuery,
} from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { type DeliverData, deliverJobOptions, type TickData, tickDataSchema } from './queues.js';
import type { SnapshotStore } from './snapshots.js';
import { MARKER_TTL_SECONDS, targetPeriod } from './tick-state.js';
import { isBudgetSpent, isTransient, permanentCode, probe } from './upstream.js';

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
  /** Fills the history a digest's chart needs (only the periods it lacks are fetched). */
  rankHistory: RankHistorySource;
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
  | {
      status: 'waiting';
      period: Period;
      unpublished: number;
      unreachable: number;
      /** Query groups waiting for today's credit budget to reset. */
      budget: number;
      retryInMs: number;
    }
  /** The credit budget stayed spent until the slot's next fire time: reported, never posted stale. */
  | { status: 'missed'; period: Period; budget: number; queued: number }
  | { status: 'not_published'; period: Period; unpublished: number; unreachable: number; queued: number }
  | { status: 'skipped'; period: Period; reason: 'outside_catch_up_window' | 'already_done' };

/** What became of one query group in a tick. */
type GroupResult =
  | { status: 'queued'; queued: number; fellBack: boolean }
  /** Nothing to post yet: not published, or (`unreachable`) KeyAPI failed transiently. */
  | { status: 'unpublished'; unreachable: boolean }
  /** Today's credit budget is spent: wait for the reset. */
  | { status: 'budget'; error: unknown; subs: Subscription[] }
  | { status: 'failed'; error: unknown };

export async function runTick(deps: CollectDeps, request: TickRequest): Promise<TickOutcome> {
  const { store, leaderboards, snapshots, redis, prefix, log } = deps;
  const timing = { ...DEFAULT_TICK_TIMING, ...deps.timing };
  const now = (deps.now ?? (() => new Date()))().getTime();
  const slot = parseSlotId(request.slotId);
  const firedAt = request.firedAt ?? now;
  const period = request.period ?? targetPeriod(slot, firedAt);
  const ctx = { slotId: request.slotId, period: periodKey(period) };

  const done = await redis.get(tickDoneKey(prefix, request.slotId, ctx.period));
  // A slot skipped as too late posted nothing, so an operator may still backfill it; delivery job ids
  // and sent markers keep that from posting anything twice.
  if (done !== null && !(request.mode === 'manual' && done === 'skipped')) {
    return { status: 'skipped', period, reason: 'already_done' };
  }
  const firstStart = await redis.set(
    tickStartedKey(prefix, request.slotId, ctx.period),
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
    await redis.set(tickDoneKey(prefix, request.slotId, ctx.period), 'skipped', 'EX', MARKER_TTL_SECONDS);
    return { status: 'skipped', period, reason: 'outside_catch_up_window' };
  }

  const active = (await store.listBySlot(request.slotId)).filter((s) => s.state.status === 'active');
  const groups = new Map<string, Subscription[]>();
  for (const sub of active) {
    const hash = queryHash(sub.query);
    groups.set(hash, [...(groups.get(hash) ?? []), sub]);
  }

  const pastDeadline = request.mode === 'scheduled' && now >= firedAt + timing.publishDeadlineMs;
  const lateKey = tickLateKey(prefix, request.slotId, periodKey(period));

  async function collectGroup(hash: string, subs: Subscription[]): Promise<GroupResult> {
    const query = (subs[0] as Subscription).query;
    let board: Leaderboard | undefined;
    let unreachable = false;
    try {
      if (await probe(leaderboards, query, period)) {
        board = await leaderboards.get(leaderboardQueryOf(query, period.date));
      }
    } catch (error) {
      if (isBudgetSpent(error)) return { status: 'budget', error, subs };
      if (!isTransient(error)) return { status: 'failed', error };
      unreachable = true;
      log.warn({ ...ctx, query, err: errorCode(error) }, 'KeyAPI failed for a query: probing again later');
    }
    if (!board && pastDeadline) {
      try {
        board = await latestPublished(leaderboards, query, period);
      } catch (error) {
        if (isBudgetSpent(error)) return { status: 'budget', error, subs };
        if (!isTransient(error)) return { status: 'failed', error };
      }
      if (!board) log.error({ ...ctx, query }, 'no published period to post after the deadline');
    }
    if (!board) return { status: 'unpublished', unreachable };
    await snapshots.put(hash, board);
    if (subs.some(digestHasChart)) await fillChartHistory(deps, board, ctx);
    const late = (await redis.exists(lateKey)) ? 'budget' : undefined;
    const queued = await fanOut(deps.deliver, subs, period, board.period, late);
    return { status: 'queued', queued, fellBack: board.fellBackFrom !== undefined };
  }

  const results = await Promise.all([...groups].map(([hash, subs]) => collectGroup(hash, subs)));
  let queued = 0;
  let unpublished = 0;
  let unreachable = 0;
  let fellBack = 0;
  const failures: unknown[] = [];
  const waitingForBudget: Subscription[][] = [];
  for (const result of results) {
    if (result.status === 'queued') {
      queued += result.queued;
      if (result.fellBack) fellBack += 1;
    } else if (result.status === 'budget') {
      // An operator's manual run hears the sentence at once; a scheduled tick waits for the reset.
      if (request.mode === 'manual') failures.push(result.error);
      else waitingForBudget.push(result.subs);
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

  if (waitingForBudget.length > 0) {
    const budget = waitingForBudget.length;
    const waiting = { budget, subs: waitingForBudget.flat(), unpublished, unreachable, queued };
    return waitForBudget(deps, { ...request, firedAt }, period, waiting, timing, now);
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
    return { status: 'waiting', period, unpublished, unreachable, budget: 0, retryInMs };
  }
  await redis.set(tickDoneKey(prefix, request.slotId, ctx.period), 'done', 'EX', MARKER_TTL_SECONDS);
  log.info({ ...ctx, queries: groups.size, queued, fellBack }, 'tick done');
  return { status: 'done', period, queries: groups.size, queued, fellBack };
}

/**
 * Once per query and tick, so deliveries draw the chart from history alone: each period missing from
 * it costs one page now, and never again. A failure only leaves gaps in the chart.
 */
async function fillChartHistory(deps: CollectDeps, board: Leaderboard, ctx: object): Promise<void> {
  const history = await deps.rankHistory.load(board.query, board.period, { fetchMissing: true });
  if (history.fetched > 0 || history.failed > 0) {
    deps.log.info({ ...ctx, fetched: history.fetched, failed: history.failed }, 'chart history filled');
  }
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

/**
 * Some queries met a spent credit budget: their subscribers hear they are waiting, and the tick looks
 * again soon (probe spacing) until the budget resets at 00:00 UTC; their digests then say they are late.
 * Past the slot's next fire time the wait ends: reported in the log and /toprank-status, never posted stale.
 */
async function waitForBudget(
  deps: CollectDeps,
  request: TickRequest & { firedAt: number },
  period: Period,
  waiting: { budget: number; subs: Subscription[]; unpublished: number; unreachable: number; queued: number },
  timing: TickTiming,
  now: number,
): Promise<TickOutcome> {
  const { redis, prefix, log } = deps;
  const statuses = createDeliveryStatusStore(redis, prefix);
  const ctx = { slotId: request.slotId, period: periodKey(period), budget: waiting.budget };
  const windowEnds = nextFireTime(parseSlotId(request.slotId), new Date(request.firedAt)).getTime();
  const at = new Date(now).toISOString();
  if (now >= windowEnds) {
    const detail = `the daily KeyAPI credit budget stayed spent until the next delivery was due, so the digest of ${periodKey(period)} was not sent`;
    for (const sub of waiting.subs) await statuses.record(sub.id, { status: 'missed', at, detail });
    await redis.set(
      tickDoneKey(prefix, request.slotId, periodKey(period)),
      'missed',
      'EX',
      MARKER_TTL_SECONDS,
    );
    log.error(ctx, 'tick missed its window: the daily credit budget stayed spent');
    return { status: 'missed', period, budget: waiting.budget, queued: waiting.queued };
  }
  // Said once, when the wait begins: a retry of the wait keeps "waiting since" where it started.
  const first = await redis.set(
    tickLateKey(prefix, request.slotId, periodKey(period)),
    '1',
    'EX',
    MARKER_TTL_SECONDS,
    'NX',
  );
  const detail =
    'the daily KeyAPI credit budget is spent; the digest is sent, marked late, once it resets at 00:00 UTC';
  if (first === 'OK') {
    await Promise.all(waiting.subs.map((sub) => statuses.record(sub.id, { status: 'waiting', at, detail })));
  }
  const retryInMs = Math.max(Math.min(timing.maxProbeDelayMs, windowEnds - now), timing.minProbeDelayMs);
  log.warn({ ...ctx, retryInMs }, 'credit budget spent: the tick waits for the reset');
  const { unpublished, unreachable, budget } = waiting;
  return { status: 'waiting', period, unpublished, unreachable, budget, retryInMs };
}

/** Adds one delivery per subscription; the job id makes a second add of the same delivery a no-op. */
async function fanOut(
  queue: Queue<DeliverData>,
  subs: Subscription[],
  period: Period,
  shown: Period,
  late: 'budget' | undefined,
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
          ...(late ? { late } : {}),
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
