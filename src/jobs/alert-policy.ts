/**
 * Alerts people can live with, for rank alerts and watch alerts alike, decided here only: a message
 * waits while the quiet hours of any item in it last, and once ALERTS_PER_CHANNEL_DAY messages went
 * out on a UTC day the rest wait for the next one, folded together, never lost; a creator who leaves
 * and re-enters the top within BOUNCE_PERIODS periods is reported once (hysteresis).
 */
import type { AlertEvent, HoldReason } from '../chat/alert-view.js';
import { alertMemoryKey } from '../keys.js';
import { addDays, parsePeriodKey, periodKey, shiftPeriod, toDateString } from '../ranking/period.js';
import type { Period } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { quietEnd } from '../subscriptions/quiet-hours.js';
import type { AlertStream, WaitingAlert } from './alert-outbox.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

/** The most alert messages a channel gets in a UTC day unless ALERTS_PER_CHANNEL_DAY says otherwise. */
export const DEFAULT_ALERTS_PER_CHANNEL_DAY = 6;

/** An exit and re-entry (or the reverse) within this many periods is one bounce, reported once. */
export const BOUNCE_PERIODS = 3;

export type FlushDecision = { send: true } | { send: false; reason: HoldReason; until: Date };

/** Whether a channel's waiting items may go now, or until when they wait and why. */
export function decideFlush(
  items: WaitingAlert[],
  now: Date,
  options: { sentToday: number; perDay: number },
): FlushDecision {
  const ends = items.map((i) => quietEnd(i.quiet, now)).filter((d): d is Date => d !== undefined);
  if (ends.length > 0) {
    return { send: false, reason: 'quiet', until: new Date(Math.max(...ends.map((d) => d.getTime()))) };
  }
  if (options.sentToday >= options.perDay) {
    const tomorrow = addDays(toDateString(now), 1);
    return { send: false, reason: 'cap', until: new Date(`${tomorrow}T00:00:00Z`) };
  }
  return { send: true };
}

/** The UTC day the daily cap counts a message on. */
export function capDay(now: Date): string {
  return toDateString(now);
}

const bounces = new Set<AlertEvent['kind']>(['entered', 'dropped']);

/**
 * Drops entries and exits of creators whose last reported entry or exit was fewer than BOUNCE_PERIODS
 * periods before `period` on this stream (`stream` names the subscription or the watched leaderboard),
 * and remembers the ones reported. Checking the same period again gives the same answer.
 */
export async function withoutBounces(
  redis: RedisClient,
  prefix: string,
  target: AlertStream & { stream: string },
  period: Period,
  events: AlertEvent[],
): Promise<AlertEvent[]> {
  const moving = events.filter((e) => bounces.has(e.kind));
  if (moving.length === 0) return events;
  const key = alertMemoryKey(prefix, target.team, target.channel, target.stream);
  const last = await redis.hmget(key, ...moving.map((e) => e.creator.userId));
  const recent = shiftPeriod(period, -BOUNCE_PERIODS).date;
  const quiet = new Set<string>();
  // A later period already remembered (an earlier period checked late) keeps its place.
  const later = new Set<string>();
  moving.forEach((event, i) => {
    const before = parsePeriodKey(last[i] ?? '');
    if (before && before.date > recent && before.date < period.date) quiet.add(event.creator.userId);
    if (before && before.date > period.date) later.add(event.creator.userId);
  });
  const kept = events.filter((e) => !(bounces.has(e.kind) && quiet.has(e.creator.userId)));
  const reported = kept
    .filter((e) => bounces.has(e.kind) && !later.has(e.creator.userId))
    .flatMap((e) => [e.creator.userId, periodKey(period)]);
  if (reported.length > 0) {
    await redis
      .multi()
      .hset(key, ...reported)
      .expire(key, MARKER_TTL_SECONDS)
      .exec();
  }
  return kept;
}
