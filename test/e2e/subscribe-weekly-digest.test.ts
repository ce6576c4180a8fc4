/**
 * Story: in a terminal channel, a manager subscribes to a weekly digest, sees it listed with its next
 * delivery, is refused a repeat and a non-manager is refused; the Monday tick posts the digest to
 * the channel through the console adapter; unsubscribing removes the slot's scheduler.
 */
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { suggest } from '../../commands/autocomplete.js';
import { type CommandContext, runTextCommand } from '../../commands/index.js';
import { createConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createTickQueue } from '../../src/jobs/queues.js';
import type { RunningWorkers } from '../../src/jobs/worker.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { viewText } from '../fakes/capturing-chat-adapter.js';
import { obliterateQueues, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { createTestCore, TEST_NOW, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';

describe('subscribe a channel to a weekly digest', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let workers: RunningWorkers | undefined;
  const log = createTestLog({ level: 'silent' }).log;
  let ctx: CommandContext;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
    ctx = {
      channel: 'console:demo',
      user: { id: 'manager', canManageChannel: true },
      services: t.core,
      log,
      now: () => TEST_NOW,
    };
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  const run = async (name: string, text: string, as: CommandContext = ctx) =>
    viewText(await runTextCommand(name, text, as));

  it('subscribes, lists, refuses a repeat, posts the Monday digest and unsubscribes', async () => {
    const subscribed = await run(
      'toprank-subscribe',
      'region:US type:week by:sales limit:5 time:09:00 timezone:America/New_York alerts:on',
    );
    const id = /Subscribed \(`([a-z0-9]+)`\)/.exec(subscribed)?.[1] ?? '';
    expect(subscribed).toContain('US weekly top 5 by sales, weekly on Monday at 09:00 America/New_York');
    expect(subscribed).toContain('Next delivery Mon 30 Nov 2026, 09:00 (America/New_York)');

    expect(await run('toprank-subscribe', 'region:US type:week by:sales limit:5 time:10:00')).toBe(
      `This channel already has that subscription (\`${id}\`).`,
    );
    const list = await run('toprank-subscriptions', '');
    expect(list).toContain(`${id} US weekly top 5 by sales weekly on Monday at 09:00 America/New_York`);
    expect(list).toContain('Mon 30 Nov 2026, 09:00 (America/New_York) on (climbs ≥ 5) active');
    expect((await suggest('subscription', '', {}, ctx)).map((s) => s.value)).toEqual(['all', id]);

    const queue = createTickQueue(t.redis.redis, t.redis.prefix);
    expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern, s.tz])).toEqual([
      ['digest-week-0900-America/New_York', '0 9 * * 1', 'America/New_York'],
    ]);

    // The Monday tick, through real workers, posts to the terminal channel.
    let printed = '';
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    workers = await startTestWorkers(t.core, new Map([['console', createConsoleAdapter({ output })]]), log, {
      now: () => new Date('2026-11-23T14:05:00Z'),
      reconcile: false,
    });
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-America/New_York',
      firedAt: Date.parse('2026-11-23T14:00:00Z'),
    });
    await waitUntil('the digest is printed', async () => printed.includes('Weekly digest'));
    expect(printed).toContain('── console:demo ──');
    expect(printed).toContain('Weekly digest · 🇺🇸 US weekly top 5 by sales');

    expect(await run('toprank-unsubscribe', `subscription:${id}`)).toBe(`Unsubscribed \`${id}\`.`);
    expect(await queue.getJobSchedulersCount()).toBe(0);
    expect(await run('toprank-subscriptions', '')).toBe(
      'This channel has no subscriptions. Add one with /toprank-subscribe.',
    );
    await queue.close();
  });

  it('refuses members without Manage Channels and channels over the limit', async () => {
    const member = { ...ctx, user: { id: 'member', canManageChannel: false } };
    expect(await run('toprank-subscribe', 'region:US', member)).toBe(
      'You need the Manage Channels permission to do that.',
    );
    expect(await run('toprank-unsubscribe', 'subscription:all', member)).toBe(
      'You need the Manage Channels permission to do that.',
    );
    for (let limit = 1; limit <= 25; limit++) {
      expect(await run('toprank-subscribe', `region:GB limit:${limit}`)).toContain('Subscribed');
    }
    expect(await run('toprank-subscribe', 'region:GB limit:26')).toBe(
      'This channel has reached its limit of 25 subscriptions. Remove one with /toprank-unsubscribe.',
    );
    expect(await run('toprank-unsubscribe', 'subscription:all')).toContain('Unsubscribed 25 subscriptions');
    expect(await run('toprank-unsubscribe', 'subscription:zzzzzz')).toBe(
      'No subscription `zzzzzz` in this channel. See /toprank-subscriptions.',
    );
  });

  it('takes a bare region and a bare subscription id, as in Slack', async () => {
    const subscribed = await run('toprank-subscribe', 'GB type:week');
    const id = /Subscribed \(`([a-z0-9]+)`\)/.exec(subscribed)?.[1] ?? '';
    expect(subscribed).toContain('GB weekly top 10 by followers');
    expect(await run('toprank-unsubscribe', id)).toBe(`Unsubscribed \`${id}\`.`);
    expect(await run('toprank-unsubscribe', 'all')).toBe(
      'This channel has no subscriptions. Add one with /toprank-subscribe.',
    );
    expect(await run('toprank-unsubscribe', `${id} all`)).toContain(`Could not read "all"`);
  });

  it('names the option when a time or zone is wrong', async () => {
    expect(await run('toprank-subscribe', 'region:US time:25:00')).toContain(
      'Invalid `time`: "25:00" is not a 24-hour time written HH:MM, such as 09:00.',
    );
    expect(await run('toprank-subscribe', 'region:US timezone:Mars/Base')).toContain(
      'Invalid `timezone`: "Mars/Base" is not an IANA time zone',
    );
  });

  it('puts zones spelled differently in one slot with one scheduler', async () => {
    const other = { ...ctx, channel: 'console:other' };
    expect(await run('toprank-subscribe', 'region:US type:week timezone:utc')).toContain(
      'weekly on Monday at 09:00 UTC',
    );
    expect(await run('toprank-subscribe', 'region:US type:week timezone:UTC', other)).toContain(
      'weekly on Monday at 09:00 UTC',
    );
    expect(await run('toprank-subscribe', 'region:GB type:week timezone:america/new_york')).toContain(
      'weekly on Monday at 09:00 America/New_York',
    );
    expect(await t.core.subscriptions.store.listSlots()).toEqual([
      'week-0900-America/New_York',
      'week-0900-UTC',
    ]);
    const queue = createTickQueue(t.redis.redis, t.redis.prefix);
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
      'digest-week-0900-America/New_York',
      'digest-week-0900-UTC',
    ]);
    await queue.close();
  });
});
