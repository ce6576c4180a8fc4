/**
 * Building subscriptions for tests: a valid record with sensible defaults, and many at once spread
 * over a few distinct queries, one channel each.
 */
import type { Subscription, SubscriptionQuery } from '../../src/subscriptions/subscription.js';
import type { SubscriptionStore } from '../../src/subscriptions/subscription-store.js';

let counter = 0;

export function makeSubscription(overrides: Partial<Subscription> = {}): Subscription {
  counter += 1;
  return {
    id: `s${String(counter).padStart(5, '0')}${Math.random().toString(36).slice(2, 6)}`.slice(0, 12),
    channel: `discord:${100000 + counter}`,
    query: { region: 'US', type: 'week', by: 'followers', limit: 10 },
    time: '09:00',
    timezone: 'UTC',
    alerts: false,
    alertClimb: 5,
    // Stories about fan-out and delivery count the credits of the data alone; chart stories say chart: true.
    chart: false,
    state: { status: 'active' },
    createdBy: 'tester',
    createdAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

export const FIVE_QUERIES: SubscriptionQuery[] = [
  { region: 'US', type: 'week', by: 'followers', limit: 10 },
  { region: 'US', type: 'week', by: 'sales', limit: 10 },
  { region: 'GB', type: 'week', by: 'followers', limit: 10 },
  { region: 'GB', type: 'week', by: 'sales', limit: 10 },
  { region: 'ID', type: 'week', by: 'followers', limit: 10 },
];

/** Adds `count` subscriptions, one channel each, cycling through `queries`. */
export async function addMany(
  store: SubscriptionStore,
  count: number,
  queries: SubscriptionQuery[],
  overrides: Partial<Subscription> = {},
): Promise<Subscription[]> {
  const subs: Subscription[] = [];
  for (let i = 0; i < count; i++) {
    const sub = makeSubscription({ query: queries[i % queries.length], ...overrides });
    const result = await store.add(sub, 25);
    if (!result.added) throw new Error(`could not add ${sub.id}: ${result.reason}`);
    subs.push(sub);
  }
  return subs;
}
