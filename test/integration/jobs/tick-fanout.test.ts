/**
 * A weekly tick with real Redis and real BullMQ workers against the sample KeyAPI over HTTP: each
 * distinct query is fetched once however many channels follow it, and a tick run twice posts
 * every digest once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tickJobId } from '../../../src/jobs/job-id.js';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { slotId } from '../../../src/subscriptions/slot.js';
import { type CapturingAdapter, createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const slot = slotId({ cadence: 'week', time: '09:00', timezone: 'UTC' });
const firedAt = Date.parse('2026-11-23T09:00:00Z');
const workerNow = () => new Date('2026-11-23T09:01:00Z');

describe('weekly tick fan-out', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let adapter: CapturingAdapter;
  let workers: RunningWorkers | undefined;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
    adapter = createCapturingAdapter({ redis: t.redis.redis, key: t.redis.prefix });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  it('fetches each of 5 distinct queries once for 200 subscriptions and posts 200 digests', async () => {
    const subs = await addMany(t.core.subscriptions.store, 200, FIVE_QUERIES);
    workers = await startTestWorkers(
      t.core,
      new Map([['discord', adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: workerNow,
      },
    );
    const before = t.core.keyapi.requestCount;
    await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: tickJobId(slot, firedAt) });
    await waitUntil('200 digests are posted', async () => (await adapter.posts()).length >= 200);

    // Limit 10 = one page of the week and one of the week before (for movement), per distinct query.
    expect(t.core.keyapi.requestCount - before).toBe(5 * 2);
    const posts = await adapter.posts();
    expect(new Set(posts.map((p) => p.channel))).toEqual(new Set(subs.map((s) => s.channel)));
    expect(posts[0]?.title).toContain('Weekly digest');
    expect(posts.every((p) => p.deliveryId.endsWith('-week-2026-11-16'))).toBe(true);
  });

  it('posts every digest exactly once when the same tick runs twice', async () => {
    const subs = await addMany(t.core.subscriptions.store, 30, FIVE_QUERIES.slice(0, 2));
    workers = await startTestWorkers(
      t.core,
      new Map([['discord', adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: workerNow,
      },
    );
    await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-first' });
    await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-second' });
    await waitUntil('30 digests are posted', async () => (await adapter.posts()).length >= 30);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    // A third run after everything was delivered (as a restart or an operator would) changes nothing.
    await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-third' });
    await waitUntil('the queues are idle again', () => queuesIdle(t.redis.redis, t.redis.prefix));

    const calls = await adapter.calls();
    expect(calls).toHaveLength(30);
    expect(new Set(calls.map((c) => c.channel)).size).toBe(subs.length);
  });
});
