/**
 * What a subscription costs a month: its digest, plus the daily alert check when alerts are on, each
 * priced by src/ranking/price.ts. Totals count each leaderboard once, because channels following the
 * same leaderboard share one fetch (ticks group them, and finished periods stay cached).
 */
import { priceOf, type QueryPrice } from '../ranking/price.js';
import { dailyQuery, queryHash, type Subscription } from './subscription.js';

interface PricedPart {
  /** The leaderboard fetched: equal keys are fetched once for everyone. */
  key: string;
  what: 'digest' | 'alerts';
  price: QueryPrice;
}

function partsOf(sub: Pick<Subscription, 'query' | 'alerts'>): PricedPart[] {
  const parts: PricedPart[] = [
    { key: queryHash(sub.query), what: 'digest', price: priceOf(sub.query, sub.query.type) },
  ];
  if (sub.alerts) {
    const daily = dailyQuery(sub.query);
    parts.push({ key: queryHash(daily), what: 'alerts', price: priceOf(daily, 'day') });
  }
  return parts;
}

/** ≈ credits a month of one subscription on its own. */
export function monthlyPriceOf(sub: Pick<Subscription, 'query' | 'alerts'>): number {
  return monthlyTotal([sub]);
}

/** ≈ credits a month of these subscriptions together: active ones, each leaderboard counted once. */
export function monthlyTotal(
  subs: (Pick<Subscription, 'query' | 'alerts'> & { state?: Subscription['state'] })[],
): number {
  const byKey = new Map<string, number>();
  for (const sub of subs) {
    if (sub.state && sub.state.status !== 'active') continue;
    for (const part of partsOf(sub)) byKey.set(part.key, part.price.monthly);
  }
  return [...byKey.values()].reduce((a, b) => a + b, 0);
}

/**
 * The price in words: "≈ 8 credits a month (2 pages of this week and the week before, every Monday);
 * 0 extra while another channel follows the same leaderboard".
 */
export function describePrice(sub: Pick<Subscription, 'query' | 'alerts'>): string {
  const parts = partsOf(sub);
  const shared = '0 extra while another channel follows the same leaderboard';
  const [digest, alerts] = parts;
  if (!digest) return shared;
  if (!alerts || alerts.key === digest.key) {
    return `≈ ${digest.price.monthly} credits a month (${digest.price.words}${alerts ? ', alerts included' : ''}); ${shared}`;
  }
  const total = digest.price.monthly + alerts.price.monthly;
  return `≈ ${total} credits a month: ${digest.price.monthly} for the digest (${digest.price.words}) and ${alerts.price.monthly} for alerts (${alerts.price.words}); ${shared}`;
}
