/**
 * Numbers as a reader wants them in a leaderboard: compact (12.3K, 1.2M) in the reader's locale, with
 * a true minus sign (U+2212) for negatives. KeyAPI reports GMV in US dollars. Imports nothing.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/** One formatter per locale and style (`name`), built once: building one costs more than formatting. */
function formatter(locale: string, name: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${name}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.NumberFormat(safeLocale(locale), options);
    formatters.set(key, cached);
  }
  return cached;
}

function safeLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf(locale)[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

/**
 * The number in the locale's words, its minus sign always U+2212: most locales write a hyphen, which
 * reads as a dash in a table and, after a "+", as "+-82.1K".
 */
function render(value: number, locale: string, name: string, options: Intl.NumberFormatOptions): string {
  const format = formatter(locale, name, options);
  // Only a negative number (or −0) has a minus sign to replace; formatToParts is the slow path.
  if (value > 0 || (value === 0 && !Object.is(value, -0))) return format.format(value);
  return format
    .formatToParts(value)
    .map((part) => (part.type === 'minusSign' ? '\u2212' : part.value))
    .join('');
}

const compact: Intl.NumberFormatOptions = { notation: 'compact', maximumFractionDigits: 1 };
const signed: Intl.NumberFormatOptions = { ...compact, signDisplay: 'exceptZero' };
const usd: Intl.NumberFormatOptions = { ...compact, style: 'currency', currency: 'USD' };

/** A count, compact: 950, 12.3K, 1.2M, −82.1K; "–" when unknown. */
export function formatCount(value: number | undefined, locale = 'en-US'): string {
  if (value === undefined) return '–';
  return render(value, locale, 'count', compact);
}

/** A change, compact and always signed: +12.3K, −82.1K, 0; "–" when unknown. */
export function formatChange(value: number | undefined, locale = 'en-US'): string {
  if (value === undefined) return '–';
  return render(value, locale, 'change', signed);
}

/** A US-dollar amount, compact: $950, $73.4K; "–" when unknown. */
export function formatUsd(value: number | undefined, locale = 'en-US'): string {
  if (value === undefined) return '–';
  return render(value, locale, 'usd', usd);
}
