/**
 * Story: in Slack, a channel's subscriptions are managed by workspace owners and admins, the channel's
 * creator and the people of SLACK_MANAGERS (users or user groups); whoever added one subscription may
 * remove it; everyone else, a guest included, gets one sentence saying who may. Bare words work where one
 * option is obvious (`/toprank US`, `/toprank-unsubscribe all`), direct messages cannot take
 * subscriptions, and Slack's answers are cached so a command costs few Web API calls.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackChannel } from '../../src/chat/channel-ref.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import {
  CHANNEL,
  type SlackTestApp,
  type SlashOptions,
  startSlackTestApp,
  textsOf,
} from '../helpers/slack-test-app.js';
import { makeSubscription } from '../helpers/subscriptions.js';

const ADMIN = 'U0ADMIN001';
const OWNER = 'U0OWNER001';
const CREATOR = 'U0CREATOR1';
const LISTED = 'U0LISTED01';
const IN_GROUP = 'U0INGROUP1';
const MEMBER = 'U0MEMBER01';
const GUEST = 'U0GUEST001';
const GROUP = 'S0MANAGERS';

const whoMay = messageFor(new ToprankError('slack_manager_required'));

let keyapi: SampleKeyApiServer;
let app: SlackTestApp;

beforeAll(async () => {
  keyapi = await startSampleKeyApiServer({ today: () => '2026-11-25' });
});
afterAll(() => keyapi.close());
beforeEach(async () => {
  app = await startSlackTestApp(keyapi.url, { managers: [LISTED, GROUP] });
  app.fake.web.setUser(ADMIN, { is_admin: true });
  app.fake.web.setUser(OWNER, { is_owner: true });
  app.fake.web.setUser(GUEST, { is_restricted: true });
  app.fake.web.setChannelCreator(CHANNEL, CREATOR);
  app.fake.web.setUserGroup(GROUP, [IN_GROUP]);
});
afterEach(() => app.close());

/**
 * Types a command as `user` and returns the text of the answer (acknowledged in time: 200), without the
 * emoji a notice starts with (`:x:`, `:information_source:`).
 */
async function say(command: string, text: string, userId = ADMIN, opts: SlashOptions = {}): Promise<string> {
  const { status, responseId } = await app.slash(text, { command, userId, ...opts });
  expect(status).toBe(200);
  return textsOf((await app.response(responseId)).blocks)
    .join('\n')
    .replace(/^:[a-z_]+: /, '');
}

async function subscribe(text: string, userId = ADMIN): Promise<string> {
  const answer = await say('/toprank-subscribe', text, userId);
  const id = /Subscribed \(`(\w+)`\)/.exec(answer)?.[1];
  if (!id) throw new Error(`not subscribed: ${answer}`);
  return id;
}

const stored = () =>
  app.core.core.subscriptions.store.listByChannel(slackChannel(app.fake.web.teamId, CHANNEL));

describe('bare words in Slack', () => {
  it('reads /toprank US as region:US', async () => {
    const answer = await say('/toprank', 'US type:week');
    expect(answer).toContain('US weekly top 10 by followers');
  });

  it('removes one subscription by its bare id, and every one with a bare all', async () => {
    const first = await subscribe('US type:week');
    const second = await subscribe('GB type:day');
    const third = await subscribe('region:ID type:month');

    expect(await say('/toprank-unsubscribe', first)).toBe(`Unsubscribed \`${first}\`.`);
    const all = await say('/toprank-unsubscribe', 'all');
    expect(all).toMatch(/^Unsubscribed 2 subscriptions: /);
    for (const id of [second, third]) expect(all).toContain(`\`${id}\``);
    expect(await stored()).toEqual([]);
  });

  it('keeps refusing what stays ambiguous, naming the word', async () => {
    const before = keyapi.requestCount;
    expect(await say('/toprank', 'US GB')).toContain('Could not read "GB"');
    expect(await say('/toprank', 'US region:GB')).toContain('Could not read "US"');
    expect(await say('/toprank-subscriptions', 'everything')).toContain('Could not read "everything"');
    expect(keyapi.requestCount).toBe(before);
  });
});

describe('who may manage subscriptions in Slack', () => {
  it.each([
    ['a workspace admin', ADMIN],
    ['a workspace owner', OWNER],
    ["the channel's creator", CREATOR],
    ['a user listed in SLACK_MANAGERS', LISTED],
    ['a member of a user group listed in SLACK_MANAGERS', IN_GROUP],
  ])('lets %s subscribe and unsubscribe the channel', async (_, user) => {
    const id = await subscribe('US type:week', user);
    expect(await say('/toprank-unsubscribe', 'all', user)).toBe(`Unsubscribed \`${id}\`.`);
  });

  it.each([
    ['a member', MEMBER],
    ['a guest', GUEST],
  ])('refuses %s with one sentence saying who may, and changes nothing', async (_, user) => {
    const id = await subscribe('US type:week');
    expect(await say('/toprank-subscribe', 'GB type:week', user)).toBe(whoMay);
    expect(await say('/toprank-unsubscribe', 'all', user)).toBe(whoMay);
    expect(await say('/toprank-unsubscribe', id, user)).toBe(whoMay);
    expect((await stored()).map((s) => s.id)).toEqual([id]);
  });

  it('lets whoever added a subscription remove that one, but not all of them', async () => {
    const channel = slackChannel(app.fake.web.teamId, CHANNEL);
    // Added while MEMBER still managed the channel.
    const theirs = makeSubscription({ channel, createdBy: MEMBER });
    await app.core.core.subscriptions.store.add(theirs, 25);
    const other = await subscribe('GB type:day');

    expect(await say('/toprank-unsubscribe', 'all', MEMBER)).toBe(whoMay);
    expect(await say('/toprank-unsubscribe', other, MEMBER)).toBe(whoMay);
    expect(await say('/toprank-unsubscribe', theirs.id, MEMBER)).toBe(`Unsubscribed \`${theirs.id}\`.`);
    expect((await stored()).map((s) => s.id)).toEqual([other]);
  });

  it('asks Slack about a user and a channel once, not on every command', async () => {
    for (const region of ['US', 'GB', 'ID']) await subscribe(`${region} type:week`, CREATOR);
    await say('/toprank-unsubscribe', 'all', CREATOR);

    expect(app.fake.web.calls('users.info')).toHaveLength(1);
    expect(app.fake.web.calls('conversations.info')).toHaveLength(1);
    // /toprank never asks who manages the channel.
    await say('/toprank', 'US', MEMBER);
    expect(app.fake.web.calls('users.info')).toHaveLength(1);
  });
});

describe('direct messages in Slack', () => {
  it.each([
    ['a direct message', { channelId: 'D0DIRECT01', channelName: 'directmessage' }],
    ['a group DM', { channelId: 'G0GROUPDM1', channelName: 'mpdm-ana--ben--toprank-1' }],
  ])('refuses a subscription in %s with a sentence', async (_, where) => {
    const answer = await say('/toprank-subscribe', 'US type:week', ADMIN, where);
    expect(answer).toBe(messageFor(new ToprankError('direct_message_subscription')));
    const ref = slackChannel(app.fake.web.teamId, where.channelId);
    expect(await app.core.core.subscriptions.store.listByChannel(ref)).toEqual([]);
  });

  it('still shows leaderboards there', async () => {
    const answer = await say('/toprank', 'US', MEMBER, {
      channelId: 'D0DIRECT01',
      channelName: 'directmessage',
    });
    expect(answer).toContain('US daily top 10 by followers');
  });
});
