/**
 * Redis key builders: one exported function per key, so each key's shape lives in exactly one place.
 * Every key starts with the deployment's one hash-tagged prefix (Redis Cluster). Imports nothing.
 */

/** Credits one member spent on interactive commands in one UTC hour (`2026-11-25T09`). */
export function creditsUserKey(prefix: string, user: string, hour: string): string {
  return `${prefix}:credits-user:${user}:${hour}`;
}

/** Credits spent on interactive commands in one channel in one UTC hour. */
export function creditsChannelKey(prefix: string, channel: string, hour: string): string {
  return `${prefix}:credits-channel:${channel}:${hour}`;
}

/** Credits one team (a Discord server, a Slack workspace) spent on interactive commands in one UTC day. */
export function creditsTeamKey(prefix: string, team: string, day: string): string {
  return `${prefix}:credits-team:${team}:${day}`;
}

/** The last delivery outcome of a subscription (delivered, failed, waiting, missed), as JSON. */
export function deliveryStatusKey(prefix: string, subscriptionId: string): string {
  return `${prefix}:delivery-status:${subscriptionId}`;
}

/** When KeyAPI last answered, and its last error, as a hash. */
export function upstreamHealthKey(prefix: string): string {
  return `${prefix}:keyapi-health`;
}

/** Set while a tick of (slot, period) waits for the credit budget; its deliveries say they are late. */
export function tickLateKey(prefix: string, slotId: string, periodKey: string): string {
  return `${prefix}:tick-late:${slotId}:${periodKey}`;
}

/** Set when an alert check of (query, day) met a spent credit budget; its alerts say they are late. */
export function alertsLateKey(prefix: string, queryHash: string, date: string): string {
  return `${prefix}:alerts-late:${queryHash}:${date}`;
}

/** The subscriptions of one team (a Discord server, a Slack workspace), for its monthly price. */
export function teamSubscriptionsKey(prefix: string, team: string): string {
  return `${prefix}:subs:team:${team}`;
}
