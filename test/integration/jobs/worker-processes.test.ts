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
    // The first worker posts, then holds every send before it returns: each of its 4 delivery slots
    // ends up with a message out and no record of it, which is what a crash mid-send leaves.
    const hold = `${r.prefix}:hold-first-worker`;
    await r.redis.set(hold, '1');
    const first = await startChildWorker(env({ HOLD_KEY: hold, DELIVER_CONCURRENCY: '4' }));
    children.push(first);
    await addTick('tick-killed');
    await waitUntil('the first worker holds 4 posted sends', async () => (await adapter.calls()).length >= 4);
    await first.kill();
    const inFlight = await adapter.calls();
    expect(inFlight).toHaveLength(4);

    children.push(await startChildWorker(env()));
    await waitUntil(
      'every channel has its digest',
      async () => new Set((await adapter.calls()).map((c) => c.channel)).size >= 40,
      20_000,
    );
    await waitUntil('the queues are idle', () => queuesIdle(r.redis, r.prefix), 20_000);

    // Raw sends, not the platform-deduplicated posts: only the jobs in flight at the kill are sent again,
    // and those retries say an earlier attempt may have posted (so Slack checks its history).
    const calls = await adapter.calls();
    expect(calls.length).toBeLessThanOrEqual(subs.length + inFlight.length);
    const retried = calls
      .slice(inFlight.length)
      .filter((c) => inFlight.some((f) => f.deliveryId === c.deliveryId));
    expect(retried).toHaveLength(inFlight.length);
    expect(retried.every((c) => c.mayHavePosted)).toBe(true);
    expect(inFlight.every((c) => !c.mayHavePosted)).toBe(true);
    // The killed worker's jobs carried more digests than were in flight: those were not claimed yet,
    // so they go out as first tries.
    const neverSent = calls.filter((c) => !inFlight.some((f) => f.deliveryId === c.deliveryId));
    expect(neverSent).toHaveLength(subs.length - inFlight.length);
    expect(neverSent.every((c) => !c.mayHavePosted)).toBe(true);
    // Every channel got exactly one message that appeared.
    const effective = calls.filter((c) => !c.duplicate);
    expect(effective.map((c) => c.channel).sort()).toEqual(subs.map((s) => s.channel).sort());
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
