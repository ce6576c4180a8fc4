/**
 * The terminal as a chat platform: the demo's channels, printed through render.ts. Like a real
 * platform it knows its channels: a post to one it does not have fails as a gone channel.
 */
import type { Writable } from 'node:stream';
import type { ChannelRef } from '../../chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type SendOptions,
} from '../../chat/chat-adapter.js';
import type { View } from '../../chat/view.js';
import { renderConsole } from './render.js';
import { saveAttachments } from './save-files.js';

export interface ConsoleAdapterConfig {
  output?: Writable;
  /** The channels this terminal has (default: the demo's). */
  channels?: ChannelRef[];
  /** Where posted files are written (default: a new temporary folder per post). */
  filesDir?: string;
}

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  private readonly output: Writable;
  private posted = 0;
  private readonly delivered = new Set<string>();
  private readonly channels: ReadonlySet<ChannelRef>;
  private readonly filesDir: string | undefined;

  constructor(config: ConsoleAdapterConfig = {}) {
    this.output = config.output ?? process.stdout;
    this.channels = new Set(config.channels ?? ['console:demo']);
    this.filesDir = config.filesDir;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  isReady(): boolean {
    return true;
  }

  /**
   * Prints the view under the channel's name (its files written to a folder, and where said); a delivery
   * id already printed is not printed again.
   */
  async send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
    if (!this.channels.has(to)) throw new ChannelUnavailableError(to, 'gone');
    if (options.deliveryId && this.delivered.has(options.deliveryId)) {
      return { channel: to, messageId: options.deliveryId, duplicate: true };
    }
    if (options.deliveryId) this.delivered.add(options.deliveryId);
    this.posted += 1;
    const files = await saveAttachments(view.attachments ?? [], this.filesDir);
    this.output.write(`\n── ${to} ──\n${[renderConsole(view), ...files].join('\n')}\n`);
    return { channel: to, messageId: String(this.posted), duplicate: false };
  }
}

export function createConsoleAdapter(config: ConsoleAdapterConfig = {}): ConsoleAdapter {
  return new ConsoleAdapter(config);
}
