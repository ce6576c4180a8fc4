/**
 * Story: on a Discord server with CREDITS_PER_USER_HOUR=4, one member keeps asking for new dates. Once
 * the member's 4 credits are spent, the next new query is refused privately with one sentence (which
 * limit, when it resets, that cached leaderboards still work) and costs nothing, while cached
 * leaderboards still answer and another member still gets new ones. Real discord.js, the fake Discord.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { humanUser } from '../fakes/discord/payloads.js';
import {
  callbackOf,
  type DiscordBot,
  startDiscordBot,
  startSampleKeyApi,
  visibleText,
} from './discord-harness.js';

const refusal =
  'You have spent your 4 KeyAPI credits for this hour (CREDITS_PER_USER_HOUR); it resets at 13:00 UTC. Cached leaderboards still work.';

describe('discord fair credit limits', () => {
  let bot: DiscordBot;
  let keyapi: SampleKeyApiServer;
  const spammer = humanUser('300000000000000001', 'spammer');
  const other = humanUser('300000000000000002', 'colleague');

  beforeEach(async () => {
    keyapi = await startSampleKeyApi();
    bot = await startDiscordBot({ keyapi, env: { CREDITS_PER_USER_HOUR: '4' } });
  });
  afterEach(() => bot.close());

  async function toprank(user: typeof spammer, date?: string) {
    const options = [
      { name: 'region', type: 3 as const, value: 'US' },
      ...(date ? [{ name: 'date', type: 3 as const, value: date }] : []),
    ];
    const { id } = bot.fake.interact(chatInput({ name: 'toprank', options, user }));
    const body = (await callbackOf(bot.fake, id)).body as {
      data: Record<string, unknown> & { flags?: number };
    };
    return { text: visibleText(body.data), ephemeral: ((body.data.flags ?? 0) & 64) === 64 };
  }

  it('refuses the member over the limit with the sentence, for free, while cache and colleagues still work', async () => {
    expect((await toprank(spammer)).text).toContain('US daily top 10'); // 2 credits: the 24th and the 23rd
    expect((await toprank(spammer, '2026-11-20')).text).toContain('US daily top 10'); // 2 more: 4 of 4
    const spent = keyapi.requestCount;

    const refused = await toprank(spammer, '2026-11-18');
    expect(refused.text).toBe(`❌ ${refusal}`);
    expect(refused.ephemeral).toBe(true);
    expect(keyapi.requestCount).toBe(spent);

    // Cached: free, so never limited.
    expect((await toprank(spammer, '2026-11-20')).text).toContain('US daily top 10');
    expect(keyapi.requestCount).toBe(spent);
    // Another member has a count of their own.
    expect((await toprank(other, '2026-11-18')).text).toContain('US daily top 10');
    expect(keyapi.requestCount).toBe(spent + 2);
  });
});
