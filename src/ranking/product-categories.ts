/**
 * `product_category_list` parsed: "601450-849672-601690:1,601450-848776-601608:2" lists a creator's
 * level 1-2-3 product category paths with their rank. Malformed entries are skipped, not fatal.
 */
import type { ProductCategory } from './types.js';

const entryPattern = /^(\d+)-(\d+)-(\d+):(\d+)$/;

export function parseProductCategories(list: string | null | undefined): ProductCategory[] {
  if (!list) return [];
  const entries: ProductCategory[] = [];
  for (const part of list.split(',')) {
    const match = entryPattern.exec(part.trim());
    if (match) {
      const [, l1, l2, l3, rank] = match as unknown as [string, string, string, string, string];
      entries.push({ l1, l2, l3, rank: Number(rank) });
    }
  }
  return entries.sort((a, b) => a.rank - b.rank);
}
