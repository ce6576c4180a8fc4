/**
 * Runs a Lua script by its SHA-1 (EVALSHA), loading it with EVAL only when Redis does not know it yet:
 * hot scripts (the pacer's, once per delivery) then cost a few bytes on the wire, not their whole text.
 * Imports node:crypto and the connection type only.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';

const shas = new Map<string, string>();

export async function evalScript(
  redis: RedisClient,
  script: string,
  numKeys: number,
  ...args: (string | number)[]
): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, numKeys, ...args);
  } catch (error) {
    // A restarted or flushed Redis has forgotten it (and a Cluster node may never have seen it).
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, numKeys, ...args);
  }
}
