/**
 * The daily alert check: for every alert-enabled subscription's query, once per newly published day
 * (found with a one-page probe), store the day's snapshot, compare it with the day before, and queue
 * one alert delivery per subscription that has events. Named `alert-<sub>-<day>`, never posted twice.
 * The scheduled check looks back a few days, so a day KeyAPI publishes late is still checked.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
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
import { alertEvents } from './alert-events.js';
import type { CollectDeps } from './collect.js';
import { type AlertCheckData, alertCheckDataSchema, deliverJobOptions } from './queues.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';
import { isBudgetSpent, isTransient, permanentCode, probe } from './upstream.js';

/** What an alert check needs: the tick's collaborators, without its probe timing. */
export type AlertDeps = Omit<CollectDeps, 'timing'>;

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
  const outcome: AlertCheckOutcome = { date, queries: groups.size, unpublished: 0, queued: 0 };
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
    const jobs = group
      .filter(
        (sub) =>
          previous !== undefined &&
          previous.rows.length > 0 &&
          alertEvents(previous, current, { climb: sub.alertClimb }).length > 0,
      )
      .map((sub) => ({
        name: 'alert',
        data: { kind: 'alert' as const, subscriptionId: sub.id, date, ...(late ? { late } : {}) },
        opts: { ...deliverJobOptions, jobId: alertJobId(sub.id, date) },
      }));
    if (jobs.length > 0) await deps.deliver.addBulk(jobs);
    outcome.queued += jobs.length;
    await redis.set(checkedKey, String(jobs.length), 'EX', MARKER_TTL_SECONDS);
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

/** The BullMQ processor of the alerts queue: a given date alone, else the last few days. */
export function createAlertCheckProcessor(deps: AlertDeps) {
  return async (job: Job<AlertCheckData>): Promise<AlertCheckOutcome[]> => {
    const data = alertCheckDataSchema.parse(job.data);
    const jobDeps = { ...deps, log: deps.log.child({ jobId: job.id }) };
    try {
      return data.date ? [await runAlertCheck(jobDeps, data)] : await runRecentAlertChecks(jobDeps);
    } catch (error) {
      const permanent = permanentCode(error);
      if (permanent) throw new UnrecoverableError(permanent);
      throw error;
    }
  };
}
