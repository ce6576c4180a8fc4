import { describe, expect, it } from 'vitest';
import { parseProductCategories } from '../../../src/ranking/product-categories.js';

describe('parseProductCategories', () => {
  it('reads the documented list into level 1-2-3 paths with their rank', () => {
    expect(parseProductCategories('601450-849672-601690:1,601450-848776-601608:2')).toEqual([
      { l1: '601450', l2: '849672', l3: '601690', rank: 1 },
      { l1: '601450', l2: '848776', l3: '601608', rank: 2 },
    ]);
  });

  it('orders entries by rank and skips malformed ones', () => {
    expect(parseProductCategories('1-2-3:2,garbage,4-5:1,7-8-9:1')).toEqual([
      { l1: '7', l2: '8', l3: '9', rank: 1 },
      { l1: '1', l2: '2', l3: '3', rank: 2 },
    ]);
  });

  it('gives an empty list for a missing or empty field', () => {
    expect(parseProductCategories(undefined)).toEqual([]);
    expect(parseProductCategories('')).toEqual([]);
  });
});
