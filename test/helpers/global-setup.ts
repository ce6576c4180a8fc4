/**
 * Starts one real redis-server for the whole run (unless REDIS_URL is given) and hands its URL to
 * every test file. A missing redis-server fails the run loudly, with the command that installs it.
 */
import type { TestProject } from 'vitest/node';
import { type LocalRedis, startLocalRedis } from '../../src/local-redis.js';

let redis: LocalRedis | undefined;

export async function setup(project: TestProject) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  redis = await startLocalRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown() {
  await redis?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
