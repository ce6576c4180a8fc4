/**
 * Untrusted text (KeyAPI nicknames, handles, categories and messages): cleaned once where it enters
 * the domain, so no adapter, digest or alert ever sees a character that could fake a line or reorder
 * one, and cut to a length the platforms take. Escaping markup stays with the adapters. Imports nothing.
 */

// Control characters (C0, C1: newline, ESC…) and line or paragraph separators would break a row in
// two: each run becomes one space.
const breaking = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;
// Format characters (Unicode category Cf) show nothing yet change what the rest shows: bidi overrides
// and isolates (U+202A–202E, U+2066–2069) reverse text, zero-width ones (U+200B–200D, U+2060, U+FEFF)
// hide inside a name. They are removed.
const invisible = /\p{Cf}/gu;

/** KeyAPI text fit for any platform: no control, separator or format character, spaces collapsed. */
export function cleanText(text: string | null | undefined): string {
  return (text ?? '')
    .replace(invisible, '')
    .replace(breaking, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/**
 * Cuts text to at most `max` UTF-16 units (how Discord and Slack count), ending in "…", never
 * splitting an emoji's surrogate pair.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
