/**
 * Story: someone hostile talks to /slack/events. A huge body is refused with 413 before it is read (the
 * request is still being sent when the answer comes), a correctly signed request dated in the future is
 * refused, and a genuine request sent again within five minutes is refused as a replay — by another
 * process of the same deployment too, since the seen requests live in Redis. Nothing runs for any of them.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SLACK_BODY_BYTES } from '../../src/adapters/slack/request-guard.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { nowSeconds, postToBolt, signSlackRequest, slashCommandBody } from '../fakes/slack/slack-signer.js';
import {
  CHANNEL,
  responseIdOf,
  SIGNING_SECRET,
  type SlackTestApp,
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
  app = await startSlackTestApp(keyapi.url);
});
afterEach(() => app.close());

/** A genuine `/toprank region:US` body and the response_url id it would be answered on. */
function toprankBody(): { body: string; responseId: string } {
  const responseUrl = app.fake.web.responseUrl();
  const body = slashCommandBody({
    command: '/toprank',
    text: 'region:US',
    teamId: app.fake.web.teamId,
    channelId: CHANNEL,
    userId: USER,
    responseUrl,
  });
  return { body, responseId: responseIdOf(responseUrl) };
}

/** Proves the app has handled everything sent before: a genuine `help` sent after is answered. */
async function drain(): Promise<void> {
  const { responseId } = await app.slash('help');
  await app.response(responseId);
}

/**
 * Sends headers and the first chunks of a body that is never finished; resolves with the status of the
 * answer, which can only come from a server that did not wait for the rest.
 */
function sendUnfinished(headers: Record<string, string>, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(app.eventsUrl, { method: 'POST', headers }, (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    // The server closes the connection after answering; only an error before the answer counts.
    req.on('error', (error) => answered || reject(error));
    for (const chunk of chunks) req.write(chunk);
  });
}

describe('bounds on Slack requests', () => {
  it('refuses a body declared over 64 KB with 413 without reading it', async () => {
    const headers = {
      ...signSlackRequest(SIGNING_SECRET, 'x'.repeat(10)),
      'Content-Length': String(10 * 1024 * 1024),
    };
    expect(await sendUnfinished(headers, [Buffer.alloc(1024, 'x')])).toBe(413);
  });

  it('refuses a body streamed past 64 KB with 413 before it ends', async () => {
    const headers = { ...signSlackRequest(SIGNING_SECRET, 'x'), 'Transfer-Encoding': 'chunked' };
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(MAX_SLACK_BODY_BYTES / 4, 'x'));
    expect(await sendUnfinished(headers, chunks)).toBe(413);
  });

  it('refuses a correctly signed request dated more than five minutes ahead', async () => {
    const before = keyapi.requestCount;
    const { body, responseId } = toprankBody();
    const res = await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { timestamp: nowSeconds() + 6 * 60 });
    expect(res.status).toBe(401);
    await drain();
    expect(app.fake.web.responses(responseId)).toEqual([]);
    expect(keyapi.requestCount).toBe(before);
  });

  it('answers a genuine request once and refuses it sent again (a replay)', async () => {
    const { body, responseId } = toprankBody();
    const timestamp = nowSeconds();
    expect((await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { timestamp })).status).toBe(200);
    await app.response(responseId);
    expect((await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { timestamp })).status).toBe(401);
    await drain();
    expect(app.fake.web.responses(responseId)).toHaveLength(1);
    expect(app.log.text()).toContain('slack request refused');
  });

  it('refuses the replay in another process of the same deployment', async () => {
    const other = await startSlackTestApp(keyapi.url, { fake: app.fake, core: app.core });
    try {
      const { body, responseId } = toprankBody();
      const timestamp = nowSeconds();
      expect((await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { timestamp })).status).toBe(200);
      await app.response(responseId);
      expect((await postToBolt(other.eventsUrl, body, SIGNING_SECRET, { timestamp })).status).toBe(401);
      await drain();
      expect(app.fake.web.responses(responseId)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
