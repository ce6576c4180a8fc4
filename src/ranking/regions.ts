/**
 * Regions, the one place their rules live: the TikTok Shop markets toprank knows (plus the operator's
 * TOPRANK_EXTRA_REGIONS), the check that refuses any other code before a credit is spent on it, and
 * the list autocomplete offers. Pure; imports only the error table.
 */
import { ToprankError } from '../errors.js';

/** TikTok Shop's markets: KeyAPI answers any 2-letter code, but only these have rankings. */
export const knownRegions: readonly { code: string; name: string }[] = [
  { code: 'US', name: 'United States' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'ID', name: 'Indonesia' },
  { code: 'TH', name: 'Thailand' },
  { code: 'VN', name: 'Vietnam' },
  { code: 'MY', name: 'Malaysia' },
  { code: 'PH', name: 'Philippines' },
  { code: 'SG', name: 'Singapore' },
  { code: 'MX', name: 'Mexico' },
  { code: 'BR', name: 'Brazil' },
  { code: 'DE', name: 'Germany' },
  { code: 'FR', name: 'France' },
  { code: 'IT', name: 'Italy' },
  { code: 'ES', name: 'Spain' },
  { code: 'JP', name: 'Japan' },
];

/** The regions a deployment accepts. */
export interface Regions {
  /** The built-in markets, then the operator's extras, each once. */
  readonly list: readonly { code: string; name: string }[];
  isKnown(code: string): boolean;
  /** Throws unknown_region for a code outside the list: nothing is requested for it. */
  check(code: string): void;
}

/** The accepted regions: the built-in markets plus `extra` (TOPRANK_EXTRA_REGIONS), upper-cased. */
export function createRegions(extra: readonly string[] = []): Regions {
  const builtIn = new Set(knownRegions.map((r) => r.code));
  const added = [...new Set(extra.map((c) => c.trim().toUpperCase()))].filter((c) => c && !builtIn.has(c));
  const list = [...knownRegions, ...added.map((code) => ({ code, name: 'added by the operator' }))];
  const codes = new Set(list.map((r) => r.code));
  return {
    list,
    isKnown: (code) => codes.has(code),
    check(code) {
      if (!codes.has(code)) {
        throw new ToprankError('unknown_region', {
          value: code,
          allowed: list.map((r) => r.code).join(', '),
        });
      }
    },
  };
}

/** The built-in markets alone (no TOPRANK_EXTRA_REGIONS). */
export const builtInRegions: Regions = createRegions();

/** A region code as KeyAPI writes it: two capital letters (US, GB). Whether it is a market is `Regions`'. */
export function isRegionCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code);
}

/** The flag emoji of a 2-letter region code (regional indicator symbols). */
export function flagOf(region: string): string {
  if (!isRegionCode(region)) return '🌐';
  return String.fromCodePoint(...[...region].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}
