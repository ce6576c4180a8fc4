/**
 * The KeyAPI client over real HTTP: against the sample server (the seed's contract) and a
 * fault-injecting server (every documented error body, retries, timeouts and schema drift).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messageFor } from '../../../src/errors.js';
import { createKeyApiClient, type KeyApiClient, type RankingRequest } from '../../../src/keyapi/client.js';
import { KeyApiError } from '../../../src/keyapi/errors.js';
import { startSampleKeyApiServer } from '../../../src/sample/sample-keyapi-server.js';
import {
  apiError,
  envelope,
  errorBody,
  type FakeKeyApi,
  startFakeKeyApi,
} from '../../fakes/keyapi-server.js';
import { createTestLog } from '../../helpers/test-log.js';

const request: RankingRequest = {
  date: '2026-11-24',
  region: 'US',
  rankType: 1,
  rankField: 2,
  pageNum: 1,
  pageSize: 10,
};

const documentedRow = {
  avatar: 'https://example.invalid/a.jpg',
  category: 'Other',
  ec_score: 7.33,
  nick_name: 'ﾌひﾚﾉの',
  region: 'US',
  total_sale_cnt: 7752,
  total_sale_gmv_amt: 73446,
  unique_id: 'iamjuliocr',
  user_id: '6633792625097490438',
};

function client(
  baseUrl: string,
  overrides: Partial<Parameters<typeof createKeyApiClient>[0]> = {},
): KeyApiClient {
  return createKeyApiClient({
    baseUrl,
    token: 'sk_live_test_secret',
    qps: 1000,
    log: createTestLog({ level: 'silent' }).log,
    baseDelayMs: 5,
    maxDelayMs: 20,
    timeoutMs: 300,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<KeyApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeyApiError)) throw new Error(`expected a KeyApiError, got ${String(error)}`);
  return error;
}

describe('KeyAPI client against the sample server', () => {
  it('gets a page of the documented shape with ids as strings', async () => {
    const sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
    try {
      const page = await client(sample.url).fetchPage(request);
      expect(page.rows).toHaveLength(10);
      expect(typeof page.rows[0]?.user_id).toBe('string');
      expect(page.rows[0]?.user_id).toMatch(/^\d{19}$/);
    } finally {
      await sample.close();
    }
  });

  it('is refused with the API’s 401 sentence when no key is set', async () => {
    const sample = await startSampleKeyApiServer();
    try {
      const error = await failure(client(sample.url, { token: undefined }).fetchPage(request));
      expect(error.code).toBe('keyapi_unauthorized');
      expect(error.fields.apiMessage).toBe('apiKey is null');
      expect(messageFor(error)).toMatch(/KEYAPI_TOKEN/);
    } finally {
      await sample.close();
    }
  });
});

describe('KeyAPI client against a faulty server', () => {
  let fake: FakeKeyApi;
  beforeAll(async () => {
    fake = await startFakeKeyApi();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('sends exactly the documented parameters and the Bearer key, omitting empty filters', async () => {
    fake.script({ body: envelope([documentedRow]) });
    await client(fake.url).fetchPage({ ...request, category: '', productCategoryId: undefined });
    expect(fake.requests[0]?.path).toBe('/v1/tiktok/influencer/ranking/analytics');
    expect(fake.requests[0]?.params).toEqual({
      date: '2026-11-24',
      region: 'US',
      rank_type: '1',
      influencer_rank_field: '2',
      page_num: '1',
      page_size: '10',
    });
    expect(fake.requests[0]?.authorization).toBe('Bearer sk_live_test_secret');
  });

  it('keeps a user_id above 2^53 exactly, even when sent as a bare number', async () => {
    fake.script({
      body: '{"code":0,"message":"success","requestId":"r","data":[{"user_id":6633792625097490438,"nick_name":"x"}]}',
    });
    const page = await client(fake.url).fetchPage(request);
    expect(page.rows[0]?.user_id).toBe('6633792625097490438');
  });

  it('tolerates counts sent as strings and missing optional fields', async () => {
    fake.script({ body: envelope([{ user_id: '1', total_sale_cnt: '42' }]) });
    const [row] = (await client(fake.url).fetchPage(request)).rows;
    expect(row?.total_sale_cnt).toBe(42);
    expect(row?.nick_name).toBeUndefined();
  });

  it.each([
    [400, 'Missing required parameter: date', 'keyapi_bad_request'],
    [401, 'apiKey is null', 'keyapi_unauthorized'],
    [402, 'apiKey quota is not enough', 'keyapi_credits_exhausted'],
  ])('gives up at once on HTTP %i, keeping the API message', async (status, message, code) => {
    fake.script({ status, body: errorBody(status, message) });
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe(code);
    expect(error.fields.apiMessage).toBe(message);
    expect(fake.requests).toHaveLength(1);
  });

  it('says the credits are used up on 402', async () => {
    fake.script({ status: 402, body: errorBody(402, 'apiKey quota is not enough') });
    expect(messageFor(await failure(client(fake.url).fetchPage(request)))).toMatch(/credits are used up/);
  });

  it('waits as Retry-After says after a 429, then succeeds', async () => {
    fake.script(
      { status: 429, headers: { 'retry-after': '0' }, body: errorBody(429, 'qps limit exceeded') },
      { body: envelope([documentedRow]) },
    );
    const page = await client(fake.url).fetchPage(request);
    expect(page.rows[0]?.unique_id).toBe('iamjuliocr');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than it allows, and says KeyAPI is busy', async () => {
    fake.script({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: errorBody(429, 'qps limit exceeded'),
    });
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe('keyapi_rate_limited');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 500 and succeeds', async () => {
    fake.script(
      { status: 500, body: errorBody(500, 'Internal server error') },
      { body: envelope([documentedRow]) },
    );
    expect((await client(fake.url).fetchPage(request)).rows).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('stops after its attempts when 500 persists and says KeyAPI is failing', async () => {
    fake.fallback = () => ({ status: 500, body: errorBody(500, 'Internal server error') });
    try {
      const error = await failure(client(fake.url, { maxAttempts: 3 }).fetchPage(request));
      expect(error.code).toBe('keyapi_server_error');
      expect(messageFor(error)).toBe('KeyAPI is failing, try again later.');
      expect(fake.requests).toHaveLength(3);
    } finally {
      fake.fallback = () => ({ body: envelope([]) });
    }
  });

  it('times out a request that never answers, retrying before giving up', async () => {
    fake.script({ body: envelope([]), delayMs: 2_000 }, { body: envelope([]), delayMs: 2_000 });
    const error = await failure(client(fake.url, { maxAttempts: 2, timeoutMs: 100 }).fetchPage(request));
    expect(error.code).toBe('keyapi_unreachable');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a body that is not JSON as a schema mismatch', async () => {
    fake.script({ body: '<html>Bad gateway</html>' });
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe('keyapi_schema_mismatch');
    expect(error.fields.apiMessage).toBe('body is not JSON');
  });

  it('reports schema drift, naming the field, without crashing', async () => {
    fake.script({ body: envelope([{ user_id: '1', total_followers_cnt: 'lots' }]) });
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe('keyapi_schema_mismatch');
    expect(error.fields.apiMessage).toContain('total_followers_cnt');
  });

  it('treats a non-zero code under HTTP 200 as that API error', async () => {
    fake.script({ body: { code: 402, message: 'apiKey quota is not enough', data: null, requestId: 'r' } });
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe('keyapi_credits_exhausted');
  });

  it('answers KeyAPI’s own code under HTTP 200 (10001) with its message, in one request', async () => {
    fake.script(apiError(10001, 'region not supported'));
    const error = await failure(client(fake.url).fetchPage(request));
    expect(error.code).toBe('keyapi_api_error');
    expect(error.retryable).toBe(false);
    expect(messageFor(error)).toBe('KeyAPI answered with an error (region not supported).');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a documented 500 sent as the envelope code under HTTP 200', async () => {
    fake.script(apiError(500, 'Internal server error'), { body: envelope([documentedRow]) });
    expect((await client(fake.url).fetchPage(request)).rows).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('keeps KeyAPI’s message to one clean line of at most 200 characters', async () => {
    fake.script(apiError(10002, `bad\nregion\u202e\u200b ${'x'.repeat(500)}`));
    const { fields } = await failure(client(fake.url).fetchPage(request));
    expect(fields.apiMessage).toMatch(/^bad region x+…$/);
    expect(Array.from(fields.apiMessage ?? '')).toHaveLength(200);
  });

  it('counts every upstream request, retries included', async () => {
    fake.script({ status: 500, body: errorBody(500, 'x') }, { body: envelope([]) });
    const c = client(fake.url);
    await c.fetchPage(request);
    expect(c.requestCount).toBe(2);
  });
});
