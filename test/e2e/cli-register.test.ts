/**
 * `toprank register` from a shell: Discord's commands registered to a server with the invite URL
 * printed, and the Slack app manifest written to a file or to stdout.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { runCli } from '../helpers/run-cli.js';

describe('toprank register', () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(() => discord.close());

  it('registers every command to the configured server and prints the invite URL', async () => {
    const result = await runCli(['register'], {
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiBase,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Registered /toprank, /toprank-subscribe, /toprank-subscriptions, /toprank-unsubscribe, /toprank-status, /toprank-watch, /toprank-unwatch to server ${discord.guildId} (instant).`,
    );
    expect(result.stdout).toContain(
      `Invite the bot: https://discord.com/oauth2/authorize?client_id=${discord.applicationId}&scope=bot+applications.commands`,
    );
    expect(discord.rest.registeredCommands.guilds[discord.guildId]?.map((c) => c.name)).toEqual([
      'toprank',
      'toprank-subscribe',
      'toprank-subscriptions',
      'toprank-unsubscribe',
      'toprank-status',
      'toprank-watch',
      'toprank-unwatch',
    ]);
  });

  it('writes the HTTP-mode Slack manifest to a file, pointing at the given host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toprank-manifest-'));
    try {
      const file = join(dir, 'slack.json');
      const result = await runCli(
        ['register', '--slack-manifest', file, '--url', 'https://bot.example.com'],
        {},
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Slack app manifest written to ${file}.`);
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      expect(manifest.settings.socket_mode_enabled).toBe(false);
      expect(manifest.settings.interactivity.request_url).toBe('https://bot.example.com/slack/events');
      expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
        '/toprank',
        '/toprank-subscribe',
        '/toprank-subscriptions',
        '/toprank-unsubscribe',
        '/toprank-status',
        '/toprank-watch',
        '/toprank-unwatch',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a Socket Mode manifest when SLACK_APP_TOKEN is set, with no secret in it', async () => {
    const result = await runCli(['register', '--slack-manifest'], {
      SLACK_BOT_TOKEN: 'xoxb-manifest-secret-1',
      SLACK_SIGNING_SECRET: 'manifest-signing-secret',
      SLACK_APP_TOKEN: 'xapp-manifest-secret-1',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).settings.socket_mode_enabled).toBe(true);
    expect(result.stdout).not.toMatch(/xoxb-|xapp-|manifest-signing-secret/);
  });

  it('names an unknown flag and the ones it takes', async () => {
    const result = await runCli(['register', '--slack'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '`--slack` is not a flag of `toprank register`. Flags: --slack-manifest [file], --url https://your-host, --socket-mode.\n',
    );
  });
});
