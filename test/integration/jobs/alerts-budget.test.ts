/**
 * An alert check that meets a spent daily credit budget drops nothing: the day stays unchecked, the
 * first check after the 00:00 UTC reset posts its alerts, once, saying they are late and why.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import { createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { serveCraftedRankings } from '../../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { makeSubscription } from '../../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const before = ['a', 'b', 'c', 'd', 'e'];
const after = ['e', 'a', 'b', 'c', 'd'];

describe('alerts and a spent credit budget', () => {
  let keyapi: FakeKeyApi;
  let t: TestCore;
  let workers: RunningWorkers | undefined;
  let clock = new Date('2026-11-25T08:15:00Z');

  beforeEach(async () => {
    keyapi = await startFakeKeyApi();
    serveCraftedRankings(keyapi, {
      'day-2026-11-22': before,
      'day-2026-11-23': before,
      'day-2026-11-24': after,
    });
    t = await createTestCore(keyapi.url, {
      env: { KEYAPI_DAILY_CREDIT_LIMIT: '5', KEYAPI_DIGEST_RESERVE: '0' },
      now: () => clock,
    });
  });
  afterEach(async () => {
    await workers?.close();
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
    await keyapi.close();
  });

  it('checks the day after the reset and posts its alert once, marked late', async () => {
    const query = { region: 'US', type: 'week' as const, by: 'followers' as const, limit: 5 };
    await t.core.subscriptions.store.add(makeSubscription({ channel: 'discord:1', query, alerts: true }), 25);
    await t.redis.redis.set(`${t.redis.prefix}:credits:2026-11-25`, '5'); // today's budget is spent
    const adapter = createCapturingAdapter({ redis: t.redis.redis, key: t.redis.prefix });
    workers = await startTestWorkers(
      t.core,
      new Map([['discord', adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: () => clock,
        reconcile: false,
      },
    );

    await workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-1' });
    await waitUntil(
      'the first check is done',
      async () => (await workers?.queues.alerts.getCompletedCount()) === 1,
    );
    expect(keyapi.requests).toHaveLength(0);
    expect(await adapter.calls()).toHaveLength(0);

    clock = new Date('2026-11-26T00:15:00Z');
    await workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-2' });
    await waitUntil('the alert is posted', async () => (await adapter.posts()).length >= 1);
    await workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-3' });
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    const calls = await adapter.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.title).toBe('Rank alert · 🇺🇸 US daily top 5 by followers');
    expect(calls[0]?.text).toContain(
      "Late: the operator's daily KeyAPI credit budget was spent when this was due, so it was sent after the budget reset.",
    );
  });
});
