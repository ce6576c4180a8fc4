/**
 * `toprank export --subscription <id> --periods 8`: a subscription's leaderboard over its last periods,
 * from history only (no credit spent), as one CSV on stdout: one row per creator per period, with the
 * period, rank and KeyAPI's fields. Periods history does not hold are named on stderr.
 */
import { toCsv } from '../chat/leaderboard-csv.js';
import { ToprankError } from '../errors.js';
import { toRequest } from '../ranking/leaderboard-service.js';
import { describePeriod, latestCompletePeriod, periodContaining, toDateString } from '../ranking/period.js';
import type { Core } from '../services.js';
import { leaderboardQueryOf } from '../subscriptions/subscription.js';
import { parseFlags } from './jobs-cli.js';

export async function runExport(args: string[], core: Core, now: Date = new Date()): Promise<string> {
  const flags = parseFlags(args, ['subscription', 'periods'], 'export');
  const max = core.history.periods;
  const count = Number(flags.periods ?? 8);
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new ToprankError('invalid_option', {
      option: '--periods',
      ...(flags.periods !== undefined && { value: flags.periods }),
      allowed: `a whole number from 1 to ${max} (HISTORY_PERIODS)`,
    });
  }
  const id = flags.subscription;
  const sub = id ? await core.subscriptions.store.get(id) : undefined;
  if (!sub) throw new ToprankError('subscription_not_found', { subscriptionId: id ?? '' });
  const query = leaderboardQueryOf(sub.query);
  // The newest period history holds for this query, else the latest that can exist.
  const fallback = latestCompletePeriod(query.type, toDateString(now));
  const dates = await core.history.dates(toRequest(query, fallback, 1));
  const last = dates.length > 0 ? periodContaining(query.type, dates[dates.length - 1] as string) : fallback;
  const history = await core.rankHistory.load(query, last, {
    fetchMissing: false,
    count,
    depth: sub.query.limit,
  });
  const missing = history.periods.filter((p) => !p.rows).map((p) => describePeriod(p.period));
  if (missing.length > 0) {
    process.stderr.write(`Not in history (left out): ${missing.join('; ')}.\n`);
  }
  const rows = history.periods.flatMap((p) =>
    (p.rows ?? []).map((row) => ({
      lead: { period: p.period.date, rank: row.rank },
      raw: row.creator.raw,
    })),
  );
  return toCsv(rows).trimEnd();
}
