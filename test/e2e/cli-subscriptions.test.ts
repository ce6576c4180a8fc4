/**
 * `toprank subscriptions export` and `import` from a shell: every subscription as JSON lines with its
 * state, and back after Redis lost them, with their schedulers; an import run twice changes nothing,
 * and a bad line is named by its number and imports nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTickQueue } from '../../src/jobs/queues.js';
import { createRedisSubscriptionStore } from '../../src/subscriptions/redis-subscription-store.js';
import { type Subscription, slotIdOf } from '../../src/subscriptions/subscription.js';
import { type TestRedis, useTestRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';
import { makeSubscription } from '../helpers/subscriptions.js';

describe('toprank subscriptions export and import', () => {
  let redis: TestRedis;
  let dir: string;
  let env: Record<string, string>;
  let subs: Subscription[];

  /** What Redis holds for this test's prefix: every subscription, by id. */
  const stored = async () => {
    const store = createRedisSubscriptionStore(redis.redis, redis.prefix);
    const all: Subscription[] = [];
    for (const slot of await store.listSlots()) all.push(...(await store.listBySlot(slot)));
    return all.sort((a, b) => a.id.localeCompare(b.id));
  };
  /** A Redis loss: every key of the prefix gone, schedulers included. */
  const wipe = async () => {
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    if (keys.length > 0) await redis.redis.del(...keys);
  };
  const schedulerKeys = async () => {
    const queue = createTickQueue(redis.redis, redis.prefix);
    try {
      return (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
    } finally {
      await queue.close();
    }
  };

  beforeAll(async () => {
    redis = await useTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'toprank-export-'));
    env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix };
    subs = [
      makeSubscription({
        id: 'exp001',
        channel: 'discord:1',
        alerts: true,
        createdAt: '2026-11-01T08:00:00.000Z',
      }),
      makeSubscription({
        id: 'exp002',
        channel: 'slack:T1:C1',
        query: { region: 'GB', type: 'day', by: 'sales', limit: 5 },
        time: '18:30',
        timezone: 'Europe/London',
        createdAt: '2026-11-02T08:00:00.000Z',
      }),
      makeSubscription({
        id: 'exp003',
        channel: 'discord:2',
        state: { status: 'paused', reason: 'gone', detail: 'the channel no longer exists', at: '2026-11-20' },
        createdAt: '2026-11-03T08:00:00.000Z',
      }),
    ];
    const store = createRedisSubscriptionStore(redis.redis, redis.prefix);
    for (const sub of subs) await store.add(sub, 25);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await redis.cleanup();
  });

  it('writes every subscription, with its state, as one JSON line to standard output', async () => {
    const result = await runCli(['subscriptions', 'export'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(subs);
  });

  it('restores them into an emptied Redis, with their schedulers, and a second import changes nothing', async () => {
    const file = join(dir, 'subs.jsonl');
    const exported = await runCli(['subscriptions', 'export', file], env);
    expect(exported.stdout.trim()).toBe(`Exported 3 subscriptions to ${file}.`);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(3);

    await wipe();
    expect(await stored()).toEqual([]);
    const imported = await runCli(['subscriptions', 'import', file], env);
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe(
      `Imported 3 subscriptions from ${file}; 0 were already there, 0 refused (channel at its limit of 25). 2 delivery slots scheduled.`,
    );
    expect(await stored()).toEqual(subs);
    expect(await schedulerKeys()).toEqual([...new Set(subs.map((s) => `digest-${slotIdOf(s)}`))].sort());

    const again = await runCli(['subscriptions', 'import', file], env);
    expect(again.stdout.trim()).toBe(
      `Imported 0 subscriptions from ${file}; 3 were already there, 0 refused (channel at its limit of 25). 2 delivery slots scheduled.`,
    );
    expect(await stored()).toEqual(subs);
  }, 60_000);

  it('names the first bad line by its number and imports nothing', async () => {
    await wipe();
    const file = join(dir, 'bad.jsonl');
    const bad = { ...subs[1], query: { ...subs[1]?.query, region: 'Britain' } };
    writeFileSync(
      file,
      [JSON.stringify(subs[0]), '', JSON.stringify(bad), JSON.stringify(subs[2])].join('\n'),
    );
    const result = await runCli(['subscriptions', 'import', file], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(
        `^Line 3 of ${file} is not a subscription \\(query\\.region: .+\\): nothing was imported\\.$`,
      ),
    );
    expect(await stored()).toEqual([]);

    writeFileSync(file, `${JSON.stringify(subs[0])}\n{"id": "exp`);
    const notJson = await runCli(['subscriptions', 'import', file], env);
    expect(notJson.stderr.trim()).toBe(
      `Line 2 of ${file} is not a subscription (not JSON): nothing was imported.`,
    );
    expect(await stored()).toEqual([]);
  }, 60_000);

  it('refuses an import without a file, naming what it takes', async () => {
    const result = await runCli(['subscriptions', 'import'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid `file`: expected a file written by `toprank subscriptions export`.',
    );
  });
});
