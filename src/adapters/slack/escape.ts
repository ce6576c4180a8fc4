/**
 * Slack's mrkdwn control characters: untrusted text (creator nicknames, handles, categories) is escaped
 * before it enters any mrkdwn string, and command text is unescaped as Slack escaped it.
 * Pure string functions; imports nothing.
 */

/**
 * Escapes `&`, `<` and `>` as Slack asks (https://docs.slack.dev/messaging/formatting-message-text#escaping),
 * so `<!channel>` shows as text and notifies no one. `&` goes first so the others are not escaped twice.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Reverses Slack's escaping of slash command text: Slack sends `&`, `<` and `>` typed by the user as
 * `&amp;`, `&lt;` and `&gt;`, so `category:"Beauty & Care"` would otherwise reach the parser mangled.
 * `&amp;` goes last so `&amp;lt;` becomes `&lt;` and not `<`.
 */
export function unescapeSlackText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** True when mrkdwn text holds an unescaped mention or broadcast (`<!channel>`, `<@U123>`, `<!subteam^…>`). */
export function canMention(mrkdwn: string): boolean {
  return /<[!@]/.test(mrkdwn);
}
