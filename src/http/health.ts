/**
 * GET /healthz and GET /metrics. Health is 200 with a JSON body when Redis answers and every configured
 * adapter is connected, and 503 naming what is down, so an orchestrator restarts only what is really
 * broken; `platforms` adds how each adapter meets its platform (Discord's shards, Slack's workspaces).
 */

import type { ChatAdapter } from '../chat/chat-adapter.js';
import type { Metrics } from '../metrics.js';
import type { RedisClient } from '../redis-connection.js';
import type { RouteHandler } from './server.js';

export interface HealthDeps {
  redis: RedisClient;
  adapters: readonly ChatAdapter[];
  role: string;
}

export function healthRoute(deps: HealthDeps): RouteHandler {
  return async (_req, res) => {
    const redis = await Promise.race([
      deps.redis.ping().then(
        () => 'up',
        () => 'down',
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('down'), 2000).unref()),
    ]);
    const adapters = Object.fromEntries(
      deps.adapters.map((a) => [a.platform, a.isReady() ? 'connected' : 'down']),
    );
    const down = [
      ...(redis === 'down' ? ['redis'] : []),
      ...Object.keys(adapters).filter((p) => adapters[p] === 'down'),
    ];
    const platforms = Object.fromEntries(
      await Promise.all(
        deps.adapters.flatMap((a) =>
          a.health ? [Promise.resolve(a.health()).then((h) => [a.platform, h])] : [],
        ),
      ),
    );
    const body = {
      status: down.length === 0 ? 'ok' : 'down',
      role: deps.role,
      redis,
      adapters,
      ...(Object.keys(platforms).length > 0 && { platforms }),
      ...(down.length > 0 && { down }),
    };
    res.writeHead(down.length === 0 ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

export function metricsRoute(metrics: Metrics): RouteHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  };
}
