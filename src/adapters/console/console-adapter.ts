/**
 * The terminal as a chat platform: the demo's channel and the CLI's output. Posts are printed,
 * rendered by render.ts; nothing can fail to arrive, so send() never throws ChannelUnavailableError.
 */
import type { Writable } from 'node:stream';
import type { ChannelRef } from '../../chat/channel-ref.js';
import type { ChatAdapter, PostedRef, SendOptions } from '../../chat/chat-adapter.js';
import type { View } from '../../chat/view.js';
import { renderConsole } from './render.js';

export interface ConsoleAdapterConfig {
  output?: Writable;
}

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  private readonly output: Writable;
  private posted = 0;
  private readonly delivered = new Set<string>();

  constructor(config: ConsoleAdapterConfig = {}) {
    this.output = config.output ?? process.stdout;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  isReady(): boolean {
    return true;
  }

  /** Prints the view under the channel's name; a delivery id already printed is not printed again. */
  async send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
    if (options.deliveryId && this.delivered.has(options.deliveryId)) {
      return { channel: to, messageId: options.deliveryId, duplicate: true };
    }
    if (options.deliveryId) this.delivered.add(options.deliveryId);
    this.posted += 1;
    this.output.write(`\n── ${to} ──\n${renderConsole(view)}\n`);
    return { channel: to, messageId: String(this.posted), duplicate: false };
  }
}

export function createConsoleAdapter(config: ConsoleAdapterConfig = {}): ConsoleAdapter {
  return new ConsoleAdapter(config);
}
