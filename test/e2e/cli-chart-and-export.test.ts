/**
 * The terminal's pictures and files, from a shell on sample data: `toprank query … --chart out.png
 * --csv top.csv` writes both files and prints where, and `toprank export --subscription <id> --periods 8`
 * prints the subscription's leaderboard history from history alone as one CSV.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisSubscriptionStore } from '../../src/subscriptions/redis-subscription-store.js';
import { redisUrl } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';
import { makeSubscription } from '../helpers/subscriptions.js';

describe('toprank query --chart / --csv and toprank export', () => {
  const prefix = `{t-${randomUUID().slice(0, 8)}}`;
  const env = { REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: prefix };
  const dir = mkdtempSync(join(tmpdir(), 'toprank-cli-'));
  const redis = new Redis(redisUrl());
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('writes the chart and the CSV, prints their paths, then exports 8 weeks from history', async () => {
    const chart = join(dir, 'out.png');
    const csv = join(dir, 'top.csv');
    const query = await runCli(['query', 'region:US', 'type:week', '--chart', chart, '--csv', csv], env);
    expect(query.code).toBe(0);
    expect(query.stdout).toContain(`📈 Chart written to ${chart}`);
    expect(query.stdout).toContain(`📄 CSV written to ${csv}`);
    expect(query.stdout).toMatch(/Chart of the last 8 weeks: .*credits/);
    expect([...readFileSync(chart).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const rows = parse(readFileSync(csv, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);

    const sub = makeSubscription({ query: { region: 'US', type: 'week', by: 'followers', limit: 10 } });
    await createRedisSubscriptionStore(redis, prefix).add(sub, 25);
    const exported = await runCli(['export', '--subscription', sub.id, '--periods', '8'], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith('\uFEFF')).toBe(true);
    const history = parse(exported.stdout, { bom: true, columns: true }) as Record<string, string>[];
    const columns = Object.keys(history[0] ?? {});
    expect(columns.slice(0, 2)).toEqual(['period', 'rank']);
    expect(columns).toContain('user_id');
    expect(new Set(history.map((r) => r.period)).size).toBe(8);
    expect(history).toHaveLength(80);
    // The shown week's rows are the ones the CSV of the leaderboard had.
    const latest = history.filter((r) => r.period === history.at(-1)?.period).map((r) => r.user_id);
    expect(latest).toEqual(rows.map((r) => r.user_id));
  }, 120_000);

  it('names an unknown subscription', async () => {
    const result = await runCli(['export', '--subscription', 'nosuch', '--periods', '8'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No subscription `nosuch`');
  }, 60_000);
});
