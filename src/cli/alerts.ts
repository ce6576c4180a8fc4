/**
 * `toprank alerts run [--date YYYY-MM-DD]`: runs the rank alert check for that day (default: the latest
 * published) against the day before, and the watch check for every watched leaderboard's period
 * published as of that date, posting each alert at most once, as the scheduled check would (held
 * alerts whose quiet hours or daily cap are over go out too). Returns the report to print.
 */
import { ToprankError } from '../errors.js';
import { isHeldAlert, releaseHeldAlerts } from '../jobs/alert-flush.js';
import { runAlertCheck } from '../jobs/alerts.js';
import { runWatchCheck } from '../jobs/watch-check.js';
import { createJobParts } from '../jobs/worker.js';
import { addDays, isValidDate, toDateString } from '../ranking/period.js';
import { deliverQueued, type JobsCliDeps, parseFlags, settledWords } from './jobs-cli.js';

export async function runAlertsCommand(args: string[], deps: JobsCliDeps): Promise<string> {
  const [sub, ...rest] = args;
  if (sub !== 'run') throw new ToprankError('unknown_command', { command: `alerts ${sub ?? ''}`.trim() });
  const flags = parseFlags(rest, ['date'], 'alerts run');
  if (flags.date !== undefined && !isValidDate(flags.date)) {
    throw new ToprankError('invalid_option', {
      option: '--date',
      value: flags.date,
      allowed: 'a date YYYY-MM-DD',
    });
  }
  const { base, queues } = createJobParts(deps.core, deps.options);
  const jobIds: string[] = [];
  let report: string;
  try {
    const now = (deps.options?.now ?? (() => new Date()))();
    const released = await releaseHeldAlerts(queues.deliver, base.redis, base.prefix, now);
    const today = toDateString(now);
    const check = { ...base, log: deps.log };
    // Without a date: the latest day published, looking back a few days like /toprank does.
    const candidates = flags.date ? [flags.date] : [1, 2, 3, 4].map((n) => addDays(today, -n));
    jobIds.push(...released);
    let outcome = await runAlertCheck(check, { date: candidates[0], jobIds });
    for (const date of candidates.slice(1)) {
      if (outcome.unpublished < outcome.queries || outcome.queries === 0) break;
      outcome = await runAlertCheck(check, { date, jobIds });
    }
    const watch = await runWatchCheck(check, { date: flags.date, jobIds });
    report = [
      `Alert check for ${outcome.date}: ${outcome.queries} watched queries, ${outcome.unpublished} not published yet, ${outcome.queued} alert messages queued.`,
      `Watch check: ${watch.boards} watched leaderboards, ${watch.unpublished} not published yet, ${watch.queued} watch alert messages queued.`,
      ...(released.length > 0
        ? [`${released.length} held alert messages released (quiet hours or the daily cap are over).`]
        : []),
    ].join('\n');
  } finally {
    await queues.close();
  }
  const { redis, prefix } = deps.core;
  const settled = await deliverQueued(deps, jobIds, (id) => isHeldAlert(redis, prefix, id));
  return `${report}\nDeliveries: ${settledWords(settled)}.`;
}
