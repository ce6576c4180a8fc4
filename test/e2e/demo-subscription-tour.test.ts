/**
 * Story: the demo's scripted tour, given its core, subscribes the terminal channel to a weekly digest,
 * runs a weekly tick and an alert check through real workers, watches two creators (★ in a leaderboard,
 * a watch alert), and shows what they posted there.
 */
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CHANNEL, runDemo } from '../../src/cli/demo.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { obliterateQueues } from '../helpers/jobs.js';
import { createTestCore, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';

describe('demo tour with subscriptions', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer();
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url, { now: () => new Date() });
  });
  afterEach(async () => {
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  it('shows the weekly digest and the tour ends with nothing left subscribed', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const ctx = {
      channel: DEMO_CHANNEL,
      user: { id: 'demo' },
      services: t.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => new Date(),
      sample: true,
    };
    await runDemo(ctx, { input: new PassThrough(), output, interactive: false }, { core: t.core });

    expect(printed).toContain('Subscribed (`');
    expect(printed).toContain('Preview: nothing was subscribed.');
    expect(printed).toContain('Price: ≈ ');
    expect(printed).toContain('toprank status of this channel');
    expect(printed).toMatch(/delivered \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(week-/);
    expect(printed).toContain('── console:demo ──');
    expect(printed).toContain('Weekly digest · 🇺🇸 US weekly top 5 by sales');
    expect(printed).toMatch(/Rank alert · 🇺🇸 US daily top 5 by sales|No rank moves that day/);
    // Two sample creators watched: ★ in the leaderboard, then their watch alert (or why none).
    expect(printed).toContain('Price: 1 page (credits) a check');
    expect(printed).toMatch(/ ★ /);
    expect(printed).toMatch(/Watch alert · 🇺🇸 US daily top 10 by followers|They did not move enough/);
    expect(printed).toContain('Demo finished.');
    expect(await t.core.subscriptions.store.listByChannel(DEMO_CHANNEL)).toEqual([]);
    expect(await t.core.subscriptions.watchlists.listAll()).toEqual([]);
  }, 60_000);
});
