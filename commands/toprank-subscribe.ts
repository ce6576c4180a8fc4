/**
 * /toprank-subscribe: subscribes this channel to a digest of a leaderboard (daily, weekly on Monday,
 * monthly on the 1st, at a time in a zone), optionally with rank-movement alerts. Refuses a repeat
 * and a full channel, but resumes a paused repeat; only for who may manage the channel (authorize). Reaches the scheduler only
 * through the SchedulePort.
 */
import { digestView } from '../src/chat/digest-view.js';
import { describeTeam, teamOf } from '../src/chat/team.js';
import { noticeView, type View } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import { CHART_PERIODS } from '../src/ranking/rank-history.js';
import type { SubscriptionServices } from '../src/subscriptions/schedule-port.js';
import { describeInstant, describeSlot, nextFireTime } from '../src/subscriptions/slot.js';
import {
  DEFAULT_ALERT_CLIMB,
  defaultDigestChart,
  describeQuery,
  leaderboardQueryOf,
  newSubscriptionId,
  type Subscription,
  slotIdOf,
  slotOf,
} from '../src/subscriptions/subscription.js';
import { describePrice, monthlyTotal } from '../src/subscriptions/subscription-price.js';
import { timeOfDaySchema, timeZoneSchema } from '../src/time-zone.js';
import { alertClimbSchema, quietOption } from './alert-options.js';
import { type CommandContext, defineCommand, type OptionSpec } from './define-command.js';
import { onOff, queryOptions, toLeaderboardQuery } from './query-options.js';

const timeOption = {
  description: 'Delivery time, HH:MM (24-hour; default from DIGEST_TIME)',
  type: 'string',
  schema: timeOfDaySchema.optional(),
  allowed: 'a 24-hour time written HH:MM, such as 09:00',
  example: '09:00',
} satisfies OptionSpec;

export const timezoneOption = {
  description: 'IANA time zone of the delivery time, e.g. Europe/Paris (default from DIGEST_TIMEZONE)',
  type: 'string',
  // One spelling per zone (`utc` → `UTC`), so equal zones share one slot and one scheduler.
  schema: timeZoneSchema.optional(),
  allowed: 'an IANA time zone such as America/New_York, Europe/Paris or UTC',
  example: 'America/New_York',
} satisfies OptionSpec;

const alertsOption = {
  description: 'Also alert on daily rank moves: new #1, entries, big climbs, drop-outs (on/off)',
  type: 'boolean',
  schema: onOff.default(false),
  allowed: 'on or off',
  example: 'on',
} satisfies OptionSpec;

const alertClimbOption = {
  description: 'Alert on climbs of at least this many places, 1–50 (default 5)',
  type: 'integer',
  schema: alertClimbSchema.default(DEFAULT_ALERT_CLIMB),
  allowed: 'a whole number from 1 to 50',
  example: '5',
  min: 1,
  max: 50,
} satisfies OptionSpec;

const digestChartOption = {
  description: `Attach a chart of the last ${CHART_PERIODS} periods to each digest (on/off; default on for week and month)`,
  type: 'boolean',
  schema: onOff.optional(),
  allowed: 'on or off',
  example: 'on',
} satisfies OptionSpec;

const previewOption = {
  description: 'Show the digest as it would be posted now, and its price; subscribe nothing (on/off)',
  type: 'boolean',
  schema: onOff.default(false),
  allowed: 'on or off',
  example: 'on',
} satisfies OptionSpec;

/** What a digest's chart costs, said when subscribing: history is free, a missing period one page. */
const digestChartWords = `Each digest carries a chart of the last ${CHART_PERIODS} periods, drawn from history (no extra credits; a period missing from history costs 1 credit, once).`;

