/**
 * Deterministic synthetic creators and their rankings: the same region, period and sort always give
 * the same answer, with realistic long-tailed numbers and real movement between periods (climbs,
 * drops, creators entering). Pure functions over a seeded hash; no I/O.
 */

export interface SampleCreator {
  userId: string;
  handle: string;
  nickname: string;
  category: string;
  region: string;
  /** Days since 1970-01-01 from which the creator is ranked. */
  debutDay: number;
  followersBase: number;
  followersPerDay: number;
  salesPerDay: number;
  price: number;
  trend: number;
  productCategories: string;
  mostCategory: [string, string, string];
}

const sampleCategories = [
  'Beauty & Personal Care',
  'Fashion',
  'Home & Living',
  'Food & Beverage',
  'Electronics',
  'Health',
  'Sports & Outdoor',
  'Toys & Hobbies',
  'Pets',
  'Other',
];
const productPaths: [string, string, string][] = [
  ['601450', '849672', '601690'],
  ['601450', '848776', '601608'],
  ['601739', '909064', '601925'],
  ['824328', '840072', '601218'],
  ['604579', '871560', '881672'],
  ['601755', '831112', '831752'],
  ['600024', '859400', '600048'],
  ['605248', '905224', '906248'],
];
const firstNames = [
  'Mia',
  'Leo',
  'Ava',
  'Kai',
  'Zoe',
  'Noah',
  'Luna',
  'Eli',
  'Ivy',
  'Max',
  'Nia',
  'Sam',
  'Aya',
  'Rio',
];
const styles = [
  'Glow',
  'Deals',
  'Daily',
  'Finds',
  'Kitchen',
  'Style',
  'Tech',
  'Fit',
  'Home',
  'Haul',
  'Lab',
  'Picks',
];

/** FNV-1a: a stable 32-bit hash of a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by `key`. */
function unit(key: string): number {
  return hash(key) / 2 ** 32;
}

/** A standard normal number determined by `key` (Box–Muller). */
function normal(key: string): number {
  const u = Math.max(unit(`${key}#a`), 1e-9);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * unit(`${key}#b`));
}

const CREATORS_PER_REGION = 240;
const pools = new Map<string, SampleCreator[]>();
const EPOCH_DAY = 20_400; // 2025-11-09: debuts spread after it keep new entries appearing for years

/** The region's creators, generated once. */
export function creatorsOf(region: string): SampleCreator[] {
  let pool = pools.get(region);
  if (pool) return pool;
  pool = Array.from({ length: CREATORS_PER_REGION }, (_, i) => makeCreator(region, i));
  pools.set(region, pool);
  return pool;
}

function makeCreator(region: string, i: number): SampleCreator {
  const key = `${region}:${i}`;
  const name = `${firstNames[hash(`${key}:n`) % firstNames.length]} ${styles[hash(`${key}:s`) % styles.length]}`;
  const size = Math.exp(normal(`${key}:size`) * 1.1); // long tail: a few giants, many small
  const paths = productPaths.filter((_, p) => unit(`${key}:p${p}`) < 0.35);
  const main = paths[0] ?? (productPaths[hash(key) % productPaths.length] as [string, string, string]);
  return {
    // 19 digits, above 2^53 like real TikTok ids, so precision bugs show.
    userId: `66${String(hash(`${key}:id`)).padStart(10, '0')}${String(1_000_000 + i).slice(1)}${i % 10}`,
    handle: `${name.toLowerCase().replace(/\s+/g, '.')}.${region.toLowerCase()}${i}`,
    nickname: i % 17 === 3 ? `${name} ✨` : name,
    category: sampleCategories[hash(`${key}:c`) % sampleCategories.length] ?? 'Other',
    region,
    debutDay: unit(`${key}:debut`) < 0.2 ? EPOCH_DAY + Math.floor(unit(`${key}:d`) * 1500) : 0,
    followersBase: Math.round(5_000 + size * 300_000),
    followersPerDay: Math.round(50 + size * 1_500),
    salesPerDay: Math.round(5 + size * unit(`${key}:sales`) * 600),
    price: 8 + Math.round(unit(`${key}:price`) * 52),
    trend: normal(`${key}:trend`) * 0.0005,
    productCategories: (paths.length > 0 ? paths : [main]).map((p, r) => `${p.join('-')}:${r + 1}`).join(','),
    mostCategory: main,
  };
}

/** A creator's numbers over `days` days starting at `startDay`. */
export function metricsOf(c: SampleCreator, periodKey: string, startDay: number, days: number) {
  const mood = Math.exp(normal(`${c.userId}:${periodKey}`) * 0.25 + c.trend * (startDay - EPOCH_DAY));
  const followers = Math.round(c.followersPerDay * days * mood);
  const sales = Math.round(c.salesPerDay * days * mood * (0.8 + unit(`${c.userId}:${periodKey}:s`) * 0.4));
  const activeDays = Math.max(0, startDay - Math.max(c.debutDay, EPOCH_DAY - 3000));
  return {
    followers,
    followersTotal: c.followersBase + Math.round(c.followersPerDay * Math.min(activeDays, 400)),
    sales,
    gmv: sales * c.price,
    salesTotal: Math.round(c.salesPerDay * activeDays),
  };
}
