/**
 * The Slack adapter (real Bolt, fake Slack on the wire) against the shared chat-adapter contract.
 */
import { canMention } from '../../src/adapters/slack/escape.js';
import { slackChannel } from '../../src/chat/channel-ref.js';
import { type ContractHarness, runChatAdapterContract } from '../contract/chat-adapter.contract.js';
import { startFakeKeyApi } from '../fakes/keyapi-server.js';
import { CHANNEL, mrkdwnOf, startSlackTestApp, textsOf } from '../helpers/slack-test-app.js';

const GONE = 'C0GONE0001';

runChatAdapterContract('slack', async (): Promise<ContractHarness> => {
  const keyapi = await startFakeKeyApi();
  const app = await startSlackTestApp(keyapi.url);
  app.fake.web.failChannel(GONE, 'channel_not_found');
  const team = app.fake.web.teamId;
  const last = () => app.fake.web.messages(CHANNEL).at(-1);
  return {
    adapter: app.adapter,
    channel: slackChannel(team, CHANNEL),
    goneChannel: slackChannel(team, GONE),
    lastPostText: async () => {
      const message = last();
      return message ? [message.text, ...textsOf(message.blocks)].join('\n') : '';
    },
    postCount: async () => app.fake.web.messages(CHANNEL).length,
    lastPostCanMention: async () => {
      const message = last();
      return message ? mrkdwnOf(message).some(canMention) : false;
    },
    close: async () => {
      await app.close();
      await keyapi.close();
    },
  };
});
