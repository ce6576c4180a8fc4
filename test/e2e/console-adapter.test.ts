/**
 * The terminal adapter against the shared chat-adapter contract: what the demo's channel prints.
 */
import { PassThrough } from 'node:stream';
import { createConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { type ContractHarness, runChatAdapterContract } from '../contract/chat-adapter.contract.js';

runChatAdapterContract('console', async (): Promise<ContractHarness> => {
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const posts = () => printed.split('\n── console:demo ──\n').slice(1);
  return {
    adapter: createConsoleAdapter({ output, channels: ['console:demo'] }),
    channel: 'console:demo',
    goneChannel: 'console:elsewhere',
    lastPostText: async () => posts().at(-1) ?? '',
    postCount: async () => posts().length,
    // A terminal notifies no one, whatever it prints.
    lastPostCanMention: async () => false,
    close: async () => {
      output.end();
    },
  };
});
