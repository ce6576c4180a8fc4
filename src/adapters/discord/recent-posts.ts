/**
 * Idempotent channel posts: the nonce a delivery id becomes (Discord takes at most 25 characters),
 * and a bounded memory of what this process posted under each nonce, to tell a repeat from a first post.
 * Imports only node:crypto.
 */
import { createHash } from 'node:crypto';

/** Discord's nonce limit: "up to 25 characters". */
const NONCE_LENGTH = 25;

/** The same delivery id always gives the same nonce: 25 hex digits (100 bits) of its SHA-256. */
export function deliveryNonce(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('hex').slice(0, NONCE_LENGTH);
}

/** Which message each recent (channel, nonce) produced in this process; the oldest entries go first. */
export class RecentPosts {
  private readonly posts = new Map<string, string>();

  constructor(private readonly capacity = 1000) {}

  /** Records the post; true when this process already saw the same message for the same nonce. */
  seen(channel: string, nonce: string, messageId: string): boolean {
    const key = `${channel}:${nonce}`;
    const repeat = this.posts.get(key) === messageId;
    this.posts.delete(key);
    this.posts.set(key, messageId);
    if (this.posts.size > this.capacity) {
      const oldest = this.posts.keys().next().value;
      if (oldest !== undefined) this.posts.delete(oldest);
    }
    return repeat;
  }
}
