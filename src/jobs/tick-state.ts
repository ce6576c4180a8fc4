/**
 * What a tick remembers in Redis, and which period a slot's fire time is for. A slot firing on
 * Monday 09:00 in its zone is for the week that ended the day before, as its subscribers read it.
 */
import { latestCompletePeriod, periodKey } from '../ranking/period.js';
import type { Period } from '../ranking/types.js';
import { localDate, type Slot } from '../subscriptions/slot.js';

/** The period a tick fired at `firedAt` delivers: the latest one complete on the slot's local date. */
export function targetPeriod(slot: Slot, firedAt: number): Period {
  return latestCompletePeriod(slot.cadence, localDate(new Date(firedAt), slot.timezone));
}

/** Set when a tick for (slot, period) first runs; catch-up and restarts look for it. */
export function tickStartedKey(prefix: string, slotId: string, period: Period): string {
  return `${prefix}:tick-started:${slotId}:${periodKey(period)}`;
}

/** Set once every delivery of (slot, period) has been queued. */
export function tickDoneKey(prefix: string, slotId: string, period: Period): string {
  return `${prefix}:tick-done:${slotId}:${periodKey(period)}`;
}

/** Set once a delivery was posted (or found posted); checked before any send. */
export function sentKey(prefix: string, deliveryId: string): string {
  return `${prefix}:sent:${deliveryId}`;
}

/** Markers outlive any catch-up window and any retry by far. */
export const MARKER_TTL_SECONDS = 45 * 24 * 3600;
