/**
 * Crafted rankings served by the scriptable KeyAPI: for each period, the creators' user ids in rank
 * order. A period with no entry answers an empty `data` array, as KeyAPI does before publishing.
 * Also the page cache those tests use in place of Redis's.
 */
import type { RankingPage } from '../../src/keyapi/client.js';
import type { PageCache } from '../../src/ranking/page-cache.js';
import { envelope, type FakeKeyApi } from './keyapi-server.js';

const rankTypes: Record<string, string> = { '1': 'day', '2': 'week', '3': 'month' };

/**
 * `rankings['day-2026-11-24'] = ['a', 'b', …]`; edit it at any time, the next request sees it. A user id's
 * handle is the id itself unless `handles` renames it (edit it too: a creator renaming their handle).
 */
export function serveCraftedRankings(
  fake: FakeKeyApi,
  rankings: Record<string, string[]>,
  handles: Record<string, string> = {},
): void {
  fake.fallback = (request) => {
    const key = `${rankTypes[request.params.rank_type ?? '']}-${request.params.date}`;
    const ids = rankings[key] ?? [];
    const size = Number(request.params.page_size);
    const page = Number(request.params.page_num);
    const rows = ids.slice((page - 1) * size, page * size).map((id, i) => ({
      user_id: id,
      unique_id: handles[id] ?? id,
      nick_name: `Creator ${id.toUpperCase()}`,
      region: request.params.region,
      total_followers_cnt: 100_000 - (page - 1) * size - i,
      total_sale_cnt: 5_000 - i,
    }));
    return { body: envelope(rows) };
  };
}

/**
 * KeyAPI rows written by an attacker: line breaks that try to forge a leaderboard row (in Discord's
 * `**2.**` and Slack's `*2.*` form), bidi overrides that reverse text, zero-width and other invisible
 * characters, and a C1 control, in the handle, the nickname and the category.
 */
export const hostileRows = [
  {
    user_id: '7100000000000000001',
    unique_id: 'evil\n**2.** 🆕 Forged Creator\n*2.* Forged Creator',
    nick_name: 'Evil\u202Egnp.exe\u202C Creator\r\n**3.** Fake',
    category: 'Beauty\u2028**4.** Fake\u2066cat\u2069',
    total_followers_cnt: 90_000,
  },
  {
    user_id: '7100000000000000002',
    unique_id: 'zero\u200Bwidth\u200D\uFEFF',
    nick_name: 'Invisible\u2060\u200C Ink\u0085\u001B[31m',
    category: 'Home\u2029Garden',
    total_followers_cnt: 80_000,
  },
];

/** Every character {@link hostileRows} hides (line breaks between rows aside): none may reach a platform. */
export const hostileCharacters = /(?!\n)[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * A page cache that keeps published pages only: what the Redis cache amounts to in production, where
 * probes are spaced further apart (10 min and more) than an empty page is cached (5 min).
 */
export function publishedPagesOnly(): PageCache {
  const pages = new Map<string, RankingPage>();
  return {
    get: async (request) => pages.get(JSON.stringify(request)),
    getMany: async (requests) => requests.map((request) => pages.get(JSON.stringify(request))),
    set: async (request, page) => {
      if (page.rows.length > 0) pages.set(JSON.stringify(request), page);
    },
    categories: async () => [],
  };
}
