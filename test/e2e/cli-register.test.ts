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
    expect(result.stdout).toContain(
      'set the Interactions Endpoint URL to https://YOUR-PUBLIC-HOST/discord/interactions',
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

  it('prints the Interactions Endpoint URL on the host given with --url', async () => {
    const result = await runCli(['register', '--url', 'https://bot.example.com/'], {
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiBase,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'In the Developer Portal, General Information, set the Interactions Endpoint URL to https://bot.example.com/discord/interactions',
    );
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

  it('prints the OAuth manifest with --oauth: redirect URL, uninstall events, scopes', async () => {
    const result = await runCli(
      ['register', '--slack-manifest', '--oauth', '--url', 'https://bot.example.com'],
      {},
    );
    expect(result.code).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://bot.example.com/slack/oauth_redirect']);
    expect(manifest.oauth_config.scopes.bot).toContain('chat:write');
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: 'https://bot.example.com/slack/events',
      bot_events: ['app_uninstalled', 'tokens_revoked'],
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('prints the OAuth manifest when SLACK_CLIENT_ID is set, with no secret in it', async () => {
    const result = await runCli(['register', '--slack-manifest'], {
      SLACK_CLIENT_ID: '1234567890.9876543210',
      SLACK_CLIENT_SECRET: 'oauth-client-secret-1',
      SLACK_STATE_SECRET: 'oauth-state-secret-0123456789',
      SLACK_SIGNING_SECRET: 'manifest-signing-secret',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).oauth_config.redirect_urls).toEqual([
      'https://YOUR-PUBLIC-HOST/slack/oauth_redirect',
    ]);
    expect(result.stdout).not.toMatch(/oauth-client-secret|oauth-state-secret|manifest-signing-secret/);
  });

  it('refuses --oauth with --socket-mode, saying why', async () => {
    const result = await runCli(['register', '--slack-manifest', '--oauth', '--socket-mode'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Invalid `--socket-mode`: expected left out with --oauth (an app installed in many workspaces receives its requests over HTTP).\n',
    );
  });

  it('names an unknown flag and the ones it takes', async () => {
    const result = await runCli(['register', '--slack'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '`--slack` is not a flag of `toprank register`. Flags: --slack-manifest [file], --url https://your-host, --socket-mode, --oauth.\n',
    );
  });
});
