/**
 * A digest's view, rendered from the query's stored snapshot when its delivery runs: built once per
 * query, period and lateness for every channel that watches none of its creators, with its chart drawn
 * once per query and period. Imports no adapter: the view is the adapters' to render.
 */
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { digestView } from '../chat/digest-view.js';
import { type ChartRenderer, chartAttachment } from '../chat/leaderboard-files.js';
import type { Attachment, View } from '../chat/view.js';
import type { RankHistorySource } from '../ranking/rank-history.js';
import type { Leaderboard } from '../ranking/types.js';
import { digestHasChart, queryHash, type Subscription } from '../subscriptions/subscription.js';
import { type Watchlist, watchedMatcher } from '../subscriptions/watchlist.js';
import type { DeliverData } from './queues.js';
import type { SnapshotStore } from './snapshots.js';

export interface DigestRenderDeps {
  snapshots: SnapshotStore;
  /** Digest charts are drawn from history only: the tick fetched what was missing. */
  rankHistory: RankHistorySource;
  renderChart?: ChartRenderer | undefined;
  /** Label posts as sample data (the demo). */
  sample?: boolean | undefined;
}

export type DigestData = Extract<DeliverData, { kind: 'digest' }>;

type ChartCache = Map<string, Promise<Attachment | undefined>>;

/** A few recent entries are enough: one slot's deliveries of a query arrive together. */
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  if (cache.size > 32) cache.delete(cache.keys().next().value as string);
  return value;
}

/**
 * The digest's chart, drawn once per query and period in this process and shared by its deliveries.
 * Failing to draw it never holds the digest back: it is logged and the digest goes without it.
 */
function digestChart(
  deps: DigestRenderDeps,
  charts: ChartCache,
  board: Leaderboard,
  key: string,
  log: Logger,
) {
  let chart = charts.get(key);
  if (!chart) {
    chart = deps.rankHistory
      .load(board.query, board.period, { fetchMissing: false })
      .then((history) =>
        chartAttachment(board, history, { sample: deps.sample, log, render: deps.renderChart }),
      )
      .catch((error: unknown) => {
        log.error({ err: error }, 'chart history unavailable: digest sent without its chart');
        return undefined;
      });
    remember(charts, key, chart);
  }
  return chart;
}

interface RenderCaches {
  charts: ChartCache;
  /**
   * Digests of channels that watch none of their creators, per query, period and lateness: every such
   * channel gets the same view object, which the adapters then render once (views are never changed).
   */
  views: Map<string, View>;
}

async function render(
  deps: DigestRenderDeps,
  caches: RenderCaches,
  sub: Subscription,
  watchlist: Watchlist | undefined,
  data: DigestData,
  log: Logger,
): Promise<View> {
  const hash = queryHash(sub.query);
  const board = await deps.snapshots.get(hash, data.shownKey);
  // Snapshots outlive every retry; a missing one cannot come back.
  if (!board) throw new UnrecoverableError(`snapshot ${data.shownKey} is missing`);
  const isWatched = watchedMatcher(watchlist);
  const options = { sample: deps.sample, late: data.late, isWatched };
  const shared = `${hash}|${data.shownKey}|${data.late ?? ''}`;
  const view = isWatched
    ? digestView(board, sub.query.type, options)
    : (caches.views.get(shared) ??
      remember(caches.views, shared, digestView(board, sub.query.type, options)));
  if (!digestHasChart(sub)) return view;
  const chart = await digestChart(deps, caches.charts, board, `${hash}|${data.shownKey}`, log);
  return chart ? { ...view, attachments: [chart] } : view;
}

/** Renders digests for one process, with its caches. */
export function createDigestRenderer(deps: DigestRenderDeps) {
  const caches: RenderCaches = { charts: new Map(), views: new Map() };
  return (sub: Subscription, watchlist: Watchlist | undefined, data: DigestData, log: Logger) =>
    render(deps, caches, sub, watchlist, data, log);
}
