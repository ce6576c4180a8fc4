/**
 * Subscriptions in memory, with the same refusals as the Redis store: for unit tests and fakes.
 */

import {
  newSubscriptionId,
  queryHash,
  type Subscription,
  slotIdOf,
  subscriptionSchema,
} from './subscription.js';
import {
  type AddResult,
  candidateIds,
  type PauseState,
  type SlotScanStep,
  type SubscriptionStore,
  type SubscriptionStoreOptions,
} from './subscription-store.js';

/** A scan step over `subs` in their order: the cursor is the index to go on from. */
function scanOf(subs: Subscription[], cursor: string, count: number): SlotScanStep {
  const end = Number(cursor) + count;
  return {
    cursor: end >= subs.length ? '0' : String(end),
    ids: subs.slice(Number(cursor), end).map((s) => s.id),
  };
}

export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly subs = new Map<string, Subscription>();
  private readonly newId: () => string;

  constructor(options: SubscriptionStoreOptions = {}) {
    this.newId = options.newId ?? newSubscriptionId;
  }

  async add(subscription: Subscription, maxPerChannel: number): Promise<AddResult> {
    const sub = subscriptionSchema.parse(subscription);
    const channel = [...this.subs.values()].filter((s) => s.channel === sub.channel);
    const same = channel.find((s) => queryHash(s.query) === queryHash(sub.query));
    if (same) return { added: false, reason: 'exists', existingId: same.id };
    if (channel.length >= maxPerChannel) return { added: false, reason: 'limit', limit: maxPerChannel };
    const ids = candidateIds(sub.id, this.newId);
    const id = ids.find((candidate) => !this.subs.has(candidate));
    if (id === undefined) throw new Error(`no free subscription id among ${ids.length}`);
    const added = { ...sub, id };
    this.subs.set(id, structuredClone(added));
    return { added: true, subscription: added };
  }

  async remove(id: string): Promise<Subscription | undefined> {
    const sub = this.subs.get(id);
    this.subs.delete(id);
    return sub;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const sub = this.subs.get(id);
    return sub && structuredClone(sub);
  }

  private list(keep: (s: Subscription) => boolean): Subscription[] {
    return [...this.subs.values()].filter(keep).map((s) => structuredClone(s));
  }

  async listByChannel(channel: string): Promise<Subscription[]> {
    return this.list((s) => s.channel === channel);
  }

  async listBySlot(slotId: string): Promise<Subscription[]> {
    return this.list((s) => slotIdOf(s) === slotId).sort((a, b) => a.id.localeCompare(b.id));
  }

  async scanSlot(slotId: string, cursor: string, count: number): Promise<SlotScanStep> {
    return scanOf(await this.listBySlot(slotId), cursor, count);
  }

  async scanAlerting(cursor: string, count: number): Promise<SlotScanStep> {
    return scanOf(
      this.list((s) => s.alerts).sort((a, b) => a.id.localeCompare(b.id)),
      cursor,
      count,
    );
  }

  async getMany(ids: readonly string[]): Promise<Subscription[]> {
    return ids.flatMap((id) => {
      const sub = this.subs.get(id);
      return sub ? [structuredClone(sub)] : [];
    });
  }

  async listSlots(): Promise<string[]> {
    return [...new Set([...this.subs.values()].map(slotIdOf))].sort();
  }

  async listByTeam(team: string): Promise<Subscription[]> {
    return this.list((s) => s.team === team);
  }

  async pause(id: string, state: PauseState): Promise<void> {
    const sub = this.subs.get(id);
    if (sub) sub.state = { ...state };
  }

  async pauseChannel(channel: string, state: PauseState): Promise<number> {
    const subs = [...this.subs.values()].filter((s) => s.channel === channel && s.state.status === 'active');
    for (const sub of subs) sub.state = { ...state };
    return subs.length;
  }

  async pauseTeam(team: string, channels: string[], state: PauseState): Promise<number> {
    const subs = [...this.subs.values()].filter(
      (s) => (s.team === team || channels.includes(s.channel)) && s.state.status === 'active',
    );
    for (const sub of subs) sub.state = { ...state };
    return subs.length;
  }

  async resume(id: string): Promise<void> {
    const sub = this.subs.get(id);
    if (sub) sub.state = { status: 'active' };
  }
}

export function createMemorySubscriptionStore(
  options: SubscriptionStoreOptions = {},
): MemorySubscriptionStore {
  return new MemorySubscriptionStore(options);
}
