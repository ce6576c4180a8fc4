/**
 * Pacing deliveries at each platform's documented limit, across every worker process: a Lua script
 * on Redis hands out send times spaced `intervalMs` apart per bucket (one bucket per Discord bot: 50
 * requests/s; one per Slack channel: about 1 message/s), and each send is admitted only while the
 * bucket's sends of the last second fit the limit (a sliding window of their times), so that sends
 * that went out late, after a busy moment in their process, do not bunch with those on time. No fixed
 * margin: the platforms' own feedback (a 429's Retry-After, an emptied bucket's reset) holds every
 * process back, and a 429 widens the spacing and the window a little (every Slack channel's at once),
 * narrowed back after a quiet spell: just wide enough for the jitter between our clock and the
 * platform's at the time, found with a few 429s.
 */

import { type Platform, parseChannelRef } from '../chat/channel-ref.js';
import type { RateLimitFeedback } from '../chat/chat-adapter.js';
import { paceFactorKey, paceHoldKey, paceKey, paceWindowKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { evalScript } from '../redis-script.js';

/**
 * A 429 widens a bucket's spacing by STEP, at most once per COOLDOWN_MS (the sends already reserved or
 * on the wire answer 429 together, and must not widen it again), up to MAX_FACTOR. A quiet spell after
 * the last widening (or narrowing) narrows it back by one STEP: the jitter that called for it (a busy
 * moment) may be gone, and a spacing kept wide for good costs its width on every send after it. The
 * spell is QUIET_SENDS sends' worth of the documented spacing, at most QUIET_MS: five minutes at
 * Discord's 50/s, and proportionally shorter for a bucket allowed more (a bot granted a higher global
 * limit proves its spacing faster).
 */
const STEP = 1.05;
const MAX_FACTOR = 2;
const COOLDOWN_MS = 3_000;
const QUIET_MS = 5 * 60_000;
const QUIET_SENDS = 15_000;
const FACTOR_TTL_SECONDS = 3600;

// The clock is Redis's, unless a virtual one is given (the bench's simulated Monday).
const clock = `
local now
if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;

// A send goes out only while the bucket's last sends fit the limit in any sliding second (a second
// widened by the factor, as the spacing is), the strictest reading of "N per second", and no platform
// hold is on: then it is recorded in the window (0). Else, the ms until it could (a hold's end, room).
// So a send that went out late, after a busy moment in its process, takes the room it left instead of
// bunching with the sends on time; the one send a second after it that finds no room reserves again.
const admitFunction = `
local function admit(holdKey, windowKey, span, capacity)
  local untilAt = tonumber(redis.call('GET', holdKey) or '0')
  if untilAt > now then return math.ceil(untilAt - now) end
  local oldest = redis.call('LINDEX', windowKey, -1)
  while oldest and now - tonumber(oldest) >= span do
    redis.call('RPOP', windowKey)
    oldest = redis.call('LINDEX', windowKey, -1)
  end
  if oldest and redis.call('LLEN', windowKey) >= capacity then
    return math.max(1, math.ceil(tonumber(oldest) + span - now))
  end
  redis.call('LPUSH', windowKey, tostring(now))
  redis.call('PEXPIRE', windowKey, math.ceil(span) + 1000)
  return 0
end`;

// Reserves the next free send time unless it lies beyond maxAhead: then says how long to wait instead.
// A send due now is admitted at once (a wait of 0), unless the window is at the limit: it waits for room.
const reserveScript = `${clock}${admitFunction}
local state = redis.call('HMGET', KEYS[2], 'factor', 'at', 'narrowedAt')
local factor = tonumber(state[1] or '1')
local quiet = math.min(${QUIET_MS}, ${QUIET_SENDS} * tonumber(ARGV[2]))
if factor > 1 and now - math.max(tonumber(state[2] or '0'), tonumber(state[3] or '0')) >= quiet then
  factor = math.max(1, factor / ${STEP})
  redis.call('HSET', KEYS[2], 'factor', tostring(factor), 'narrowedAt', tostring(now))
end
local interval = tonumber(ARGV[2]) * factor
local maxAhead = tonumber(ARGV[3])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if at - now > maxAhead then return {0, math.ceil(at - now - maxAhead)} end
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', math.ceil(at - now + interval + 1000))
if at - now >= 1 then return {1, math.floor(at - now)} end
return {1, admit(KEYS[3], KEYS[4], 1000 * factor, tonumber(ARGV[4]))}`;

// Just before a send reserved ahead of time: 1 when it may go.
const admitScript = `${clock}${admitFunction}
local factor = tonumber(redis.call('HGET', KEYS[2], 'factor') or '1')
return admit(KEYS[3], KEYS[4], 1000 * factor, tonumber(ARGV[2])) == 0 and 1 or 0`;

// Nothing is sent in the bucket before the platform's reset, even by sends reserved earlier (their
// admission checks the hold), and one slot more is left free for each refused request: the platform
// client (discord.js, our Slack poster) retries it when the wait ends, and the requests refused
// together retry together. A 429 also widens the spacing and the window.
const feedbackScript = `${clock}
local wait = tonumber(ARGV[2])
local factor = tonumber(redis.call('HGET', KEYS[2], 'factor') or '1')
local interval = tonumber(ARGV[4]) * factor
local resume = math.max(now + wait, tonumber(redis.call('GET', KEYS[3]) or '0')) + interval
local nextFree = math.max(resume, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(nextFree), 'PX', math.ceil(nextFree - now + 1000))
redis.call('SET', KEYS[3], tostring(resume), 'PX', math.ceil(resume - now + 1000))
local widenedAt = tonumber(redis.call('HGET', KEYS[2], 'at') or '0')
if ARGV[3] == '1' and now - widenedAt >= ${COOLDOWN_MS} then
  redis.call('HSET', KEYS[2], 'factor', tostring(math.min(${MAX_FACTOR}, factor * ${STEP})), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[2], ${FACTOR_TTL_SECONDS})
end
return 1`;

/**
 * Where a send must wait: sleep `waitMs` then ask to be admitted, or (not reserved) come back after
 * `waitMs`. A reserved wait of 0 is admitted already.
 */
export interface PaceDecision {
  reserved: boolean;
  waitMs: number;
}

export interface PacingRule {
  bucket: string;
  /**
   * Whose widened spacing the bucket keeps: the jitter a widening absorbs is our workers' own, the same
   * on every Slack channel, so one channel's 429 widens them all instead of each finding it anew.
   */
  spacing: string;
  intervalMs: number;
}

export interface PacingLimits {
  /** Discord: 50 requests/s per bot (https://discord.com/developers/docs/topics/rate-limits). */
  discordPerSecond: number;
  /** Slack chat.postMessage: about 1 message/s per channel (https://api.slack.com/methods/chat.postMessage). */
  slackPerChannelPerSecond: number;
}

/** The documented limits themselves: feedback, not a margin, keeps sends under them. */
export const DOCUMENTED_LIMITS: PacingLimits = { discordPerSecond: 50, slackPerChannelPerSecond: 1 };

/** The bucket and spacing that apply to a channel; undefined where nothing limits (the terminal). */
export function pacingRuleFor(channel: string, limits: PacingLimits): PacingRule | undefined {
  return ruleOf(parseChannelRef(channel).platform, channel, limits);
}

function ruleOf(platform: Platform, channel: string | undefined, limits: PacingLimits) {
  if (platform === 'discord')
    return { bucket: 'discord', spacing: 'discord', intervalMs: 1000 / limits.discordPerSecond };
  if (platform === 'slack' && channel)
    return { bucket: channel, spacing: 'slack', intervalMs: 1000 / limits.slackPerChannelPerSecond };
  return undefined;
}

/**
 * The shared bucket a platform's feedback holds back. A Discord route bucket (one channel's 5 posts per
 * 5 s) is already waited out by @discordjs/rest itself; only the bot's global limit is shared here.
 */
function feedbackRule(feedback: RateLimitFeedback, limits: PacingLimits): PacingRule | undefined {
  if (feedback.platform === 'discord' && feedback.channel !== undefined) return undefined;
  return ruleOf(feedback.platform, feedback.channel, limits);
}

export interface Pacer {
  reserve(rule: PacingRule): Promise<PaceDecision>;
  /**
   * Just before a send reserved ahead of time: whether it may go. Not after a 429 since, or when its
   * second is full already: it reserves again (past the hold, or at the end of the line).
   */
  admit(rule: PacingRule): Promise<boolean>;
  /** Holds the feedback's bucket back for every process; a 429 widens its spacing. */
  feedback(feedback: RateLimitFeedback, limits: PacingLimits): Promise<void>;
}

export interface PacerOptions {
  /**
   * Reservations further ahead than this give the job back to the queue (default 10 s): long enough that
   * a few processes of 50 deliveries each wait in place at 50/s instead of churning through the queue.
   */
  maxAheadMs?: number;
  /** A virtual clock in ms (the bench's simulation); default Redis's own time. */
  now?: () => number;
}

export function createPacer(redis: RedisClient, prefix: string, options: PacerOptions = {}): Pacer {
  const maxAheadMs = options.maxAheadMs ?? 10_000;
  const now = () => (options.now ? String(options.now()) : '');
  const keys = (rule: PacingRule) => [
    paceKey(prefix, rule.bucket),
    paceFactorKey(prefix, rule.spacing),
    paceHoldKey(prefix, rule.bucket),
    paceWindowKey(prefix, rule.bucket),
  ];
  // The sends a sliding second takes: the documented limit (at least one).
  const capacity = (rule: PacingRule) => String(Math.max(1, Math.floor(1000 / rule.intervalMs)));
  return {
    async reserve(rule) {
      const [reserved, waitMs] = (await evalScript(
        redis,
        reserveScript,
        4,
        ...keys(rule),
        now(),
        String(rule.intervalMs),
        String(maxAheadMs),
        capacity(rule),
      )) as [number, number];
      return { reserved: reserved === 1, waitMs: Number(waitMs) };
    },
    async admit(rule) {
      return (await evalScript(redis, admitScript, 4, ...keys(rule), now(), capacity(rule))) === 1;
    },
    async feedback(feedback, limits) {
      const rule = feedbackRule(feedback, limits);
      if (!rule) return;
      await evalScript(
        redis,
        feedbackScript,
        4,
        ...keys(rule),
        now(),
        String(feedback.retryAfterMs),
        feedback.limited ? '1' : '0',
        String(rule.intervalMs),
      );
    },
  };
}
