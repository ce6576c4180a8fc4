/**
 * Channel references: one string naming a channel on any platform, safe to store and to put in a job:
 * `discord:<channel>`, `slack:<team>:<channel>`, `console:<name>`.
 */

export type Platform = 'discord' | 'slack' | 'console';

/** A channel, as stored in subscriptions and job payloads. */
export type ChannelRef = string;

export interface ParsedChannelRef {
  platform: Platform;
  /** The Slack team; undefined elsewhere. */
  team: string | undefined;
  channel: string;
}

export function discordChannel(channel: string): ChannelRef {
  return `discord:${channel}`;
}

export function slackChannel(team: string, channel: string): ChannelRef {
  return `slack:${team}:${channel}`;
}

export function consoleChannel(name: string): ChannelRef {
  return `console:${name}`;
}

/** Splits a reference; throws on one that no adapter could have made. */
export function parseChannelRef(ref: ChannelRef): ParsedChannelRef {
  const parts = ref.split(':');
  if (parts[0] === 'slack' && parts.length === 3 && parts[1] && parts[2]) {
    return { platform: 'slack', team: parts[1], channel: parts[2] };
  }
  if ((parts[0] === 'discord' || parts[0] === 'console') && parts.length === 2 && parts[1]) {
    return { platform: parts[0], team: undefined, channel: parts[1] };
  }
  throw new Error(`not a channel reference: ${ref}`);
}
