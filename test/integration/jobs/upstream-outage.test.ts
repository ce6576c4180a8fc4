/**
 * KeyAPI failing at slot time, one query group at a time: a transient outage (5xx after the client's
 * retries) is waited out like an unpublished period while the other groups are delivered; past the
 * deadline the latest published period is posted, or nothing but a logged error; a permanent failure
 * (402) still ends the tick at once, after the healthy groups were delivered.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createKeyApiClient } from '../../../src/keyapi/client.js';
import { tickStartedKey } from '../../../src/keys.js';
import { createLeaderboardService } from '../../../src/ranking/leaderboard-service.js';
import { publishedPagesOnly } from '../../fakes/crafted-rankings.js';
import { errorBody, type RecordedKeyApiRequest } from '../../fakes/keyapi-server.js';
import { queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { makeSubscription } from '../../helpers/subscriptions.js';
import { createTestLog, type TestLog } from '../../helpers/test-log.js';

const ids = Array.from({ length: 10 }, (_, i) => `c${i + 1}`);
const slotId = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');

describe('a tick while KeyAPI fails for some queries', () => {
  const fx = useJobsFixture({
    rankings: () => ({ 'week-2026-11-16': ids, 'week-2026-11-09': [...ids].reverse() }),
  });
  let testLog: TestLog;
  /** Answers this status instead of the ranking for the requests it matches. */
  let failing: { status: number; when: (r: RecordedKeyApiRequest) => boolean } | undefined;
  const us = makeSubscription({
    channel: 'discord:1',
    query: { region: 'US', type: 'week', by: 'followers', limit: 10 },
  });
  const gb = makeSubscription({
    channel: 'discord:2',
    query: { region: 'GB', type: 'week', by: 'followers', limit: 10 },
  });

  beforeEach(async () => {
    const crafted = fx.keyapi.fallback;
    failing = undefined;
    fx.keyapi.fallback = (request) =>
      failing?.when(request)
        ? { status: failing.status, body: errorBody(failing.status, 'upstream failure') }
        : crafted(request);
    testLog = createTestLog({ level: 'info' });
    for (const sub of [us, gb]) await fx.t.core.subscriptions.store.add(sub, 25);
  });

  async function runTickAt(now: string, jobId: string) {
    // One attempt per request: the client's own retries are not what this test is about.
    const client = createKeyApiClient({
      baseUrl: fx.keyapi.url,
      token: 'test-key-123456',
      qps: 100,
      log: testLog.log,
      maxAttempts: 1,
    });
    const leaderboards = createLeaderboardService({ client, cache: publishedPagesOnly(), log: testLog.log });
    fx.workers = await startTestWorkers(
      { ...fx.t.core, leaderboards },
      new Map([['discord', fx.adapter]]),
      testLog.log,
      {
        now: () => new Date(now),
        reconcile: false,
      },
    );
    await fx.workers.queues.tick.add('tick', { slotId, firedAt }, { jobId });
    return fx.workers;
  }

  const channels = async () => (await fx.adapter.calls()).map((c) => c.channel).sort();

  it('delivers the healthy query, waits out the outage of the other, then delivers it too', async () => {
    failing = { status: 500, when: (r) => r.params.region === 'GB' };
    const running = await runTickAt('2026-11-23T09:01:00Z', 'tick-outage');
    await waitUntil('the healthy channel has its digest', async () =>
      (await channels()).includes('discord:1'),
    );
    const gbRequests = () => fx.keyapi.requests.filter((r) => r.params.region === 'GB').length;
    await waitUntil('the failing query is probed again', async () => gbRequests() >= 3);
    expect(await (await running.queues.tick.getJob('tick-outage'))?.getState()).not.toBe('failed');
    expect(await channels()).toEqual(['discord:1']);

    failing = undefined;
    await waitUntil('the other channel has its digest', async () => (await channels()).length >= 2);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const calls = await fx.adapter.calls();
    expect(calls.map((c) => c.channel).sort()).toEqual(['discord:1', 'discord:2']);
    expect(calls.every((c) => !c.text.includes('not published yet'))).toBe(true);
    expect(await (await running.queues.tick.getJob('tick-outage'))?.getState()).toBe('completed');
  });

  it('past the deadline posts the latest published week, or nothing but a logged error', async () => {
    // The wanted week fails for everyone; the week before answers for US only.
    failing = { status: 503, when: (r) => r.params.date === '2026-11-16' || r.params.region === 'GB' };
    // Seven hours after the slot: past the six-hour deadline (the tick started in time, then waited).
    await fx.t.redis.redis.set(tickStartedKey(fx.t.redis.prefix, slotId, 'week-2026-11-16'), '1');
    const running = await runTickAt('2026-11-23T16:00:00Z', 'tick-late');
    await waitUntil('the tick has finished', async () =>
      ['completed', 'failed'].includes(
        String(await (await running.queues.tick.getJob('tick-late'))?.getState()),
      ),
    );
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));

    expect(await (await running.queues.tick.getJob('tick-late'))?.getState()).toBe('completed');
    const calls = await fx.adapter.calls();
    expect(calls.map((c) => c.channel)).toEqual(['discord:1']);
    expect(calls[0]?.text).toContain(
      'The ranking for week of Mon 16 Nov 2026 is not published yet; showing week of Mon 9 Nov 2026.',
    );
    const errors = testLog.lines().filter((l) => l.level === 50);
    expect(errors.map((l) => [l.msg, (l.query as { region?: string })?.region])).toEqual([
      ['no published period to post after the deadline', 'GB'],
    ]);
  });

  it('still ends the tick at once on a permanent failure, after delivering the healthy query', async () => {
    failing = { status: 402, when: (r) => r.params.region === 'GB' };
    const running = await runTickAt('2026-11-23T09:01:00Z', 'tick-402');
    await waitUntil(
      'the tick has failed',
      async () => (await (await running.queues.tick.getJob('tick-402'))?.getState()) === 'failed',
    );
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));

    const tick = await running.queues.tick.getJob('tick-402');
    expect(tick?.attemptsMade).toBe(1);
    expect(tick?.failedReason).toBe('keyapi_credits_exhausted');
    expect(await channels()).toEqual(['discord:1']);
  });
});
