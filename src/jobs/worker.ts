/**
 * Starts the BullMQ workers (tick, deliver, alerts) of one process, reconciles the slot schedulers
 * with the store, queues catch-up ticks and the daily alert check. Any number of processes may run
 * this against one Redis. Signals belong to the caller: `close` lets in-flight jobs finish in time.
 */
import { type Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Platform } from '../chat/channel-ref.js';
import type { ChatAdapter } from '../chat/chat-adapter.js';
import type { ChartRenderer } from '../chat/leaderboard-files.js';
import { ALERT_SCHEDULER_ID } from '../keys.js';
import type { LeaderboardService } from '../ranking/leaderboard-service.js';
import type { RankHistorySource } from '../ranking/rank-history.js';
import type { RedisClient } from '../redis-connection.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { WatchlistStore } from '../subscriptions/watchlist-store.js';
import { createAlertCheckProcessor } from './alerts.js';
import { createCollectProcessor, type TickTiming } from './collect.js';
import { createDeliverProcessor } from './deliver.js';
import { createPacer, DOCUMENTED_LIMITS, type PacingLimits } from './pacer.js';
import { createQueues, type Queues, queueNames, type TickData, tickSettings } from './queues.js';
import type { ReconcileReport, Schedules } from './schedulers.js';
import { createSnapshotStore, withSnapshotCache } from './snapshots.js';

/** What the workers need from the core (`ScheduledCore` of ./scheduling.ts has it all). */
export interface JobsCore {
  /** Markers, snapshots and pacing. */
  redis: RedisClient;
  /** BullMQ's connection (maxRetriesPerRequest: null). */
  queueRedis: RedisClient;
  prefix: string;
  leaderboards: LeaderboardService;
  /** History for digest charts. */
  rankHistory: RankHistorySource;
  subscriptions: { store: SubscriptionStore; watchlists: WatchlistStore };
  /** ALERTS_PER_CHANNEL_DAY (default 6). */
  alertsPerChannelDay?: number;
  /** The process's one tick queue and slot schedulers. */
  tickQueue: Queue<TickData>;
  schedules: Schedules;
}

export interface WorkerOptions {
  /**
   * Deliveries posted at once per process, and delivery jobs run at once (each carries up to 50 digests);
   * pacing, not this, keeps within platform limits.
   */
  deliverConcurrency?: number;
  timing?: Partial<TickTiming>;
  limits?: PacingLimits;
  /** BullMQ lock: a job whose process died is retried after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Cron (UTC) of the alert check; null for none. Default: hourly at :15. */
  alertCheckPattern?: string | null;
  /** Reconcile schedulers and queue catch-ups at start (default true). */
  reconcile?: boolean;
  sample?: boolean;
  now?: () => Date;
  /** Draws a digest's chart (default: src/charts; tests give one that fails). */
  renderChart?: ChartRenderer;
  /** Which workers to run (default all); the CLI runs deliveries only. */
  only?: readonly ('tick' | 'deliver' | 'alerts')[];
  /** Sees finished jobs and how long each posted delivery waited (metrics). */
  observe?: {
    job(queue: string, outcome: 'completed' | 'failed'): void;
    deliveryLatency(platform: string, seconds: number): void;
  };
}

export interface WorkerDeps {
  core: JobsCore;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  log: Logger;
  options?: WorkerOptions;
}

export interface RunningWorkers {
  queues: Queues;
  schedules: Schedules;
  reconciled: ReconcileReport | undefined;
  /** Stops taking jobs, waits up to `timeoutMs` for running ones, then forces the rest. */
  close(timeoutMs?: number): Promise<void>;
}

