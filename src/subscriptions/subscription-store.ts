/**
 * The storage port for subscriptions: add (refusing duplicates and over-limit channels), remove, look
 * up by id, channel or delivery slot, pause and resume. Redis and in-memory implementations follow it.
 */
import type { Subscription, SubscriptionState } from './subscription.js';

/** What `add` did: added, or refused with the id of the subscription it repeats. */
export type AddResult =
  | { added: true; subscription: Subscription }
  | { added: false; reason: 'exists'; existingId: string }
  | { added: false; reason: 'limit'; limit: number };

export type PauseState = Extract<SubscriptionState, { status: 'paused' }>;

/** One step of `scanSlot` or `scanAlerting`. */
export interface SlotScanStep {
  cursor: string;
  ids: string[];
}

/** Every step of a scan, from the start ('0') until the cursor it returns is '0' again. */
export async function* scanSteps<Step extends { cursor: string }>(
  scan: (cursor: string) => Promise<Step>,
): AsyncGenerator<Step> {
  let cursor = '0';
  do {
    const step = await scan(cursor);
    yield step;
    cursor = step.cursor;
  } while (cursor !== '0');
}

export interface SubscriptionStoreOptions {
  /** Makes the ids tried when a subscription's own id is taken (default: newSubscriptionId). */
  newId?: () => string;
}

/** A taken id is retried this many times with a new one; 32^6 ids make one retry already rare. */
const ID_RETRIES = 4;

/** The ids `add` tries, in order: the subscription's own, then fresh ones. */
export function candidateIds(id: string, newId: () => string): string[] {
  return [id, ...Array.from({ length: ID_RETRIES }, newId)];
}

export interface SubscriptionStore {
  /**
   * Adds unless the channel already has the same query, or has reached `maxPerChannel`. An id already
   * taken (by any channel) is replaced by a fresh one, never overwritten: use the returned subscription.
   */
  add(subscription: Subscription, maxPerChannel: number): Promise<AddResult>;
  /** Removes one; returns it, or undefined when it did not exist. */
  remove(id: string): Promise<Subscription | undefined>;
  get(id: string): Promise<Subscription | undefined>;
  /** The channel's subscriptions, oldest first. */
  listByChannel(channel: string): Promise<Subscription[]>;
  /** The subscriptions delivered in a slot (see slot.ts). */
  listBySlot(slotId: string): Promise<Subscription[]>;
  /**
   * One step of a scan over a slot's subscription ids, from `cursor` ('0' to start) to the returned one
   * ('0' after the last): about `count` ids a step, so a tick never loads a whole slot. An id present
   * throughout the scan is returned at least once (maybe twice); the cursor stays valid across processes.
   */
  scanSlot(slotId: string, cursor: string, count: number): Promise<SlotScanStep>;
  /** The subscriptions of these ids that exist, in their order. */
  getMany(ids: readonly string[]): Promise<Subscription[]>;
  /** Every slot that has at least one subscription. */
  listSlots(): Promise<string[]>;
  /** The team's subscriptions (those stored with a team), oldest first. */
  listByTeam(team: string): Promise<Subscription[]>;
  /** One step of a scan over the ids of the subscriptions with alerts on, as `scanSlot` steps over a slot. */
  scanAlerting(cursor: string, count: number): Promise<SlotScanStep>;
  pause(id: string, state: PauseState): Promise<void>;
  /** Pauses every subscription of a channel (it is gone or forbids the bot); returns how many. */
  pauseChannel(channel: string, state: PauseState): Promise<number>;
  /**
   * Pauses every subscription of a team (the bot left its Discord server): those stored with the team,
   * and those of `channels` (the team's channels, for subscriptions made before the team was stored).
   * Returns how many.
   */
  pauseTeam(team: string, channels: string[], state: PauseState): Promise<number>;
  resume(id: string): Promise<void>;
}
