/**
 * The Slack app manifest, generated from `commands/`: every slash command with its usage hint, the bot
 * scopes the app uses and no others, the request URLs (HTTP mode) or Socket Mode, and with OAuth (many
 * workspaces) the redirect URL and the uninstall events.
 * Reads command declarations only; must not import Bolt's runtime, ranking or jobs.
 */
import { commands as allCommands, type Command, usageHint } from '../../../commands/index.js';

/** Where Slack sends commands and button clicks in HTTP mode (Bolt's receiver listens there). */
export const SLACK_EVENTS_PATH = '/slack/events';
/** OAuth (many workspaces): the "Add to Slack" page, and where Slack sends the installer back. */
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

/**
 * Bot scopes, each for a reason (docs/slack.md repeats them for whoever installs the app):
 * - `commands`: the slash commands;
 * - `chat:write`: digests and alerts posted by jobs (chat.postMessage) in channels the bot was invited to;
 * - `channels:history`, `groups:history`: before posting a digest again, read the channel's recent history
 *   for the delivery's metadata tag, so a retry never posts twice (public and private channels; direct
 *   messages take no subscriptions, so no `im:history`/`mpim:history`);
 * - `users:read`: whether who changes subscriptions is a workspace owner or admin (users.info);
 * - `channels:read`, `groups:read`: who created the channel (conversations.info), who may manage it too;
 * - `usergroups:read`: the members of user groups named in SLACK_MANAGERS (usergroups.users.list);
 * - `files:write`: charts and CSV files (files.getUploadURLExternal + files.completeUploadExternal), shared
 *   into the channel, or into the asker's direct message for the private Chart and CSV buttons.
 * Replies to commands and buttons go through response_url, which needs no scope.
 */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:history',
  'groups:history',
  'users:read',
  'channels:read',
  'groups:read',
  'usergroups:read',
  'files:write',
] as const;

export interface SlackManifestOptions {
  /** Socket Mode (no public URL) instead of HTTP request URLs. */
  socketMode: boolean;
  /**
   * Many workspaces (SLACK_CLIENT_ID…): the OAuth redirect URL, and the events that say a workspace
   * uninstalled the app or revoked its token. HTTP mode only.
   */
  oauth?: boolean;
  /** The app's public origin for HTTP mode, e.g. `https://toprank.example.com`. */
  baseUrl?: string | undefined;
  /** The app's name in Slack (default: toprank). */
  name?: string;
  /** The commands to list (default: all of `commands/`). */
  commands?: readonly Command[];
}

/** OAuth: the events that end a workspace's installation. */
const SLACK_OAUTH_EVENTS = ['app_uninstalled', 'tokens_revoked'] as const;

/** A placeholder that tells whoever installs the app what to put there. */
export const PLACEHOLDER_BASE_URL = 'https://YOUR-PUBLIC-HOST';

/** The slice of Slack's manifest schema this app fills in. */
export interface SlackManifest {
  display_information: { name: string; description: string; background_color: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    slash_commands: {
      command: string;
      description: string;
      usage_hint?: string;
      should_escape: boolean;
      url?: string;
    }[];
  };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[] } };
  settings: {
    event_subscriptions?: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

/** Builds the manifest. */
export function buildSlackManifest(options: SlackManifestOptions): SlackManifest {
  const name = options.name ?? 'toprank';
  const base = (options.baseUrl ?? PLACEHOLDER_BASE_URL).replace(/\/+$/, '');
  const requestUrl = options.socketMode ? undefined : `${base}${SLACK_EVENTS_PATH}`;
  const oauth = options.oauth === true && requestUrl !== undefined;
  return {
    display_information: {
      name,
      description: 'TikTok Shop influencer leaderboards, digests and alerts',
      background_color: '#1d1d1f',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      slash_commands: (options.commands ?? allCommands).map((command) => {
        const hint = usageHint(command);
        return {
          command: `/${command.name}`,
          description: command.description,
          ...(hint && { usage_hint: hint }),
          // The text arrives as typed: the key:value parser needs no <@U…> rewriting of names.
          should_escape: false,
          ...(requestUrl && { url: requestUrl }),
        };
      }),
    },
    oauth_config: {
      ...(oauth && { redirect_urls: [`${base}${SLACK_OAUTH_REDIRECT_PATH}`] }),
      scopes: { bot: [...SLACK_BOT_SCOPES] },
    },
    settings: {
      // Both events need no scope; each one forgets the workspace's installation (slack-oauth.ts).
      ...(oauth && { event_subscriptions: { request_url: requestUrl, bot_events: [...SLACK_OAUTH_EVENTS] } }),
      interactivity: { is_enabled: true, ...(requestUrl && { request_url: requestUrl }) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socketMode,
      token_rotation_enabled: false,
    },
  };
}
