/**
 * The demo tour's second half: subscribe the terminal channel to a weekly digest with alerts, run a
 * weekly tick and an alert check through real BullMQ workers on the demo's Redis, watch two creators
 * (★ in the leaderboard, then a watch alert), and show what they post to the channel. Leaves no
 * subscription, watchlist or scheduler behind.
 */
import { type CommandContext, runTextCommand } from '../../commands/index.js';
import { createConsoleAdapter } from '../adapters/console/console-adapter.js';
import { renderConsole } from '../adapters/console/render.js';
import { teamOf } from '../chat/team.js';
import { targetPeriod } from '../jobs/tick-state.js';
import { type JobsCore, startWorkers, waitForJobs } from '../jobs/worker.js';
import {
  alertCheckJobId,
  alertItemsSeenKey,
  alertJobId,
  alertMemoryKey,
  alertsCheckedKey,
  alertsSentKey,
  channelHashOf,
  tickDoneKey,
  tickJobId,
  tickStartedKey,
  watchAlertId,
} from '../keys.js';
import { addDays, periodKey, toDateString } from '../ranking/period.js';
import { parseSlotId } from '../subscriptions/slot.js';
import { dailyQuery, queryHash, slotIdOf } from '../subscriptions/subscription.js';
import { boardHash } from '../subscriptions/watchlist.js';
import type { DemoIo } from './demo.js';

/** The leaderboard the tour watches its two creators on. */
const DEMO_WATCH_BOARD = { region: 'US', type: 'day', by: 'followers', depth: 10 } as const;

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
  await forgetDemoWatches(ctx, core);
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
    // What the tick queued is all the delivery queue holds now.
    const digests = await workers.queues.deliver.getJobs(['waiting', 'prioritized', 'active', 'delayed']);
    await waitForJobs(
      workers.queues.deliver,
      digests.map((job) => String(job.id)),
      30_000,
    );

    print(`\n# The daily alert check compares ${day} with the day before and posts the moves`);
    const check = alertCheckJobId(day);
    await workers.queues.alerts.remove(check);
    await workers.queues.alerts.add('alert-check', { date: day }, { jobId: check });
    await waitForJobs(workers.queues.alerts, [check], 30_000);
    const alert = alertJobId(sub.id, day);
    if (await workers.queues.deliver.getJob(alert))
      await waitForJobs(workers.queues.deliver, [alert], 30_000);
    else print('(No rank moves that day: an alert check with no events posts nothing.)');
    await watchTour(ctx, io, workers, day);
    print(
      "\n# The channel's deliveries, prices and the credits spent against each limit (free to run)\n> /toprank-status",
    );
    print(renderConsole(await runTextCommand('/toprank-status', '', ctx)));
  } finally {
    await workers.close();
    await clearDemoSubscriptions(ctx);
    await forgetDemoWatches(ctx, core);
  }
}

/** Two creators of the demo's daily board that moved enough to make a watch alert (else the first two). */
async function movers(ctx: CommandContext): Promise<string[]> {
  const board = await ctx.services.leaderboards.get({
    region: 'US',
    type: 'day',
    by: 'followers',
    limit: 10,
    page: 1,
  });
  const moved = board.rows.filter(
    (r) => r.movement?.kind === 'new' || (r.movement && 'places' in r.movement && r.movement.places >= 5),
  );
  return [...moved, ...board.rows]
    .map((r) => r.creator.handle)
    .filter((h, i, all) => h && all.indexOf(h) === i)
    .slice(0, 2);
}

/**
 * Watch two sample creators, see them marked ★ in the leaderboard, and run the watch check for `day`:
 * its alert names them with their handles and links.
 */
async function watchTour(
  ctx: CommandContext,
  io: DemoIo,
  workers: Awaited<ReturnType<typeof startWorkers>>,
  day: string,
): Promise<void> {
  const print = (text: string) => io.output.write(`${text}\n`);
  const handles = await movers(ctx);
  const watch = `/toprank-watch creator:${handles.map((h) => `@${h}`).join(',')} region:US type:day depth:10`;
  print(`\n# Watch two creators by handle: the answer states what the checks cost\n> ${watch}`);
  const [name = '', ...rest] = watch.split(' ');
  print(renderConsole(await runTextCommand(name, rest.join(' '), ctx)));
  print('\n# Every leaderboard in this channel marks them ★\n> /toprank region:US type:day');
  print(renderConsole(await runTextCommand('/toprank', 'region:US type:day', ctx)));

  print(`\n# The watch check compares ${day} with the day before and posts their moves, once`);
  const check = alertCheckJobId(day);
  await workers.queues.alerts.remove(check);
  await workers.queues.alerts.add('alert-check', { date: day }, { jobId: check });
  await waitForJobs(workers.queues.alerts, [check], 30_000);
  const team = teamOf(ctx.channel, ctx.team);
  const alert = watchAlertId(
    channelHashOf(team, ctx.channel),
    boardHash(DEMO_WATCH_BOARD),
    periodKey({ type: 'day', date: day }),
  );
  if (await workers.queues.deliver.getJob(alert)) await waitForJobs(workers.queues.deliver, [alert], 30_000);
  else print('(They did not move enough that day: a watch check with no events posts nothing.)');
}

/** The demo replays the same day each run: forget its watchlist and what its alerts remember. */
async function forgetDemoWatches(ctx: CommandContext, core: JobsCore): Promise<void> {
  const team = teamOf(ctx.channel, ctx.team);
  await ctx.services.subscriptions.watchlists.update(team, ctx.channel, () => undefined);
  await core.redis.del(
    alertItemsSeenKey(core.prefix, team, ctx.channel),
    alertsSentKey(core.prefix, team, ctx.channel, toDateString(new Date())),
    alertMemoryKey(core.prefix, team, ctx.channel, `watch-${boardHash(DEMO_WATCH_BOARD)}`),
  );
}
