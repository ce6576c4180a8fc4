/**
 * Story: an operator starts the bot with a wrong Slack token. Start fails with one sentence naming the
 * variable to fix and Slack's answer, and neither the sentence nor the logs contain the token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandServices } from '../../commands/index.js';
import { createSlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { FAST_RETRIES } from '../helpers/slack-test-app.js';
import { createTestLog } from '../helpers/test-log.js';

// Start never reaches a command: services are not touched.
const services = {} as CommandServices;
let fake: FakeSlack | undefined;
afterEach(() => fake?.close());

describe('starting the Slack adapter', () => {
  it('fails naming SLACK_BOT_TOKEN when Slack refuses the bot token', async () => {
    fake = await startFakeSlack();
    const wrong = 'xoxb-wrong-token-123456';
    const log = createTestLog({ secrets: [wrong] });
    const adapter = createSlackAdapter({
      botToken: wrong,
      signingSecret: 'signing-secret-123456',
      // Start never receives a request.
      seenRequests: { firstSeen: async () => true },
      apiUrl: fake.apiUrl,
      services,
      log: log.log,
      retryConfig: FAST_RETRIES,
    });
    const error = await adapter.start().catch((e: unknown) => e as Error);
    expect(error?.message).toBe('Slack refused SLACK_BOT_TOKEN (invalid_auth): check it.');
    expect(adapter.isReady()).toBe(false);
    expect(log.text()).not.toContain(wrong);
  });

  it('fails naming SLACK_APP_TOKEN when Slack refuses the app-level token in Socket Mode', async () => {
    fake = await startFakeSlack({ appToken: 'xapp-the-right-one-123456' });
    const wrong = 'xapp-wrong-token-123456';
    const adapter = createSlackAdapter({
      botToken: fake.web.botToken,
      appToken: wrong,
      apiUrl: fake.apiUrl,
      services,
      log: createTestLog({ level: 'silent' }).log,
      retryConfig: FAST_RETRIES,
    });
    const error = await adapter.start().catch((e: unknown) => e as Error);
    expect(error?.message).toMatch(/^Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
    expect(error?.message).not.toContain(wrong);
    await adapter.stop();
  });
});
