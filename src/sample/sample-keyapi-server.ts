/**
 * A local KeyAPI that speaks the seed's contract over HTTP, on sample creators: Bearer auth (401
 * `apiKey is null`), required parameters (400), page_size at most 10, the documented envelope, and an
 * empty `data` array for periods that have not ended yet. The demo and the tests use it; nothing
 * here is real data.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RANKING_PATH } from '../keyapi/client.js';
import { isComplete, isValidDate, periodContaining, periodEnd, toDateString } from '../ranking/period.js';
import type { Period, RankType } from '../ranking/types.js';
import { creatorsOf, metricsOf, type SampleCreator } from './sample-creators.js';

export interface SampleKeyApiServer {
  url: string;
  /** Requests answered so far (each would be a paid credit against the real API). */
  readonly requestCount: number;
  /** Answer every request after this many milliseconds (to show slow paths). */
  delayMs: number;
  close(): Promise<void>;
}

export interface SampleKeyApiOptions {
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  token?: string;
  /** Today's date, YYYY-MM-DD: periods ending on or after it are not published. */
  today?: () => string;
  port?: number;
}

const required = ['date', 'region', 'rank_type', 'influencer_rank_field', 'page_num', 'page_size'] as const;
const rankTypes: Record<string, RankType> = { '1': 'day', '2': 'week', '3': 'month' };

type Reply = { status: number; body: Record<string, unknown> };

function fail(status: number, message: string): Reply {
  return { status, body: { code: status, data: null, message } };
}

export async function startSampleKeyApiServer(
  options: SampleKeyApiOptions = {},
): Promise<SampleKeyApiServer> {
  const today = options.today ?? (() => toDateString(new Date()));
  let requestCount = 0;
  const state = { delayMs: 0 };

  const server: Server = createServer((req, res) => {
    requestCount += 1;
    const reply = answer(req.url ?? '/', req.headers.authorization, options.token, today());
    setTimeout(() => {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    }, state.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get requestCount() {
      return requestCount;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(
  path: string,
  authorization: string | undefined,
  token: string | undefined,
  today: string,
): Reply {
  const url = new URL(path, 'http://sample');
  if (url.pathname !== RANKING_PATH) return fail(404, `No route for ${url.pathname}`);
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!key) return fail(401, 'apiKey is null');
  if (token !== undefined && key !== token) return fail(401, 'apiKey is invalid');

  const params = url.searchParams;
  for (const name of required) {
    if (!params.get(name)) return fail(400, `Missing required parameter: ${name}`);
  }
  const date = params.get('date') ?? '';
  const type = rankTypes[params.get('rank_type') ?? ''];
  const field = params.get('influencer_rank_field');
  const pageNum = Number(params.get('page_num'));
  const pageSize = Number(params.get('page_size'));
  if (!isValidDate(date)) return fail(400, 'date must be yyyy-MM-dd');
  if (!type) return fail(400, 'rank_type must be 1, 2 or 3');
  if (field !== '1' && field !== '2') return fail(400, 'influencer_rank_field must be 1 or 2');
  if (!Number.isInteger(pageNum) || pageNum < 1 || pageNum > 100_000)
    return fail(400, 'page_num must be 1 to 100000');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10)
    return fail(400, 'page_size must be 1 to 10');

  const period: Period = { type, date };
  // Rankings are dated on their first day (a Monday, a 1st) and published once the period is over.
  const published = periodContaining(type, date).date === date && isComplete(period, today);
  const rows = published
    ? ranking(
        params.get('region') ?? '',
        period,
        field,
        params.get('influencer_category_name'),
        params.get('product_category_id'),
      )
    : [];
  return {
    status: 200,
    body: {
      code: 0,
      message: 'success',
      data: rows.slice((pageNum - 1) * pageSize, pageNum * pageSize),
      requestId: randomUUID(),
    },
  };
}

const rankings = new Map<string, Record<string, unknown>[]>();

function ranking(
  region: string,
  period: Period,
  field: '1' | '2',
  category: string | null,
  productCategory: string | null,
): Record<string, unknown>[] {
  const key = [region, period.type, period.date, field, category ?? '', productCategory ?? ''].join('|');
  const cached = rankings.get(key);
  if (cached) return cached;
  const startDay = Date.parse(`${period.date}T00:00:00Z`) / 86_400_000;
  const days = Date.parse(`${periodEnd(period)}T00:00:00Z`) / 86_400_000 - startDay + 1;
  const rows = creatorsOf(region.toUpperCase())
    .filter((c) => c.debutDay <= startDay)
    .filter((c) => !category || c.category.toLowerCase() === category.toLowerCase())
    .filter((c) => !productCategory || c.productCategories.split(/[-:,]/).includes(productCategory))
    .map((c) => toRow(c, region, metricsOf(c, `${period.type}-${period.date}`, startDay, days)))
    .sort((a, b) => {
      const metric = field === '1' ? 'total_followers_cnt' : 'total_sale_cnt';
      return (
        (b[metric] as number) - (a[metric] as number) || String(a.user_id).localeCompare(String(b.user_id))
      );
    });
  if (rankings.size > 500) rankings.clear();
  rankings.set(key, rows);
  return rows;
}

function toRow(c: SampleCreator, region: string, m: ReturnType<typeof metricsOf>): Record<string, unknown> {
  return {
    avatar: `https://example.invalid/avatar/${c.userId}.jpg`,
    category: c.category,
    ec_score: Math.round((3 + (m.followersTotal % 700) / 100) * 100) / 100,
    most_category_id: c.mostCategory[0],
    most_category_l2_id: c.mostCategory[1],
    most_category_l3_id: c.mostCategory[2],
    nick_name: c.nickname,
    product_category_list: c.productCategories,
    region,
    sales_flag: m.sales > 0 ? 3 : 0,
    total_digg_cnt: m.followers * 9,
    total_digg_history_cnt: m.followersTotal * 11,
    total_followers_cnt: m.followers,
    total_followers_history_cnt: m.followersTotal,
    total_live_cnt: Math.round(m.sales / 400),
    total_live_history_cnt: Math.round(m.salesTotal / 400),
    total_post_video_cnt: Math.round(m.followers / 900) + 1,
    total_post_video_history_cnt: Math.round(m.followersTotal / 900) + 1,
    total_product_cnt: Math.round(m.sales / 90),
    total_product_history_cnt: Math.round(m.salesTotal / 90),
    total_sale_cnt: m.sales,
    total_sale_gmv_amt: m.gmv,
    total_sale_gmv_history_amt: m.salesTotal * c.price,
    total_sale_history_cnt: m.salesTotal,
    unique_id: c.handle,
    user_id: c.userId,
  };
}
