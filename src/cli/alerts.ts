/**
 * `toprank alerts run [--date YYYY-MM-DD]`: runs the alert check for that day (default: the latest
 * published) against the day before, posting each event at most once, as the scheduled check would.
 * Returns the report to print.
 */
import { ToprankError } from '../errors.js';
import { runAlertCheck } from '../jobs/alerts.js';
import { createJobParts } from '../jobs/worker.js';
import { alertJobId } from '../keys.js';
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
    const today = toDateString((deps.options?.now ?? (() => new Date()))());
    // Without a date: the latest day published, looking back a few days like /toprank does.
    const candidates = flags.date ? [flags.date] : [1, 2, 3, 4].map((n) => addDays(today, -n));
    let outcome = await runAlertCheck({ ...base, log: deps.log }, { date: candidates[0] });
    for (const date of candidates.slice(1)) {
      if (outcome.unpublished < outcome.queries || outcome.queries === 0) break;
      outcome = await runAlertCheck({ ...base, log: deps.log }, { date });
    }
    report = `Alert check for ${outcome.date}: ${outcome.queries} watched queries, ${outcome.unpublished} not published yet, ${outcome.queued} alert messages queued.`;
    for (const sub of await deps.core.subscriptions.store.listAlerting()) {
      const id = alertJobId(sub.id, outcome.date);
      if (await queues.deliver.getJob(id)) jobIds.push(id);
    }
  } finally {
    await queues.close();
  }
  const settled = await deliverQueued(deps, jobIds);
  return `${report}\nDeliveries: ${settledWords(settled)}.`;
}
