/**
 * A delivery slot as BullMQ sees it: the cron pattern of its scheduler (daily `M H * * *`, weekly
 * `M H * * 1`, monthly `M H 1 * *`, read in the slot's zone), and the repeat strategy that turns a
 * pattern back into the slot's next fire time with our own wall-clock maths (src/subscriptions/slot.ts).
 */
import { defaultRepeatStrategy, type RepeatStrategy } from 'bullmq';
import { nextFireTime, type Slot } from '../subscriptions/slot.js';

/** The cron pattern of a slot, read in the slot's zone. */
export function cronOf(slot: Slot): string {
  const [hh = '0', mm = '0'] = slot.time.split(':');
  const at = `${Number(mm)} ${Number(hh)}`;
  if (slot.cadence === 'week') return `${at} * * 1`;
  if (slot.cadence === 'month') return `${at} 1 * *`;
  return `${at} * * *`;
}

const slotPattern = /^(\d{1,2}) (\d{1,2}) (\*|1) \* (\*|1)$/;

/** The slot a pattern of {@link cronOf} and its zone describe; undefined for any other pattern. */
function slotOfCron(pattern: string, timezone: string): Slot | undefined {
  const match = slotPattern.exec(pattern);
  if (!match) return undefined;
  const [, mm = '', hh = '', dayOfMonth, dayOfWeek] = match;
  const cadence = dayOfWeek === '1' ? 'week' : dayOfMonth === '1' ? 'month' : 'day';
  if (dayOfWeek === '1' && dayOfMonth === '1') return undefined;
  return { cadence, time: `${hh.padStart(2, '0')}:${mm.padStart(2, '0')}`, timezone };
}

/**
 * When a slot scheduler fires next, for the tick queue and its workers. cron-parser skips a day whose
 * time falls in a DST gap at midnight (00:30 in America/Santiago the night clocks jump from 00:00 to
 * 01:00), so a daily digest would silently miss that day; our maths fires just after the gap (01:30),
 * as docs/subscriptions.md promises, and agrees with cron everywhere else. Other patterns keep BullMQ's.
 */
export const slotRepeatStrategy: RepeatStrategy = (millis, opts) => {
  const slot = opts.pattern && opts.tz ? slotOfCron(opts.pattern, opts.tz) : undefined;
  if (!slot) return defaultRepeatStrategy(millis, opts);
  return nextFireTime(slot, new Date(millis)).getTime();
};
