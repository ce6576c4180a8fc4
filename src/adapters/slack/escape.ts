/**
 * Slack's mrkdwn control characters: untrusted text (creator nicknames, handles, categories) is escaped
 * before it enters any mrkdwn string, and command text is unescaped as Slack escaped it.
 * Pure string functions; imports nothing.
 */

// Plain `@here`, `@channel`, `@everyone` (and the old `@group`) become broadcasts wherever Slack parses
// plain text: a text object without `verbatim`, `link_names`, `parse: full`, or a client building a
// notification from the fallback `text`. Our blocks are verbatim (render.ts); as a second guard the `@`
// becomes FULLWIDTH COMMERCIAL AT (U+FF20), a visible look-alike Slack never parses. A zero-width
// character after the `@` (Discord's trick) would do too, but this text was cleaned of those on purpose.
const broadcastPattern = /@(here|channel|everyone|group)\b/gi;

/**
 * Escapes `&`, `<` and `>` as Slack asks (https://docs.slack.dev/messaging/formatting-message-text#escaping),
 * so `<!channel>` shows as text and notifies no one; `&` goes first so the others are not escaped
 * twice. A plain broadcast word loses its `@` to a look-alike (see above).
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(broadcastPattern, '\uFF20$1');
}

/**
 * Reverses Slack's escaping of slash command text: Slack sends `&`, `<` and `>` typed by the user as
 * `&amp;`, `&lt;` and `&gt;`, so `category:"Beauty & Care"` would otherwise reach the parser mangled.
 * `&amp;` goes last so `&amp;lt;` becomes `&lt;` and not `<`.
 */
export function unescapeSlackText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/**
 * True when mrkdwn text holds an unescaped mention or broadcast (`<!channel>`, `<@U123>`, `<!subteam^…>`),
 * or a plain broadcast word that a non-verbatim text object would parse (`@here`).
 */
export function canMention(mrkdwn: string): boolean {
  return /<[!@]/.test(mrkdwn) || new RegExp(broadcastPattern.source, 'i').test(mrkdwn);
}
