/**
 * Story: only Slack can make the bot work. A request whose signature is forged, or whose timestamp is more
 * than five minutes old (a replay), is refused with 401 by Bolt's own check before any command runs; a
 * recorded genuine request, signed properly, goes through.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { nowSeconds, postToBolt } from '../fakes/slack/slack-signer.js';
import {
  creatorLines,
  responseIdOf,
  SIGNING_SECRET,
  type SlackTestApp,
  startSlackTestApp,
  textsOf,
} from '../helpers/slack-test-app.js';

const recorded = JSON.parse(
  readFileSync(new URL('../fixtures/slack/slash-command.json', import.meta.url), 'utf8'),
) as Record<string, string>;

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

/** The recorded command, answered to a response_url of the fake Slack. */
function recordedBody(): { body: string; responseId: string } {
  const responseUrl = app.fake.web.responseUrl();
  const body = new URLSearchParams({ ...recorded, team_id: app.fake.web.teamId, response_url: responseUrl });
  return { body: body.toString(), responseId: responseIdOf(responseUrl) };
}

/** Proves the app has handled everything sent before: a genuine `help` sent after is answered. */
async function drain(): Promise<void> {
  const { responseId } = await app.slash('help');
  await app.response(responseId);
}

describe('Slack request signatures', () => {
  it('runs a recorded slash command signed with the signing secret', async () => {
    const { body, responseId } = recordedBody();
    const res = await postToBolt(app.eventsUrl, body, SIGNING_SECRET);
    expect(res.status).toBe(200);
    const reply = await app.response(responseId);
    expect(reply.response_type).toBe('in_channel');
    // Slack sent `&amp;`: the category reached KeyAPI (and the title) as the user typed it.
    expect(textsOf(reply.blocks).join('\n')).toContain('(Beauty & Personal Care)');
    expect(creatorLines(reply.blocks).length).toBeGreaterThan(0);
  });

  it('refuses a forged signature with 401 and runs nothing', async () => {
    const before = keyapi.requestCount;
    const { body, responseId } = recordedBody();
    const forged = `v0=${'0'.repeat(64)}`;
    const res = await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { signature: forged });
    expect(res.status).toBe(401);
    await drain();
    expect(app.fake.web.responses(responseId)).toEqual([]);
    expect(keyapi.requestCount).toBe(before);
  });

  it('refuses a body signed with another secret', async () => {
    const { body, responseId } = recordedBody();
    const res = await postToBolt(app.eventsUrl, body, 'not-the-signing-secret');
    expect(res.status).toBe(401);
    await drain();
    expect(app.fake.web.responses(responseId)).toEqual([]);
  });

  it('refuses a correctly signed request older than five minutes (a replay) with 401', async () => {
    const before = keyapi.requestCount;
    const { body, responseId } = recordedBody();
    const res = await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { timestamp: nowSeconds() - 6 * 60 });
    expect(res.status).toBe(401);
    await drain();
    expect(app.fake.web.responses(responseId)).toEqual([]);
    expect(keyapi.requestCount).toBe(before);
  });

  it('keeps secrets out of the logs while refusing', async () => {
    const { body } = recordedBody();
    await postToBolt(app.eventsUrl, body, SIGNING_SECRET, { signature: 'v0=forged' });
    await drain();
    expect(app.log.text()).not.toContain(SIGNING_SECRET);
    expect(app.log.text()).not.toContain(app.fake.web.botToken);
  });
});
