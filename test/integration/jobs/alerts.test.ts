/**
 * Rank-movement alerts with real Redis and BullMQ against a crafted pair of daily rankings: exactly
 * the expected events, each subscription's own thresholds, nothing posted again on a repeat (the
 * scheduled check or `alerts run`), no message for a day without events, and a day published after
 * the next UTC midnight still checked by the scheduled check; and the digest and the alert of the same
 * day telling the same movement for the same creator.
 */
import { describe, expect, it } from 'vitest';
import { runAlertsCommand } from '../../../src/cli/alerts.js';
import { runDigestCommand } from '../../../src/cli/digest.js';
import { type AlertCheckOutcome, runAlertCheck } from '../../../src/jobs/alerts.js';
import { TICK_BATCH } from '../../../src/jobs/tick-pass.js';
import { createJobParts } from '../../../src/jobs/worker.js';
import type { SubscriptionStore } from '../../../src/subscriptions/subscription-store.js';
import { FAST_OPTIONS, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { makeSubscription } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y'];
// h takes #1 from #8; g climbs 7 → 3; i enters at #6; f (#6) drops out of the top 8.
const after = ['h', 'a', 'g', 'b', 'c', 'i', 'd', 'e', 'f', 'x'];

describe('rank-movement alerts', () => {
  const fx = useJobsFixture({
    rankings: () => ({
      'day-2026-11-22': before,
      'day-2026-11-23': before,
      'day-2026-11-24': after,
    }),
  });
  const log = createTestLog({ level: 'silent' }).log;

  it('posts exactly the expected events once per channel, and nothing on a repeat', async () => {
    const query = { region: 'US', type: 'week' as const, by: 'followers' as const, limit: 8 };
    const strict = makeSubscription({ channel: 'discord:1', query, alerts: true, alertClimb: 3 });
    const loose = makeSubscription({ channel: 'discord:2', query, alerts: true, alertClimb: 10 });
    const quiet = makeSubscription({ channel: 'discord:3', query, alerts: false });
    for (const sub of [strict, loose, quiet]) await fx.t.core.subscriptions.store.add(sub, 25);
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log);

    await fx.workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-1' });
    await waitUntil('two alerts are posted', async () => (await fx.adapter.posts()).length >= 2);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));

    const posts = await fx.adapter.posts();
    const byChannel = Object.fromEntries(posts.map((p) => [p.channel, p]));
    expect(Object.keys(byChannel).sort()).toEqual(['discord:1', 'discord:2']);
    expect(byChannel['discord:1']?.title).toBe('Rank alert · 🇺🇸 US daily top 8 by followers');
    // Each line names the creator as `Nickname (@handle)` (linked), with rank, change and the metric.
    expect(byChannel['discord:1']?.text.split('\n')).toEqual([
      '1 ▲7 Creator H (@h) 👑 new #1 (was #8) · +100K followers gained',
      '3 ▲4 Creator G (@g) climbed 4 places to #3 (was #7) · +100K followers gained',
      '6 🆕 Creator I (@i) entered the top 8 · +100K followers gained',
      '– ▼ Creator F (@f) dropped out of the top 8 (was #6)',
    ]);
    // A climb of 4 is below the second channel's threshold of 10.
    expect(byChannel['discord:2']?.text.split('\n')).toEqual([
      '1 ▲7 Creator H (@h) 👑 new #1 (was #8) · +100K followers gained',
      '6 🆕 Creator I (@i) entered the top 8 · +100K followers gained',
      '– ▼ Creator F (@f) dropped out of the top 8 (was #6)',
    ]);

    // The scheduled check again, and the operator's command: no event is posted twice.
    await fx.workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-2' });
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const report = await runAlertsCommand(['run', '--date', '2026-11-24'], {
      core: fx.t.core,
      adapters: new Map([['discord', fx.adapter]]),
      log,
      options: FAST_OPTIONS,
    });
    expect(report).toContain('0 alert messages queued');
    expect(await fx.adapter.calls()).toHaveLength(2);
  });

  it('checks 600 alerting subscriptions a batch at a time, queueing each alert once', async () => {
    const query = { region: 'US', type: 'day' as const, by: 'followers' as const, limit: 8 };
    const real = fx.t.core.subscriptions.store;
    for (let i = 0; i < 600; i++) {
      const sub = makeSubscription({ channel: `discord:${600_000 + i}`, query, alerts: true, alertClimb: 3 });
      await real.add(sub, 25);
    }
    // The real store, counting the rows each read hands out.
    const reads: number[] = [];
    const store: SubscriptionStore = Object.assign(Object.create(real) as SubscriptionStore, {
      getMany: async (ids: readonly string[]) => {
        const rows = await real.getMany(ids);
        reads.push(rows.length);
        return rows;
      },
    });
    const { base, queues } = createJobParts(fx.t.core, FAST_OPTIONS);
    try {
      const check = { ...base, store, log };
      expect(await runAlertCheck(check, { date: '2026-11-24' })).toEqual({
        date: '2026-11-24',
        queries: 1,
        unpublished: 0,
        queued: 600,
      });
      expect(reads.reduce((sum, n) => sum + n, 0)).toBe(600);
      expect(Math.max(...reads)).toBeLessThanOrEqual(TICK_BATCH);
      expect(await queues.deliver.count()).toBe(600);
      // Checked: a second run fetches nothing and queues nothing.
      expect((await runAlertCheck(check, { date: '2026-11-24' })).queued).toBe(0);
      expect(await queues.deliver.count()).toBe(600);
    } finally {
      await queues.close();
    }
  });

  it('posts nothing for a day without events', async () => {
    const sub = makeSubscription({ channel: 'discord:9', alerts: true, alertClimb: 1 });
    await fx.t.core.subscriptions.store.add(sub, 25);
    const report = await runAlertsCommand(['run', '--date', '2026-11-23'], {
      core: fx.t.core,
      adapters: new Map([['discord', fx.adapter]]),
      log,
      options: FAST_OPTIONS,
    });
    expect(report).toContain('1 watched queries, 0 not published yet, 0 alert messages queued');
    expect(await fx.adapter.calls()).toHaveLength(0);
  });

  it('checks a day published after the next UTC midnight, oldest unchecked day first', async () => {
    // At 01:15 UTC on the 25th the 23rd has only just been published (with the moves), the 24th not yet.
    fx.rankings['day-2026-11-23'] = after;
    delete fx.rankings['day-2026-11-24'];
    const sub = makeSubscription({
      channel: 'discord:5',
      alerts: true,
      alertClimb: 3,
      query: { region: 'US', type: 'week', by: 'followers', limit: 8 },
    });
    await fx.t.core.subscriptions.store.add(sub, 25);
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: () => new Date('2026-11-25T01:15:00Z'),
    });

    await fx.workers.queues.alerts.add('alert-check', {}, { jobId: 'hourly-1' });
    await waitUntil('the late day is alerted', async () => (await fx.adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const [post] = await fx.adapter.posts();
    expect(post?.deliveryId).toBe(`alert-${sub.id}-2026-11-23`);
    expect(post?.text).toContain('1 ▲7 Creator H (@h) 👑 new #1 (was #8)');

    // The next hourly run: the 23rd is checked already, the 24th still unpublished; nothing new.
    await fx.workers.queues.alerts.add('alert-check', {}, { jobId: 'hourly-2' });
    await waitUntil('the queues are idle again', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    expect(await fx.adapter.calls()).toHaveLength(1);
    const second = await fx.workers.queues.alerts.getJob('hourly-2');
    const outcomes = (second?.returnvalue ?? []) as AlertCheckOutcome[];
    expect(outcomes.map((o) => [o.date, o.unpublished])).toEqual([
      ['2026-11-22', 0],
      ['2026-11-23', 0],
      ['2026-11-24', 1],
    ]);
  });

  it('tells the same movement in the daily digest and the alert, for the same creator on the same data', async () => {
    const query = { region: 'US', type: 'day' as const, by: 'followers' as const, limit: 5 };
    const sub = makeSubscription({ channel: 'discord:7', query, alerts: true, alertClimb: 10 });
    await fx.t.core.subscriptions.store.add(sub, 25);
    const deps = {
      core: fx.t.core,
      adapters: new Map([['discord' as const, fx.adapter]]),
      log,
      options: FAST_OPTIONS,
    };
    await runDigestCommand(['run', '--type', 'day', '--date', '2026-11-24', '--slot', 'day-0900-UTC'], deps);
    await runAlertsCommand(['run', '--date', '2026-11-24'], deps);

    const posts = await fx.adapter.posts();
    const digest = posts.find((p) => p.deliveryId.startsWith('deliver-'))?.text.split('\n') ?? [];
    const alert = posts.find((p) => p.deliveryId.startsWith('alert-'))?.text.split('\n') ?? [];
    // G climbed from #7 (outside the top 5 shown, inside the ranks 1–10 compared) to #3: ▲4 in both.
    expect(digest.find((line) => line.includes('Creator G'))).toMatch(/^3 ▲4 Creator G /);
    expect(alert).toEqual([
      '1 ▲7 Creator H (@h) 👑 new #1 (was #8) · +100K followers gained',
      '3 ▲4 Creator G (@g) entered the top 5 (was #7) · +100K followers gained',
      '– ▼ Creator D (@d) dropped out of the top 5 (was #4)',
      '– ▼ Creator E (@e) dropped out of the top 5 (was #5)',
    ]);
    expect(digest.find((line) => line.includes('Creator H'))).toMatch(/^1 ▲7 Creator H /);
  });
});
