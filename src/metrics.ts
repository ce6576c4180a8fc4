/**
 * Prometheus metrics (prom-client), one registry per process, served at GET /metrics. The core only
 * sees plain callbacks (onUpstream, onCacheLookup, …); this module turns them into counters.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { UpstreamOutcome } from './keyapi/client.js';
import type { RefusalReason } from './keyapi/credit-budget.js';
import type { CacheErrorOp } from './ranking/page-cache.js';

export interface Metrics {
  registry: Registry;
  /** A command or button answered: outcome ok, denied (the user can fix it) or failed. */
  command(platform: string, command: string, outcome: 'ok' | 'denied' | 'failed'): void;
  /** One upstream KeyAPI request (a paid credit), by HTTP status or failure kind. */
  upstream(outcome: UpstreamOutcome): void;
  cacheLookup(hit: boolean): void;
  /** A page cache failure other than a Redis outage (a Redis error, a bad cached page), by operation. */
  cacheError(op: CacheErrorOp): void;
  /** An upstream request refused before it was sent, by the limit that refused it. */
  creditRefused(reason: RefusalReason): void;
  /** A credit spent, by who asked: an interactive command or scheduled work. */
  creditSpent(kind: 'interactive' | 'scheduled'): void;
  /** A job finished: outcome completed, failed or retried. */
  job(queue: string, outcome: string): void;
  /** Seconds from a digest's scheduled time to its post. */
  deliveryLatency(platform: string, seconds: number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'toprank_process_' });
  const commands = new Counter({
    name: 'toprank_commands_total',
    help: 'Commands and button clicks answered, by platform, command and outcome',
    labelNames: ['platform', 'command', 'outcome'],
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'toprank_keyapi_requests_total',
    help: 'Upstream KeyAPI requests (each one is a paid credit), by HTTP status or failure',
    labelNames: ['status'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'toprank_cache_lookups_total',
    help: 'Leaderboard page cache lookups, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const cacheErrors = new Counter({
    name: 'toprank_cache_errors_total',
    help: 'Page cache failures other than a Redis outage, by operation (get, set, categories, invalid_page)',
    labelNames: ['op'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'toprank_keyapi_budget_refusals_total',
    help: 'Upstream requests refused because the daily credit budget was spent',
    registers: [registry],
  });
  const spent = new Counter({
    name: 'toprank_credits_spent_total',
    help: 'KeyAPI credits spent, by who asked: interactive (commands) or scheduled (digests, alerts, CLI)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const refusedBy = new Counter({
    name: 'toprank_credits_refused_total',
    help: 'Upstream requests refused before they were sent, by limit: user, channel, team, daily, reserve',
    labelNames: ['reason'],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'toprank_jobs_total',
    help: 'Jobs finished, by queue and outcome',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'toprank_delivery_latency_seconds',
    help: 'Seconds from a digest slot to its message being posted',
    labelNames: ['platform'],
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    registers: [registry],
  });
  return {
    registry,
    command: (platform, command, outcome) => commands.inc({ platform, command, outcome }),
    upstream: (outcome) => upstream.inc({ status: String(outcome) }),
    cacheLookup: (hit) => cache.inc({ result: hit ? 'hit' : 'miss' }),
    cacheError: (op) => cacheErrors.inc({ op }),
    creditRefused: (reason) => {
      refusedBy.inc({ reason });
      if (reason === 'daily') refused.inc();
    },
    creditSpent: (kind) => spent.inc({ kind }),
    job: (queue, outcome) => jobs.inc({ queue, outcome }),
    deliveryLatency: (platform, seconds) => latency.observe({ platform }, seconds),
  };
}
