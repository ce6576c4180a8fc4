/**
 * Watch alerts with real Redis and BullMQ against crafted daily rankings: three watched handles (one
 * enters, one climbs 7 places, one drops out) make one message naming all three, once (a rerun posts
 * nothing); 200 channels watching one leaderboard cost one fetch of its pages; a renamed creator stays
 * watched and the list shows the new handle; and the watch alerts only reach the watching team's channel.
 */

import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../../commands/index.js';
import { renderConsole } from '../../../src/adapters/console/render.js';
import { runAlertsCommand } from '../../../src/cli/alerts.js';
import { runTeamCommand } from '../../../src/cli/team.js';
import { queueNames } from '../../../src/jobs/queues.js';
import { runWatchCheck } from '../../../src/jobs/watch-check.js';
import { createJobParts } from '../../../src/jobs/worker.js';
import type { WatchlistStore } from '../../../src/subscriptions/watchlist-store.js';
import { serveCraftedRankings } from '../../fakes/crafted-rankings.js';
import { FAST_OPTIONS, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

// Top 10 on the 23rd and the 24th: leo climbs 9 → 2, mia enters at #9, zoe (#3) drops out.
const before = ['a', 'b', 'zoe', 'c', 'd', 'e', 'f', 'g', 'leo', 'h', 'mia'];
const after = ['a', 'leo', 'b', 'c', 'd', 'e', 'f', 'g', 'mia', 'h', 'zoe'];

describe('watch alerts', () => {
  const fx = useJobsFixture({
    rankings: () => ({ 'day-2026-11-23': before, 'day-2026-11-24': after }),
  });
  const log = createTestLog({ level: 'silent' }).log;

  const ctxFor = (channel: string, team = 'discord:g1'): CommandContext => ({
    channel,
    team,
    user: { id: 'manager', canManageChannel: true },
    services: fx.t.core,
    log,
    now: () => TEST_NOW,
  });
  const say = async (ctx: CommandContext, text: string) =>
    renderConsole(await runTextCommand('toprank-watch', text, ctx));
  const alertsRun = (date = '2026-11-24') =>
    runAlertsCommand(['run', '--date', date], {
      core: fx.t.core,
      adapters: new Map([['discord', fx.adapter]]),
      log,
      options: FAST_OPTIONS,
      timeoutMs: 15_000,
    });

  it('posts one message naming the three watched creators, and nothing on a rerun', async () => {
    const answer = await say(ctxFor('discord:1'), '@Mia,leo,@zoe region:US depth:10');
    expect(answer).toContain('Watching @mia, @leo, @zoe on the US daily top 10 by followers.');
    // The price is said: depth ÷ 10 pages a check.
    expect(answer).toContain('Price: 1 page (credits) a check, once for each new day (depth 10 ÷ 10)');

    const report = await alertsRun();
    expect(report).toContain(
      'Watch check: 1 watched leaderboards, 0 not published yet, 1 watch alert messages queued.',
    );
    const posts = await fx.adapter.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.title).toBe('Watch alert · 🇺🇸 US daily top 10 by followers');
    expect(posts[0]?.text.split('\n')).toEqual([
      '2 ▲7 Creator LEO (@leo) climbed 7 places to #2 (was #9) · +100K followers gained',
      '9 🆕 Creator MIA (@mia) entered the top 10 · +100K followers gained',
      '– ▼ Creator ZOE (@zoe) dropped out of the top 10 (was #3)',
    ]);

    expect(await alertsRun()).toContain('0 watch alert messages queued');
    expect(await fx.adapter.calls()).toHaveLength(1);

    // The list shows each creator's latest rank.
    const list = await say(ctxFor('discord:1'), '');
    expect(list).toContain('#2 (2026-11-24)');
    expect(list).toContain('not in the top 10 (2026-11-24)');
  });

  it('checks the latest published period on the hourly schedule, for the price it said', async () => {
    await say(ctxFor('discord:3'), '@leo region:US depth:10');
    fx.keyapi.requests.length = 0;
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: () => TEST_NOW,
    });
    await fx.workers.queues.alerts.add('alert-check', {}, { jobId: 'hourly-1' });
    await waitUntil('the watch alert is posted', async () => (await fx.adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    expect((await fx.adapter.posts()).map((p) => p.text)).toEqual([
      '2 ▲7 Creator LEO (@leo) climbed 7 places to #2 (was #9) · +100K followers gained',
    ]);
    // The first check: 1 page of the 24th and 1 of the 23rd (never an older period); the next hour, none.
    expect(fx.keyapi.requests.map((r) => r.params.date).sort()).toEqual(['2026-11-23', '2026-11-24']);
    await fx.workers.queues.alerts.add('alert-check', {}, { jobId: 'hourly-2' });
    await waitUntil('the queues are idle again', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    expect(fx.keyapi.requests).toHaveLength(2);
    expect(await fx.adapter.calls()).toHaveLength(1);
  });

  it('costs 200 channels watching one leaderboard one fetch of its pages', async () => {
    for (let i = 0; i < 200; i++)
      await say(ctxFor(`discord:${1000 + i}`, `discord:g${i}`), '@leo region:US depth:10');
    fx.keyapi.requests.length = 0;
    await alertsRun();
    // Depth 10 is one page: the 24th's page and, for movement, the 23rd's.
    expect(fx.keyapi.requests.map((r) => r.params.date).sort()).toEqual(['2026-11-23', '2026-11-24']);
    expect(await fx.adapter.posts()).toHaveLength(200);
  });

  it('reads 600 watching channels a scan step at a time, and their leaderboard once', async () => {
    for (let i = 0; i < 600; i++)
      await say(ctxFor(`discord:${3000 + i}`, `discord:g${i}`), '@leo region:US depth:10');
    fx.keyapi.requests.length = 0;
    // The real store, counting the watchlists each scan step hands out.
    const real = fx.t.core.subscriptions.watchlists;
    const steps: number[] = [];
    const watchlists: WatchlistStore = Object.assign(Object.create(real) as WatchlistStore, {
      scan: async (cursor: string, count: number) => {
        const step = await real.scan(cursor, count);
        steps.push(step.lists.length);
        return step;
      },
    });
    const { base, queues } = createJobParts(fx.t.core, FAST_OPTIONS);
    try {
      const jobIds: string[] = [];
      const outcome = await runWatchCheck({ ...base, watchlists, log }, { date: '2026-11-24', jobIds });
      expect(outcome).toEqual({ boards: 1, unpublished: 0, queued: 600 });
      expect(new Set(jobIds).size).toBe(600);
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...steps)).toBeLessThan(600);
      expect(fx.keyapi.requests.map((r) => r.params.date).sort()).toEqual(['2026-11-23', '2026-11-24']);
    } finally {
      await queues.close();
    }
  });

  it('keeps watching a creator who renames their handle, and lists the new one', async () => {
    const handles: Record<string, string> = {};
    serveCraftedRankings(fx.keyapi, fx.rankings, handles);
    fx.rankings['day-2026-11-22'] = before;
    fx.rankings['day-2026-11-23'] = after;
    await say(ctxFor('discord:7'), '@leo region:US depth:10');
    await alertsRun('2026-11-23');
    // On the 24th leo is @leo.new, and falls from #2 to #9.
    handles.leo = 'leo.new';
    fx.rankings['day-2026-11-24'] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'leo', 'mia'];
    await alertsRun('2026-11-24');
    const posts = await fx.adapter.posts();
    expect(posts.map((p) => p.text)).toEqual([
      '2 ▲7 Creator LEO (@leo) climbed 7 places to #2 (was #9) · +100K followers gained',
      '9 ▼7 Creator LEO (@leo.new) fell 7 places to #9 (was #2) · +100K followers gained',
    ]);
    expect(await say(ctxFor('discord:7'), '')).toContain('@leo.new');
  });

  it('watches at most 50 creators a channel, refusing more with the sentence that says so', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `c${i}`).join(',');
    expect(await say(ctxFor('discord:8'), `${fifty} region:US`)).toContain(
      'Watched in this channel (50 of 50)',
    );
    const refused = await say(ctxFor('discord:8'), '@one.more region:GB');
    expect(refused).toContain(
      'This channel would watch more than 50 creators (it watches 50); nothing was added. Remove some with /toprank-unwatch.',
    );
    expect(await say(ctxFor('discord:8'), '@c1 region:US')).toContain('Already watched here: @c1.');
  });

  it('keeps each team to its own watchlist', async () => {
    await say(ctxFor('slack:T0TEAMONE:C1', 'slack:T0TEAMONE'), '@leo region:US depth:10');
    const other = await runTextCommand('toprank-watch', '', ctxFor('slack:T0TEAMTWO:C1', 'slack:T0TEAMTWO'));
    expect(renderConsole(other)).toContain('This channel watches no creators.');
    expect(
      await runTextCommand('toprank-unwatch', '@leo', ctxFor('slack:T0TEAMTWO:C1', 'slack:T0TEAMTWO')),
    ).toMatchObject({
      blocks: [
        {
          kind: 'notice',
          tone: 'error',
          text: 'This channel watches no creators. Add some with /toprank-watch creator:@handle region:US.',
        },
      ],
    });
    expect(await say(ctxFor('slack:T0TEAMONE:C1', 'slack:T0TEAMONE'), '')).toContain('@leo');

    // `toprank team forget` takes the team's watchlist (and its alert keys) with it, and nothing else.
    await say(ctxFor('slack:T0TEAMTWO:C1', 'slack:T0TEAMTWO'), '@mia region:US depth:10');
    await alertsRun();
    const deliver = new Queue(queueNames.deliver, {
      connection: fx.t.core.queueRedis,
      prefix: fx.t.core.prefix,
    });
    try {
      expect(await runTeamCommand(['forget', 'slack:T0TEAMONE'], { core: fx.t.core, deliver })).toContain(
        'Forgot slack:T0TEAMONE',
      );
    } finally {
      await deliver.close();
    }
    const left = await fx.t.core.subscriptions.watchlists.listAll();
    expect(left.map((l) => [l.team, l.creators.map((c) => c.handle)])).toEqual([
      ['slack:T0TEAMTWO', ['mia']],
    ]);
    expect(await fx.t.redis.redis.keys(`${fx.t.redis.prefix}:*slack:T0TEAMONE*`)).toEqual([]);
  });
});
