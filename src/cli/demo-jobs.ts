/**
 * The demo tour's second half: subscribe the terminal channel to a weekly digest with alerts, run a
 * weekly tick and an alert check through real BullMQ workers on the demo's Redis, and show what they
 * post to the channel. Leaves no subscription or scheduler behind.
 */
import { type CommandContext, runTextCommand } from '../../commands/index.js';
import { createConsoleAdapter } from '../adapters/console/console-adapter.js';
import { renderConsole } from '../adapters/console/render.js';
import { targetPeriod } from '../jobs/tick-state.js';
import { type JobsCore, startWorkers, waitForJobs } from '../jobs/worker.js';
import {
  alertCheckJobId,
  alertJobId,
  alertsCheckedKey,
  digestJobId,
  tickDoneKey,
  tickJobId,
  tickStartedKey,
} from '../keys.js';
import { addDays, periodKey, toDateString } from '../ranking/period.js';
import { parseSlotId } from '../subscriptions/slot.js';
import { dailyQuery, queryHash, slotIdOf } from '../subscriptions/subscription.js';
import type { DemoIo } from './demo.js';

const DEMO_SUBSCRIBE =
  '/toprank-subscribe region:US type:week by:sales limit:5 time:09:00 timezone:UTC alerts:on alert_climb:3';

async function clearDemoSubscriptions(ctx: CommandContext): Promise<void> {
  const { store, schedules } = ctx.services.subscriptions;
  for (const sub of await store.listByChannel(ctx.channel)) {
    await store.remove(sub.id);
    await schedules.release(slotIdOf(sub));
  }
}

/** Runs the jobs part of the tour; `core` is the demo's (its Redis and sample KeyAPI). */
export async function runJobsTour(ctx: CommandContext, io: DemoIo, core: JobsCore): Promise<void> {
  const print = (text: string) => io.output.write(`${text}\n`);
  await clearDemoSubscriptions(ctx);
  const [name = '', ...rest] = DEMO_SUBSCRIBE.split(' ');
  print(
    `\n# First a preview: the digest as it would be posted now, and its price; nothing is subscribed\n> ${DEMO_SUBSCRIBE} preview:on`,
  );
  print(renderConsole(await runTextCommand(name, `${rest.join(' ')} preview:on`, ctx)));
  print(
    `\n# Subscribe this channel to a weekly digest, with daily rank alerts: the answer states the price\n> ${DEMO_SUBSCRIBE}`,
  );
  print(renderConsole(await runTextCommand(name, rest.join(' '), ctx)));
  print('\n# What this channel is subscribed to\n> /toprank-subscriptions');
  print(renderConsole(await runTextCommand('/toprank-subscriptions', '', ctx)));
  const [sub] = await ctx.services.subscriptions.store.listByChannel(ctx.channel);
  if (!sub) return;

  const slotId = slotIdOf(sub);
  const firedAt = Date.now();
  const period = targetPeriod(parseSlotId(slotId), firedAt);
  const day = addDays(toDateString(new Date()), -1);
  // The demo replays "Monday 09:00" now: forget earlier demo runs of this slot and of the alert day.
  await core.redis.del(
    tickStartedKey(core.prefix, slotId, periodKey(period)),
    tickDoneKey(core.prefix, slotId, periodKey(period)),
    alertsCheckedKey(core.prefix, queryHash(dailyQuery(sub.query)), day),
  );
  const workers = await startWorkers({
    core,
    adapters: new Map([['console', createConsoleAdapter({ output: io.output, channels: [ctx.channel] })]]),
    log: ctx.log,
    options: { reconcile: false, alertCheckPattern: null, sample: true },
  });
  try {
    print('\n# Monday 09:00: the weekly tick fetches the ranking once and posts the digest to the channel');
    const tick = tickJobId(slotId, firedAt);
    await workers.queues.tick.add('tick', { slotId, firedAt }, { jobId: tick });
    await waitForJobs(workers.queues.tick, [tick], 30_000);
    await waitForJobs(workers.queues.deliver, [digestJobId(sub.id, periodKey(period))], 30_000);

    print(`\n# The daily alert check compares ${day} with the day before and posts the moves`);
    const check = alertCheckJobId(day);
    await workers.queues.alerts.remove(check);
    await workers.queues.alerts.add('alert-check', { date: day }, { jobId: check });
    await waitForJobs(workers.queues.alerts, [check], 30_000);
    const alert = alertJobId(sub.id, day);
    if (await workers.queues.deliver.getJob(alert))
      await waitForJobs(workers.queues.deliver, [alert], 30_000);
    else print('(No rank moves that day: an alert check with no events posts nothing.)');
    print(
      "\n# The channel's deliveries, prices and the credits spent against each limit (free to run)\n> /toprank-status",
    );
    print(renderConsole(await runTextCommand('/toprank-status', '', ctx)));
  } finally {
    await workers.close();
    await clearDemoSubscriptions(ctx);
  }
}
