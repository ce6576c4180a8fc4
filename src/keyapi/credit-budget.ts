/**
 * The daily credit budget (KEYAPI_DAILY_CREDIT_LIMIT): upstream requests are counted per UTC day in
 * Redis, so the limit holds across every process of a deployment. Once the day's count reaches the
 * limit, further requests are refused before they are sent; cached leaderboards keep working.
 */

import type { Logger } from 'pino';
import { ToprankError } from '../errors.js';
import type { RedisClient } from '../redis-connection.js';

export interface CreditBudget {
  /** Claims one credit for a request about to be sent; throws credit_budget_exhausted when none is left. */
  take(): Promise<void>;
}

export interface CreditBudgetOptions {
  redis: RedisClient;
  prefix: string;
  /** Requests allowed per UTC day. */
  limit: number;
  log: Logger;
  now?: () => Date;
  /** Sees each refusal (metrics). */
  onRefused?: () => void;
}

// Check and count in one step, so two processes can never both take the last credit.
const takeScript = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
if spent >= tonumber(ARGV[1]) then return -1 end
spent = redis.call('INCR', KEYS[1])
if spent == 1 then redis.call('EXPIRE', KEYS[1], 172800) end
return spent`;

export function createCreditBudget(options: CreditBudgetOptions): CreditBudget {
  const { redis, prefix, limit, log, onRefused } = options;
  const now = options.now ?? (() => new Date());
  const keyFor = (day: string) => `${prefix}:credits:${day}`;
  let warnedDay: string | undefined;

  return {
    async take() {
      const day = now().toISOString().slice(0, 10);
      const spent = (await redis.eval(takeScript, 1, keyFor(day), limit)) as number;
      if (spent !== -1) return;
      onRefused?.();
      // Said once a day per process, not once per refused request.
      if (warnedDay !== day) {
        warnedDay = day;
        log.warn(
          { limit, day },
          'daily KeyAPI credit budget reached; refusing upstream requests until 00:00 UTC',
        );
      }
      throw new ToprankError('credit_budget_exhausted', { limit });
    },
  };
}
