/**
 * The daily alert check: for every alert-enabled subscription's query, once per newly published day
 * (found with a one-page probe), store the day's snapshot, compare it with the day before, and queue
 * one alert delivery per subscription that has events. Named `alert-<sub>-<day>`, never posted twice.
 * The scheduled check looks back a few days, so a day KeyAPI publishes late is still checked.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { teamOf } from '../chat/team.js';
import { ToprankError } from '../errors.js';
import { alertJobId, alertsCheckedKey, alertsLateKey } from '../keys.js';
import { addDays, periodKey, toDateString } from '../ranking/period.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import {
  dailyQuery,
  leaderboardQueryOf,
  queryHash,
  type Subscription,
  type SubscriptionQuery,
} from '../subscriptions/subscription.js';
import { scanSteps } from '../subscriptions/subscription-store.js';
import { alertEvents, rankAlertItem } from './alert-events.js';
import { queueAlertItem, releaseHeldAlerts } from './alert-flush.js';
import { withoutBounces } from './alert-policy.js';
import type { CollectDeps } from './collect.js';
import { type AlertCheckData, alertCheckDataSchema } from './queues.js';
import { TICK_BATCH } from './tick-pass.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';
import { isBudgetSpent, isTransient, permanentCode, probe } from './upstream.js';
import { runWatchCheck, type WatchCheckDeps } from './watch-check.js';

/** What an alert check needs: the tick's collaborators, without its probe timing. */
export type AlertDeps = Omit<CollectDeps, 'timing'> & { sample?: boolean | undefined };

/** Days the scheduled check looks back over (yesterday and the two before it, UTC). */
const ALERT_LOOKBACK_DAYS = 3;

export interface AlertCheckOutcome {
  date: string;
  /** Distinct daily queries watched. */
  queries: number;
  /** Queries whose day was not published yet, or KeyAPI failed for (checked again next run). */
  unpublished: number;
  /** Alert messages queued (one per subscription with events). */
  queued: number;
}

const day = (date: string): Period => ({ type: 'day', date });

/**
 * The day's board and the day before's, from snapshots when stored, else fetched (and stored). The
 * day before is undefined when it was never published: there is nothing to compare with.
 */
export async function dailyPair(
  deps: Pick<AlertDeps, 'leaderboards' | 'snapshots'>,
  query: SubscriptionQuery,
  date: string,
): Promise<{ current: Leaderboard; previous: Leaderboard | undefined }> {
  const hash = queryHash(query);
  const load = async (d: string) => {
    const stored = await deps.snapshots.get(hash, periodKey(day(d)));
    if (stored) return stored;
    const board = await deps.leaderboards.get(leaderboardQueryOf(query, d));
    await deps.snapshots.put(hash, board);
    return board;
  };
  const current = await load(date);
  const previous = await load(addDays(date, -1)).catch((error: unknown) => {
    if (error instanceof ToprankError && error.code === 'not_published') return undefined;
    throw error;
  });
  return { current, previous };
}

/** A query's day and the day before, with the check's lateness; undefined: nothing to check now. */
type QueryCheck = (Awaited<ReturnType<typeof dailyPair>> & { late: 'budget' | undefined }) | undefined;

/**
 * Whether a query is checked in this run: not when checked before, or when its day is not published (or
 * KeyAPI failed for it, or the credit budget is spent: a later run checks it again).
 */
async function checkOf(
  deps: AlertDeps,
  query: SubscriptionQuery,
  hash: string,
  date: string,
  outcome: AlertCheckOutcome,
): Promise<QueryCheck> {
  const { redis, prefix, log } = deps;
  if (await redis.exists(alertsCheckedKey(prefix, hash, date))) return undefined;
  let pair: Awaited<ReturnType<typeof dailyPair>> | undefined;
  try {
    if (await probe(deps.leaderboards, query, day(date))) pair = await dailyPair(deps, query, date);
  } catch (error) {
    // A spent budget delays the check to the first hourly run after the reset; its alerts say so.
    if (isBudgetSpent(error)) {
      await redis.set(alertsLateKey(prefix, hash, date), '1', 'EX', MARKER_TTL_SECONDS);
      log.warn({ date, query }, 'credit budget spent: the alert check waits for the reset');
      outcome.unpublished += 1;
      return undefined;
    }
    // One query's outage must not hold back the others; the next run checks this one again.
    if (!isTransient(error)) throw error;
    log.warn({ date, query, err: (error as ToprankError).code }, 'KeyAPI failed for an alert query');
  }
  if (!pair) {
    outcome.unpublished += 1;
    return undefined;
  }
  const late = (await redis.exists(alertsLateKey(prefix, hash, date))) ? ('budget' as const) : undefined;
  return { ...pair, late };
}

/**
 * Queues the subscription's alert of the day's moves past its own thresholds; undefined when there are
 * none. `queued` is false for an alert queued before (a rerun's, or an id a scan returned twice).
 */
