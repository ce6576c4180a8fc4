/**
 * Redis key builders: one exported function per key, so each key's shape lives in one place.
 * Every key starts with the configured prefix (one Redis Cluster hash tag). Imports nothing.
 */

/** Set (NX, with expiry) by the one bot process that answers a Discord interaction. */
export function discordInteractionClaimKey(prefix: string, interactionId: string): string {
  return `${prefix}:discord:interaction:${interactionId}`;
}

/** The ids of the subscriptions of one team (Discord server), to pause them when the bot is removed. */
export function teamSubscriptionsKey(prefix: string, team: string): string {
  return `${prefix}:subs:team:${team}`;
}
