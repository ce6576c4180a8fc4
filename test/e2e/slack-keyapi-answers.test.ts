/**
 * Story: whatever KeyAPI sends reaches Slack safely. A creator nicknamed `<!channel> hi` shows as text and
 * notifies no one; a KeyAPI out of credits (402) gets the one quota sentence of src/errors.ts, privately;
 * KeyAPI's own error code under HTTP 200 is asked once and answered with KeyAPI's words, as text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageFor, ToprankError } from '../../src/errors.js';
import { hostileCharacters, hostileRows } from '../fakes/crafted-rankings.js';
import { apiError, envelope, errorBody, type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import {
  creatorLines,
  mrkdwnOf,
  type SlackTestApp,
  startSlackTestApp,
  textsOf,
} from '../helpers/slack-test-app.js';

/** Every mrkdwn text object of a message's blocks. */
function mrkdwnObjects(value: unknown): { text: string; verbatim?: boolean }[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnObjects);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' ? [record as { text: string; verbatim?: boolean }] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnObjects)];
}

let keyapi: FakeKeyApi;
let app: SlackTestApp;

beforeEach(async () => {
  keyapi = await startFakeKeyApi();
  app = await startSlackTestApp(keyapi.url);
});
afterEach(async () => {
  await app.close();
  await keyapi.close();
});

const rows = [
  { user_id: '7001', unique_id: 'mia.glow', nick_name: 'Mia Glow', total_followers_cnt: 12_300 },
  {
    user_id: '7002',
    unique_id: 'loud',
    nick_name: '<!channel> hi & <@U0BOSS> <https://evil.example|click>',
    total_followers_cnt: 9_000,
  },
];

describe('KeyAPI answers in Slack', () => {
  it('shows a nickname holding <!channel> as text that mentions no one', async () => {
    keyapi.fallback = () => ({ body: envelope(rows) });
    const reply = await app.response((await app.slash('region:US type:day')).responseId);

    const lines = creatorLines(reply.blocks);
    expect(lines.map((l) => l.rank)).toEqual([1, 2]);
    expect(lines[1]?.line).toContain(
      '&lt;!channel&gt; hi &amp; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt;',
    );
    expect(lines[1]?.line).toContain('<https://www.tiktok.com/@loud|@loud>');
    for (const text of mrkdwnOf(reply)) expect(text).not.toMatch(/<[!@]/);
  });

  it('shows one row per hostile creator, with no control, bidi or zero-width character', async () => {
    keyapi.fallback = () => ({ body: envelope(hostileRows) });
    const reply = await app.response((await app.slash('region:US type:day')).responseId);

    const lines = creatorLines(reply.blocks);
    expect(lines.map((l) => l.rank)).toEqual([1, 2]);
    expect(lines[0]?.line).toContain('Evilgnp.exe Creator **3.** Fake');
    expect(lines[0]?.line).toContain('|@evil **2.** 🆕 Forged Creator *2.* Forged Creator>');
    expect(lines[1]?.line).toContain('Invisible Ink [31m');
    for (const text of [...mrkdwnOf(reply), ...textsOf(reply.blocks)]) {
      for (const line of text.split('\n')) expect(line).not.toMatch(hostileCharacters);
    }
  });

  it('shows @here, @channel, @everyone and #general from KeyAPI as text that links and notifies no one', async () => {
    keyapi.fallback = () => ({
      body: envelope([
        {
          user_id: '7003',
          unique_id: 'here',
          nick_name: '@here @channel @Everyone join #general',
          category: '#random',
          total_followers_cnt: 8_000,
        },
      ]),
    });
    const reply = await app.response((await app.slash('region:US type:day')).responseId);

    const [line] = creatorLines(reply.blocks);
    expect(line?.line).toContain('＠here ＠channel ＠Everyone join #general');
    for (const text of mrkdwnOf(reply)) expect(text).not.toMatch(/@(here|channel|everyone)/i);
    // Slack link-ifies #general and parses plain mentions in a mrkdwn object unless it is verbatim.
    const objects = mrkdwnObjects(reply.blocks);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(object.verbatim).toBe(true);
  });

  it('answers a 402 from KeyAPI with the quota sentence, privately', async () => {
    keyapi.fallback = () => ({ status: 402, body: errorBody(402, 'apiKey quota is not enough') });
    const reply = await app.response((await app.slash('region:US type:day')).responseId);

    expect(reply.response_type).toBe('ephemeral');
    const sentence = messageFor(new ToprankError('keyapi_credits_exhausted'));
    expect(textsOf(reply.blocks).join('\n')).toContain(sentence);
    expect(reply.text).toContain(sentence);
    expect(creatorLines(reply.blocks)).toEqual([]);
  });

  it('answers KeyAPI’s own code 10001 under HTTP 200 with its message, asked once, as plain text', async () => {
    keyapi.fallback = () => apiError(10001, 'region not supported <!channel>');
    const reply = await app.response((await app.slash('region:US type:day')).responseId);

    expect(reply.response_type).toBe('ephemeral');
    expect(textsOf(reply.blocks).join('\n')).toContain(
      'KeyAPI answered with an error (region not supported &lt;!channel&gt;).',
    );
    for (const text of mrkdwnOf(reply)) expect(text).not.toMatch(/<[!@]/);
    // Not retried as an outage: one request, one credit.
    expect(keyapi.requests).toHaveLength(1);
  });
});
