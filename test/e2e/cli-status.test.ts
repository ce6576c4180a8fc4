/**
 * `toprank status` from a shell: /toprank-status for a channel the operator names, read from Redis
 * (its subscriptions and the credits spent today), costing nothing; a malformed channel gets its sentence.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisSubscriptionStore } from '../../src/subscriptions/redis-subscription-store.js';
import { type TestRedis, useTestRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';
import { makeSubscription } from '../helpers/subscriptions.js';

describe('toprank status', () => {
  let redis: TestRedis;
  beforeEach(async () => {
    redis = await useTestRedis();
  });
  afterEach(() => redis.cleanup());

  const env = () => ({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix });

  it("prints a channel's subscriptions with their price and the credits spent today", async () => {
    const store = createRedisSubscriptionStore(redis.redis, redis.prefix);
    const sub = makeSubscription({ channel: 'discord:123456789012345678' });
    await store.add(sub, 25);
    const day = new Date().toISOString().slice(0, 10);
    await redis.redis.set(`${redis.prefix}:credits:${day}`, '7');

    const result = await runCli(['status', '--channel', 'discord:123456789012345678'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('toprank status of this channel');
    expect(result.stdout).toContain(sub.id);
    expect(result.stdout).toContain('US weekly top 10 by followers');
    expect(result.stdout).toContain('nothing delivered yet');
    expect(result.stdout).toMatch(/The operator, today: 7 \(no limit\) · resets 00:00 UTC/);
  });

  it('names a malformed channel', async () => {
    const result = await runCli(['status', '--channel', 'nowhere'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid `--channel`: "nowhere" is not a channel such as');
  });
});
