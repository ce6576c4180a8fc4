/**
 * Story: a team without a public URL runs the bot in Socket Mode (SLACK_APP_TOKEN): the app opens the
 * WebSocket through apps.connections.open, acks each envelope, and answers through response_url as in HTTP mode.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { blockActionsPayload } from '../fakes/slack/slack-signer.js';
import {
  APP_TOKEN,
  buttonId,
  CHANNEL,
  creatorLines,
  responseIdOf,
  type SlackTestApp,
  socketSlashPayload,
  startSlackTestApp,
  USER,
} from '../helpers/slack-test-app.js';

let keyapi: SampleKeyApiServer;
let app: SlackTestApp;

beforeAll(async () => {
  keyapi = await startSampleKeyApiServer({ today: () => '2026-11-25' });
});
afterAll(() => keyapi.close());
beforeEach(async () => {
  app = await startSlackTestApp(keyapi.url, { socketMode: true });
});
afterEach(() => app.close());

describe('Slack in Socket Mode', () => {
  it('connects with the app token and answers a slash command sent as an envelope', async () => {
    expect(app.adapter.mode).toBe('socket');
    expect(app.adapter.requestListener).toBeUndefined();
    expect(app.adapter.isReady()).toBe(true);
    const open = app.fake.web.calls('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);

    const responseUrl = app.fake.web.responseUrl();
    const ack = await app.fake.web.sendEnvelope(
      'slash_commands',
      socketSlashPayload(app, 'region:US type:day limit:3', responseUrl),
    );
    expect(ack).toEqual({});
    const reply = await app.response(responseIdOf(responseUrl));
    expect(reply.response_type).toBe('in_channel');
    expect(creatorLines(reply.blocks).map((l) => l.rank)).toEqual([1, 2, 3]);
  });

  it('pages with a button click sent as an interactive envelope', async () => {
    const firstUrl = app.fake.web.responseUrl();
    await app.fake.web.sendEnvelope(
      'slash_commands',
      socketSlashPayload(app, 'region:US type:day limit:3', firstUrl),
    );
    const first = await app.response(responseIdOf(firstUrl));

    const clickUrl = app.fake.web.responseUrl();
    const payload = blockActionsPayload({
      actionId: buttonId(first.blocks, 'Next') ?? '',
      teamId: app.fake.web.teamId,
      channelId: CHANNEL,
      userId: USER,
      responseUrl: clickUrl,
      messageTs: '1795600000.000200',
      blocks: first.blocks ?? [],
    });
    await app.fake.web.sendEnvelope('interactive', payload);
    const page2 = await app.response(responseIdOf(clickUrl));
    expect(page2.replace_original).toBe(true);
    expect(creatorLines(page2.blocks).map((l) => l.rank)).toEqual([4, 5, 6]);
  });

  it('is not ready once stopped, and never logs the app token', async () => {
    await app.adapter.stop();
    expect(app.adapter.isReady()).toBe(false);
    expect(app.log.text()).not.toContain(APP_TOKEN);
  });
});
