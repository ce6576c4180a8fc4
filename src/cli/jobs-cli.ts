/**
 * What `digest run` and `alerts run` share: flag parsing, and delivering what a run queued with a
 * short-lived delivery worker (the bot's own workers, if running, share the same jobs safely).
 */
import type { Logger } from 'pino';
import type { Platform } from '../chat/channel-ref.js';
import type { ChatAdapter } from '../chat/chat-adapter.js';
import { ToprankError } from '../errors.js';
import {
  type JobsCore,
  type JobsSettled,
  startWorkers,
  type WorkerOptions,
  waitForJobs,
} from '../jobs/worker.js';

export interface JobsCliDeps {
  /** `createCore(…)` provides all of it. */
  core: JobsCore;
  /** The platforms this process can post to, e.g. new Map([['discord', discordAdapter]]). */
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  log: Logger;
  options?: WorkerOptions;
  /** How long to wait for the deliveries before reporting what is still pending. */
  timeoutMs?: number;
}

/** `--name value` flags after a subcommand; unknown flags are refused by name. */
export function parseFlags(
  args: string[],
  allowed: readonly string[],
  command: string,
): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = (args[i] ?? '').replace(/^--/, '');
    const value = args[i + 1];
    if (!allowed.includes(name) || value === undefined || !args[i]?.startsWith('--')) {
      throw new ToprankError('unknown_flag', {
        option: args[i] ?? '',
        command,
        allowed: allowed.map((a) => `--${a}`).join(', '),
      });
    }
    flags[name] = value;
  }
  return flags;
}

/** Posts the queued deliveries named by `jobIds` through a deliver-only worker, then stops it. */
export async function deliverQueued(
  deps: JobsCliDeps,
  jobIds: string[],
  isHeld?: (id: string) => Promise<boolean>,
): Promise<JobsSettled> {
  if (jobIds.length === 0) return { completed: 0, failed: 0, pending: 0 };
  const workers = await startWorkers({
    core: deps.core,
    adapters: deps.adapters,
    log: deps.log,
    options: { ...deps.options, only: ['deliver'], reconcile: false },
  });
  try {
    return await waitForJobs(workers.queues.deliver, jobIds, deps.timeoutMs ?? 5 * 60_000, isHeld);
  } finally {
    await workers.close();
  }
}

export function settledWords(settled: JobsSettled): string {
  const held = settled.held
    ? `, ${settled.held} held (quiet hours or the daily cap; posted when they end)`
    : '';
  return `${settled.completed} delivered or already there, ${settled.failed} failed, ${settled.pending} still pending${held}`;
}
