/**
 * Story: while typing `/toprank region:` or `category:`, Discord shows suggestions — from the region
 * list and the categories already seen in cached data, never from a paid KeyAPI call per keystroke.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { autocomplete, type CommandOption, chatInput } from '../fakes/discord/interactions.js';
import { callbackOf, type DiscordBot, startDiscordBot, startSampleKeyApi } from './discord-harness.js';

type Choices = { type: number; data: { choices: { name: string; value: string }[] } };

describe('discord autocomplete', () => {
  let bot: DiscordBot;
  let keyapi: SampleKeyApiServer;

  beforeEach(async () => {
    keyapi = await startSampleKeyApi();
    bot = await startDiscordBot({ keyapi });
  });
  afterEach(() => bot.close());

  async function suggestions(options: CommandOption[]): Promise<Choices> {
    const { id } = bot.fake.interact(autocomplete({ name: 'toprank', options }));
    return (await callbackOf(bot.fake, id)).body as Choices;
  }

  it('suggests regions for what was typed, from the local list', async () => {
    const answer = await suggestions([{ name: 'region', type: 3, value: 'u', focused: true }]);
    expect(answer.type).toBe(8);
    expect(answer.data.choices).toContainEqual({ name: 'US · United States', value: 'US' });
    expect(answer.data.choices).toContainEqual({ name: 'GB · United Kingdom', value: 'GB' });
    expect(answer.data.choices.every((c) => /u/i.test(c.name))).toBe(true);
    expect(keyapi.requestCount).toBe(0);
  });

  it('offers at most 25 choices when nothing is typed yet', async () => {
    const answer = await suggestions([{ name: 'region', type: 3, value: '', focused: true }]);
    expect(answer.data.choices.length).toBeGreaterThan(0);
    expect(answer.data.choices.length).toBeLessThanOrEqual(25);
  });

  it('suggests categories seen in cached leaderboards of the region typed, without asking KeyAPI', async () => {
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    await callbackOf(bot.fake, id);
    const paid = keyapi.requestCount;
    const seen = await bot.core.categories('US');
    const wanted = seen[0] ?? 'none cached';
    const typed = wanted.slice(0, 3).toLowerCase();
    const answer = await suggestions([
      { name: 'region', type: 3, value: 'us' },
      { name: 'category', type: 3, value: typed, focused: true },
    ]);
    expect(answer.data.choices).toContainEqual({ name: wanted, value: wanted });
    expect(
      answer.data.choices.every((c) => seen.includes(c.value) && c.name.toLowerCase().includes(typed)),
    ).toBe(true);
    expect(keyapi.requestCount).toBe(paid);
  });

  it('suggests nothing (rather than paying for a lookup) for a region with nothing cached', async () => {
    const answer = await suggestions([
      { name: 'region', type: 3, value: 'MX' },
      { name: 'category', type: 3, value: '', focused: true },
    ]);
    expect(answer).toEqual({ type: 8, data: { choices: [] } });
    expect(keyapi.requestCount).toBe(0);
  });
});
