/**
 * `toprank digest run --type day|week|month [--date YYYY-MM-DD] [--slot <slot id>]`: runs the tick of
 * every matching slot now, for operators and backfills, with the scheduled tick's idempotency (the
 * same delivery ids), then posts what it queued. Returns the report to print.
 */
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { ToprankError } from '../errors.js';
import { runTick } from '../jobs/collect.js';
import { createDeliveryClaims } from '../jobs/delivery-claims.js';
import type { DeliverData } from '../jobs/queues.js';
import { createJobParts, type JobsSettled } from '../jobs/worker.js';
import { digestDeliveryId } from '../keys.js';
import { describePeriod, isValidDate, periodContaining, periodKey } from '../ranking/period.js';
import { rankTypes } from '../ranking/types.js';
import { parseSlotId } from '../subscriptions/slot.js';
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
  // The delivery jobs this run queued, and the deliveries each carries.
  const queued = new Map<string, string[]>();
  try {
    for (const slotId of slots) {
      const period = flags.date ? periodContaining(type.data, flags.date) : undefined;
      const carried: [string, readonly string[]][] = [];
      const outcome = await runTick(
        { ...base, log: deps.log, timing: deps.options?.timing },
        {
          slotId,
          period,
          firedAt: Date.now(),
          mode: 'manual',
          onQueued: (jobId, subscriptionIds) => carried.push([jobId, subscriptionIds]),
        },
      );
      const key = periodKey(outcome.period);
      for (const [jobId, ids] of carried)
        queued.set(
          jobId,
          ids.map((id) => digestDeliveryId(id, key)),
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
    }
    await deliverQueued(deps, [...queued.keys()]);
    lines.push(`Deliveries: ${settledWords(await digestsSettled(deps, queues.deliver, queued))}.`);
  } finally {
    await queues.close();
  }
  return lines.join('\n');
}

/**
 * The digests of the jobs, as their jobs ended: a completed job's were posted, found posted or passed
 * over (removed, paused); of a failed job's, those posted count as delivered and the rest as failed.
 */
async function digestsSettled(
  deps: JobsCliDeps,
  deliver: Queue<DeliverData>,
  jobs: ReadonlyMap<string, string[]>,
): Promise<JobsSettled> {
  const claims = createDeliveryClaims(deps.core.redis, deps.core.prefix);
  const settled: JobsSettled = { completed: 0, failed: 0, pending: 0 };
  for (const [jobId, deliveryIds] of jobs) {
    const state = (await (await deliver.getJob(jobId))?.getState()) ?? 'completed';
    if (state === 'completed') settled.completed += deliveryIds.length;
    else if (state !== 'failed') settled.pending += deliveryIds.length;
    else {
      const posted = (await claims.posted(deliveryIds)).filter(Boolean).length;
      settled.completed += posted;
      settled.failed += deliveryIds.length - posted;
    }
  }
  return settled;
}
