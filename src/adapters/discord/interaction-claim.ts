/**
 * Each Discord interaction is answered by one bot process, however many receive it: the first to set
 * the interaction's claim key (SET NX) answers, the others leave it. Imports the key and the Redis client type only.
 */
import { hostname } from 'node:os';
import { discordInteractionClaimKey } from '../../keys.js';
import type { RedisClient } from '../../redis-connection.js';

// The interaction's token lives 15 minutes: after that nobody can answer it, so the claim may go.
const CLAIM_SECONDS = 15 * 60;

/** True when this process got the interaction; false when another bot process already has it. */
export function createInteractionClaim(
  redis: RedisClient,
  prefix: string,
): (interactionId: string) => Promise<boolean> {
  const owner = `${hostname()}:${process.pid}`;
  return async (interactionId) =>
    (await redis.set(discordInteractionClaimKey(prefix, interactionId), owner, 'EX', CLAIM_SECONDS, 'NX')) ===
    'OK';
}
