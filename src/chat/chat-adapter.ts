/**
 * The port every platform adapter implements, and the only way jobs reach a platform.
 * Adapters translate; they hold no business rules.
 */
import { describeUnavailable, ToprankError, type UnavailableReason } from '../errors.js';

export type { UnavailableReason } from '../errors.js';

import type { ChannelRef, Platform } from './channel-ref.js';
import type { View } from './view.js';

/** Where a posted message landed. */
export interface PostedRef {
  channel: ChannelRef;
  messageId: string;
  /** True when the platform already had this delivery and nothing new was posted. */
  duplicate: boolean;
}

export interface SendOptions {
  /**
   * Names the delivery (subscription and period). A retry with the same id must not post twice:
   * Discord gets it as an enforced `nonce`, Slack as message metadata checked before posting.
   */
  deliveryId?: string;
  /**
   * An earlier attempt of this delivery may have posted (it started and did not finish). Only then does
   * Slack look the delivery up in the channel's history: conversations.history is a Tier 3 method
   * (about 50 calls a minute per workspace), too scarce to spend on every first post.
   */
  mayHavePosted?: boolean;
}

/**
 * What a platform said about its rate limits, as its client reports it: a 429 (`limited`) or a bucket
 * emptied until a reset. Workers feed it to the shared pacer, so every process slows down together.
 */
export interface RateLimitFeedback {
  platform: Platform;
  /** The channel the limit is for; undefined when it covers the whole bot or app (Discord's global limit). */
  channel?: ChannelRef;
  /** How long the platform asked to wait before the next request. */
  retryAfterMs: number;
  /** True when the platform refused a request with 429; false when headers say the bucket is empty. */
  limited: boolean;
}

/** Receives an adapter's rate-limit feedback. */
export type RateLimitListener = (feedback: RateLimitFeedback) => void;

export interface ChatAdapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while connected to its platform (health checks). */
  isReady(): boolean;
  /**
   * How the adapter meets its platform, for GET /healthz (e.g. Discord's mode and shards, or Slack's
   * number of installed workspaces, which Redis knows).
   */
  health?(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Posts a view to a channel; throws ChannelUnavailableError when the channel is gone or forbids the bot. */
  send(to: ChannelRef, view: View, options?: SendOptions): Promise<PostedRef>;
  /** Subscribes to the platform's rate-limit feedback; adapters without limits (the terminal) omit it. */
  onRateLimit?(listener: RateLimitListener): void;
}

/** The channel no longer exists, or the bot may not post there. Permanent: do not retry. */
export class ChannelUnavailableError extends ToprankError {
  readonly channel: ChannelRef;
  readonly unavailable: UnavailableReason;

  constructor(channel: ChannelRef, reason: UnavailableReason) {
    super('channel_unavailable', { reason: describeUnavailable(reason) });
    this.name = 'ChannelUnavailableError';
    this.channel = channel;
    this.unavailable = reason;
  }
}
