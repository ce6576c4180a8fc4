/**
 * Who may change a Slack channel's settings (its subscriptions): workspace owners and admins
 * (users.info), the channel's creator (conversations.info), and the users and user groups listed in
 * SLACK_MANAGERS (usergroups.users.list), each asked with the workspace's own token. Answers are cached
 * briefly, per workspace, so a command costs a Web API call or two at most. Must not import commands, the
 * core or the jobs.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/** How long an answer of Slack's is trusted: a demoted admin loses the right within a minute. */
const ANSWER_TTL_MS = 60_000;
/** Enough for every active user and channel of a large workspace; the oldest answers go first. */
const CACHE_CAPACITY = 5_000;

export interface SlackManagers {
  /** True when this user may change this channel's settings. A Slack failure counts as no (logged). */
  canManage(teamId: string, userId: string, channelId: string): Promise<boolean>;
}

export interface SlackManagersConfig {
  /** The client that asks a workspace's questions (with its token); undefined when not installed there. */
  clientFor(teamId: string): Promise<webApi.WebClient | undefined>;
  /** SLACK_MANAGERS: user ids (`U…`, `W…`) and user-group ids (`S…`). */
  managers: readonly string[];
  log: Logger;
  now?: () => number;
}

export function createSlackManagers(config: SlackManagersConfig): SlackManagers {
  const { log } = config;
  const now = config.now ?? Date.now;
  const users = new Set(config.managers.filter((id) => !id.startsWith('S')));
  const groups = config.managers.filter((id) => id.startsWith('S'));
  const answers = new Map<string, { at: number; value: Promise<unknown> }>();

  /** One Web API answer per key and minute; a failed call is not remembered. */
  function cached<T>(key: string, ask: () => Promise<T>): Promise<T> {
    const hit = answers.get(key);
    if (hit && now() - hit.at < ANSWER_TTL_MS) return hit.value as Promise<T>;
    const value = ask();
    answers.delete(key);
    answers.set(key, { at: now(), value });
    if (answers.size > CACHE_CAPACITY) answers.delete(answers.keys().next().value as string);
    value.catch(() => {
      if (answers.get(key)?.value === value) answers.delete(key);
    });
    return value;
  }

  /** A refused or failed call counts as no; the log names Slack's error (and a missing scope). */
  async function orNo(method: string, check: () => Promise<boolean>): Promise<boolean> {
    try {
      return await check();
    } catch (error) {
      const data = (error as { data?: { error?: string; needed?: string } }).data;
      log.warn({ method, slackError: data?.error, needed: data?.needed }, 'slack could not say who manages');
      return false;
    }
  }

  /** The workspace's client; a workspace without an installation cannot be asked (counts as no). */
  async function clientOf(teamId: string): Promise<webApi.WebClient> {
    const client = await config.clientFor(teamId);
    if (!client) throw new Error(`no Slack installation for team ${teamId}`);
    return client;
  }

  const isAdmin = (teamId: string, userId: string) =>
    cached(`${teamId}:user:${userId}`, async () => {
      const { user } = await (await clientOf(teamId)).users.info({ user: userId });
      return user?.is_owner === true || user?.is_admin === true || user?.is_primary_owner === true;
    });
  const creatorOf = (teamId: string, channelId: string) =>
    cached(`${teamId}:channel:${channelId}`, async () => {
      const { channel } = await (await clientOf(teamId)).conversations.info({ channel: channelId });
      return channel?.creator;
    });
  const membersOf = (teamId: string, groupId: string) =>
    cached(`${teamId}:group:${groupId}`, async () => {
      const { users: members } = await (await clientOf(teamId)).usergroups.users.list({ usergroup: groupId });
      return members ?? [];
    });

  return {
    async canManage(teamId, userId, channelId) {
      if (users.has(userId)) return true;
      if (await orNo('users.info', () => isAdmin(teamId, userId))) return true;
      if (await orNo('conversations.info', async () => (await creatorOf(teamId, channelId)) === userId)) {
        return true;
      }
      for (const group of groups) {
        if (
          await orNo('usergroups.users.list', async () => (await membersOf(teamId, group)).includes(userId))
        ) {
          return true;
        }
      }
      return false;
    },
  };
}
