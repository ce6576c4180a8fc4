/**
 * The identity of a team, the one place it is decided: a Discord server (guild id), a Slack workspace
 * (team id), or the terminal's one fixed team. Limits, prices and status are counted per team, so two
 * servers never share (or exhaust) each other's credits. Pure; imports channel references only.
 */
import { type ChannelRef, parseChannelRef } from './channel-ref.js';

/** A team as stored with subscriptions and counted by the credit limits: `discord:<guild>`, `slack:<team>`. */
export type TeamRef = string;

/** The terminal (demo, `toprank status`): one fixed team. */
const CONSOLE_TEAM: TeamRef = 'console:local';

/** A Discord interaction's team: its server, or for a direct message the member alone. */
export function discordTeam(guildId: string | null | undefined, userId: string): TeamRef {
  return guildId ? `discord:${guildId}` : `discord:dm-${userId}`;
}

/** A Slack request's team: its workspace. */
export function slackTeam(teamId: string): TeamRef {
  return `slack:${teamId}`;
}

/**
 * The team of a command's context: the one the adapter gave, else what the channel tells (a Slack
 * channel names its workspace; the terminal has one team). A Discord channel alone does not name its
 * server, so it stands for its own team.
 */
export function teamOf(channel: ChannelRef, given?: TeamRef): TeamRef {
  if (given) return given;
  const ref = parseChannelRef(channel);
  if (ref.platform === 'slack' && ref.team) return slackTeam(ref.team);
  if (ref.platform === 'console') return CONSOLE_TEAM;
  return `discord:channel-${ref.channel}`;
}

/** The Slack workspace id of a Slack team, else undefined. */
export function slackTeamId(team: TeamRef): string | undefined {
  return team.startsWith('slack:') ? team.slice('slack:'.length) : undefined;
}

/**
 * A team an operator names (`toprank team forget`, `subscriptions export --team`): `slack:T…` or
 * `discord:<guild id>`, or the bare id, whose shape tells the platform. Undefined when it is neither.
 */
export function parseTeamRef(text: string): TeamRef | undefined {
  const [, platform, id = ''] = /^(?:(slack|discord):)?(.+)$/.exec(text.trim()) ?? [];
  if (platform !== 'discord' && /^[TE][A-Z0-9]{2,20}$/.test(id)) return slackTeam(id);
  if (platform !== 'slack' && /^\d{15,21}$/.test(id)) return discordTeam(id, '');
  return undefined;
}

/** The team in words: "this server", "this workspace". */
export function describeTeam(team: TeamRef): string {
  if (team.startsWith('slack:')) return 'this workspace';
  if (team.startsWith('console:')) return 'this terminal';
  return team.startsWith('discord:dm-') ? 'your direct messages' : 'this server';
}
