/**
 * Story: KeyAPI is slow today, yet Slack never shows "operation timed out": the command is acknowledged
 * first (the HTTP 200 returns while KeyAPI is still answering) and the leaderboard follows through response_url.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { creatorLines, type SlackTestApp, startSlackTestApp } from '../helpers/slack-test-app.js';

let keyapi: SampleKeyApiServer;
let app: SlackTestApp;

beforeEach(async () => {
  keyapi = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  app = await startSlackTestApp(keyapi.url);
});
afterEach(async () => {
  await app.close();
  await keyapi.close();
});

describe('a slow KeyAPI', () => {
  it('acknowledges the command before KeyAPI answers, then delivers the leaderboard', async () => {
    // Longer than any ack could take, well inside Slack's 3 s: the order below cannot flip by chance.
    keyapi.delayMs = 1000;
    const { status, responseId } = await app.slash('region:US type:day limit:3');
    const ackedAt = Date.now();

    expect(status).toBe(200);
    // Acked, and nothing answered yet: the leaderboard is still waiting on KeyAPI.
    expect(app.fake.web.responses(responseId)).toEqual([]);

    const reply = await app.response(responseId);
    expect(reply.at).toBeGreaterThanOrEqual(ackedAt);
    expect(creatorLines(reply.blocks).map((l) => l.rank)).toEqual([1, 2, 3]);
  });
});
