/**
 * Delivery slots: cadence × time × zone, the unit one job scheduler serves, and the wall-clock maths
 * of when a slot fires (daily; weekly on Monday; monthly on the 1st), done with Intl so no cron
 * library is needed here. Pure; imports ranking's calendar helpers and the zone names, nothing else.
 */
import { addDays, dayNames, monthNames } from '../ranking/period.js';
import { type RankType, rankTypes } from '../ranking/types.js';
import { canonicalTimeZone, isTimeOfDay } from '../time-zone.js';

export interface Slot {
  cadence: RankType;
  /** HH:MM, 24-hour, in `timezone`. */
  time: string;
  /** IANA zone in its canonical spelling (see time-zone.ts), e.g. America/New_York. */
  timezone: string;
}

const slotIdPattern = new RegExp(`^(${rankTypes.join('|')})-(\\d\\d)(\\d\\d)-(.+)$`);

/** A slot's id, safe for Redis keys and BullMQ ids (no `:`): `week-0900-America/New_York`. */
export function slotId(slot: Slot): string {
  return `${slot.cadence}-${slot.time.replace(':', '')}-${slot.timezone}`;
}

/** The slot an id names; throws on an id `slotId` could not have made. */
export function parseSlotId(id: string): Slot {
  const match = slotIdPattern.exec(id);
  if (!match) throw new Error(`not a slot id: ${id}`);
  const [, cadence, hh, mm, timezone] = match as unknown as [string, RankType, string, string, string];
  const time = `${hh}:${mm}`;
  if (!isTimeOfDay(time)) throw new Error(`not a slot id: ${id}`);
  return { cadence, time, timezone };
}

/** True when `zone` is an IANA time zone this runtime knows, in any spelling. */
export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `zone` at `instant`. */
function wallClock(instant: Date, zone: string): WallClock {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: dayNames.indexOf(String(parts.weekday)),
  };
}

/** The local YYYY-MM-DD in `zone` at `instant`. */
export function localDate(instant: Date, zone: string): string {
  const c = wallClock(instant, zone);
  return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** The local HH:MM in `zone` at `instant`. */
export function localTime(instant: Date, zone: string): string {
  const c = wallClock(instant, zone);
  return `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
}

/** How far `zone`'s wall clock is ahead of UTC at `instant` (minute-aligned), in ms. */
function offsetAt(instant: number, zone: string): number {
  const c = wallClock(new Date(instant), zone);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute) - instant;
}

const DAY_MS = 24 * 3600_000;

/**
 * The instant at which the wall clock in `zone` reads `date` `time`. A time that occurs twice (clocks
 * going back) is its first occurrence; a time skipped by clocks going forward moves forward by the gap
 * (02:30 on a spring-forward night in New York is 03:30 EDT), as BullMQ's cron fires then too.
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  // No zone changes its offset twice within two days, so the offsets a day before and after cover it.
  const before = offsetAt(wanted - DAY_MS, zone);
  const after = offsetAt(wanted + DAY_MS, zone);
  const candidates = [wanted - before, wanted - after].sort((a, b) => a - b);
  const valid = candidates.find((at) => at + offsetAt(at, zone) === wanted);
  // In a gap neither reads `time`: keeping the offset in force before the change lands after the gap.
  return new Date(valid ?? wanted - before);
}

function isFireDay(cadence: RankType, date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  if (cadence === 'week') return d.getUTCDay() === 1;
  if (cadence === 'month') return d.getUTCDate() === 1;
  return true;
}

/** The first time the slot fires strictly after `after`. */
export function nextFireTime(slot: Slot, after: Date): Date {
  let date = localDate(after, slot.timezone);
  for (let i = 0; i < 40; i++, date = addDays(date, 1)) {
    if (!isFireDay(slot.cadence, date)) continue;
    const at = zonedInstant(date, slot.time, slot.timezone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no fire time within 40 days for ${slotId(slot)}`);
}

/** The last time the slot fired at or before `at`. */
export function previousFireTime(slot: Slot, at: Date): Date {
  let date = localDate(at, slot.timezone);
  for (let i = 0; i < 40; i++, date = addDays(date, -1)) {
    if (!isFireDay(slot.cadence, date)) continue;
    const fired = zonedInstant(date, slot.time, slot.timezone);
    if (fired.getTime() <= at.getTime()) return fired;
  }
  throw new Error(`no fire time within 40 days for ${slotId(slot)}`);
}

/** "Mon 30 Nov 2026, 09:00 (America/New_York)": an instant in the slot's own terms. */
export function describeInstant(instant: Date, zone: string): string {
  const c = wallClock(instant, zone);
  const hhmm = `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
  return `${dayNames[c.weekday]} ${c.day} ${monthNames[c.month - 1]} ${c.year}, ${hhmm} (${zone})`;
}

/** The schedule in words: "weekly on Monday at 09:00 America/New_York". */
export function describeSlot(slot: Slot): string {
  const when = { day: 'daily', week: 'weekly on Monday', month: 'monthly on the 1st' }[slot.cadence];
  return `${when} at ${slot.time} ${slot.timezone}`;
}
