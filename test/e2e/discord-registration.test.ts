/**
 * Story: an operator runs `toprank register`. Every command of commands/ reaches Discord in one bulk
 * overwrite — to the test server when DISCORD_GUILD_ID is set, else globally — with typed options, and
 * the invite URL asks for exactly the scopes and permissions the bot needs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { commandsJson } from '../../src/adapters/discord/command-json.js';
import { inviteUrl, registerDiscordCommands } from '../../src/adapters/discord/register.js';
import { ConfigError } from '../../src/config.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { createTestLog } from '../helpers/test-log.js';

type Option = Record<string, unknown> & { name: string };

describe('discord command registration', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(() => fake.close());

  const config = (guild: boolean) => ({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: guild ? fake.guildId : undefined,
    DISCORD_API_URL: fake.apiBase,
  });
  const puts = () => fake.rest.requests.filter((r) => r.method === 'PUT');

  it('overwrites the guild commands with every declared command in one request', async () => {
    const result = await registerDiscordCommands(config(true), createTestLog().log);
    expect(result).toEqual({ scope: 'guild', guildId: fake.guildId, commands: commands.map((c) => c.name) });
    expect(puts().map((r) => r.route)).toEqual(['PUT /applications/:appId/guilds/:guildId/commands']);
    expect(puts()[0]?.body).toEqual(commandsJson(commands));
    expect(fake.rest.registeredCommands.guilds[fake.guildId]?.map((c) => c.name)).toEqual(
      commands.map((c) => c.name),
    );
    expect(fake.rest.registeredCommands.global).toEqual([]);
  });

  it('registers globally when no guild is set', async () => {
    const result = await registerDiscordCommands(config(false), createTestLog().log);
    expect(result.scope).toBe('global');
    expect(puts().map((r) => r.route)).toEqual(['PUT /applications/:appId/commands']);
    expect(fake.rest.registeredCommands.global.map((c) => c.name)).toEqual(commands.map((c) => c.name));
  });

  it('declares /toprank with typed options: choices, integer bounds and autocomplete', async () => {
    await registerDiscordCommands(config(true), createTestLog().log);
    const body = (puts()[0]?.body ?? []) as { name: string; options: Option[] }[];
    const toprank = body.find((c) => c.name === 'toprank');
    const option = (name: string) => toprank?.options.find((o) => o.name === name);
    expect(toprank?.options[0]).toMatchObject({
      name: 'region',
      type: 3,
      required: true,
      autocomplete: true,
    });
    expect(option('type')).toMatchObject({
      type: 3,
      choices: [
        { name: 'day', value: 'day' },
        { name: 'week', value: 'week' },
        { name: 'month', value: 'month' },
      ],
    });
    expect(option('by')).toMatchObject({
      type: 3,
      choices: [
        { name: 'followers', value: 'followers' },
        { name: 'sales', value: 'sales' },
      ],
    });
    expect(option('limit')).toMatchObject({ type: 4, min_value: 1, max_value: 50, required: false });
    expect(option('category')).toMatchObject({ type: 3, autocomplete: true });
    expect(option('category')).not.toHaveProperty('choices');
  });

  it('asks for Manage Channels exactly on the commands declared with manageChannel', async () => {
    await registerDiscordCommands(config(true), createTestLog().log);
    const saved = fake.rest.registeredCommands.guilds[fake.guildId] ?? [];
    for (const command of commands) {
      const registered = saved.find((c) => c.name === command.name);
      expect(registered?.default_member_permissions).toBe(command.manageChannel ? '16' : null);
    }
  });

  it('names the variable to fix when Discord refuses the token, without echoing it', async () => {
    const log = createTestLog();
    const wrong = { ...config(true), DISCORD_TOKEN: 'not-the-token-at-all' };
    const error = await registerDiscordCommands(wrong, log.log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('DISCORD_TOKEN is wrong');
    expect((error as Error).message).not.toContain('not-the-token-at-all');
    expect(log.lines().find((l) => l.msg === 'discord command registration refused')).toMatchObject({
      status: 401,
      route: `/api/v10/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    });
  });

  it('refuses to start without a token or application id, naming both', async () => {
    const error = await registerDiscordCommands(
      {
        DISCORD_TOKEN: undefined,
        DISCORD_APPLICATION_ID: undefined,
        DISCORD_GUILD_ID: undefined,
        DISCORD_API_URL: undefined,
      },
      createTestLog().log,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/DISCORD_TOKEN[\s\S]*DISCORD_APPLICATION_ID/);
    expect(fake.rest.requests).toHaveLength(0);
  });
});

describe('discord invite URL', () => {
  it('asks for the bot and applications.commands scopes with View Channel, Send Messages and Embed Links', () => {
    const url = new URL(inviteUrl('1150000000000000001'));
    expect(`${url.origin}${url.pathname}`).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('1150000000000000001');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // 1024 View Channel + 2048 Send Messages + 16384 Embed Links, and nothing else.
    expect(url.searchParams.get('permissions')).toBe(String(1024 + 2048 + 16384));
  });
});
