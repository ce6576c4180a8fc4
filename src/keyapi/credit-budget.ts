/**
 * Credits under control, counted in Redis so every process of a deployment shares one count: the
 * operator's daily cap (KEYAPI_DAILY_CREDIT_LIMIT, per UTC day), of which KEYAPI_DIGEST_RESERVE is
 * kept for scheduled work, and the fair limits on interactive commands (per member and per channel
 * each UTC hour, per team each UTC day). Charged in the client's beforeRequest hook, so only requests
 * really sent count: a cached page is free and never limited. Imports the spender and the key builders.
 */

import type { Logger } from 'pino';
import { ToprankError } from '../errors.js';
import { creditsChannelKey, creditsKey, creditsTeamKey, creditsUserKey } from '../keys.js';
import { currentSpender } from './spender.js';

/** Why a request was refused: which limit was reached. */
export type RefusalReason = 'user' | 'channel' | 'team' | 'reserve' | 'daily';

/** The limits, each 0 for none. */
export interface CreditLimits {
  /** KEYAPI_DAILY_CREDIT_LIMIT: every request of a UTC day. */
  daily: number;
  /** KEYAPI_DIGEST_RESERVE: the part of `daily` interactive commands may not touch. */
  digestReserve: number;
  perUserHour: number;
  perChannelHour: number;
  perTeamDay: number;
}

/** One counted limit as /toprank-status shows it. */
export interface CreditUsage {
  scope: 'user' | 'channel' | 'team' | 'daily';
  spent: number;
  /** 0 = no limit. */
  limit: number;
  resetsAt: Date;
}

import type { RedisClient } from '../redis-connection.js';

export interface CreditBudget {
  readonly limits: CreditLimits;
  /** Claims one credit for a request about to be sent; throws credit_limit_reached or credit_budget_exhausted. */
  take(): Promise<void>;
  /** Today's and this hour's counts for a member, channel and team, and the operator's day. */
  usage(who: { user: string; channel: string; team: string }): Promise<CreditUsage[]>;
}

export interface CreditBudgetOptions {
  redis: RedisClient;
  prefix: string;
  limits: CreditLimits;
  log: Logger;
  now?: () => Date;
  /** Sees each refusal, by reason (metrics). */
  onRefused?: (reason: RefusalReason) => void;
  /** Sees each credit taken, by kind of spender (metrics). */
  onSpent?: (kind: 'interactive' | 'scheduled') => void;
}

/**
 * Check every limit and count in one step, so two processes can never both take the last credit.
 * KEYS: daily, then (interactive) user, channel, team. ARGV: daily cap, interactive cap, user, channel,
 * team limits (0 = none), then the hour's and the day's expiry in seconds.
 */
const takeScript = `
local function spent(key) return tonumber(redis.call('GET', key) or '0') end
local daily = spent(KEYS[1])
if #KEYS > 1 then
  local limits = { {KEYS[2], ARGV[3], 'user'}, {KEYS[3], ARGV[4], 'channel'}, {KEYS[4], ARGV[5], 'team'} }
  for _, l in ipairs(limits) do
    local limit = tonumber(l[2])
    if limit > 0 and spent(l[1]) >= limit then return l[3] end
  end
end
if tonumber(ARGV[1]) > 0 and daily >= tonumber(ARGV[1]) then return 'daily' end
if #KEYS > 1 and tonumber(ARGV[1]) > 0 and daily >= tonumber(ARGV[2]) then return 'reserve' end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then
    redis.call('EXPIRE', key, (i == 2 or i == 3) and ARGV[6] or ARGV[7])
  end
end
return 'ok'`;

const HOUR_MS = 3600_000;

/** The UTC hour (`2026-11-25T09`) and day of a moment, and when each ends. */
function windows(at: Date) {
  const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
  const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return {
    hour: at.toISOString().slice(0, 13),
    day: at.toISOString().slice(0, 10),
    hourEnds: new Date(hourStart + HOUR_MS),
    dayEnds: new Date(dayStart + 24 * HOUR_MS),
  };
}

/** "10:00 UTC": a reset as users read it. */
export function describeReset(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}

export function createCreditBudget(options: CreditBudgetOptions): CreditBudget {
  const { redis, prefix, limits, log, onRefused, onSpent } = options;
  const now = options.now ?? (() => new Date());
  const interactiveCap = Math.max(limits.daily - limits.digestReserve, 0);
  let warnedDay: string | undefined;
  let warnedOutage = false;

  function refuse(reason: RefusalReason, at: ReturnType<typeof windows>): never {
    onRefused?.(reason);
    if (reason === 'daily') {
      // Said once a day per process, not once per refused request.
      if (warnedDay !== at.day) {
        warnedDay = at.day;
        log.warn(
          { limit: limits.daily, day: at.day },
          'daily KeyAPI credit budget reached; refusing upstream requests until 00:00 UTC',
        );
      }
      throw new ToprankError('credit_budget_exhausted', { limit: limits.daily });
    }
    const limit = {
      user: limits.perUserHour,
      channel: limits.perChannelHour,
      team: limits.perTeamDay,
      reserve: interactiveCap,
    }[reason];
    const resets = reason === 'user' || reason === 'channel' ? at.hourEnds : at.dayEnds;
    throw new ToprankError('credit_limit_reached', { reason, limit, resetsAt: describeReset(resets) });
  }

  return {
    limits,
    async take() {
      const spender = currentSpender();
      const at = windows(now());
      const interactive = spender.kind === 'interactive';
      const keys = [creditsKey(prefix, at.day)];
      if (interactive) {
        keys.push(
          creditsUserKey(prefix, spender.team, spender.user, at.hour),
          creditsChannelKey(prefix, spender.team, spender.channel, at.hour),
          creditsTeamKey(prefix, spender.team, at.day),
        );
      }
      let result: string;
      try {
        result = (await redis.eval(
          takeScript,
          keys.length,
          ...keys,
          limits.daily,
          interactiveCap,
          limits.perUserHour,
          limits.perChannelHour,
          limits.perTeamDay,
          2 * 3600,
          2 * 24 * 3600,
        )) as string;
      } catch (error) {
        // Like the page cache, the limits cannot be counted while Redis is down; leaderboards keep working.
        if (!warnedOutage) log.warn({ err: (error as Error).message }, 'credits not counted: Redis is down');
        warnedOutage = true;
        return;
      }
      warnedOutage = false;
      if (result !== 'ok') refuse(result as RefusalReason, at);
      onSpent?.(spender.kind);
    },
    async usage(who) {
      const at = windows(now());
      const keys = [
        creditsUserKey(prefix, who.team, who.user, at.hour),
        creditsChannelKey(prefix, who.team, who.channel, at.hour),
        creditsTeamKey(prefix, who.team, at.day),
        creditsKey(prefix, at.day),
      ];
      const [user, channel, team, daily] = (await redis.mget(...keys)).map((v) => Number(v ?? 0));
      return [
        { scope: 'user', spent: user ?? 0, limit: limits.perUserHour, resetsAt: at.hourEnds },
        { scope: 'channel', spent: channel ?? 0, limit: limits.perChannelHour, resetsAt: at.hourEnds },
        { scope: 'team', spent: team ?? 0, limit: limits.perTeamDay, resetsAt: at.dayEnds },
        { scope: 'daily', spent: daily ?? 0, limit: limits.daily, resetsAt: at.dayEnds },
      ];
    },
  };
}
