/**
 * Story: in a Slack channel whose subscription was paused (its channel was gone for a while), anyone
 * runs `/toprank-status` and sees the paused subscription with its reason, its price, and the credits
 * spent today against each limit (member, channel, workspace, operator) with their resets, and when
 * KeyAPI last answered. Real Bolt, requests signed as Slack signs them; it costs no credit.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeUnavailable } from '../../src/errors.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { CHANNEL, type SlackTestApp, startSlackTestApp, textsOf, USER } from '../helpers/slack-test-app.js';

describe('slack /toprank-status', () => {
  let sample: SampleKeyApiServer;
  let app: SlackTestApp;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    app = await startSlackTestApp(sample.url);
    // Subscribing takes a workspace admin (or the channel's creator); /toprank-status takes anyone.
    app.fake.web.setUser(USER, { is_admin: true });
  });
  afterEach(() => app.close());

  const say = async (command: string, text: string) => {
    const reply = await app.response((await app.slash(text, { command })).responseId);
    return { reply, text: textsOf(reply.blocks).join('\n') };
  };

  it("shows a paused subscription's reason, its price and today's spend, for free", async () => {
    const subscribed = await say('/toprank-subscribe', 'region:US type:week time:09:00 timezone:UTC');
    expect(subscribed.text).toContain('≈ 8 credits a month');
    const channel = `slack:${app.fake.web.teamId}:${CHANNEL}`;
    const [sub] = await app.core.core.subscriptions.store.listByChannel(channel);
    await app.core.core.subscriptions.store.pauseChannel(channel, {
      status: 'paused',
      reason: 'gone',
      detail: describeUnavailable('gone'),
      at: '2026-11-25T11:00:00.000Z',
    });
    await say('/toprank', 'region:US type:day'); // 2 credits: the 24th and the 23rd

    const before = sample.requestCount;
    const status = await say('/toprank-status', '');
    expect(sample.requestCount).toBe(before);
    expect(status.reply.response_type).toBe('ephemeral');
    expect(status.text).toContain(sub?.id ?? '?');
    expect(status.text).toContain('paused since 2026-11-25: the channel no longer exists');
    expect(status.text).toContain('0 (paused)');
    expect(status.text).toContain('2 of 30 · resets 13:00 UTC'); // the member, this hour
    expect(status.text).toContain('2 of 100 · resets 13:00 UTC'); // the channel, this hour
    expect(status.text).toContain('2 (no limit) · resets 00:00 UTC'); // the workspace and the operator, today
    expect(status.text).toContain('answered 2026-11-25 12:00 UTC; no error');
  });
});
