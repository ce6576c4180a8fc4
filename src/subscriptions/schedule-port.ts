/**
 * What commands need from the scheduling side without knowing BullMQ: make sure a slot's job
 * scheduler exists, and let it go once no subscription needs it. src/jobs implements it.
 */
import type { DeliveryStatusStore } from './delivery-status.js';
import type { SubscriptionStore } from './subscription-store.js';
import type { WatchlistStore } from './watchlist-store.js';

export interface SchedulePort {
  /** Creates the slot's job scheduler unless it already exists as it should. */
  ensure(slotId: string): Promise<void>;
  /** Removes the slot's job scheduler when no subscription is left in the slot. */
  release(slotId: string): Promise<void>;
}

/** Everything subscription commands use, provided by the composition root. */
export interface SubscriptionServices {
  store: SubscriptionStore;
  schedules: SchedulePort;
  /** DIGEST_TIME and DIGEST_TIMEZONE. */
  defaults: { time: string; timezone: string };
  maxPerChannel: number;
  /** Each subscription's last delivery, for /toprank-status. */
  deliveries?: DeliveryStatusStore;
  /** Each channel's watched creators (/toprank-watch), keyed by team and channel. */
  watchlists: WatchlistStore;
}
