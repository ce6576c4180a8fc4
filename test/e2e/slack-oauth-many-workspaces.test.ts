/**
 * Story: an agency serves two client workspaces from one deployment. Each installs the Slack app through
 * "Add to Slack" (Bolt's OAuth, state cookie and all, against the fake's oauth.v2.access); a `--role bot`
 * process answers each workspace's commands with that workspace's token and a `--role worker` process
 * delivers each digest with its own (the fake refuses a channel reached with another workspace's token).
 * One uninstalls: only its subscriptions pause, and a reinstall resumes them. An Enterprise Grid org
 * install is refused with a sentence, and no token ever reaches a log line or /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackTeam } from '../../src/chat/team.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { createQueues } from '../../src/jobs/queues.js';
import { slackInstallationKey, tickJobId } from '../../src/keys.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import {
  eventCallbackBody,
  postEventToBolt,
  postToBolt,
  slashCommandBody,
} from '../fakes/slack/slack-signer.js';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.js';
import { waitUntil } from '../helpers/jobs.js';
import { installSlackApp } from '../helpers/slack-oauth-install.js';
import { createTestCore, type TestCore } from '../helpers/test-core.js';

const SIGNING_SECRET = 'oauth-signing-secret-7c1d';
const CLIENT_SECRET = 'oauth-client-secret-9f2e';
const STATE_SECRET = 'oauth-state-secret-0123456789abcdef';
const ADMIN = 'U0ADMIN0001';
/** Two client workspaces, each with its channel, and an Enterprise Grid organization. */
const ACME = { team: 'T0ACME0001', channel: 'C0ACME0001' };
const BOLT = { team: 'T0BOLT0001', channel: 'C0BOLT0001' };
const GRID = 'T0GRID0001';

