/**
 * When a delivery happens, as people write it: a time of day `HH:MM` and a time zone name in one
 * canonical spelling, so `utc`, `UTC` and `Etc/UTC` name one delivery slot and one scheduler. The one
 * home of both rules, shared by the configuration, the commands and the subscriptions; imports zod only.
 */
import { z } from 'zod';

const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d$/;

/** True for a 24-hour time written HH:MM (09:00, 23:45). */
export function isTimeOfDay(text: string): boolean {
  return timeOfDay.test(text);
}

/** A time of day as typed: `9:00` is read as `09:00`. */
export const timeOfDaySchema = z
  .string()
  .trim()
  .transform((s) => (/^\d:\d\d$/.test(s) ? `0${s}` : s))
  .refine(isTimeOfDay, 'must be a 24-hour time HH:MM such as 09:00');

/** A time zone as typed, in its canonical spelling. */
export const timeZoneSchema = z
  .string()
  .trim()
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (!canonical)
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Paris or UTC' });
    return canonical ?? zone;
  });

/**
 * The runtime's canonical name of an IANA zone (`america/new_york` → `America/New_York`), or undefined
 * when it is not one. Offsets such as `+01:00` are refused: slot ids and BullMQ ids may not hold `:`.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  const name = zone.trim();
  if (name.length === 0 || name.includes(':')) return undefined;
  // Every subscription read validates its zone: an Intl.DateTimeFormat each time was a tenth of a
  // delivery's CPU. The answer for a name never changes within a process; typed names are few.
  if (canonicalNames.has(name)) return canonicalNames.get(name);
  let canonical: string | undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    canonical = /^[+-]/.test(resolved) || resolved.includes(':') ? undefined : resolved;
  } catch {
    canonical = undefined;
  }
  if (canonicalNames.size >= 1_000) canonicalNames.clear();
  canonicalNames.set(name, canonical);
  return canonical;
}

const canonicalNames = new Map<string, string | undefined>();
