/**
 * A channel that is gone (Discord 404, Slack channel_not_found) pauses its subscriptions with the
 * reason, visible in /toprank-subscriptions, and its delivery ends at once instead of retrying.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runTextCommand } from '../../../commands/index.js';
import { digestJobId } from '../../../src/jobs/job-id.js';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import {
  type CapturingAdapter,
  createCapturingAdapter,
  viewText,
} from '../../fakes/capturing-chat-adapter.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { FIVE_QUERIES, makeSubscription } from '../../helpers/subscriptions.js';
import { createTestCore, TEST_NOW, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('delivery to a gone channel', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let adapter: CapturingAdapter;
  let workers: RunningWorkers | undefined;
  const log = createTestLog({ level: 'silent' }).log;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
    adapter = createCapturingAdapter({
      redis: t.redis.redis,
      key: t.redis.prefix,
      gone: new Set(['discord:404']),
    });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  it('pauses every subscription of the channel with the reason and does not retry', async () => {
    const gone = makeSubscription({ channel: 'discord:404', query: FIVE_QUERIES[0] });
    const goneToo = makeSubscription({ channel: 'discord:404', query: FIVE_QUERIES[1], time: '10:00' });
    const fine = makeSubscription({ channel: 'discord:200', query: FIVE_QUERIES[0] });
    for (const sub of [gone, goneToo, fine]) await t.core.subscriptions.store.add(sub, 25);
    workers = await startTestWorkers(t.core, new Map([['discord', adapter]]), log, {
      now: () => new Date('2026-11-23T09:01:00Z'),
    });
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the healthy channel has its digest', async () => (await adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));

    const failed = await workers.queues.deliver.getJob(digestJobId(gone.id, 'week-2026-11-16'));
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1);
    for (const id of [gone.id, goneToo.id]) {
      expect((await t.core.subscriptions.store.get(id))?.state).toMatchObject({
        status: 'paused',
        reason: 'gone',
      });
    }
    expect((await t.core.subscriptions.store.get(fine.id))?.state).toEqual({ status: 'active' });

    const list = await runTextCommand('toprank-subscriptions', '', {
      channel: 'discord:404',
      user: { id: 'u1' },
      services: t.core,
      log,
      now: () => TEST_NOW,
    });
    expect(viewText(list)).toContain('paused since 2026-11-23: the channel no longer exists');
  });
});
