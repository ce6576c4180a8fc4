/**
 * Numbers as a reader wants them in a leaderboard: compact (12.3K, 1.2M) in the reader's locale, with
 * a true minus sign (U+2212) for negatives. KeyAPI reports GMV in US dollars. Imports nothing.
 */

/** A locale's formatter for one style, with the numbers it already wrote (boards repeat their numbers). */
interface Formatter {
  format: Intl.NumberFormat;
  written: Map<number, string>;
}

const formatters = new Map<string, Formatter>();
const WRITTEN_KEPT = 4096;

/** One formatter per locale and style (`name`), built once: building one costs more than formatting. */
function formatter(locale: string, name: string, options: Intl.NumberFormatOptions): Formatter {
  const key = `${locale}|${name}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = { format: new Intl.NumberFormat(safeLocale(locale), options), written: new Map() };
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
  const { format, written } = formatter(locale, name, options);
  // A Map takes −0 for 0, which is written "−0": it is never kept.
  const negativeZero = Object.is(value, -0);
  let text = negativeZero ? undefined : written.get(value);
  if (text !== undefined) return text;
  // Only a negative number (or −0) has a minus sign to replace; formatToParts is the slow path.
  text =
    value > 0 || (value === 0 && !negativeZero)
      ? format.format(value)
      : format
          .formatToParts(value)
          .map((part) => (part.type === 'minusSign' ? '\u2212' : part.value))
          .join('');
  if (negativeZero) return text;
  if (written.size >= WRITTEN_KEPT) written.clear();
  written.set(value, text);
  return text;
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
