/**
 * The watch check: for every watched leaderboard (region, type, by, depth), once its latest period is
 * published, one fetch of its pages shared by every channel watching it (through the page cache and
 * single-flight; the period before comes from the cache the fetch filled), then each channel's watch
 * events, as one alert item per channel and period, named so a rerun posts nothing.
 */

import { alertRows } from '../chat/alert-view.js';
import { channelHashOf, watchAlertId, watchCheckedKey } from '../keys.js';
import { addDays, latestCompletePeriod, periodKey, toDateString } from '../ranking/period.js';
import type { Leaderboard, Period } from '../ranking/types.js';
import { leaderboardQueryOf } from '../subscriptions/subscription.js';
import { scanSteps } from '../subscriptions/subscription-store.js';
import { boardHash, boardQuery, type WatchBoard, type Watchlist } from '../subscriptions/watchlist.js';
import type { WatchlistStore } from '../subscriptions/watchlist-store.js';
import { alertFooter, alertTitle } from './alert-events.js';
import { queueAlertItem } from './alert-flush.js';
import { withoutBounces } from './alert-policy.js';
import type { AlertDeps } from './alerts.js';
import { TICK_BATCH } from './tick-pass.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';
import { isBudgetSpent, isTransient, probe } from './upstream.js';
import { watchEvents } from './watch-events.js';

export type WatchCheckDeps = AlertDeps & { watchlists: WatchlistStore };

export interface WatchCheckOutcome {
  /** Distinct watched leaderboards. */
  boards: number;
  /** Leaderboards whose period was not published yet (or KeyAPI failed): checked again next run. */
  unpublished: number;
  /** Watch alert messages queued (one per channel and period with events). */
  queued: number;
}

/**
 * Checks every watched leaderboard's latest finished period as of `date` (default: today), once it is
 * published. Only the latest: a new watch reports that period's moves, never older ones, and a period
 * published so late that the next one is over is compared by the next one. Safe to run any number of times.
 * The watchlists are read a scan step at a time (TICK_BATCH), each leaderboard is read once, when its
 * first watcher comes, and `jobIds`, when given, collects the deliveries queued (for the operator's command).
 */
export async function runWatchCheck(
  deps: WatchCheckDeps,
  options: { date?: string | undefined; jobIds?: string[] } = {},
): Promise<WatchCheckOutcome> {
  const today = toDateString((deps.now ?? (() => new Date()))());
  // "As of D": the periods over by the end of D.
  const asOf = options.date ? addDays(options.date, 1) : today;
  const outcome: WatchCheckOutcome = { boards: 0, unpublished: 0, queued: 0 };
  const read = new Map<string, Promise<BoardPeriod | undefined>>();
  for await (const step of scanSteps((cursor) => deps.watchlists.scan(cursor, TICK_BATCH))) {
    for (const list of step.lists) {
      const boards = new Map(list.creators.map((c) => [boardHash(c.board), c.board]));
      for (const [hash, board] of boards) {
        if (!read.has(hash))
          read.set(hash, readBoard(deps, hash, board, latestCompletePeriod(board.type, asOf)));
        const found = await read.get(hash);
        if (found) await alertList(deps, list, hash, found, outcome, options.jobIds);
      }
    }
  }
  outcome.boards = read.size;
  for (const found of read.values()) if (!(await found)) outcome.unpublished += 1;
  deps.log.info(outcome, 'watch check done');
  return outcome;
}

/** A watched leaderboard's period, read for its watchers: the board, and the rows of the period before. */
interface BoardPeriod {
  board: WatchBoard;
  period: Period;
  current: Leaderboard;
  previous: Parameters<typeof watchEvents>[1];
}

/** One leaderboard's period, once per run for every channel watching it; undefined when not published (yet). */
async function readBoard(
  deps: WatchCheckDeps,
  hash: string,
  board: WatchBoard,
  period: Period,
): Promise<BoardPeriod | undefined> {
  const { redis, prefix, log } = deps;
  const query = boardQuery(board);
  const checkedKey = watchCheckedKey(prefix, hash, periodKey(period));
  let current: Leaderboard;
  try {
    // Once published, a period stays so: no probe, and its cached pages make the rerun free.
    if (!(await redis.exists(checkedKey)) && !(await probe(deps.leaderboards, query, period)))
      return undefined;
    current = await deps.leaderboards.get(leaderboardQueryOf(query, period.date));
  } catch (error) {
    if (!isBudgetSpent(error) && !isTransient(error)) throw error;
    log.warn({ board, period, err: (error as { code?: string }).code }, 'watch check waits for KeyAPI');
    return undefined;
  }
  await redis.set(checkedKey, '1', 'EX', MARKER_TTL_SECONDS);
  // The period before was read for movement just now: from the cache, it costs nothing.
  const history = await deps.rankHistory.load(current.query, current.previous, {
    fetchMissing: false,
    count: 1,
    depth: board.depth,
  });
  const previous = current.compared > 0 ? history.periods[0]?.rows : undefined;
  return { board, period, current, previous };
}

/** The watch events of one channel's creators on one leaderboard, queued as one alert item. */
async function alertList(
  deps: WatchCheckDeps,
  list: Watchlist,
  hash: string,
  { board, period, current, previous }: BoardPeriod,
  outcome: WatchCheckOutcome,
  jobIds: string[] | undefined,
): Promise<void> {
  const { redis, prefix } = deps;
  let found: ReturnType<typeof watchEvents>['events'] = [];
  await deps.watchlists.update(list.team, list.channel, (latest) => {
    if (!latest) return undefined;
    const mine = latest.creators.filter((c) => boardHash(c.board) === hash);
    const findings = watchEvents(current, previous, mine, latest.alertClimb);
    found = findings.events;
    const next = new Map(mine.map((c, i) => [c, findings.creators[i] ?? c]));
    return { ...latest, creators: latest.creators.map((c) => next.get(c) ?? c) };
  });
  const stream = { team: list.team, channel: list.channel };
  const events = await withoutBounces(redis, prefix, { ...stream, stream: `watch-${hash}` }, period, found);
  if (events.length === 0) return;
  const id = watchAlertId(channelHashOf(list.team, list.channel), hash, periodKey(period));
  const item = {
    id,
    title: alertTitle('Watch alert', current, board.depth),
    rows: alertRows(events, board.by, board.depth),
    footer: alertFooter(current, deps.sample),
    ...(deps.sample ? { sample: true } : {}),
    quiet: list.quiet,
  };
  if (await queueAlertItem(deps, stream, item, id)) outcome.queued += 1;
  jobIds?.push(id);
}