/** The jobs' collaborators on one core, shared by the workers and the CLI commands. */
export function createJobParts(core: JobsCore, options: WorkerOptions = {}) {
  const queues = createQueues(core.queueRedis, core.prefix, core.tickQueue);
  const snapshots = createSnapshotStore(core.redis, core.prefix);
  const { schedules } = core;
  const base = {
    store: core.subscriptions.store,
    leaderboards: core.leaderboards,
    rankHistory: core.rankHistory,
    snapshots,
    deliver: queues.deliver,
    redis: core.redis,
    prefix: core.prefix,
    now: options.now,
    sample: options.sample,
    watchlists: core.subscriptions.watchlists,
  };
  return { queues, snapshots, schedules, base };
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { core, log } = deps;
  const options = deps.options ?? {};
  const { queues, snapshots, schedules, base } = createJobParts(core, options);
  const common = {
    connection: core.queueRedis,
    prefix: core.prefix,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
  };
  const only = new Set(options.only ?? ['tick', 'deliver', 'alerts']);
  const { observe } = options;
  const workers: Worker[] = [];
  if (only.has('tick')) {
    workers.push(
      new Worker(
        queueNames.tick,
        createCollectProcessor({ ...base, log: log.child({ component: 'tick' }), timing: options.timing }),
        { ...common, concurrency: 2, settings: tickSettings },
      ),
    );
  }
  if (only.has('deliver')) {
    const pacer = createPacer(core.redis, core.prefix);
    const limits = options.limits ?? DOCUMENTED_LIMITS;
    for (const adapter of deps.adapters.values()) {
      adapter.onRateLimit?.((feedback) => {
        pacer
          .feedback(feedback, limits)
          .catch((error: unknown) => log.warn({ err: error }, 'rate-limit feedback not recorded'));
      });
    }
    workers.push(
      new Worker(
        queueNames.deliver,
        createDeliverProcessor({
          store: core.subscriptions.store,
          snapshots: withSnapshotCache(snapshots),
          rankHistory: core.rankHistory,
          renderChart: options.renderChart,
          adapters: deps.adapters,
          redis: core.redis,
          prefix: core.prefix,
          log: log.child({ component: 'deliver' }),
          pacer,
          limits,
          sample: options.sample,
          now: options.now,
          alertsPerChannelDay: core.alertsPerChannelDay,
          watchlists: core.subscriptions.watchlists,
          inFlight: options.deliverConcurrency,
          // From fan-out to post: what a channel waits beyond the slot's own time.
          onPosted: (platform, queuedAt) =>
            observe?.deliveryLatency(platform, (Date.now() - queuedAt) / 1000),
        }),
        { ...common, concurrency: options.deliverConcurrency ?? 50 },
      ),
    );
  }
  if (only.has('alerts')) {
    workers.push(
      new Worker(
        queueNames.alerts,
        createAlertCheckProcessor({ ...base, log: log.child({ component: 'alerts' }) }),
        { ...common, concurrency: 1 },
      ),
    );
  }
  for (const worker of workers) {
    worker.on('failed', (job, error) => {
      observe?.job(worker.name, 'failed');
      log.warn(
        { queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message },
        'job failed',
      );
    });
    worker.on('completed', () => observe?.job(worker.name, 'completed'));
    worker.on('error', (error) => log.error({ queue: worker.name, err: error.message }, 'worker error'));
  }

  let reconciled: ReconcileReport | undefined;
  try {
    if (options.reconcile !== false && only.has('tick'))
      reconciled = await schedules.reconcile((options.now ?? (() => new Date()))());
    const pattern = options.alertCheckPattern === undefined ? '15 * * * *' : options.alertCheckPattern;
    if (only.has('alerts') && pattern === null) await queues.alerts.removeJobScheduler(ALERT_SCHEDULER_ID);
    else if (only.has('alerts') && pattern !== null) {
      await queues.alerts.upsertJobScheduler(
        ALERT_SCHEDULER_ID,
        { pattern, tz: 'UTC' },
        { name: 'alert-check', data: {}, opts: { removeOnComplete: { age: 7 * 24 * 3600 } } },
      );
    }
  } catch (error) {
    await Promise.all(workers.map((w) => w.close(true)));
    await queues.close();
    throw error;
  }
  log.info({ reconciled }, 'workers started');

  return {
    queues,
    schedules,
    reconciled,
    async close(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const inTime = await Promise.race([graceful, late]);
      clearTimeout(timer);
      if (!inTime) {
        log.warn({ timeoutMs }, 'jobs still running at shutdown: closing anyway (they will be retried)');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await queues.close();
    },
  };
}

export interface JobsSettled {
  completed: number;
  failed: number;
  /** Still waiting or running when the wait ended. */
  pending: number;
  /** Delayed on purpose until later (alerts in quiet hours or over the daily cap): not waited for. */
  held?: number;
}

/**
 * Waits until every named job has finished (or the time is up); jobs already removed count as done, and
 * a delayed job `isHeld` says is held on purpose counts as held.
 */
export async function waitForJobs(
  queue: { getJob(id: string): Promise<{ getState(): Promise<string> } | undefined> },
  ids: string[],
  timeoutMs: number,
  isHeld?: (id: string) => Promise<boolean>,
): Promise<JobsSettled> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      ids.map(async (id) => {
        const state = (await (await queue.getJob(id))?.getState()) ?? 'completed';
        return state === 'delayed' && isHeld && (await isHeld(id)) ? 'held' : state;
      }),
    );
    const settled: JobsSettled = {
      completed: states.filter((s) => s === 'completed').length,
      failed: states.filter((s) => s === 'failed').length,
      pending: 0,
    };
    const held = states.filter((s) => s === 'held').length;
    if (held > 0) settled.held = held;
    settled.pending = ids.length - settled.completed - settled.failed - held;
    if (settled.pending === 0 || Date.now() > deadline) return settled;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
