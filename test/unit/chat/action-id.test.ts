import { describe, expect, it } from 'vitest';
import { decodeAction, encodeLeaderboardAction } from '../../../src/chat/action-id.js';

describe('leaderboard action ids', () => {
  it('carry the whole query within Discord’s 100 characters and decode to the same options', () => {
    const id = encodeLeaderboardAction(
      {
        region: 'US',
        type: 'week',
        by: 'sales',
        category: 'Beauty & Personal Care',
        productCategory: '601450',
        limit: 10,
        page: 1,
      },
      '2026-11-23',
      2,
    );
    expect(id?.length).toBeLessThanOrEqual(100);
    expect(decodeAction(id ?? '')).toEqual({
      command: 'toprank',
      values: {
        region: 'US',
        type: 'week',
        by: 'sales',
        date: '2026-11-23',
        limit: '10',
        page: '2',
        category: 'Beauty & Personal Care',
        product_category: '601450',
      },
    });
  });

  it('gives no id when the query cannot fit, rather than a broken button', () => {
    const id = encodeLeaderboardAction(
      { region: 'US', type: 'day', by: 'followers', category: 'x'.repeat(90), limit: 10, page: 1 },
      '2026-11-24',
      2,
    );
    expect(id).toBeUndefined();
  });

  it('ignores ids it did not make', () => {
    expect(decodeAction('something-else')).toBeUndefined();
    expect(decodeAction('tr|US|d|f|20261124|10|2|%E0%A4%A|')).toBeUndefined();
  });
});
