/**
 * Redis key builders: every key toprank writes, one exported function per key, all under the one hash
 * tag `prefix` (`{toprank}` by default, so Redis Cluster keeps them in one slot). Imports nothing.
 */

/** A signed Slack request's (timestamp, signature) pair, kept five minutes to refuse its replay. */
export function slackSeenRequestKey(prefix: string, timestamp: string, signature: string): string {
  return `${prefix}:slack-seen:${timestamp}:${signature}`;
}
