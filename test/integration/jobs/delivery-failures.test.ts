/**
 * A channel that is gone (Discord 404, Slack channel_not_found) pauses its subscriptions with the
 * reason, visible in /toprank-subscriptions, and its delivery ends at once instead of retrying; the
 * same /toprank-subscribe resumes it. A rejected bot token pauses nothing: it is logged for the operator.
 */
import { describe, expect, it } from 'vitest';
import { runTextCommand } from '../../../commands/index.js';
import { createCapturingAdapter, viewText } from '../../fakes/capturing-chat-adapter.js';
import { digestJobOf, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { FIVE_QUERIES, makeSubscription } from '../../helpers/subscriptions.js';
import { TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('delivery to a gone channel', () => {
  const fx = useJobsFixture({ adapter: { gone: new Set(['discord:404']) } });
  const log = createTestLog({ level: 'silent' }).log;

  it('pauses every subscription of the channel with the reason and does not retry', async () => {
    const gone = makeSubscription({ channel: 'discord:404', query: FIVE_QUERIES[0] });
    const goneToo = makeSubscription({ channel: 'discord:404', query: FIVE_QUERIES[1], time: '10:00' });
    const fine = makeSubscription({ channel: 'discord:200', query: FIVE_QUERIES[0] });
    for (const sub of [gone, goneToo, fine]) await fx.t.core.subscriptions.store.add(sub, 25);
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: () => new Date('2026-11-23T09:01:00Z'),
    });
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the healthy channel has its digest', async () => (await fx.adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));

    const failed = await digestJobOf(fx.workers.queues.deliver, gone.id);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1);
    for (const id of [gone.id, goneToo.id]) {
      expect((await fx.t.core.subscriptions.store.get(id))?.state).toMatchObject({
        status: 'paused',
        reason: 'gone',
      });
    }
    expect((await fx.t.core.subscriptions.store.get(fine.id))?.state).toEqual({ status: 'active' });

    const list = await runTextCommand('toprank-subscriptions', '', {
      channel: 'discord:404',
      user: { id: 'u1' },
      services: fx.t.core,
      log,
      now: () => TEST_NOW,
    });
    expect(viewText(list)).toContain('paused since 2026-11-23: the channel no longer exists');

    // The channel is back (the bot was re-invited): subscribing to the same query again resumes it.
    const manager = {
      channel: 'discord:404',
      user: { id: 'u1', canManageChannel: true },
      services: fx.t.core,
      log,
      now: () => TEST_NOW,
    };
    const q = FIVE_QUERIES[0];
    const again = await runTextCommand(
      'toprank-subscribe',
      `region:${q?.region} type:${q?.type} by:${q?.by} limit:${q?.limit}`,
      manager,
    );
    expect(viewText(again)).toContain(`Resumed \`${gone.id}\``);
    expect(viewText(again)).toContain('weekly on Monday at 09:00 UTC');
    expect((await fx.t.core.subscriptions.store.get(gone.id))?.state).toEqual({ status: 'active' });
    expect((await fx.t.core.subscriptions.store.get(goneToo.id))?.state.status).toBe('paused');
    expect(await fx.t.core.subscriptions.store.listByChannel('discord:404')).toHaveLength(2);
    // An active repeat is still refused, pointing at the subscription.
    const repeat = await runTextCommand('toprank-subscribe', 'region:US type:week limit:10', manager);
    expect(viewText(repeat)).toBe(`This channel already has that subscription (\`${gone.id}\`).`);
  });

  it('pauses nothing when the platform rejects the bot token, and says which token to check', async () => {
    const testLog = createTestLog({ level: 'info' });
    const revoked = createCapturingAdapter({
      redis: fx.t.redis.redis,
      key: fx.t.redis.prefix,
      tokenRejected: true,
    });
    const subs = [
      makeSubscription({ channel: 'discord:1', query: FIVE_QUERIES[0] }),
      makeSubscription({ channel: 'discord:2', query: FIVE_QUERIES[1] }),
    ];
    for (const sub of subs) await fx.t.core.subscriptions.store.add(sub, 25);
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', revoked]]), testLog.log, {
      now: () => new Date('2026-11-23T09:01:00Z'),
    });
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    const { deliver } = fx.workers.queues;
    const jobsOf = () => Promise.all(subs.map((s) => digestJobOf(deliver, s.id)));
    await waitUntil('both deliveries have ended', async () => {
      const states = await Promise.all((await jobsOf()).map((job) => job?.getState()));
      return states.every((state) => state === 'failed');
    });

    for (const job of await jobsOf()) expect(job?.attemptsMade).toBe(1);
    for (const sub of subs) {
      expect((await fx.t.core.subscriptions.store.get(sub.id))?.state).toEqual({ status: 'active' });
    }
    const rejected = testLog.lines().filter((l) => l.level === 50 && String(l.msg).includes('token'));
    expect(rejected.map((l) => l.msg)).toEqual([
      'the discord token was rejected: check DISCORD_TOKEN',
      'the discord token was rejected: check DISCORD_TOKEN',
    ]);
  });
});
