/**
 * The shared pacer on real Redis, on a virtual clock: sends are spaced at the documented limit itself,
 * and admitted only while the last second's sends fit it (a late one takes the room it left); a
 * platform's 429 holds the bucket back for every process (sends reserved before it included) and
 * widens the spacing, once per burst, and a quiet spell (five minutes at 50/s) narrows it back a step;
 * a Discord route bucket stays @discordjs/rest's own, and a Slack channel's 429 holds only that channel
 * but widens every channel's spacing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPacer,
  DOCUMENTED_LIMITS,
  type Pacer,
  type PacingLimits,
  type PacingRule,
  pacingRuleFor,
} from '../../../src/jobs/pacer.js';
import { SlidingWindow } from '../../fakes/sliding-window.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';

describe('shared pacer', () => {
  let r: TestRedis;
  let clock = 1_000_000;
  beforeEach(async () => {
    r = await useTestRedis();
    clock = 1_000_000;
  });
  afterEach(() => r.cleanup());

  // Two pacers on one Redis: two worker processes.
  const pacers = () =>
    [0, 1].map(() => createPacer(r.redis, r.prefix, { now: () => clock, maxAheadMs: 2_000 }));
  const discord = pacingRuleFor('discord:123', DOCUMENTED_LIMITS);
  if (!discord) throw new Error('Discord is paced');
  const limited = { platform: 'discord', retryAfterMs: 0, limited: true } as const;

  /** After `quiet` ms, what the next `sends` sends span beyond the first, in ms. */
  const spanAfter = async (pacer: Pacer, rule: PacingRule, quiet: number, sends = 1) => {
    clock += quiet;
    const first = await pacer.reserve(rule);
    let last = first;
    for (let i = 0; i < sends; i++) last = await pacer.reserve(rule);
    return last.waitMs - first.waitMs;
  };

  /** Two 429s further apart than the cooldown: the spacing is widened twice. */
  const widenTwice = async (pacer: Pacer, limits: PacingLimits) => {
    await pacer.feedback(limited, limits);
    clock += 5_000;
    await pacer.feedback(limited, limits);
  };

  it('spaces Discord sends 20 ms apart (50/s), whichever process reserves', async () => {
    const [a, b] = pacers();
    const waits = [];
    for (const pacer of [a, b, a, b]) waits.push((await pacer?.reserve(discord))?.waitMs);
    expect(waits).toEqual([0, 20, 40, 60]);
  });

  it('admits a send that wakes late into the room it left, and moves the send a second after it, which finds no room, to the next slot', async () => {
    const [a, b] = pacers();
    if (!a || !b) throw new Error('two pacers');
    const start = clock;
    // One send due now, admitted at once, and 51 that the other process reserved behind it, 20 ms apart.
    expect(await a.reserve(discord)).toEqual({ reserved: true, waitMs: 0 });
    const due: number[] = [];
    for (let i = 0; i < 51; i++) due.push(start + (await b.reserve(discord)).waitMs);
    expect(due.at(-1)).toBe(start + 1_020);
    // The first of them wakes 480 ms late (a busy moment in its process); the rest wake on time.
    const wakes = due.map((at, i) => (i === 0 ? start + 500 : at));
    const inOrder = wakes.slice(0, 50).sort((x, y) => x - y);
    const platform = new SlidingWindow(50);
    platform.take('bot', start);
    for (const at of inOrder) {
      clock = at;
      expect(await b.admit(discord)).toBe(true);
      platform.take('bot', at);
    }
    // The last one's second already holds 50 sends, the late one among them: it reserves again, the
    // next slot, and goes then.
    clock = start + 1_020;
    expect(await b.admit(discord)).toBe(false);
    expect((await b.reserve(discord)).waitMs).toBe(20);
    clock += 20;
    expect(await b.admit(discord)).toBe(true);
    platform.take('bot', clock);
    expect(platform.refused).toBe(0);
    // Sent on time instead, Discord would have refused it.
    const onTime = new SlidingWindow(50);
    for (const at of [start, ...inOrder, start + 1_020]) onTime.take('bot', at);
    expect(onTime.refused).toBe(1);
  });

  it("holds every process back for a 429's Retry-After, leaving a slot for the refused request", async () => {
    const [a, b] = pacers();
    if (!a || !b) throw new Error('two pacers');
    expect(await b.reserve(discord)).toEqual({ reserved: true, waitMs: 0 });
    await a.feedback({ platform: 'discord', retryAfterMs: 1_000, limited: true }, DOCUMENTED_LIMITS);
    // A send b reserved before the 429 is held when it asks to go out, and reserves again.
    expect(await b.admit(discord)).toBe(false);
    // Spaced 5 % wider now: 21 ms.
    expect((await b.reserve(discord)).waitMs).toBe(1_020);
    expect((await a.reserve(discord)).waitMs).toBe(1_041);
    clock += 2_000;
    expect(await b.admit(discord)).toBe(true);
  });

  it('leaves a slot for each request refused together before the next send', async () => {
    const [a, b] = pacers();
    if (!a || !b) throw new Error('two pacers');
    for (const pacer of [a, b, a]) {
      await pacer.feedback({ platform: 'discord', retryAfterMs: 1_000, limited: true }, DOCUMENTED_LIMITS);
    }
    // Three refused requests retry after the second, and the three slots after it are theirs: 20 ms,
    // then 21 ms each once the first 429 has widened the spacing.
    expect(await b.admit(discord)).toBe(false);
    expect((await b.reserve(discord)).waitMs).toBe(1_062);
  });

  it('widens the spacing once for a burst of 429s, and again only after the cooldown', async () => {
    const [a] = pacers();
    if (!a) throw new Error('a pacer');
    for (let i = 0; i < 5; i++) await a.feedback(limited, DOCUMENTED_LIMITS);
    expect(await spanAfter(a, discord, 10_000)).toBe(21);
    await a.feedback(limited, DOCUMENTED_LIMITS);
    expect(await spanAfter(a, discord, 10_000)).toBe(22);
  });

  it('narrows the spacing back by one step for each five quiet minutes after the last 429', async () => {
    const [a] = pacers();
    if (!a) throw new Error('a pacer');
    const spacing = (quiet: number) => spanAfter(a, discord, quiet);
    await widenTwice(a, DOCUMENTED_LIMITS);
    expect(await spacing(10_000)).toBe(22);
    expect(await spacing(289_000)).toBe(22);
    // Five minutes after the last 429: one step back, and another five minutes later, down to the limit.
    expect(await spacing(1_000)).toBe(21);
    expect(await spacing(299_000)).toBe(21);
    expect(await spacing(1_000)).toBe(20);
    expect(await spacing(600_000)).toBe(20);
  });

  it('narrows a bucket allowed five times the documented rate five times as soon (15,000 quiet sends)', async () => {
    const [a] = pacers();
    if (!a) throw new Error('a pacer');
    const granted = { ...DOCUMENTED_LIMITS, discordPerSecond: 250 };
    const fast = pacingRuleFor('discord:123', granted);
    if (!fast) throw new Error('Discord is paced');
    // What 100 sends span, in ms: 400 at 250/s.
    const span = (quiet: number) => spanAfter(a, fast, quiet, 100);
    await widenTwice(a, granted);
    expect(await span(10_000)).toBe(441);
    // 15,000 sends at 250/s take a minute: one step back then, another a minute later.
    expect(await span(49_000)).toBe(441);
    expect(await span(1_000)).toBe(420);
    expect(await span(60_000)).toBe(400);
  });

  it("leaves a Discord channel's route bucket to discord.js, and holds only the Slack channel that got a 429", async () => {
    const [a] = pacers();
    if (!a) throw new Error('a pacer');
    await a.feedback(
      { platform: 'discord', channel: 'discord:123', retryAfterMs: 5_000, limited: false },
      DOCUMENTED_LIMITS,
    );
    expect((await a.reserve(discord)).waitMs).toBe(0);
    await a.feedback(
      { platform: 'slack', channel: 'slack:T1:C1', retryAfterMs: 3_000, limited: true },
      DOCUMENTED_LIMITS,
    );
    const busy = pacingRuleFor('slack:T1:C1', DOCUMENTED_LIMITS);
    const other = pacingRuleFor('slack:T1:C2', DOCUMENTED_LIMITS);
    if (!busy || !other) throw new Error('Slack is paced');
    // Three seconds (and the slot left for the refused post) is past the 2 s these workers may wait in
    // place: the job is given back to the queue.
    expect(await a.reserve(busy)).toEqual({ reserved: false, waitMs: 2_000 });
    expect(await a.admit(busy)).toBe(false);
    expect((await a.reserve(other)).waitMs).toBe(0);
  });

  it("widens every Slack channel's spacing for one channel's 429: the jitter it absorbs is the workers'", async () => {
    const [a] = pacers();
    if (!a) throw new Error('a pacer');
    const other = pacingRuleFor('slack:T2:C9', DOCUMENTED_LIMITS);
    if (!other) throw new Error('Slack is paced');
    expect(await spanAfter(a, other, 0)).toBe(1_000);
    await a.feedback(
      { platform: 'slack', channel: 'slack:T1:C1', retryAfterMs: 0, limited: true },
      DOCUMENTED_LIMITS,
    );
    // Another workspace's channel, never refused, is spaced 5 % wider too; Discord's spacing is its own.
    expect(await spanAfter(a, other, 10_000)).toBe(1_050);
    expect(await spanAfter(a, discord, 0)).toBe(20);
  });
});
