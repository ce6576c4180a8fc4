/**
 * `toprank query` from a shell: the table, the JSON with KeyAPI's fields kept as received, and an
 * error printed as its sentence with a non-zero exit.
 */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, errorBody, type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { redisUrl } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';

describe('toprank query', () => {
  let fake: FakeKeyApi;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startFakeKeyApi();
    env = {
      KEYAPI_BASE_URL: fake.url,
      KEYAPI_TOKEN: 'sk_live_cli_secret',
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: `{t-${randomUUID().slice(0, 8)}}`,
      KEYAPI_QPS: '50',
    };
  });
  afterAll(() => fake.close());

  it('prints JSON keeping KeyAPI’s field names and a 19-digit user_id exactly, plus rank and movement', async () => {
    const body =
      '{"code":0,"message":"success","requestId":"r1","data":[{"user_id":6633792625097490438,"unique_id":"iamjuliocr","nick_name":"ﾌひﾚﾉの","total_sale_cnt":7752,"total_sale_gmv_amt":73446}]}';
    fake.fallback = () => ({ body });
    const result = await runCli(
      ['query', 'region:US', 'type:day', 'by:sales', 'date:2026-11-02', '--json'],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"user_id": "6633792625097490438"');
    const json = JSON.parse(result.stdout);
    expect(json.period).toMatchObject({ type: 'day', date: '2026-11-02', snapped: false, fellBack: false });
    expect(json.rows[0]).toMatchObject({
      unique_id: 'iamjuliocr',
      total_sale_cnt: 7752,
      rank: 1,
      movement: { kind: 'same' },
    });
  });

  it('prints a readable table with K/M numbers and GMV in dollars', async () => {
    fake.fallback = () => ({
      body: envelope([
        {
          user_id: '1',
          unique_id: 'mia',
          nick_name: 'Mia',
          total_sale_cnt: 12_345,
          total_sale_gmv_amt: 734_460,
        },
      ]),
    });
    const result = await runCli(['query', 'region:US', 'by:sales', 'date:2026-10-03'], env);
    expect(result.code).toBe(0);
    // Mia tops both this day and the day before.
    expect(result.stdout).toMatch(/1\s+=\s+Mia\s+@mia\s+12\.3K\s+\$734\.5K/);
  });

  it('prints the quota sentence and exits 1 when KeyAPI answers 402, never the key', async () => {
    fake.fallback = () => ({ status: 402, body: errorBody(402, 'apiKey quota is not enough') });
    const result = await runCli(['query', 'region:US', 'date:2026-11-04'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The KeyAPI credits are used up.');
    expect(result.stderr + result.stdout).not.toContain('sk_live_cli_secret');
  });

  it('names a bad option and its allowed values, spending no credit', async () => {
    const before = fake.requests.length;
    const result = await runCli(['query', 'region:US', 'limit:500'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid `limit`: "500" is not a whole number from 1 to 50.');
    expect(fake.requests.length).toBe(before);
  });
});
