/**
 * The subscription store contract, run against Redis (real server) and memory: duplicates refused
 * with the existing id, the per-channel limit, indexes by channel and slot kept exact, pausing a
 * channel or a team, and records validated when read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subscriptionKey } from '../../../src/keys.js';
import { createMemorySubscriptionStore } from '../../../src/subscriptions/memory-subscription-store.js';
import { createRedisSubscriptionStore } from '../../../src/subscriptions/redis-subscription-store.js';
import {
  type SubscriptionStore,
  type SubscriptionStoreOptions,
  scanSteps,
} from '../../../src/subscriptions/subscription-store.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';
import { makeSubscription } from '../../helpers/subscriptions.js';

let redis: TestRedis | undefined;
afterEach(async () => {
  await redis?.cleanup();
  redis = undefined;
});

const stores: [string, (options?: SubscriptionStoreOptions) => Promise<SubscriptionStore>][] = [
  ['memory', async (options) => createMemorySubscriptionStore(options)],
  [
    'redis',
    async (options) => {
      redis = await useTestRedis();
      return createRedisSubscriptionStore(redis.redis, redis.prefix, options);
    },
  ],
];

/** The ids of the store's alerting subscriptions, sorted, from a scan of steps of 100 (`onStep` sees each). */
async function alertingIds(store: SubscriptionStore, onStep = () => {}): Promise<string[]> {
  const ids = new Set<string>();
  for await (const step of scanSteps((cursor) => store.scanAlerting(cursor, 100))) {
    onStep();
    for (const id of step.ids) ids.add(id);
  }
  return [...ids].sort();
}

describe.each(stores)('%s subscription store', (_name, open) => {
  it('refuses the same query twice in a channel, naming the first, and enforces the limit', async () => {
    const store = await open();
    const first = makeSubscription({ channel: 'slack:T1:C1' });
    expect(await store.add(first, 2)).toMatchObject({ added: true });
    expect(await store.add(makeSubscription({ channel: 'slack:T1:C1', time: '18:00' }), 2)).toEqual({
      added: false,
      reason: 'exists',
      existingId: first.id,
    });
    // The same query elsewhere is fine.
    expect(await store.add(makeSubscription({ channel: 'slack:T1:C2' }), 2)).toMatchObject({ added: true });
    const other = { region: 'GB', type: 'day' as const, by: 'sales' as const, limit: 5 };
    expect(await store.add(makeSubscription({ channel: 'slack:T1:C1', query: other }), 2)).toMatchObject({
      added: true,
    });
    expect(
      await store.add(makeSubscription({ channel: 'slack:T1:C1', query: { ...other, region: 'ID' } }), 2),
    ).toEqual({ added: false, reason: 'limit', limit: 2 });
  });

  it('keeps the channel and slot indexes exact through add, remove and pause', async () => {
    const store = await open();
    const a = makeSubscription({ channel: 'discord:1', alerts: true });
    const b = makeSubscription({
      channel: 'discord:1',
      query: { region: 'GB', type: 'week', by: 'sales', limit: 10 },
    });
    const c = makeSubscription({ channel: 'discord:2', timezone: 'Asia/Tokyo' });
    for (const sub of [a, b, c]) await store.add(sub, 25);
    expect((await store.listByChannel('discord:1')).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.listSlots()).toEqual(['week-0900-Asia/Tokyo', 'week-0900-UTC']);
    expect(await alertingIds(store)).toEqual([a.id]);

    expect(
      await store.pauseChannel('discord:1', {
        status: 'paused',
        reason: 'forbidden',
        detail: 'no access',
        at: 'x',
      }),
    ).toBe(2);
    expect((await store.get(b.id))?.state).toMatchObject({ status: 'paused', reason: 'forbidden' });
    await store.resume(b.id);
    expect((await store.get(b.id))?.state).toEqual({ status: 'active' });

    expect((await store.remove(c.id))?.id).toBe(c.id);
    expect(await store.remove(c.id)).toBeUndefined();
    expect(await store.listSlots()).toEqual(['week-0900-UTC']);
    expect(await store.listByChannel('discord:2')).toEqual([]);
    // The query is free again once removed.
    expect(
      await store.add(makeSubscription({ channel: 'discord:2', timezone: 'Asia/Tokyo' }), 25),
    ).toMatchObject({
      added: true,
    });
  });

  it("pauses a team's subscriptions, stored with it or found by its channels, and forgets removed ones", async () => {
    const store = await open();
    const stored = makeSubscription({ channel: 'discord:11', team: '900' });
    const gone = makeSubscription({ channel: 'discord:12', team: '900' });
    const older = makeSubscription({ channel: 'discord:13' });
    const otherTeam = makeSubscription({ channel: 'discord:14', team: '901' });
    for (const sub of [stored, gone, older, otherTeam]) await store.add(sub, 25);
    await store.remove(gone.id);
    const removed = { status: 'paused' as const, reason: 'removed' as const, detail: 'removed', at: 'x' };

    expect(await store.pauseTeam('900', ['discord:13'], removed)).toBe(2);
    expect((await store.get(stored.id))?.state).toEqual(removed);
    expect((await store.get(older.id))?.state).toEqual(removed);
    expect((await store.get(otherTeam.id))?.state).toEqual({ status: 'active' });
    expect(await store.get(gone.id)).toBeUndefined();
    // Already paused: nothing more to pause.
    expect(await store.pauseTeam('900', ['discord:13'], removed)).toBe(0);
  });
});

