/**
 * Idempotent channel posts: a bounded memory of what this process posted under each nonce (built in
 * src/keys.ts from the delivery id), to tell a repeat from a first post. Imports nothing.
 */

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