async function queueAlert(
  deps: AlertDeps,
  sub: Subscription,
  { current, previous, late }: NonNullable<QueryCheck>,
  date: string,
): Promise<{ id: string; queued: boolean } | undefined> {
  if (previous === undefined || previous.rows.length === 0) return undefined;
  const stream = { team: sub.team ?? teamOf(sub.channel), channel: sub.channel };
  const found = alertEvents(previous, current, { climb: sub.alertClimb });
  const events = await withoutBounces(
    deps.redis,
    deps.prefix,
    { ...stream, stream: `sub-${sub.id}` },
    day(date),
    found,
  );
  if (events.length === 0) return undefined;
  const id = alertJobId(sub.id, date);
  const item = rankAlertItem(current, events, { id, sample: deps.sample, late });
  const quiet = sub.quiet && { ...sub.quiet, timezone: sub.timezone };
  return { id, queued: await queueAlertItem(deps, stream, { ...item, quiet }, id) };
}

/**
 * Checks `date` (default: yesterday, UTC) for every alerting query; safe to run any number of times.
 * The alerting subscriptions are read a scan step at a time (TICK_BATCH), as a tick reads its slot, and
 * each query is checked once, when its first subscriber comes: memory stays flat however many alert.
 * `jobIds`, when given, collects the deliveries queued (the operator's command waits for them).
 */
export async function runAlertCheck(
  deps: AlertDeps,
  options: { date?: string; jobIds?: string[] } = {},
): Promise<AlertCheckOutcome> {
  const { store, redis, prefix, log } = deps;
  const today = toDateString((deps.now ?? (() => new Date()))());
  const date = options.date ?? addDays(today, -1);
  const outcome: AlertCheckOutcome = { date, queries: 0, unpublished: 0, queued: 0 };
  const checks = new Map<string, Promise<QueryCheck>>();
  const queuedOf = new Map<string, number>();
  for await (const step of scanSteps((cursor) => store.scanAlerting(cursor, TICK_BATCH))) {
    // A scan step may return a few more ids than asked: records are still read a batch at a time.
    for (let i = 0; i < step.ids.length; i += TICK_BATCH) {
      for (const sub of await store.getMany(step.ids.slice(i, i + TICK_BATCH))) {
        if (!sub.alerts || sub.state.status !== 'active') continue;
        const query = dailyQuery(sub.query);
        const hash = queryHash(query);
        if (!checks.has(hash)) checks.set(hash, checkOf(deps, query, hash, date, outcome));
        const check = await checks.get(hash);
        const alert = check && (await queueAlert(deps, sub, check, date));
        if (!alert) continue;
        if (alert.queued) {
          queuedOf.set(hash, (queuedOf.get(hash) ?? 0) + 1);
          outcome.queued += 1;
        }
        options.jobIds?.push(alert.id);
      }
    }
  }
  outcome.queries = checks.size;
  // Marked once the scan is over: a run that fails half-way leaves its queries to the next run.
  for (const [hash, check] of checks) {
    if (await check) {
      await redis.set(
        alertsCheckedKey(prefix, hash, date),
        String(queuedOf.get(hash) ?? 0),
        'EX',
        MARKER_TTL_SECONDS,
      );
    }
  }
  log.info(outcome, 'alert check done');
  return outcome;
}

/**
 * The scheduled check: each of the last few days, oldest first (so each day's "day before" is stored
 * first). Days already checked cost nothing; one not published yet costs one probe per query per run.
 */
async function runRecentAlertChecks(deps: AlertDeps): Promise<AlertCheckOutcome[]> {
  const today = toDateString((deps.now ?? (() => new Date()))());
  const outcomes: AlertCheckOutcome[] = [];
  for (let back = ALERT_LOOKBACK_DAYS; back >= 1; back--) {
    outcomes.push(await runAlertCheck(deps, { date: addDays(today, -back) }));
  }
  return outcomes;
}

/**
 * The BullMQ processor of the alerts queue: held alerts whose time has come are released; then the rank
 * alerts (a given date alone, else the last few days) and the watch check.
 */
export function createAlertCheckProcessor(deps: WatchCheckDeps) {
  return async (job: Job<AlertCheckData>): Promise<AlertCheckOutcome[]> => {
    const data = alertCheckDataSchema.parse(job.data);
    const jobDeps = { ...deps, log: deps.log.child({ jobId: job.id }) };
    try {
      await releaseHeldAlerts(deps.deliver, deps.redis, deps.prefix, (deps.now ?? (() => new Date()))());
      const outcomes = data.date ? [await runAlertCheck(jobDeps, data)] : await runRecentAlertChecks(jobDeps);
      await runWatchCheck(jobDeps, data);
      return outcomes;
    } catch (error) {
      const permanent = permanentCode(error);
      if (permanent) throw new UnrecoverableError(permanent);
      throw error;
    }
  };
}