export const toprankSubscribe = defineCommand({
  name: 'toprank-subscribe',
  description: 'Subscribe this channel to a leaderboard digest (daily, weekly or monthly)',
  manageChannel: true,
  options: {
    ...queryOptions,
    time: timeOption,
    timezone: timezoneOption,
    alerts: alertsOption,
    alert_climb: alertClimbOption,
    quiet: quietOption,
    chart: digestChartOption,
    preview: previewOption,
  },
  async run(input, ctx) {
    ctx.services.regions.check(input.region);
    // A digest always shows the latest period from its first rank: no date, no page.
    const { date: _date, page: _page, ...query } = toLeaderboardQuery(input);
    if (input.preview) return previewView(query, input.alerts, ctx);
    const { store, schedules, defaults, maxPerChannel } = ctx.services.subscriptions;
    const team = teamOf(ctx.channel, ctx.team);
    const subscription: Subscription = {
      id: newSubscriptionId(),
      channel: ctx.channel,
      query,
      time: input.time ?? defaults.time,
      timezone: input.timezone ?? defaults.timezone,
      alerts: input.alerts,
      alertClimb: input.alert_climb,
      chart: input.chart ?? defaultDigestChart(query.type),
      ...(input.quiet ? { quiet: input.quiet } : {}),
      state: { status: 'active' },
      createdBy: ctx.user.id,
      createdAt: ctx.now().toISOString(),
      team,
    };
    const result = await store.add(subscription, maxPerChannel);
    if (!result.added && result.reason === 'exists') {
      const resumed = await resumePaused(ctx.services.subscriptions, result.existingId, ctx.now());
      if (resumed) return resumed;
      throw new ToprankError('subscription_exists', { subscriptionId: result.existingId });
    }
    if (!result.added) throw new ToprankError('subscription_limit', { limit: result.limit });
    // The store may have given it another id (the random one was taken).
    const added = result.subscription;
    await schedules.ensure(slotIdOf(added));
    const slot = slotOf(added);
    const next = describeInstant(nextFireTime(slot, ctx.now()), slot.timezone);
    const quiet = added.quiet
      ? ` Quiet hours ${added.quiet.from}–${added.quiet.to} ${added.timezone}: alerts then wait and come as one message when they end.`
      : '';
    const alerts = added.alerts
      ? ` Alerts on: new #1, entries, climbs of ${added.alertClimb}+ places, drop-outs.${quiet}`
      : '';
    const chart = added.chart ? ` ${digestChartWords}` : '';
    const channelTotal = monthlyTotal(await store.listByChannel(ctx.channel));
    const teamTotal = monthlyTotal(await store.listByTeam(team));
    return noticeView(
      'info',
      `Subscribed (\`${added.id}\`): ${describeQuery(added.query)}, ${describeSlot(slot)}. Next delivery ${next}.${alerts} Price: ${describePrice(subscription)}. This channel: ≈ ${channelTotal} credits a month; ${describeTeam(team)}: ≈ ${teamTotal}.${chart}`,
      false,
    );
  },
});

/**
 * `preview:on`: the digest exactly as it would be posted now and its price, only to the asker; nothing
 * is stored or scheduled. Fetching it is an interactive command like /toprank (cached pages are free).
 */
async function previewView(
  query: Subscription['query'],
  alerts: boolean,
  ctx: CommandContext,
): Promise<View> {
  const board = await ctx.services.leaderboards.get(leaderboardQueryOf(query));
  const view = digestView(board, query.type, { sample: ctx.sample });
  view.blocks.push({
    kind: 'notice',
    tone: 'info',
    text: `Preview: nothing was subscribed. This subscription would cost ${describePrice({ query, alerts })}. Run it again without preview:on to subscribe.`,
  });
  return { ...view, ephemeral: true };
}

/**
 * Subscribing again to a paused subscription's query is how a channel comes back once the bot may post
 * there again: resume it, with its own schedule and alerts. Undefined when it is not paused.
 */
async function resumePaused(
  services: SubscriptionServices,
  id: string,
  now: Date,
): Promise<ReturnType<typeof noticeView> | undefined> {
  const paused = await services.store.get(id);
  if (paused?.state.status !== 'paused') return undefined;
  await services.store.resume(id);
  await services.schedules.ensure(slotIdOf(paused));
  const slot = slotOf(paused);
  const next = describeInstant(nextFireTime(slot, now), slot.timezone);
  return noticeView(
    'info',
    `Resumed \`${id}\` (paused since ${paused.state.at.slice(0, 10)}: ${paused.state.detail}): ${describeQuery(paused.query)}, ${describeSlot(slot)}. Next delivery ${next}.`,
    false,
  );
}