describe.each(stores)('%s subscription store, when a new id is already taken', (_name, open) => {
  it('scans a slot in steps of about the count asked, covering every subscription of it', async () => {
    const store = await open();
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const sub = makeSubscription({ channel: `discord:${700000 + i}` });
      await store.add(sub, 25);
      ids.push(sub.id);
    }
    await store.add(makeSubscription({ time: '18:00' }), 25);
    const seen = new Set<string>();
    let cursor = '0';
    let steps = 0;
    do {
      const step = await store.scanSlot('week-0900-UTC', cursor, 100);
      steps += 1;
      for (const sub of await store.getMany(step.ids)) seen.add(sub.id);
      cursor = step.cursor;
    } while (cursor !== '0');
    expect(steps).toBeGreaterThanOrEqual(3);
    expect([...seen].sort()).toEqual(ids.sort());
  });

  it('scans the alerting subscriptions in steps, and only those', async () => {
    const store = await open();
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const sub = makeSubscription({ channel: `discord:${710000 + i}`, alerts: i % 3 !== 0 });
      await store.add(sub, 25);
      if (sub.alerts) ids.push(sub.id);
    }
    let steps = 0;
    expect(await alertingIds(store, () => (steps += 1))).toEqual(ids.sort());
    expect(steps).toBeGreaterThanOrEqual(2);
  });

  it("gives the newcomer a fresh id and leaves the other channel's subscription as it was", async () => {
    let fresh: string[] = [];
    const store = await open({ newId: () => fresh.shift() ?? 'spare3' });
    const first = makeSubscription({ id: 'taken1', channel: 'discord:1', alerts: true });
    await store.add(first, 25);
    fresh = ['taken1', 'fresh2'];
    const newcomer = makeSubscription({
      id: 'taken1',
      channel: 'discord:2',
      query: { region: 'GB', type: 'day', by: 'sales', limit: 5 },
    });
    // Its own id and the first retry are taken: the second retry is free.
    expect(await store.add(newcomer, 25)).toEqual({
      added: true,
      subscription: { ...newcomer, id: 'fresh2' },
    });
    expect(await store.get('taken1')).toEqual(first);
    expect((await store.listByChannel('discord:1')).map((s) => s.id)).toEqual(['taken1']);
    expect((await store.listByChannel('discord:2')).map((s) => s.id)).toEqual(['fresh2']);
    expect((await store.listBySlot('day-0900-UTC')).map((s) => s.id)).toEqual(['fresh2']);
    expect(await alertingIds(store)).toEqual(['taken1']);
  });

  it('refuses, changing nothing, when every id it tries is taken', async () => {
    const store = await open({ newId: () => 'taken1' });
    const first = makeSubscription({ id: 'taken1', channel: 'discord:1' });
    await store.add(first, 25);
    await expect(store.add(makeSubscription({ id: 'taken1', channel: 'discord:2' }), 25)).rejects.toThrow(
      'no free subscription id',
    );
    expect(await store.get('taken1')).toEqual(first);
    expect(await store.listByChannel('discord:2')).toEqual([]);
  });
});

describe('redis subscription store', () => {
  it('refuses a record that does not match the schema when read', async () => {
    redis = await useTestRedis();
    const store = createRedisSubscriptionStore(redis.redis, redis.prefix);
    await redis.redis.set(
      subscriptionKey(redis.prefix, 'broken1'),
      JSON.stringify({ id: 'broken1', channel: 'nowhere' }),
    );
    await expect(store.get('broken1')).rejects.toThrow();
  });
});
