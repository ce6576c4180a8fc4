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
import { boardHash, boardQuery, type WatchBoard, type Watchlist } from '../subscriptions/watchlist.js';
import type { WatchlistStore } from '../subscriptions/watchlist-store.js';
import { alertFooter, alertTitle } from './alert-events.js';
import { queueAlertItem } from './alert-flush.js';
import { withoutBounces } from './alert-policy.js';
import type { AlertDeps } from './alerts.js';
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
  jobIds: string[];
}

/**
 * Checks every watched leaderboard's latest finished period as of `date` (default: today), once it is
 * published. Only the latest: a new watch reports that period's moves, never older ones, and a period
 * published so late that the next one is over is compared by the next one. Safe to run any number of times.
 */
export async function runWatchCheck(
  deps: WatchCheckDeps,
  options: { date?: string | undefined } = {},
): Promise<WatchCheckOutcome> {
  const today = toDateString((deps.now ?? (() => new Date()))());
  // "As of D": the periods over by the end of D.
  const asOf = options.date ? addDays(options.date, 1) : today;
  const boards = new Map<string, { board: WatchBoard; lists: Watchlist[] }>();
  for (const list of await deps.watchlists.listAll()) {
    for (const creator of list.creators) {
      const hash = boardHash(creator.board);
      const entry = boards.get(hash) ?? { board: creator.board, lists: [] };
      if (!entry.lists.includes(list)) entry.lists.push(list);
      boards.set(hash, entry);
    }
  }
  const outcome: WatchCheckOutcome = { boards: boards.size, unpublished: 0, queued: 0, jobIds: [] };
  for (const [hash, { board, lists }] of boards) {
    const period = latestCompletePeriod(board.type, asOf);
    if (!(await checkBoard(deps, hash, board, lists, period, outcome))) outcome.unpublished += 1;
  }
  deps.log.info({ ...outcome, jobIds: outcome.jobIds.length }, 'watch check done');
  return outcome;
}

/** One leaderboard's period for every channel watching it; false when it is not published (yet). */
async function checkBoard(
  deps: WatchCheckDeps,
  hash: string,
  board: WatchBoard,
  lists: Watchlist[],
  period: Period,
  outcome: WatchCheckOutcome,
): Promise<boolean> {
  const { redis, prefix, log } = deps;
  const query = boardQuery(board);
  const checkedKey = watchCheckedKey(prefix, hash, periodKey(period));
  let current: Leaderboard;
  try {
    // Once published, a period stays so: no probe, and its cached pages make the rerun free.
    if (!(await redis.exists(checkedKey)) && !(await probe(deps.leaderboards, query, period))) return false;
    current = await deps.leaderboards.get(leaderboardQueryOf(query, period.date));
  } catch (error) {
    if (!isBudgetSpent(error) && !isTransient(error)) throw error;
    log.warn({ board, period, err: (error as { code?: string }).code }, 'watch check waits for KeyAPI');
    return false;
  }
  await redis.set(checkedKey, '1', 'EX', MARKER_TTL_SECONDS);
  // The period before was read for movement just now: from the cache, it costs nothing.
  const history = await deps.rankHistory.load(current.query, current.previous, {
    fetchMissing: false,
    count: 1,
    depth: board.depth,
  });
  const previous = current.compared > 0 ? history.periods[0]?.rows : undefined;
  for (const list of lists) {
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
    if (events.length === 0) continue;
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
    outcome.jobIds.push(id);
  }
  return true;
}
