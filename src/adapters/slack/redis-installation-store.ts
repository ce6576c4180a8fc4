/**
 * Slack installations by OAuth, one Redis key per workspace (src/keys.ts): the bot's token, ids and
 * scopes, behind Bolt's `InstallationStore` interface so its installer and authorize() use it, and read
 * by every process (workers post with it). The token is stored, never logged or put in an error.
 * Must not import commands, the core or the jobs.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import { ToprankError } from '../../errors.js';
import { slackInstallationKey, slackInstallationsKey } from '../../keys.js';
import type { RedisClient } from '../../redis-connection.js';
import type { SlackBot, SlackBots } from './team-clients.js';

/** What is kept of an installation: no user token (the app asks for no user scopes). */
const storedSchema = z.object({
  team: z.object({ id: z.string(), name: z.string().optional() }),
  bot: z.object({ token: z.string(), id: z.string(), userId: z.string(), scopes: z.array(z.string()) }),
  appId: z.string().optional(),
  installedBy: z.string().optional(),
  installedAt: z.string(),
});

type StoredInstallation = z.output<typeof storedSchema>;

export interface SlackInstallations extends InstallationStore, SlackBots {
  /** Forgets a workspace's installation (app_uninstalled, tokens_revoked); false when there was none. */
  remove(teamId: string): Promise<boolean>;
  /** How many workspaces are installed. */
  count(): Promise<number>;
}

export function createRedisInstallationStore(
  redis: RedisClient,
  prefix: string,
  now: () => Date = () => new Date(),
): SlackInstallations {
  async function read(teamId: string): Promise<StoredInstallation | undefined> {
    const raw = await redis.get(slackInstallationKey(prefix, teamId));
    if (raw === null) return undefined;
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    // A record that does not parse is treated as no installation; its content (a token) is not echoed.
    return parsed.success ? parsed.data : undefined;
  }

  return {
    async storeInstallation(installation: Installation) {
      // An Enterprise Grid org install has no team; the redirect handler refuses it before it gets here.
      if (installation.isEnterpriseInstall || !installation.team?.id) {
        throw new ToprankError('slack_org_install_refused');
      }
      if (!installation.bot) throw new Error('Slack installation without a bot token (missing bot scopes)');
      const record: StoredInstallation = {
        team: { id: installation.team.id, ...(installation.team.name && { name: installation.team.name }) },
        bot: {
          token: installation.bot.token,
          id: installation.bot.id,
          userId: installation.bot.userId,
          scopes: installation.bot.scopes,
        },
        ...(installation.appId && { appId: installation.appId }),
        ...(installation.user?.id && { installedBy: installation.user.id }),
        installedAt: now().toISOString(),
      };
      await redis
        .multi()
        .set(slackInstallationKey(prefix, record.team.id), JSON.stringify(record))
        .sadd(slackInstallationsKey(prefix), record.team.id)
        .exec();
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const stored = query.teamId ? await read(query.teamId) : undefined;
      // Bolt's authorize() turns this into "not authorized": no listener runs for a workspace not installed.
      if (!stored) throw new Error(`no Slack installation for team ${query.teamId ?? '(none)'}`);
      return {
        team: stored.team,
        enterprise: undefined,
        user: { token: undefined, scopes: undefined, id: stored.installedBy ?? '' },
        bot: stored.bot,
        appId: stored.appId,
        tokenType: 'bot',
        isEnterpriseInstall: false,
        authVersion: 'v2',
      } satisfies Installation<'v2', false>;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (query.teamId) await this.remove(query.teamId);
    },

    async botFor(teamId): Promise<SlackBot | undefined> {
      const stored = await read(teamId);
      return stored && { token: stored.bot.token, botId: stored.bot.id, botUserId: stored.bot.userId };
    },

    async remove(teamId) {
      const [[, deleted] = []] =
        (await redis
          .multi()
          .del(slackInstallationKey(prefix, teamId))
          .srem(slackInstallationsKey(prefix), teamId)
          .exec()) ?? [];
      return deleted === 1;
    },

    count: () => redis.scard(slackInstallationsKey(prefix)),
  };
}
