/**
 * Real BullMQ workers for a test: fast lock and stall timings (a killed worker's job comes back in
 * about a second), no alert scheduler unless asked, and waiting helpers that poll, never sleep blind.
 */

import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Platform } from '../../src/chat/channel-ref.js';
import type { ChatAdapter } from '../../src/chat/chat-adapter.js';
import { createQueues, type DeliverData } from '../../src/jobs/queues.js';
import {
  type JobsCore,
  type RunningWorkers,
  startWorkers,
  type WorkerOptions,
} from '../../src/jobs/worker.js';
import type { RedisClient } from '../../src/redis-connection.js';

/** Timings for tests: a crashed job is retried within ~2 s; probes for data every few hundred ms. */
export const FAST_OPTIONS: WorkerOptions = {
  lockDurationMs: 1_500,
  stalledIntervalMs: 500,
  alertCheckPattern: null,
  timing: { minProbeDelayMs: 300, maxProbeDelayMs: 600 },
  // Pacing stays on, scaled up so tests do not wait on Slack's 1 message/s.
  limits: { discordPerSecond: 500, slackPerChannelPerSecond: 50 },
};

export function startTestWorkers(
  core: JobsCore,
  adapters: ReadonlyMap<Platform, ChatAdapter>,
  log: Logger,
  options: WorkerOptions = {},
): Promise<RunningWorkers> {
  return startWorkers({ core, adapters, log, options: { ...FAST_OPTIONS, ...options } });
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when no job of any queue is waiting, running or delayed. */
export async function queuesIdle(redis: RedisClient, prefix: string): Promise<boolean> {
  const queues = createQueues(redis, prefix);
  try {
    for (const queue of [queues.tick, queues.deliver, queues.alerts]) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      // The alert and slot schedulers keep one delayed job each for their next run.
      const schedulers = await queue.getJobSchedulersCount();
      if (Object.values(counts).reduce((a, b) => a + b, 0) > schedulers) return false;
    }
    return true;
  } finally {
    await queues.close();
  }
}

/** Removes every queue of the test, jobs and schedulers included. */
export async function obliterateQueues(redis: RedisClient, prefix: string): Promise<void> {
  const queues = createQueues(redis, prefix);
  try {
    for (const queue of [queues.tick, queues.deliver, queues.alerts]) await queue.obliterate({ force: true });
  } finally {
    await queues.close();
  }
}

/** How many digests these delivery jobs carry. */
export function digestsCarried(jobs: readonly { data: DeliverData }[]): number {
  return jobs.reduce((n, { data }) => n + (data.kind === 'digest' ? data.subscriptionIds.length : 0), 0);
}

/** The delivery job that carries the subscription's digest, in whatever state it is. */
export async function digestJobOf(
  deliver: Queue<DeliverData>,
  subscriptionId: string,
): Promise<Job<DeliverData> | undefined> {
  const jobs = await deliver.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed']);
  return jobs.find(({ data }) => data.kind === 'digest' && data.subscriptionIds.includes(subscriptionId));
}
