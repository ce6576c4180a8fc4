/**
 * Story: in Slack, a channel watches two creators (`/toprank-watch @mia,leo US …`, bare words); its
 * daily digest, posted through Bolt's Web API client, marks their rows ★ and says "2 of your watched
 * creators are in this top 10". Another channel subscribed to the same digest sees no ★. And
 * `/toprank-unwatch @mia` stops watching by bare word.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDigestCommand } from '../../src/cli/digest.js';
import { serveCraftedRankings } from '../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { FAST_OPTIONS, obliterateQueues } from '../helpers/jobs.js';
import { CHANNEL, type SlackTestApp, startSlackTestApp, textsOf } from '../helpers/slack-test-app.js';
import { createTestLog } from '../helpers/test-log.js';

const ADMIN = 'U0ADMIN001';
const OTHER = 'C0OTHER001';

let keyapi: FakeKeyApi;
let app: SlackTestApp;

beforeEach(async () => {
  keyapi = await startFakeKeyApi();
  serveCraftedRankings(keyapi, {
    'day-2026-11-23': ['a', 'b', 'zoe', 'c', 'd', 'e', 'f', 'g', 'leo', 'h', 'mia'],
    'day-2026-11-24': ['a', 'leo', 'b', 'c', 'd', 'e', 'f', 'g', 'mia', 'h', 'zoe'],
  });
  app = await startSlackTestApp(keyapi.url);
  app.fake.web.setUser(ADMIN, { is_admin: true });
});
afterEach(async () => {
  await obliterateQueues(app.core.redis.redis, app.core.redis.prefix);
  await app.close();
  await keyapi.close();
});

async function say(command: string, text: string, channelId = CHANNEL): Promise<string> {
  const { status, responseId } = await app.slash(text, { command, userId: ADMIN, channelId });
  expect(status).toBe(200);
  return textsOf((await app.response(responseId)).blocks).join('\n');
}

describe('Slack: watched creators in digests', () => {
  it('marks the watching channel’s creators ★ in its digest only', async () => {
    expect(await say('/toprank-watch', '@mia,leo region:US depth:10')).toContain('Watching @mia, @leo');
    for (const channel of [CHANNEL, OTHER]) {
      expect(await say('/toprank-subscribe', 'US type:day time:09:00 timezone:UTC', channel)).toContain(
        'Subscribed',
      );
    }
    const log = createTestLog({ level: 'silent' }).log;
    await runDigestCommand(['run', '--type', 'day', '--date', '2026-11-24', '--slot', 'day-0900-UTC'], {
      core: app.core.core,
      adapters: new Map([['slack', app.adapter]]),
      log,
      options: FAST_OPTIONS,
    });
    const mine = textsOf(app.fake.web.messages(CHANNEL).map((m) => m.blocks)).join('\n');
    expect(mine).toContain('*2.* ▲7 ★ Creator LEO');
    expect(mine).toContain('*9.* 🆕 ★ Creator MIA');
    expect(mine).toContain('★ 2 of your watched creators are in this top 10.');
    const theirs = textsOf(app.fake.web.messages(OTHER).map((m) => m.blocks)).join('\n');
    expect(theirs).toContain('Creator LEO');
    expect(theirs).not.toContain('★');

    expect(await say('/toprank-unwatch', '@mia')).toContain('Stopped watching @mia.');
    expect(await say('/toprank-watch', '')).not.toContain('@mia');
  });
});
