/**
 * Numbers as a reader wants them in a leaderboard: compact (12.3K, 1.2M) in the reader's locale.
 * KeyAPI reports GMV in US dollars.
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
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

/** A count, compact: 950, 12.3K, 1.2M; "–" when unknown. */
export function formatCount(value: number | undefined, locale = 'en-US'): string {
  if (value === undefined) return '–';
  return formatter(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A US-dollar amount, compact: $950, $73.4K; "–" when unknown. */
export function formatUsd(value: number | undefined, locale = 'en-US'): string {
  if (value === undefined) return '–';
  return formatter(locale, {
    style: 'currency',
    currency: 'USD',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
}
