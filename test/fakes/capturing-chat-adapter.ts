/**
 * A capturing ChatAdapter for job tests: records every send in Redis (so several worker processes
 * share one record), dedups a repeated delivery id as Discord's nonce and Slack's metadata do, and
 * fails as a real platform would for channels listed as gone.
 */
import type { Redis } from 'ioredis';
import type { ChannelRef, Platform } from '../../src/chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type SendOptions,
} from '../../src/chat/chat-adapter.js';
import { cellText, type View } from '../../src/chat/view.js';

export interface CapturedPost {
  channel: ChannelRef;
  deliveryId: string;
  duplicate: boolean;
  title: string;
  text: string;
  pid: number;
}

export interface CapturingAdapter extends ChatAdapter {
  /** Every send call, duplicates included, in order. */
  calls(): Promise<CapturedPost[]>;
  /** The messages that actually appeared (duplicates dropped by the platform excluded). */
  posts(): Promise<CapturedPost[]>;
}

export interface CapturingAdapterConfig {
  redis: Redis;
  /** Key prefix of the record (the test's `{…}` prefix). */
  key: string;
  platform?: Platform;
  gone?: ReadonlySet<ChannelRef>;
  /** Wait this long inside each send (to kill a process mid-post). */
  sendDelayMs?: number;
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
      };
      const write = redis.multi().rpush(`${key}:fake-chat:calls`, JSON.stringify(post));
      if (fresh) write.rpush(`${key}:fake-chat:posts`, JSON.stringify(post));
      await write.exec();
      return { channel: to, messageId: deliveryId, duplicate: !fresh };
    },
    calls: () => read('calls'),
    posts: () => read('posts'),
  };
}
