/**
 * Digests are never starved nor dropped by spent credits: interactive spam stops at the daily cap
 * minus KEYAPI_DIGEST_RESERVE, so a digest the same day is still delivered; and a tick that meets a
 * spent daily budget waits, then delivers once after the 00:00 UTC reset, saying it is late and why.
 * Real Redis, real BullMQ workers, the sample KeyAPI; the clock is a test clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTextCommand } from '../../../commands/index.js';
import { renderConsole } from '../../../src/adapters/console/render.js';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import { tickJobId } from '../../../src/keys.js';
import { createMetrics } from '../../../src/metrics.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { addMany } from '../../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const slot = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');
const weekly = { region: 'US', type: 'week' as const, by: 'followers' as const, limit: 10 };

describe('credit budget and digests', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let workers: RunningWorkers | undefined;
  let clock: Date;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  const open = async (env: Record<string, string>, metrics = createMetrics()) => {
    clock = new Date('2026-11-23T09:01:00Z');
    t = await createTestCore(sample.url, { env, now: () => clock, metrics });
    const adapter = createCapturingAdapter({ redis: t.redis.redis, key: t.redis.prefix });
    const start = async (log = createTestLog({ level: 'silent' }).log) => {
      workers = await startTestWorkers(t.core, new Map([['discord', adapter]]), log, {
        now: () => clock,
        reconcile: false,
      });
      return workers;
    };
    return { adapter, start, metrics };
  };

  it('keeps the reserve from interactive spam, so a digest the same day is delivered', async () => {
    // A cap of 10 with 20 % reserved: commands may spend 8, digests keep 2.
    const { adapter, start, metrics } = await open({
      KEYAPI_DAILY_CREDIT_LIMIT: '10',
      CREDITS_PER_USER_HOUR: '0',
      CREDITS_PER_CHANNEL_HOUR: '0',
    });
    const ctx = {
      channel: 'console:demo',
      user: { id: 'spammer' },
      services: t.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => clock,
    };
    const answers: string[] = [];
    for (let day = 1; day <= 10; day++) {
      const date = `2026-11-${String(day).padStart(2, '0')}`;
      answers.push(renderConsole(await runTextCommand('toprank', `region:US date:${date}`, ctx)));
    }
    expect(sample.requestCount).toBe(8);
    expect(answers.at(-1)).toContain(
      "Today's KeyAPI credits for commands are spent; the rest is kept for scheduled digests and alerts (KEYAPI_DIGEST_RESERVE). It resets at 00:00 UTC. Cached leaderboards still work.",
    );

    const subs = await addMany(t.core.subscriptions.store, 3, [weekly]);
    const running = await start();
    await running.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: tickJobId(slot, firedAt) });
    await waitUntil('3 digests are posted', async () => (await adapter.posts()).length >= 3);
    expect((await adapter.posts()).map((p) => p.channel).sort()).toEqual(subs.map((s) => s.channel).sort());
    expect(sample.requestCount).toBe(10);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^toprank_credits_spent_total\{kind="interactive"\} 8$/m);
    expect(text).toMatch(/^toprank_credits_spent_total\{kind="scheduled"\} 2$/m);
    expect(text).toMatch(/^toprank_credits_refused_total\{reason="reserve"\} [1-9]/m);
  });

  it('delivers a tick that met a spent budget once, after the reset, saying it is late and why', async () => {
    const { adapter, start } = await open({ KEYAPI_DAILY_CREDIT_LIMIT: '2', KEYAPI_DIGEST_RESERVE: '0' });
    // The operator's own query spends Monday's 2 credits before the slot.
    await t.core.leaderboards.get({
      region: 'GB',
      type: 'day',
      by: 'sales',
      limit: 10,
      page: 1,
      date: '2026-11-20',
    });
    const [sub] = await addMany(t.core.subscriptions.store, 1, [weekly]);
    const running = await start();
    await running.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: tickJobId(slot, firedAt) });

    const deliveries = t.core.subscriptions.deliveries;
    await waitUntil('the subscription is waiting for the budget', async () => {
      const [status] = (await deliveries?.get([sub?.id ?? ''])) ?? [];
      return status?.status === 'waiting';
    });
    expect(await adapter.calls()).toHaveLength(0);

    clock = new Date('2026-11-24T00:05:00Z'); // the budget resets at 00:00 UTC
    await waitUntil('the late digest is posted', async () => (await adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    const posts = await adapter.calls();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.deliveryId).toBe(`deliver-${sub?.id}-week-2026-11-16`);
    expect(posts[0]?.text).toContain(
      "Late: the operator's daily KeyAPI credit budget was spent when this was due, so it was sent after the budget reset.",
    );
    const [status] = (await deliveries?.get([sub?.id ?? ''])) ?? [];
    expect(status).toMatchObject({ status: 'delivered', period: 'week-2026-11-16', late: true });
  });

  it('reports a tick whose budget stayed spent past its window, in the log and /toprank-status', async () => {
    const { adapter, start } = await open({ KEYAPI_DAILY_CREDIT_LIMIT: '2', KEYAPI_DIGEST_RESERVE: '0' });
    const [sub] = await addMany(t.core.subscriptions.store, 1, [{ ...weekly, type: 'day' }]);
    // Monday's and Tuesday's budgets both spent: the daily slot of Monday 09:00 cannot run before Tuesday's.
    for (const day of ['2026-11-23', '2026-11-24'])
      await t.redis.redis.set(`${t.redis.prefix}:credits:${day}`, '2');
    const testLog = createTestLog({ level: 'info' });
    const running = await start(testLog.log);
    const daySlot = 'day-0900-UTC';
    await running.queues.tick.add(
      'tick',
      { slotId: daySlot, firedAt },
      { jobId: tickJobId(daySlot, firedAt) },
    );
    await waitUntil('the subscription is waiting', async () => {
      const [status] = (await t.core.subscriptions.deliveries?.get([sub?.id ?? ''])) ?? [];
      return status?.status === 'waiting';
    });
    clock = new Date('2026-11-24T09:30:00Z');
    await waitUntil('the tick gives up', async () =>
      testLog.lines().some((l) => l.msg === 'tick missed its window: the daily credit budget stayed spent'),
    );
    expect(await adapter.calls()).toHaveLength(0);
    const ctx = {
      channel: sub?.channel ?? '',
      user: { id: 'anyone' },
      services: t.core,
      log: testLog.log,
      now: () => clock,
    };
    expect(renderConsole(await runTextCommand('toprank-status', '', ctx))).toContain(
      'missed 2026-11-24 09:30 UTC: the daily KeyAPI credit budget stayed spent until the next delivery was due, so the digest of day-2026-11-22 was not sent',
    );
  });
});
