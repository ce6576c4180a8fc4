/**
 * Pacing deliveries within each platform's documented limits, across every worker process: a Lua
 * script on Redis time hands out send times spaced `intervalMs` apart per bucket (one bucket per
 * Discord bot: 50 requests/s; one per Slack channel: about 1 message/s).
 */

import { parseChannelRef } from '../chat/channel-ref.js';
import { paceKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';

// Reserves the next free send time unless it lies beyond maxAhead: then says how long to wait instead.
const reserveScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, nextFree)
local interval = tonumber(ARGV[1])
local maxAhead = tonumber(ARGV[2])
if at - now > maxAhead then return {0, math.ceil(at - now - maxAhead)} end
redis.call('SET', KEYS[1], at + interval, 'PX', math.ceil(at - now + interval + 1000))
return {1, math.floor(at - now)}`;

/** Where a send must wait: sleep `waitMs` then send, or (not reserved) come back after `waitMs`. */
export interface PaceDecision {
  reserved: boolean;
  waitMs: number;
}

export interface PacingRule {
  bucket: string;
  intervalMs: number;
}

export interface PacingLimits {
  /** Discord: 50 requests/s per bot (https://discord.com/developers/docs/topics/rate-limits). */
  discordPerSecond: number;
  /** Slack chat.postMessage: about 1 message/s per channel (https://api.slack.com/methods/chat.postMessage). */
  slackPerChannelPerSecond: number;
}

/** The documented limits with a margin, since sends land a little after their reserved time. */
export const DOCUMENTED_LIMITS: PacingLimits = { discordPerSecond: 45, slackPerChannelPerSecond: 0.9 };

/** The bucket and spacing that apply to a channel; undefined where nothing limits (the terminal). */
export function pacingRuleFor(channel: string, limits: PacingLimits): PacingRule | undefined {
  const ref = parseChannelRef(channel);
  if (ref.platform === 'discord') return { bucket: 'discord', intervalMs: 1000 / limits.discordPerSecond };
  if (ref.platform === 'slack')
    return { bucket: channel, intervalMs: 1000 / limits.slackPerChannelPerSecond };
  return undefined;
}

export interface Pacer {
  reserve(rule: PacingRule): Promise<PaceDecision>;
}

export function createPacer(redis: RedisClient, prefix: string, maxAheadMs = 2_000): Pacer {
  return {
    async reserve(rule) {
      const [reserved, waitMs] = (await redis.eval(
        reserveScript,
        1,
        paceKey(prefix, rule.bucket),
        String(rule.intervalMs),
        String(maxAheadMs),
      )) as [number, number];
      return { reserved: reserved === 1, waitMs: Number(waitMs) };
    },
  };
}
