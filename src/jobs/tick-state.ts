/**
 * Which period a slot's fire time is for, and how long the markers a tick leaves in Redis live (their
 * keys are in src/keys.ts). A slot firing on Monday 09:00 in its zone is for the week that ended the
 * day before, as its subscribers read it.
 */
import { latestCompletePeriod } from '../ranking/period.js';
import type { Period } from '../ranking/types.js';
import { localDate, type Slot } from '../subscriptions/slot.js';

/** The period a tick fired at `firedAt` delivers: the latest one complete on the slot's local date. */
export function targetPeriod(slot: Slot, firedAt: number): Period {
  return latestCompletePeriod(slot.cadence, localDate(new Date(firedAt), slot.timezone));
}

/** Markers outlive any catch-up window and any retry by far. */
export const MARKER_TTL_SECONDS = 45 * 24 * 3600;
