/**
 * The tick of a delivery slot: stream its subscriptions (src/jobs/tick-pass.ts), fetch each distinct
 * query once (with the previous period, for movement), store the snapshot and queue one delivery job per
 * subscription, named by subscription and period; a killed tick resumes where it was. An unpublished
 * period, or a KeyAPI outage, is probed with one page and waited for until a deadline, then the latest
 * published period is posted, labelled as such. Each query fails on its own: one bad query never holds
 * back the others' digests.
 */
import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { tickDoneKey, tickLateKey, tickStartedKey } from '../keys.js';
import { type LeaderboardService, MAX_FALLBACK } from '../ranking/leaderboard-service.js';
import { parsePeriodKey, periodKey, shiftPeriod } from '../ranking/period.js';
import type { RankHistorySource } from '../ranking/rank-history.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { createDeliveryStatusStore } from '../subscriptions/delivery-status.js';
import { nextFireTime, parseSlotId } from '../subscriptions/slot.js';
import { leaderboardQueryOf, type SubscriptionQuery } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { DeliverData, TickData } from './queues.js';
import { tickDataSchema } from './queues.js';
import type { SnapshotStore } from './snapshots.js';
import { type QueryDecision, runTickPass, type TickPass } from './tick-pass.js';
import { createTickProgress } from './tick-progress.js';
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
  /** Told each delivery job queued. */
  onQueued?: TickPass['onQueued'];
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

  const pastDeadline = request.mode === 'scheduled' && now >= firedAt + timing.publishDeadlineMs;
  const lateKey = tickLateKey(prefix, request.slotId, ctx.period);
  const windowEnds = nextFireTime(slot, new Date(firedAt)).getTime();
  const statuses = createDeliveryStatusStore(redis, prefix);
  // Subscribers hear once, when the wait begins, that they wait for the credit budget (or that it is missed).
  const waitBegins = !(await redis.exists(lateKey));
  const at = new Date(now).toISOString();

  async function collect(hash: string, query: SubscriptionQuery, pass: number): Promise<QueryDecision> {
    let board: Leaderboard | undefined;
    let unreachable = false;
    try {
      if (await probe(leaderboards, query, period)) {
        board = await leaderboards.get(leaderboardQueryOf(query, period.date));
      }
    } catch (error) {
      if (isBudgetSpent(error)) return { status: 'budget', error };
      if (!isTransient(error)) return { status: 'failed', error };
      unreachable = true;
      log.warn({ ...ctx, query, err: errorCode(error) }, 'KeyAPI failed for a query: probing again later');
    }
    if (!board && pastDeadline) {
      try {
        board = await latestPublished(leaderboards, query, period);
      } catch (error) {
        if (isBudgetSpent(error)) return { status: 'budget', error };
        if (!isTransient(error)) return { status: 'failed', error };
      }
      if (!board) log.error({ ...ctx, query }, 'no published period to post after the deadline');
    }
    if (!board) return { status: 'unpublished', unreachable };
    await snapshots.put(hash, board);
    const ready = { pass, shownKey: periodKey(board.period), fellBack: board.fellBackFrom !== undefined };
    return { status: 'ready', ready };
  }

  const progress = createTickProgress(redis, prefix, request.slotId, ctx.period);
  const { pass, cursor } = await progress.begin();
  const decisions = await runTickPass({
    store,
    deliver: deps.deliver,
    progress,
    slotId: request.slotId,
    periodKey: ctx.period,
    pass,
    cursor,
    late: (await redis.exists(lateKey)) ? 'budget' : undefined,
    onQueued: request.onQueued,
    collect: (hash, query) => collect(hash, query, pass),
    fillChart: async (hash, shownKey) => {
      const board = await snapshots.get(hash, shownKey);
      if (board) await fillChartHistory(deps, board, ctx);
    },
    async onBudget(subs) {
      if (request.mode === 'manual') return;
      if (now >= windowEnds) {
        const detail = `the daily KeyAPI credit budget stayed spent until the next delivery was due, so the digest of ${ctx.period} was not sent`;
        await Promise.all(subs.map((sub) => statuses.record(sub.id, { status: 'missed', at, detail })));
      } else if (waitBegins) {
        const detail =
          'the daily KeyAPI credit budget is spent; the digest is sent, marked late, once it resets at 00:00 UTC';
        await Promise.all(subs.map((sub) => statuses.record(sub.id, { status: 'waiting', at, detail })));
      }
    },
  });
  const end = await progress.endPass(pass);

  let unpublished = 0;
  let unreachable = 0;
  let budget = 0;
  const failures: unknown[] = [];
  for (const decision of decisions.values()) {
    if (decision.status === 'budget') {
      // An operator's manual run hears the sentence at once; a scheduled tick waits for the reset.
      if (request.mode === 'manual') failures.push(decision.error);
      else budget += 1;
    } else if (decision.status === 'failed') failures.push(decision.error);
    else if (decision.status === 'unpublished' && decision.unreachable) unreachable += 1;
    else if (decision.status === 'unpublished') unpublished += 1;
  }
  const { queued } = end;
  if (failures.length > 0) {
    // The other queries' deliveries are queued already; a rerun queues the rest in a new pass.
    log.error(
      { ...ctx, failed: failures.length, err: errorCode(failures[0]) },
      'tick failed for some queries',
    );
    throw failures.find((f) => permanentCode(f) !== undefined) ?? failures[0];
  }
  if (budget > 0)
    return waitForBudget(deps, { ...request, firedAt }, period, { budget, queued }, timing, now);

  const waitingFor = unpublished + unreachable;
  // Another runner of this pass (a killed one, a second worker) met a query not ready: look again soon.
  if (!pastDeadline && (waitingFor > 0 || !end.clean)) {
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
  await progress.clear();
  const { queries, fellBack } = end;
  log.info({ ...ctx, queries, queued, fellBack }, 'tick done');
  return { status: 'done', period, queries, queued, fellBack };
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
 * Some queries met a spent credit budget (their subscribers heard it during the pass): the tick looks
 * again soon (probe spacing) until the budget resets at 00:00 UTC; their digests then say they are late.
 * Past the slot's next fire time the wait ends: reported in the log and /toprank-status, never posted stale.
 */
async function waitForBudget(
  deps: CollectDeps,
  request: TickRequest & { firedAt: number },
  period: Period,
  waiting: { budget: number; queued: number },
  timing: TickTiming,
  now: number,
): Promise<TickOutcome> {
  const { redis, prefix, log } = deps;
  const ctx = { slotId: request.slotId, period: periodKey(period), budget: waiting.budget };
  const windowEnds = nextFireTime(parseSlotId(request.slotId), new Date(request.firedAt)).getTime();
  if (now >= windowEnds) {
    await redis.set(
      tickDoneKey(prefix, request.slotId, periodKey(period)),
      'missed',
      'EX',
      MARKER_TTL_SECONDS,
    );
    await createTickProgress(redis, prefix, request.slotId, periodKey(period)).clear();
    log.error(ctx, 'tick missed its window: the daily credit budget stayed spent');
    return { status: 'missed', period, budget: waiting.budget, queued: waiting.queued };
  }
  await redis.set(
    tickLateKey(prefix, request.slotId, periodKey(period)),
    '1',
    'EX',
    MARKER_TTL_SECONDS,
    'NX',
  );
  const retryInMs = Math.max(Math.min(timing.maxProbeDelayMs, windowEnds - now), timing.minProbeDelayMs);
  log.warn({ ...ctx, retryInMs }, 'credit budget spent: the tick waits for the reset');
  return { status: 'waiting', period, unpublished: 0, unreachable: 0, budget: waiting.budget, retryInMs };
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
