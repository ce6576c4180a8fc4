/**
 * `toprank digest run --type day|week|month [--date YYYY-MM-DD] [--slot <slot id>]`: runs the tick of
 * every matching slot now, for operators and backfills, with the scheduled tick's idempotency (the
 * same delivery ids), then posts what it queued. Returns the report to print.
 */
import { z } from 'zod';
import { ToprankError } from '../errors.js';
import { runTick } from '../jobs/collect.js';
import { TICK_BATCH } from '../jobs/tick-pass.js';
import { createJobParts } from '../jobs/worker.js';
import { digestJobId } from '../keys.js';
import { describePeriod, isValidDate, periodContaining, periodKey } from '../ranking/period.js';
import { rankTypes } from '../ranking/types.js';
import { parseSlotId } from '../subscriptions/slot.js';
import { scanSteps } from '../subscriptions/subscription-store.js';
import { deliverQueued, type JobsCliDeps, parseFlags, settledWords } from './jobs-cli.js';

const typeSchema = z.enum(rankTypes as ['day', 'week', 'month']);

export async function runDigestCommand(args: string[], deps: JobsCliDeps): Promise<string> {
  const [sub, ...rest] = args;
  if (sub !== 'run') throw new ToprankError('unknown_command', { command: `digest ${sub ?? ''}`.trim() });
  const flags = parseFlags(rest, ['type', 'date', 'slot'], 'digest run');
  const type = typeSchema.safeParse(flags.type);
  if (!type.success)
    throw new ToprankError('invalid_option', { option: '--type', allowed: 'day, week or month' });
  if (flags.date !== undefined && !isValidDate(flags.date)) {
    throw new ToprankError('invalid_option', {
      option: '--date',
      value: flags.date,
      allowed: 'a date YYYY-MM-DD',
    });
  }
  const slots = (await deps.core.subscriptions.store.listSlots()).filter(
    (id) => parseSlotId(id).cadence === type.data && (flags.slot === undefined || id === flags.slot),
  );
  if (slots.length === 0)
    return `No ${type.data} subscriptions${flags.slot ? ` in slot ${flags.slot}` : ''}: nothing to run.`;

  const { base, queues } = createJobParts(deps.core, deps.options);
  const lines: string[] = [];
  const jobIds = new Set<string>();
  try {
    for (const slotId of slots) {
      const period = flags.date ? periodContaining(type.data, flags.date) : undefined;
      const outcome = await runTick(
        { ...base, log: deps.log, timing: deps.options?.timing },
        { slotId, period, firedAt: Date.now(), mode: 'manual' },
      );
      const when = describePeriod(outcome.period);
      if (outcome.status === 'skipped') {
        // Manual runs go past a slot skipped as too late; only a slot whose digests were queued stops here.
        lines.push(`${slotId}: ${when} already ran and queued its digests; they are not sent twice.`);
        continue;
      }
      if (outcome.status === 'done') {
        lines.push(
          `${slotId}: ${when}: ${outcome.queries} distinct queries, ${outcome.queued} digests queued.`,
        );
      } else if (outcome.status === 'not_published') {
        const missing = [
          outcome.unpublished > 0 && `is not published yet for ${outcome.unpublished} queries`,
          outcome.unreachable > 0 && `could not be fetched from KeyAPI for ${outcome.unreachable} queries`,
        ].filter(Boolean);
        lines.push(
          `${slotId}: ${when} ${missing.join(' and ')}; those were not sent (${outcome.queued} digests queued).`,
        );
      }
      // The slot's ids, a scan step at a time: its records are the delivery jobs' to read. A scan may
      // return an id twice; its job is waited for once.
      const { store } = deps.core.subscriptions;
      for await (const step of scanSteps((cursor) => store.scanSlot(slotId, cursor, TICK_BATCH))) {
        for (const subscriptionId of step.ids) {
          const id = digestJobId(subscriptionId, periodKey(outcome.period));
          if (!jobIds.has(id) && (await queues.deliver.getJob(id))) jobIds.add(id);
        }
      }
    }
  } finally {
    await queues.close();
  }
  const settled = await deliverQueued(deps, [...jobIds]);
  lines.push(`Deliveries: ${settledWords(settled)}.`);
  return lines.join('\n');
}
