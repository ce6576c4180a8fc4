/**
 * A capturing ChatAdapter for job tests: records every send in Redis (so several worker processes
 * share one record), dedups a repeated delivery id as Discord's nonce and Slack's metadata do, fails
 * as a real platform would for channels listed as gone or with a rejected token, and can hold sends
 * after posting (a latch on a Redis key) so a test can kill a process with its outcome unknown.
 */

import type { ChannelRef, Platform } from '../../src/chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type SendOptions,
} from '../../src/chat/chat-adapter.js';
import { cellText, type View } from '../../src/chat/view.js';
import type { RedisClient } from '../../src/redis-connection.js';

export interface CapturedPost {
  channel: ChannelRef;
  deliveryId: string;
  duplicate: boolean;
  title: string;
  text: string;
  pid: number;
  /** What the delivery job told the adapter (SendOptions.mayHavePosted). */
  mayHavePosted: boolean;
}

export interface CapturingAdapter extends ChatAdapter {
  /** Every send call, duplicates included, in order. */
  calls(): Promise<CapturedPost[]>;
  /** The messages that actually appeared (duplicates dropped by the platform excluded). */
  posts(): Promise<CapturedPost[]>;
}

export interface CapturingAdapterConfig {
  redis: RedisClient;
  /** Key prefix of the record (the test's `{…}` prefix). */
  key: string;
  platform?: Platform;
  gone?: ReadonlySet<ChannelRef>;
  /** Wait this long inside each send (to let two processes overlap). */
  sendDelayMs?: number;
  /** Every send fails as a platform does for a revoked bot token. */
  tokenRejected?: boolean;
  /**
   * While this Redis key exists, each send holds after posting and recording, before returning: the
   * message is out but the job never learns it, as when a process dies mid-send. Delete it to release.
   */
  holdKey?: string;
}

/** The plain text of a view, as a reader would see it. */
export function viewText(view: View): string {
  return view.blocks
    .map((b) => {
      if (b.kind === 'text' || b.kind === 'notice') return b.text;
      if (b.kind === 'fields') return b.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
      return b.rows.map((r) => r.map(cellText).join(' ')).join('\n');
    })
    .join('\n');
}

export function createCapturingAdapter(config: CapturingAdapterConfig): CapturingAdapter {
  const { redis, key } = config;
  const read = async (list: string) =>
    (await redis.lrange(`${key}:fake-chat:${list}`, 0, -1)).map((s) => JSON.parse(s) as CapturedPost);
  return {
    platform: config.platform ?? 'discord',
    async start() {},
    async stop() {},
    isReady: () => true,
    async send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
      if (config.tokenRejected) throw new ChannelUnavailableError(to, 'unauthorized');
      if (config.gone?.has(to)) throw new ChannelUnavailableError(to, 'gone');
      if (config.sendDelayMs) await new Promise((resolve) => setTimeout(resolve, config.sendDelayMs));
      const deliveryId = options.deliveryId ?? `none-${Math.random()}`;
      const fresh = (await redis.sadd(`${key}:fake-chat:ids`, deliveryId)) === 1;
      const post: CapturedPost = {
        channel: to,
        deliveryId,
        duplicate: !fresh,
        title: view.title ?? '',
        text: viewText(view),
        pid: process.pid,
        mayHavePosted: options.mayHavePosted === true,
      };
      const write = redis.multi().rpush(`${key}:fake-chat:calls`, JSON.stringify(post));
      if (fresh) write.rpush(`${key}:fake-chat:posts`, JSON.stringify(post));
      await write.exec();
      while (config.holdKey && (await redis.exists(config.holdKey))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { channel: to, messageId: deliveryId, duplicate: !fresh };
    },
    calls: () => read('calls'),
    posts: () => read('posts'),
  };
}
