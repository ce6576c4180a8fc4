/**
 * `toprank register [--url https://host]`: Discord's slash commands (one bulk overwrite, guild or
 * global), the invite URL and the Interactions Endpoint URL for HTTP interactions; or, with `--slack-manifest [file] [--url https://host] [--socket-mode | --oauth]`, the Slack app manifest
 * as JSON (which Slack's "create from manifest" accepts; `--oauth` for many workspaces), to the file or to stdout.
 */
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DISCORD_INTERACTIONS_PATH } from '../adapters/discord/interactions-endpoint.js';
import { inviteUrl, registerDiscordCommands } from '../adapters/discord/register.js';
import { buildSlackManifest, PLACEHOLDER_BASE_URL } from '../adapters/slack/manifest.js';
import type { Config } from '../config.js';
import { ToprankError } from '../errors.js';

const flags = '--slack-manifest [file], --url https://your-host, --socket-mode, --oauth';

/** Runs the registration; returns what to print. */
export async function runRegister(args: string[], config: Config, log: Logger): Promise<string> {
  const rest = [...args];
  /** Removes a flag (and its value, when it takes one and has one) from `rest`. */
  const take = (flag: string, withValue: boolean): string | true | undefined => {
    const at = rest.indexOf(flag);
    if (at === -1) return undefined;
    const next = rest[at + 1];
    const value = withValue && next !== undefined && !next.startsWith('--') ? next : undefined;
    rest.splice(at, value === undefined ? 1 : 2);
    return value ?? true;
  };
  const manifest = take('--slack-manifest', true);
  const url = take('--url', true);
  const socketMode = take('--socket-mode', false) === true;
  const oauth = take('--oauth', false) === true || config.SLACK_CLIENT_ID !== undefined;
  if (rest.length > 0 || url === true) {
    throw new ToprankError('unknown_flag', {
      option: rest[0] ?? '--url',
      command: 'register',
      allowed: flags,
    });
  }

  if (manifest !== undefined) {
    if (oauth && socketMode) {
      throw new ToprankError('invalid_option', {
        option: '--socket-mode',
        allowed:
          'left out with --oauth (an app installed in many workspaces receives its requests over HTTP)',
      });
    }
    const json = JSON.stringify(
      buildSlackManifest({
        // OAuth apps are served over HTTP; SLACK_APP_TOKEN does not go with SLACK_CLIENT_ID (config.ts).
        socketMode: !oauth && (socketMode || config.SLACK_APP_TOKEN !== undefined),
        oauth,
        baseUrl: typeof url === 'string' ? url : undefined,
      }),
      null,
      2,
    );
    if (manifest === true) return json;
    await writeFile(manifest, `${json}\n`, 'utf8');
    return `Slack app manifest written to ${manifest}. Create the app from it at https://api.slack.com/apps.`;
  }

  const result = await registerDiscordCommands(config, log);
  const where =
    result.scope === 'guild'
      ? `to server ${result.guildId} (instant)`
      : 'globally (can take up to an hour to show)';
  const base = (typeof url === 'string' ? url : PLACEHOLDER_BASE_URL).replace(/\/+$/, '');
  return [
    `Registered ${result.commands.map((c) => `/${c}`).join(', ')} ${where}.`,
    `Invite the bot: ${inviteUrl(config.DISCORD_APPLICATION_ID ?? '')}`,
    `Interactions over HTTP (with DISCORD_PUBLIC_KEY): In the Developer Portal, General Information, set the Interactions Endpoint URL to ${base}${DISCORD_INTERACTIONS_PATH}`,
  ].join('\n');
}
