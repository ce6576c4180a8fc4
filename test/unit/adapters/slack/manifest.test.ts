import { describe, expect, it } from 'vitest';
import { commands, usageHint } from '../../../../commands/index.js';
import { buildSlackManifest, SLACK_BOT_SCOPES } from '../../../../src/adapters/slack/manifest.js';

describe('buildSlackManifest', () => {
  it('lists every command of commands/ with its description and usage hint', () => {
    const manifest = buildSlackManifest({ socketMode: false, baseUrl: 'https://toprank.example.com' });
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(commands.map((c) => `/${c.name}`));
    for (const command of commands) {
      const entry = manifest.features.slash_commands.find((c) => c.command === `/${command.name}`);
      expect(entry?.description).toBe(command.description);
      expect(entry?.usage_hint ?? '').toBe(usageHint(command));
      expect(entry?.should_escape).toBe(false);
      // Slack's limits on a slash command.
      expect(entry?.command.length).toBeLessThanOrEqual(32);
      expect((entry?.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
    }
  });

  it('points commands and interactivity at /slack/events in HTTP mode', () => {
    const manifest = buildSlackManifest({ socketMode: false, baseUrl: 'https://toprank.example.com/' });
    const url = 'https://toprank.example.com/slack/events';
    expect(manifest.features.slash_commands.every((c) => c.url === url)).toBe(true);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('needs no request URL in Socket Mode', () => {
    const manifest = buildSlackManifest({ socketMode: true });
    expect(manifest.features.slash_commands.every((c) => c.url === undefined)).toBe(true);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('adds the OAuth redirect URL and the uninstall events for many workspaces', () => {
    const manifest = buildSlackManifest({ socketMode: false, oauth: true, baseUrl: 'https://t.example.com' });
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://t.example.com/slack/oauth_redirect']);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: 'https://t.example.com/slack/events',
      bot_events: ['app_uninstalled', 'tokens_revoked'],
    });
    expect(buildSlackManifest({ socketMode: false }).settings.event_subscriptions).toBeUndefined();
  });

  it('asks for exactly the bot scopes the adapter uses', () => {
    const manifest = buildSlackManifest({ socketMode: false });
    expect(manifest.oauth_config.scopes.bot).toEqual([...SLACK_BOT_SCOPES]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:history',
        'chat:write',
        'commands',
        'files:write',
        'groups:history',
        // Who may manage subscriptions: owners and admins, channel creators, SLACK_MANAGERS' user groups.
        'users:read',
        'channels:read',
        'groups:read',
        'usergroups:read',
      ].sort(),
    );
  });
});
