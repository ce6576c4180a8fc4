/**
 * Alerts people can live with, with real Redis and BullMQ and a fake clock: quiet hours hold an alert
 * and post it as one message when they end; a creator bouncing out of and back into the top is reported
 * once over 3 periods; past ALERTS_PER_CHANNEL_DAY messages a day, the rest are folded into the next
 * message, none lost. Rank alerts (a subscription's `quiet`) go through the same policy.
 */
import { describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../../commands/index.js';
import { runAlertsCommand } from '../../../src/cli/alerts.js';
import { FAST_OPTIONS } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const filler = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
/** `who` at `rank` (1-based) among the filler, in a ranking of 11. */
const withAt = (who: string, rank: number) => {
  const rest = filler.filter((id) => id !== who).slice(0, 10);
  return [...rest.slice(0, rank - 1), who, ...rest.slice(rank - 1)];
};

describe('alert policy', () => {
  const fx = useJobsFixture({
    rankings: () => ({
      'day-2026-11-21': withAt('y', 10),
      'day-2026-11-22': withAt('y', 1),
      'day-2026-11-23': withAt('y', 10),
      'day-2026-11-24': withAt('y', 1),
    }),
    env: { ALERTS_PER_CHANNEL_DAY: '1' },
  });
  const log = createTestLog({ level: 'silent' }).log;
  const ctx = (): CommandContext => ({
    channel: 'discord:1',
    team: 'discord:g1',
    user: { id: 'manager', canManageChannel: true },
    services: fx.t.core,
    log,
    now: () => TEST_NOW,
  });
  const run = (date: string, now: string) =>
    runAlertsCommand(['run', '--date', date], {
      core: fx.t.core,
      adapters: new Map([['discord', fx.adapter]]),
      log,
      options: { ...FAST_OPTIONS, now: () => new Date(now) },
      timeoutMs: 15_000,
    });

  it('holds an alert during quiet hours and posts it when they end', async () => {
    await runTextCommand('toprank-watch', '@y region:US depth:10 quiet:22:00-08:00 timezone:UTC', ctx());
    const night = await run('2026-11-22', '2026-11-23T23:00:00Z');
    expect(night).toContain('1 held (quiet hours or the daily cap; posted when they end)');
    expect(await fx.adapter.posts()).toEqual([]);

    const morning = await run('2026-11-22', '2026-11-24T08:05:00Z');
    expect(morning).toContain('1 held alert messages released');
    const posts = await fx.adapter.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text.split('\n')).toEqual([
      'Held during quiet hours, posted as one message now that they are over.',
      '1 ▲9 Creator Y (@y) 👑 new #1 (was #10) · +100K followers gained',
    ]);
  });

  it('holds a subscription’s rank alerts in its quiet hours, in its own time zone', async () => {
    const subscribe = await runTextCommand(
      'toprank-subscribe',
      'region:US type:day limit:10 alerts:on timezone:Europe/Paris quiet:22:00-08:00',
      ctx(),
    );
    expect(JSON.stringify(subscribe)).toContain('Quiet hours 22:00–08:00 Europe/Paris');
    // 22:30 UTC is 23:30 in Paris: quiet. 07:30 UTC is 08:30 there: over.
    expect(await run('2026-11-22', '2026-11-23T22:30:00Z')).toContain('1 held');
    expect(await fx.adapter.posts()).toEqual([]);
    await run('2026-11-22', '2026-11-24T07:30:00Z');
    const [post] = await fx.adapter.posts();
    expect(post?.title).toBe('Rank alert · 🇺🇸 US daily top 10 by followers');
    expect(post?.text).toContain('Held during quiet hours');
  });

  it('folds alerts beyond the daily cap into the next message, losing none', async () => {
    await runTextCommand('toprank-watch', '@y region:US depth:10', ctx());
    await run('2026-11-22', '2026-11-25T10:00:00Z');
    // The cap (1 a day) is reached: the 23rd and the 24th wait, together.
    expect(await run('2026-11-23', '2026-11-25T11:00:00Z')).toContain('1 held');
    expect(await run('2026-11-24', '2026-11-25T12:00:00Z')).toContain('1 held');
    expect(await fx.adapter.posts()).toHaveLength(1);

    await run('2026-11-24', '2026-11-26T00:05:00Z');
    const posts = await fx.adapter.posts();
    expect(posts).toHaveLength(2);
    expect(posts[1]?.text.split('\n')).toEqual([
      "This channel's daily limit of alert messages (ALERTS_PER_CHANNEL_DAY) was reached: these alerts were folded into this message.",
      '10 ▼9 Creator Y (@y) fell 9 places to #10 (was #1) · +100K followers gained',
      '1 ▲9 Creator Y (@y) 👑 new #1 (was #10) · +100K followers gained',
    ]);
  });

  it('reports a creator bouncing out of and into the top once over 3 periods', async () => {
    fx.rankings['day-2026-11-21'] = withAt('x', 10);
    fx.rankings['day-2026-11-22'] = withAt('x', 11);
    fx.rankings['day-2026-11-23'] = withAt('x', 10);
    fx.rankings['day-2026-11-24'] = withAt('x', 11);
    await runTextCommand('toprank-watch', '@x region:US depth:10', ctx());
    for (const [date, now] of [
      ['2026-11-22', '2026-11-23T12:00:00Z'],
      ['2026-11-23', '2026-11-24T12:00:00Z'],
      ['2026-11-24', '2026-11-25T12:00:00Z'],
    ] as const) {
      await run(date, now);
    }
    const posts = await fx.adapter.posts();
    expect(posts.map((p) => p.text)).toEqual(['– ▼ Creator X (@x) dropped out of the top 10 (was #10)']);
  });
});
