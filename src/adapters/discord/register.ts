/**
 * `toprank register`: every command of commands/ registered with one bulk overwrite (to one guild,
 * instantly, or globally), and the invite URL with exactly the scopes and permissions the bot needs.
 * Imports commands/ (the list) and discord.js REST; never the gateway client or src/jobs.
 */
import { DiscordAPIError, OAuth2Scopes, PermissionFlagsBits, REST, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { type Command, commands } from '../../../commands/index.js';
import { type Config, ConfigError } from '../../config.js';
import { commandsJson } from './command-json.js';
import { describeDiscordError } from './describe-discord-error.js';

export type DiscordRegisterConfig = Pick<
  Config,
  'DISCORD_TOKEN' | 'DISCORD_APPLICATION_ID' | 'DISCORD_GUILD_ID' | 'DISCORD_API_URL'
>;

export interface RegisterResult {
  /** `guild` when DISCORD_GUILD_ID is set (shows at once), else `global` (every server the bot is in). */
  scope: 'guild' | 'global';
  guildId: string | undefined;
  /** Names Discord now has, in order. */
  commands: string[];
}

/**
 * The permissions the bot asks for, and why each:
 * - View Channel: see the channel a subscription posts to;
 * - Send Messages: post digests and alerts there (interaction replies need no permission);
 * - Embed Links: leaderboards are embeds, which Discord strips without it.
 */
const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

/** `bot` adds the bot user (for channel posts); `applications.commands` lets it own slash commands. */
const BOT_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** The URL a server admin opens to add the bot. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: BOT_SCOPES.join(' '),
    permissions: String(BOT_PERMISSIONS),
  });
  return `https://discord.com/oauth2/authorize?${params}`;
}

/** Overwrites the application's commands with `list` (default: all of commands/). */
export async function registerDiscordCommands(
  config: DiscordRegisterConfig,
  log: Logger,
  list: readonly Command[] = commands,
): Promise<RegisterResult> {
  const token = config.DISCORD_TOKEN;
  const applicationId = config.DISCORD_APPLICATION_ID;
  if (!token || !applicationId) {
    throw new ConfigError(
      [
        !token && 'DISCORD_TOKEN is required to register commands (Developer Portal → Bot → Reset Token)',
        !applicationId &&
          'DISCORD_APPLICATION_ID is required to register commands (Developer Portal → General Information)',
      ].filter((p): p is string => typeof p === 'string'),
    );
  }
  const guildId = config.DISCORD_GUILD_ID;
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(token);
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  try {
    const saved = (await rest.put(route, { body: commandsJson(list) })) as { name: string }[];
    const result: RegisterResult = {
      scope: guildId ? 'guild' : 'global',
      guildId,
      commands: saved.map((c) => c.name),
    };
    log.info(result, 'discord commands registered');
    return result;
  } catch (error) {
    log.error(describeDiscordError(error), 'discord command registration refused');
    throw new Error(registrationHint(error, guildId));
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** One sentence naming the fix, without Discord's body (it echoes the request). */
function registrationHint(error: unknown, guildId: string | undefined): string {
  if (!(error instanceof DiscordAPIError)) {
    return 'Could not reach Discord to register the commands. Check the network (and DISCORD_API_URL if set).';
  }
  const what = `Discord refused the command registration (HTTP ${error.status}, code ${error.code})`;
  if (error.status === 401) return `${what}: DISCORD_TOKEN is wrong or was reset.`;
  if (error.code === 20012) return `${what}: DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN.`;
  if (error.status === 403 && guildId) {
    return `${what}: the bot is not in server ${guildId}; open the invite URL first, or unset DISCORD_GUILD_ID.`;
  }
  if (error.code === 50035) return `${what}: a command declaration breaks Discord's rules.`;
  return `${what}.`;
}
