/**
 * Every BullMQ id we choose, built in one place: they name what they do (subscription, period,
 * slot) so a repeat is recognised, and never contain `:`, which BullMQ refuses in custom ids.
 */

function checked(id: string): string {
  if (id.includes(':')) throw new Error(`BullMQ ids may not contain ':': ${id}`);
  return id;
}

/** One digest of one subscription for one period: `deliver-<sub>-week-2026-11-23`. */
export function digestJobId(subscriptionId: string, periodKey: string): string {
  return checked(`deliver-${subscriptionId}-${periodKey}`);
}

/** One alert message of one subscription for one published day: `alert-<sub>-2026-11-24`. */
export function alertJobId(subscriptionId: string, date: string): string {
  return checked(`alert-${subscriptionId}-${date}`);
}

/** The job scheduler of a delivery slot. */
export function schedulerIdOf(slotId: string): string {
  return checked(`digest-${slotId}`);
}

/** The slot a scheduler id names, or undefined for other schedulers. */
export function slotIdOfScheduler(schedulerId: string): string | undefined {
  return schedulerId.startsWith('digest-') ? schedulerId.slice('digest-'.length) : undefined;
}

/** A tick we add ourselves (catch-up, `digest run`), named by its slot and fire time or period. */
export function tickJobId(slotId: string, at: number | string): string {
  return checked(`tick-${slotId}-${at}`);
}

/** The daily alert check the scheduler runs, and a manual one for a date. */
export const ALERT_SCHEDULER_ID = 'alert-check';
export function alertCheckJobId(date: string): string {
  return checked(`alert-check-${date}`);
}
