/**
 * Discord Markdown escaping for untrusted text (creator nicknames, handles, categories, typed values):
 * whatever a string holds, it shows literally and pings no one. One module, so every string the
 * Discord adapter renders goes through the same rules. Imports nothing.
 */

// Characters that open Markdown in Discord: emphasis, strike, spoiler, code, masked links ([…](…)),
// quotes, and `<` which starts mentions (<@id> <@&id> <#id>), slash mentions, timestamps and emoji.
// Discord drops the backslash before any ASCII punctuation, so these escapes never show.
const inlinePattern = /[\\*_~`|[\]<>]/g;
// Line-start syntax, which Discord only reads when a space follows: headings (# ## ###), subtext (-#),
// list items (- , + , 1. ). `*` and `>` are escaped everywhere already.
const lineStartPattern = /^(\s*)(#{1,3}|-#|[-+]|\d+\.)(?=\s)/gm;
// @everyone and @here stay readable but become plain text even where allowed_mentions is ignored
// (notification previews, copied text): a zero-width space after the @ breaks the mention.
const massMentionPattern = /@(everyone|here)\b/gi;

/** Text that renders exactly as given in Discord Markdown and can mention no one. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(inlinePattern, (ch) => `\\${ch}`)
    .replace(lineStartPattern, (_, space: string, mark: string) =>
      mark.endsWith('.') ? `${space}${mark.slice(0, -1)}\\.` : `${space}\\${mark}`,
    )
    .replace(massMentionPattern, '@\u200b$1');
}

/** Inverse of the inline escapes, for length checks and tests that compare with plain sentences. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1').replaceAll('@\u200b', '@');
}

/**
 * A URL safe inside a masked link `[text](url)`: http(s) only, and every character that could close
 * the link or start another one percent-encoded. Undefined for anything else (javascript:, data:).
 */
export function safeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(
    /[()[\]<>\s"'`\\]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** `[text](url)` with the text escaped; plain escaped text when the URL is not safe. */
export function maskedLink(text: string, url: string): string {
  const href = safeUrl(url);
  return href ? `[${escapeMarkdown(text)}](${href})` : escapeMarkdown(text);
}
