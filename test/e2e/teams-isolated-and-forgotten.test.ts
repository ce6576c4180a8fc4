/**
 * Story: an agency serves two Slack workspaces and a Discord server from one deployment. A subscription
 * id from another team is "not found" and left alone; `toprank subscriptions export --team` prints one
 * team's subscriptions; `toprank team forget` deletes everything of one team (subscriptions, watchlists, their
 * delivery status, sent markers and jobs, its credit counters, its Slack installation) and nothing of
 * the others.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../commands/index.js';
import { renderConsole } from '../../src/adapters/console/render.js';
import { createRedisInstallationStore } from '../../src/adapters/slack/redis-installation-store.js';
import type { TeamRef } from '../../src/chat/team.js';
import { queueNames } from '../../src/jobs/queues.js';
import { alertJobId, deliveryStatusKey, digestDeliveryId, sentKey, watchlistsKey } from '../../src/keys.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import type { Subscription } from '../../src/subscriptions/subscription.js';
import { runCli } from '../helpers/run-cli.js';
import { createTestCore, TEST_NOW, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';

const AGENCY_A = 'slack:T0AGENCYA';
const AGENCY_B = 'slack:T0AGENCYB';
const SERVER = 'discord:1150000000000000100';
const CHANNELS: Record<TeamRef, string> = {
  [AGENCY_A]: 'slack:T0AGENCYA:C0SALES',
  [AGENCY_B]: 'slack:T0AGENCYB:C0SALES',
  [SERVER]: 'discord:1160000000000000200',
};

describe('teams on one deployment', () => {
  let keyapi: SampleKeyApiServer;
  let test: TestCore;
  const subs: Record<TeamRef, Subscription> = {};

  const contextOf = (team: TeamRef): CommandContext => ({
    channel: CHANNELS[team] ?? '',
    team,
    user: { id: 'U0MANAGER', canManageChannel: true },
    services: test.core,
    log: createTestLog({ level: 'silent' }).log,
    now: () => TEST_NOW,
  });
  const text = async (team: TeamRef, command: string, input: string) =>
    renderConsole(await runTextCommand(command, input, contextOf(team)));
  const keys = () => test.redis.redis.keys(`${test.redis.prefix}*`);
  const installations = () => createRedisInstallationStore(test.redis.redis, test.redis.prefix);
  const env = () => ({ REDIS_URL: test.redis.url, REDIS_KEY_PREFIX: test.redis.prefix });

  beforeAll(async () => {
    keyapi = await startSampleKeyApiServer();
    test = await createTestCore(keyapi.url);
    const { core } = test;
    const deliver = new Queue(queueNames.deliver, { connection: core.queueRedis, prefix: core.prefix });
    for (const [team, region] of [
      [AGENCY_A, 'US'],
      [AGENCY_B, 'GB'],
      [SERVER, 'ID'],
    ] as const) {
      // Each team asks for a leaderboard not cached yet (credits counted per member, channel and team).
      expect(await text(team, 'toprank', `region:${region}`)).toContain(`${region} daily top 10`);
      expect(await text(team, 'toprank-subscribe', 'region:US type:week')).toContain('Subscribed');
      expect(await text(team, 'toprank-watch', `creator:@mia region:${region}`)).toContain('@mia');
      const [sub] = await core.subscriptions.store.listByChannel(CHANNELS[team] ?? '');
      if (!sub) throw new Error(`no subscription for ${team}`);
      subs[team] = sub;
      // What a delivered digest leaves behind (its sent marker and the channel's status), and an alert
      // held for quiet hours (its job, named by the subscription: a digest job carries many teams').
      const alert = { kind: 'alerts', team, channel: sub.channel } as const;
      await deliver.add('alerts', alert, { jobId: alertJobId(sub.id, '2026-11-24'), delay: 60_000 });
      await core.redis.set(sentKey(core.prefix, digestDeliveryId(sub.id, 'week-2026-11-16')), '1');
      await core.redis.set(deliveryStatusKey(core.prefix, sub.id), '{"status":"missed"}');
    }
    await deliver.close();
    // Both workspaces installed the app by OAuth.
    for (const id of ['T0AGENCYA', 'T0AGENCYB']) {
      await installations().storeInstallation({
        team: { id, name: id },
        enterprise: undefined,
        user: { id: 'U0MANAGER', token: undefined, scopes: undefined },
        bot: { token: `xoxb-${id}-secret`, id: `B${id}`, userId: `U${id}BOT`, scopes: ['commands'] },
        isEnterpriseInstall: false,
      });
    }
    expect(await installations().count()).toBe(2);
  });
  afterAll(async () => {
    await test?.close();
    await keyapi?.close();
  });

  it('stores every subscription with its team', () => {
    expect(Object.entries(subs).map(([team, sub]) => [team, sub.team])).toEqual([
      [AGENCY_A, AGENCY_A],
      [AGENCY_B, AGENCY_B],
      [SERVER, SERVER],
    ]);
  });

  it("refuses another team's subscription id as not found, and leaves it as it was", async () => {
    const theirs = subs[AGENCY_A]?.id ?? '';
    const answer = await text(AGENCY_B, 'toprank-unsubscribe', theirs);
    expect(answer).toContain(`No subscription \`${theirs}\` in this channel`);
    expect((await test.core.subscriptions.store.get(theirs))?.state).toEqual({ status: 'active' });
    expect(await text(AGENCY_B, 'toprank-subscriptions', '')).not.toContain(theirs);
  });

  it("prints one team's subscriptions, with their state, for `subscriptions export --team`", async () => {
    const result = await runCli(['subscriptions', 'export', '--team', 'T0AGENCYB'], env());
    expect(result.stderr).toBe('');
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Subscription);
    expect(lines.map((s) => [s.id, s.channel, s.state.status])).toEqual([
      [subs[AGENCY_B]?.id, CHANNELS[AGENCY_B], 'active'],
    ]);
  });

  it('names what a team looks like when the id is not one, and deletes nothing', async () => {
    const before = (await keys()).sort();
    const result = await runCli(['team', 'forget', 'agency-a'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid `team`: "agency-a"');
    expect(result.stderr).toContain('slack:T0123ABCD');
    expect((await keys()).sort()).toEqual(before);
  });

  it('forgets one team entirely with `team forget`, and nothing of the others', async () => {
    const before = await keys();
    const gone = subs[AGENCY_A]?.id ?? '';
    expect(before.filter((k) => k.includes('T0AGENCYA') || k.includes(gone)).length).toBeGreaterThan(5);

    const result = await runCli(['team', 'forget', AGENCY_A], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Forgot slack:T0AGENCYA: 1 subscription, 1 watchlist, 1 delivery job, its Slack installation and \d+ other keys\./,
    );

    const after = await keys();
    expect(after.filter((k) => k.includes('T0AGENCYA') || k.includes(gone))).toEqual([]);
    const { store } = test.core.subscriptions;
    expect(await store.get(gone)).toBeUndefined();
    // The others keep everything: subscriptions, jobs, markers and their credit counters.
    for (const team of [AGENCY_B, SERVER]) {
      const id = subs[team]?.id ?? '';
      expect((await store.get(id))?.channel).toBe(CHANNELS[team]);
      expect(after.filter((k) => k.includes(id)).length).toBeGreaterThanOrEqual(3);
      expect(after.some((k) => k.includes(`credits-team:${team}:`))).toBe(true);
    }
    expect(await installations().count()).toBe(1);
    const watching = await test.redis.redis.smembers(watchlistsKey(test.redis.prefix));
    expect(watching.map((m) => JSON.parse(m)[0]).sort()).toEqual([SERVER, AGENCY_B].sort());
    expect((await installations().botFor('T0AGENCYB'))?.token).toBe('xoxb-T0AGENCYB-secret');
    // The slot's scheduler stays: the other teams' weekly digests still use it.
    expect((await test.core.tickQueue.getJobSchedulers(0, -1)).length).toBe(1);
  });
});
