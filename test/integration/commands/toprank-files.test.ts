/**
 * /toprank's pictures and files as a text-platform user asks for them: `chart:on` attaches the chart and
 * says what it cost (history is free, a missing period one credit, once), `format:csv` attaches the rows,
 * a bad `format` is named; /toprank-subscribe puts charts on weekly and monthly digests by default.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../../commands/index.js';
import type { View } from '../../../src/chat/view.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { createTestCore, TEST_NOW, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const notices = (view: View) => view.blocks.flatMap((b) => (b.kind === 'notice' ? [b.text] : []));

describe('/toprank chart and format', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let ctx: CommandContext;
  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
    ctx = {
      channel: 'console:demo',
      user: { id: 'u1', canManageChannel: true },
      services: t.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => TEST_NOW,
    };
  });
  afterEach(() => t.close());

  it('attaches the chart to the leaderboard and says what it cost, then costs nothing the second time', async () => {
    const first = await runTextCommand('toprank', 'region:US type:week chart:on', ctx);
    expect(first.blocks.some((b) => b.kind === 'table')).toBe(true);
    expect(first.attachments?.map((a) => [a.name, a.contentType])).toEqual([
      ['toprank-US-week-followers-2026-11-16.png', 'image/png'],
    ]);
    // The leaderboard itself fetched this week and the one before; the other 6 weeks cost a page each.
    expect(notices(first)).toContain(
      '📈 Chart of the last 8 weeks: 2 weeks from history, 6 fetched from KeyAPI (6 credits).',
    );
    const spent = t.core.keyapi.requestCount;
    const second = await runTextCommand('toprank', 'region:US type:week chart:on', ctx);
    expect(notices(second)).toContain(
      '📈 Chart of the last 8 weeks: all 8 weeks from history, no credits spent.',
    );
    expect(t.core.keyapi.requestCount).toBe(spent);
  });

  it('answers format:csv with the file and no table', async () => {
    const view = await runTextCommand('toprank', 'region:GB type:month limit:5 format:csv', ctx);
    expect(view.blocks.some((b) => b.kind === 'table')).toBe(false);
    expect(view.attachments?.map((a) => a.name)).toEqual(['toprank-GB-month-followers-2026-10-01.csv']);
  });

  it('names a bad format and what it allows', async () => {
    const view = await runTextCommand('toprank', 'region:US format:pdf', ctx);
    expect(notices(view)[0]).toBe('Invalid `format`: "pdf" is not table, csv or chart.');
    expect(t.core.keyapi.requestCount).toBe(0);
  });

  it('puts a chart on weekly and monthly digests by default, not on daily ones, unless told', async () => {
    const store = t.core.subscriptions.store;
    for (const text of [
      'region:US type:week',
      'region:US type:day',
      'region:GB type:day chart:on',
      'region:GB type:month chart:off',
    ]) {
      await runTextCommand('toprank-subscribe', text, ctx);
    }
    const subs = await store.listByChannel('console:demo');
    const charts = Object.fromEntries(subs.map((s) => [`${s.query.region}-${s.query.type}`, s.chart]));
    expect(charts).toEqual({ 'US-week': true, 'US-day': false, 'GB-day': true, 'GB-month': false });
  });
});
