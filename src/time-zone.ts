/**
 * Time zone names in one canonical spelling, so `utc`, `UTC` and `Etc/UTC` name one delivery slot and
 * one scheduler. Shared by the configuration and the subscriptions; imports nothing.
 */

/**
 * The runtime's canonical name of an IANA zone (`america/new_york` → `America/New_York`), or undefined
 * when it is not one. Offsets such as `+01:00` are refused: slot ids and BullMQ ids may not hold `:`.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  const name = zone.trim();
  if (name.length === 0 || name.includes(':')) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return /^[+-]/.test(resolved) || resolved.includes(':') ? undefined : resolved;
  } catch {
    return undefined;
  }
}
