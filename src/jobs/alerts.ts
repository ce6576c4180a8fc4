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
import { alertEvents, rankAlertItem } from './alert-events.js';
import { queueAlertItem, releaseHeldAlerts } from './alert-flush.js';
import { withoutBounces } from './alert-policy.js';
import type { CollectDeps } from './collect.js';
import { type AlertCheckData, alertCheckDataSchema } from './queues.js';
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
  /** The deliveries queued, by job id. */
  jobIds: string[];
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

/** Checks `date` (default: yesterday, UTC) for every alerting query; safe to run any number of times. */
export async function runAlertCheck(
  deps: AlertDeps,
  options: { date?: string } = {},
): Promise<AlertCheckOutcome> {
  const { store, redis, prefix, log } = deps;
  const today = toDateString((deps.now ?? (() => new Date()))());
  const date = options.date ?? addDays(today, -1);
  const subs = (await store.listAlerting()).filter((s) => s.alerts && s.state.status === 'active');
  const groups = new Map<string, Subscription[]>();
  for (const sub of subs) {
    const hash = queryHash(dailyQuery(sub.query));
    groups.set(hash, [...(groups.get(hash) ?? []), sub]);
  }
  const outcome: AlertCheckOutcome = { date, queries: groups.size, unpublished: 0, queued: 0, jobIds: [] };
  for (const [hash, group] of groups) {
    const query = dailyQuery((group[0] as Subscription).query);
    const checkedKey = alertsCheckedKey(prefix, hash, date);
    if (await redis.exists(checkedKey)) continue;
    let pair: Awaited<ReturnType<typeof dailyPair>> | undefined;
    try {
      if (await probe(deps.leaderboards, query, day(date))) pair = await dailyPair(deps, query, date);
    } catch (error) {
      // A spent budget delays the check to the first hourly run after the reset; its alerts say so.
      if (isBudgetSpent(error)) {
        await redis.set(alertsLateKey(prefix, hash, date), '1', 'EX', MARKER_TTL_SECONDS);
        log.warn({ date, query }, 'credit budget spent: the alert check waits for the reset');
        outcome.unpublished += 1;
        continue;
      }
      // One query's outage must not hold back the others; the next run checks this one again.
      if (!isTransient(error)) throw error;
      log.warn({ date, query, err: (error as ToprankError).code }, 'KeyAPI failed for an alert query');
    }
    if (!pair) {
      outcome.unpublished += 1;
      continue;
    }
    const { current, previous } = pair;
    const late = (await redis.exists(alertsLateKey(prefix, hash, date))) ? ('budget' as const) : undefined;
    let queued = 0;
    for (const sub of group) {
      if (previous === undefined || previous.rows.length === 0) break;
      const stream = { team: sub.team ?? teamOf(sub.channel), channel: sub.channel };
      const found = alertEvents(previous, current, { climb: sub.alertClimb });
      const events = await withoutBounces(
        redis,
        prefix,
        { ...stream, stream: `sub-${sub.id}` },
        day(date),
        found,
      );
      if (events.length === 0) continue;
      const id = alertJobId(sub.id, date);
      const item = rankAlertItem(current, events, { id, sample: deps.sample, late });
      const quiet = sub.quiet && { ...sub.quiet, timezone: sub.timezone };
      if (await queueAlertItem(deps, stream, { ...item, quiet }, id)) queued += 1;
      outcome.jobIds.push(id);
    }
    outcome.queued += queued;
    await redis.set(checkedKey, String(queued), 'EX', MARKER_TTL_SECONDS);
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
