/**
 * The Web API clients of each Slack workspace, made with that workspace's bot token: one workspace's
 * token (SLACK_BOT_TOKEN) for every team, or each installation's (OAuth). Clients are kept for the most
 * recently used workspaces only, and made again when a reinstall changed the token. Must not import
 * commands, the core or the jobs.
 */
import { webApi } from '@slack/bolt';

/** A workspace's bot: what posting and the duplicate check need. */
export interface SlackBot {
  token: string;
  /** The bot's id (`B…`): only its messages count as earlier posts of a delivery. */
  botId?: string | undefined;
  botUserId?: string | undefined;
}

/** Where the bot of a workspace comes from; undefined when the app is not installed there. */
export interface SlackBots {
  botFor(teamId: string): Promise<SlackBot | undefined>;
}

/** A workspace's clients, each with the retries its calls can bear. */
export interface TeamClients {
  bot: SlackBot;
  /** Reads (history, users.info…): retried, since reading twice is harmless. */
  reader: webApi.WebClient;
  /** Writes other than digests (answers in direct messages, file uploads): never re-sent after a timeout or 5xx. */
  writer: webApi.WebClient;
  /** chat.postMessage for jobs: not retried at all, a 429 comes back to slack-poster.ts to wait out. */
  poster: webApi.WebClient;
}

export interface TeamClientsSource {
  /** The workspace's clients, or undefined when the app is not installed there. */
  forTeam(teamId: string): Promise<TeamClients | undefined>;
}

/** Enough for the workspaces active at once; an evicted one costs one Redis read and new clients. */
const CAPACITY = 500;

export function createTeamClients(
  bots: SlackBots,
  clientOptions: webApi.WebClientOptions,
  capacity = CAPACITY,
): TeamClientsSource {
  const cache = new Map<string, TeamClients>();

  function make(bot: SlackBot): TeamClients {
    return {
      bot,
      reader: new webApi.WebClient(bot.token, clientOptions),
      // A retry after a timeout or a 5xx may repeat what Slack did post; a 429 (nothing posted) is waited out.
      writer: new webApi.WebClient(bot.token, { ...clientOptions, retryConfig: { retries: 0 } }),
      poster: new webApi.WebClient(bot.token, {
        ...clientOptions,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      }),
    };
  }

  return {
    async forTeam(teamId) {
      const bot = await bots.botFor(teamId);
      if (!bot) {
        cache.delete(teamId);
        return undefined;
      }
      let clients = cache.get(teamId);
      if (!clients || clients.bot.token !== bot.token) clients = make(bot);
      else clients = { ...clients, bot };
      // Most recently used last: the first key is the one to evict.
      cache.delete(teamId);
      cache.set(teamId, clients);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return clients;
    },
  };
}
