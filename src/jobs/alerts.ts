/**
 * The daily alert check: for every alert-enabled subscription's query, once per newly published day
 * (found with a one-page probe), store the day's snapshot, compare it with the day before, and queue
 * one alert delivery per subscription that has events. Named `alert-<sub>-<day>`, never posted twice.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { LeaderboardService } from '../ranking/leaderboard-service.js';
import { addDays, periodKey, toDateString } from '../ranking/period.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import {
  queryHash,
  type Subscription,
  type SubscriptionQuery,
  toLeaderboardQuery,
} from '../subscriptions/subscription.js';
import { alertEvents } from './alert-events.js';
import { type CollectDeps, isPermanent } from './collect.js';
import { alertJobId } from './job-id.js';
import { type AlertCheckData, alertCheckDataSchema, deliverJobOptions } from './queues.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

/** What an alert check needs: the tick's collaborators, without its probe timing. */
export type AlertDeps = Omit<CollectDeps, 'timing'>;

export interface AlertCheckOutcome {
  date: string;
  /** Distinct daily queries watched. */
  queries: number;
  /** Queries whose day was not published yet (checked again next run). */
  unpublished: number;
  /** Alert messages queued (one per subscription with events). */
  queued: number;
}

/** The daily query an alert subscription watches, whatever its digest cadence. */
export function dailyQuery(query: SubscriptionQuery): SubscriptionQuery {
  return { ...query, type: 'day' };
}

const day = (date: string): Period => ({ type: 'day', date });

function probe(leaderboards: LeaderboardService, query: SubscriptionQuery, date: string): Promise<boolean> {
  const base = { region: query.region, type: 'day' as const, by: query.by, limit: 10 };
  return leaderboards.isPublished(toLeaderboardQuery(base, date), day(date));
}

/** The day's board and the day before's, from snapshots when stored, else fetched (and stored). */
export async function dailyPair(
  deps: Pick<AlertDeps, 'leaderboards' | 'snapshots'>,
  query: SubscriptionQuery,
  date: string,
): Promise<{ current: Leaderboard; previous: Leaderboard }> {
  const hash = queryHash(query);
  const load = async (d: string) => {
    const stored = await deps.snapshots.get(hash, periodKey(day(d)));
    if (stored) return stored;
    const board = await deps.leaderboards.get(toLeaderboardQuery(query, d));
    await deps.snapshots.put(hash, board);
    return board;
  };
  const current = await load(date);
  return { current, previous: await load(addDays(date, -1)) };
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
    const checkedKey = `${prefix}:alerts-checked:${hash}:${date}`;
    if (await redis.exists(checkedKey)) continue;
    if (!(await probe(deps.leaderboards, query, date))) {
      outcome.unpublished += 1;
      continue;
    }
    const { current, previous } = await dailyPair(deps, query, date);
    const jobs = group
      .filter(
        (sub) =>
          previous.rows.length > 0 &&
          alertEvents(previous, current, { limit: sub.query.limit, climb: sub.alertClimb }).length > 0,
      )
      .map((sub) => ({
        name: 'alert',
        data: { kind: 'alert' as const, subscriptionId: sub.id, date },
        opts: { ...deliverJobOptions, jobId: alertJobId(sub.id, date) },
      }));
    if (jobs.length > 0) await deps.deliver.addBulk(jobs);
    outcome.queued += jobs.length;
    await redis.set(checkedKey, String(jobs.length), 'EX', MARKER_TTL_SECONDS);
  }
  log.info(outcome, 'alert check done');
  return outcome;
}

/** The BullMQ processor of the alerts queue. */
export function createAlertCheckProcessor(deps: AlertDeps) {
  return async (job: Job<AlertCheckData>): Promise<AlertCheckOutcome> => {
    const data = alertCheckDataSchema.parse(job.data);
    try {
      return await runAlertCheck({ ...deps, log: deps.log.child({ jobId: job.id }) }, data);
    } catch (error) {
      if (isPermanent(error)) throw new UnrecoverableError(String((error as { code: string }).code));
      throw error;
    }
  };
}
