/**
 * Workers as separate processes on one Redis, as the bot scales out: a worker killed in the middle
 * of a tick's deliveries and another started after it, or two workers at once, and every channel
 * still gets exactly one digest.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQueues } from '../../../src/jobs/queues.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { createRedisSubscriptionStore } from '../../../src/subscriptions/redis-subscription-store.js';
import { createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { type ChildWorker, startChildWorker } from '../../helpers/child-worker.js';
import { obliterateQueues, queuesIdle, waitUntil } from '../../helpers/jobs.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';

const slot = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');

describe('worker processes', () => {
  let sample: SampleKeyApiServer;
  let r: TestRedis;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    r = await useTestRedis();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    await obliterateQueues(r.redis, r.prefix);
    await r.cleanup();
  });

  const env = (extra: Record<string, string> = {}) => ({
    REDIS_URL: r.url,
    TEST_PREFIX: r.prefix,
    KEYAPI_URL: sample.url,
    WORKER_NOW: '2026-11-23T09:01:00Z',
    CORE_NOW: '2026-11-25T12:00:00Z',
    ...extra,
  });

  async function addTick(jobId: string) {
    const queues = createQueues(r.redis, r.prefix);
    await queues.tick.add('tick', { slotId: slot, firedAt }, { jobId });
    await queues.close();
  }

  it('delivers every digest once when a worker is killed mid-way and another takes over', async () => {
    const subs = await addMany(createRedisSubscriptionStore(r.redis, r.prefix), 40, FIVE_QUERIES);
    const adapter = createCapturingAdapter({ redis: r.redis, key: r.prefix });
    const first = await startChildWorker(env({ SEND_DELAY_MS: '150', DELIVER_CONCURRENCY: '4' }));
    children.push(first);
    await addTick('tick-killed');
    await waitUntil(
      'the first worker has posted some digests',
      async () => (await adapter.posts()).length >= 6,
    );
    await first.kill();
    const postedBeforeKill = (await adapter.posts()).length;
    expect(postedBeforeKill).toBeLessThan(40);

    children.push(await startChildWorker(env()));
    await waitUntil('every channel has its digest', async () => (await adapter.posts()).length >= 40, 20_000);
    await waitUntil('the queues are idle', () => queuesIdle(r.redis, r.prefix), 20_000);

    const posts = await adapter.posts();
    expect(posts).toHaveLength(40);
    expect(new Set(posts.map((p) => p.channel))).toEqual(new Set(subs.map((s) => s.channel)));
    // Both processes posted: the second one finished what the first could not.
    expect(new Set(posts.map((p) => p.pid)).size).toBe(2);
  });

  it('posts no duplicates with two worker processes running the same tick', async () => {
    const subs = await addMany(createRedisSubscriptionStore(r.redis, r.prefix), 60, FIVE_QUERIES);
    const adapter = createCapturingAdapter({ redis: r.redis, key: r.prefix });
    children.push(await startChildWorker(env({ SEND_DELAY_MS: '20' })));
    children.push(await startChildWorker(env({ SEND_DELAY_MS: '20' })));
    await addTick('tick-a');
    await addTick('tick-b');
    await waitUntil('every channel has its digest', async () => (await adapter.posts()).length >= 60, 20_000);
    await waitUntil('the queues are idle', () => queuesIdle(r.redis, r.prefix), 20_000);

    const calls = await adapter.calls();
    expect(calls).toHaveLength(60);
    expect(new Set(calls.map((c) => c.channel)).size).toBe(subs.length);
  });
});
