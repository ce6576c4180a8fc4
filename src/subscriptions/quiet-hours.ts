/**
 * Quiet hours: a channel's nightly window (`22:00-08:00`, in a time zone) during which alerts are held
 * and then posted as one message when it ends. The one home of the window's format and of when it
 * ends; pure, imports the zone and wall-clock helpers only.
 */
import { z } from 'zod';
import { addDays } from '../ranking/period.js';
import { isTimeOfDay } from '../time-zone.js';
import { isTimeZone, localDate, localTime, zonedInstant } from './slot.js';

/** A window of the wall clock in `timezone`; `from` later than `to` runs over midnight. */
export const quietHoursSchema = z.object({
  from: z.string().refine(isTimeOfDay),
  to: z.string().refine(isTimeOfDay),
  timezone: z.string().refine(isTimeZone),
});
export type QuietHours = z.output<typeof quietHoursSchema>;

const windowPattern = /^(\d{1,2}:\d\d)-(\d{1,2}:\d\d)$/;
const pad = (t: string) => (t.length === 4 ? `0${t}` : t);

/**
 * A window as typed (`22:00-08:00`), or `off` (null); undefined when it is neither. The zone is the
 * subscription's or the watchlist's, given apart.
 */
export function parseQuietWindow(text: string): { from: string; to: string } | null | undefined {
  const word = text.trim().toLowerCase();
  if (word === 'off' || word === 'none') return null;
  const match = windowPattern.exec(word);
  if (!match) return undefined;
  const [from, to] = [pad(match[1] ?? ''), pad(match[2] ?? '')];
  return isTimeOfDay(from) && isTimeOfDay(to) && from !== to ? { from, to } : undefined;
}

/** When the quiet hours around `now` end, or undefined when `now` is outside them. */
export function quietEnd(quiet: QuietHours | undefined, now: Date): Date | undefined {
  if (!quiet) return undefined;
  const { from, to, timezone } = quiet;
  const date = localDate(now, timezone);
  const time = localTime(now, timezone);
  if (from < to) return time >= from && time < to ? zonedInstant(date, to, timezone) : undefined;
  if (time >= from) return zonedInstant(addDays(date, 1), to, timezone);
  return time < to ? zonedInstant(date, to, timezone) : undefined;
}

/** The window in words: "22:00–08:00 Europe/Paris". */
export function describeQuiet(quiet: QuietHours): string {
  return `${quiet.from}–${quiet.to} ${quiet.timezone}`;
}