describe('Slack installed by OAuth in many workspaces', () => {
  let fake: FakeSlack;
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let bot: BotProcess;
  let worker: BotProcess;

  const health = async (p: BotProcess) => (await fetch(`${p.url}/healthz`)).json();
  const subscriptionsOf = (team: string) => t.core.subscriptions.store.listByTeam(slackTeam(team));
  const statusOf = async (team: string) => (await subscriptionsOf(team)).map((s) => s.state.status);

  /** `/toprank-subscribe …` typed in a workspace's channel; resolves with the answer's text. */
  async function subscribe(where: { team: string; channel: string }): Promise<string> {
    const responseUrl = fake.web.responseUrl();
    const body = slashCommandBody({
      command: '/toprank-subscribe',
      text: 'region:US type:week by:sales limit:5',
      teamId: where.team,
      channelId: where.channel,
      userId: ADMIN,
      responseUrl,
    });
    expect((await postToBolt(`${bot.url}/slack/events`, body, SIGNING_SECRET)).status).toBe(200);
    const id = responseUrl.split('/').at(-1) ?? '';
    await fake.web.waitFor((c) => c.method === 'response_url' && fake.web.responses(id).length > 0, 30_000);
    return JSON.stringify(fake.web.responses(id)[0]?.body);
  }

  beforeAll(async () => {
    fake = await startFakeSlack({ clientSecret: CLIENT_SECRET });
    fake.web.workspaces.add(ACME.team, { teamName: 'Acme', channels: [ACME.channel] });
    fake.web.workspaces.add(BOLT.team, { teamName: 'Bolt & <Co>', channels: [BOLT.channel] });
    fake.web.workspaces.add(GRID);
    fake.web.setUser(ADMIN, { is_admin: true });
    sample = await startSampleKeyApiServer();
    t = await createTestCore(sample.url, { now: () => new Date() });
    const env = {
      SLACK_CLIENT_ID: '1111111111.2222222222',
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_oauth_test',
      KEYAPI_QPS: '100',
      REDIS_URL: t.redis.url,
      REDIS_KEY_PREFIX: t.redis.prefix,
      // Everything Bolt and web-api say, so that "no token in the logs" means something.
      LOG_LEVEL: 'debug',
    };
    [bot, worker] = await Promise.all([
      startBotProcess(['--role', 'bot'], env),
      startBotProcess(['--role', 'worker'], env),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([bot?.stop(), worker?.stop()]);
    await fake?.close();
    await sample?.close();
    await t?.close();
  });

  it('refuses a redirect without the state cookie of the browser that started the install', async () => {
    const result = await installSlackApp(bot.url, fake, ACME.team, { withoutCookie: true });
    expect(result.status).toBe(400);
    expect(await t.redis.redis.exists(slackInstallationKey(t.redis.prefix, ACME.team))).toBe(0);
  });

  it('installs two workspaces through /slack/install and /slack/oauth_redirect', async () => {
    const acme = await installSlackApp(bot.url, fake, ACME.team);
    const bolt = await installSlackApp(bot.url, fake, BOLT.team);

    expect([acme.status, bolt.status]).toEqual([200, 200]);
    expect(acme.text).toContain('toprank is installed');
    // The Add to Slack link asks for the manifest's scopes, for this app.
    expect(acme.authorizeUrl.searchParams.get('client_id')).toBe('1111111111.2222222222');
    expect(acme.authorizeUrl.searchParams.get('scope')?.split(',')).toContain('chat:write');
    // oauth.v2.access went to SLACK_API_URL, once per install.
    expect(fake.web.calls('oauth.v2.access').map((c) => (c.response as { ok: boolean }).ok)).toEqual([
      true,
      true,
    ]);
    expect(await health(bot)).toMatchObject({
      status: 'ok',
      adapters: { slack: 'connected' },
      platforms: { slack: { mode: 'http', install: 'oauth', teams: 2 } },
    });
    expect(await health(worker)).toMatchObject({ platforms: { slack: { install: 'oauth', teams: 2 } } });
  });

  it("answers each workspace's commands with that workspace's token", async () => {
    expect(await subscribe(ACME)).toContain('Subscribed');
    expect(await subscribe(BOLT)).toContain('Subscribed');

    // Whether the user may manage the channel was asked of each workspace with its own token.
    const asked = fake.web.calls('users.info').filter((c) => c.status === 200);
    expect(new Set(asked.map((c) => c.team))).toEqual(new Set([ACME.team, BOLT.team]));
    for (const call of asked) {
      expect(call.headers.authorization).toBe(`Bearer ${fake.web.workspaces.tokenOf(call.team ?? '')}`);
    }
    expect(await statusOf(ACME.team)).toEqual(['active']);
    expect(await statusOf(BOLT.team)).toEqual(['active']);
  });

  it("delivers each workspace's digest from a worker process with that workspace's token", async () => {
    const [slotId = ''] = await t.core.subscriptions.store.listSlots();
    const queues = createQueues(t.redis.redis, t.redis.prefix);
    const firedAt = Date.now();
    await queues.tick.add('tick', { slotId, firedAt }, { jobId: tickJobId(slotId, firedAt) });
    await queues.close();

    await waitUntil(
      'both channels have their digest',
      async () => fake.web.messages(ACME.channel).length > 0 && fake.web.messages(BOLT.channel).length > 0,
      60_000,
    );
    const posts = fake.web.calls('chat.postMessage').filter((c) => c.status === 200);
    expect(posts.map((c) => [c.args.channel, c.team]).sort()).toEqual([
      [ACME.channel, ACME.team],
      [BOLT.channel, BOLT.team],
    ]);
    // Posted as each workspace's own bot.
    expect(fake.web.messages(BOLT.channel)[0]?.team).toBe(BOLT.team);
    // No call anywhere reached a channel with another workspace's token.
    expect(fake.web.calls().filter((c) => JSON.stringify(c.response).includes('channel_not_found'))).toEqual(
      [],
    );
  });

  it('pauses only the uninstalled workspace, and resumes it on reinstall', async () => {
    fake.web.workspaces.revoke(BOLT.team);
    const body = eventCallbackBody(BOLT.team, { type: 'app_uninstalled' });
    expect(await postEventToBolt(`${bot.url}/slack/events`, body, SIGNING_SECRET)).toBe(200);

    await waitUntil('its subscriptions pause', async () => (await statusOf(BOLT.team))[0] === 'paused');
    const [paused] = await subscriptionsOf(BOLT.team);
    expect(paused?.state).toMatchObject({
      status: 'paused',
      reason: 'uninstalled',
      detail: 'the app was uninstalled from the workspace; reinstalling it resumes the subscriptions',
    });
    expect(await statusOf(ACME.team)).toEqual(['active']);
    expect(await t.redis.redis.exists(slackInstallationKey(t.redis.prefix, BOLT.team))).toBe(0);
    expect(await health(bot)).toMatchObject({ platforms: { slack: { teams: 1 } } });

    expect((await installSlackApp(bot.url, fake, BOLT.team)).status).toBe(200);
    expect(await statusOf(BOLT.team)).toEqual(['active']);
    expect(await health(bot)).toMatchObject({ platforms: { slack: { teams: 2 } } });
  });

  it('treats a revoked bot token as an uninstall, and ignores revoked user tokens', async () => {
    const botUserId = fake.web.workspaces.get(BOLT.team)?.botUserId;
    const users = eventCallbackBody(BOLT.team, { type: 'tokens_revoked', tokens: { oauth: ['U0X'] } });
    expect(await postEventToBolt(`${bot.url}/slack/events`, users, SIGNING_SECRET)).toBe(200);
    const bots = eventCallbackBody(BOLT.team, {
      type: 'tokens_revoked',
      tokens: { oauth: [], bot: [botUserId] },
    });
    expect(await postEventToBolt(`${bot.url}/slack/events`, bots, SIGNING_SECRET)).toBe(200);

    await waitUntil('its subscriptions pause', async () => (await statusOf(BOLT.team))[0] === 'paused');
    expect(await statusOf(ACME.team)).toEqual(['active']);
    expect(await health(worker)).toMatchObject({ platforms: { slack: { teams: 1 } } });
  });

  it('refuses an Enterprise Grid org install with a sentence, and installs nothing', async () => {
    const result = await installSlackApp(bot.url, fake, GRID, { enterprise: true });

    expect(result.status).toBe(400);
    expect(result.text).toContain(messageFor(new ToprankError('slack_org_install_refused')));
    expect(await t.redis.redis.exists(slackInstallationKey(t.redis.prefix, GRID))).toBe(0);
    // The token Slack handed out for the org is given back.
    expect(fake.web.calls('auth.revoke').map((c) => c.response)).toEqual([{ ok: true, revoked: true }]);
  });

  it('never shows a token or an OAuth secret in a log line or /metrics', async () => {
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    const everything = `${bot.output()}\n${worker.output()}\n${metrics}`;
    expect(fake.web.workspaces.issued.length).toBeGreaterThanOrEqual(4);
    // The processes did log at debug level (the check is not vacuous).
    expect(bot.output()).toContain('oauth.v2.access');
    for (const secret of [...fake.web.workspaces.issued, CLIENT_SECRET, STATE_SECRET, SIGNING_SECRET]) {
      expect(everything).not.toContain(secret);
    }
  });
});
