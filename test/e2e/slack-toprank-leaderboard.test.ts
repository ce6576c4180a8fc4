/**
 * Story: in Slack, someone types `/toprank region:US type:day` and the channel gets the leaderboard in
 * Block Kit; Next pages by replacing the message, even after the bot restarted; `help` and a bad option
 * answer privately with usage. Real Bolt and the real core, signed requests, fake Slack on the wire.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../src/adapters/slack/render.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import {
  buttonId,
  creatorLines,
  type SlackTestApp,
  startSlackTestApp,
  textsOf,
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

describe('/toprank in Slack', () => {
  it('posts the leaderboard in the channel with every creator in rank order', async () => {
    const { status, responseId } = await app.slash('region:US type:day');
    expect(status).toBe(200);
    const reply = await app.response(responseId);

    expect(reply.response_type).toBe('in_channel');
    const blocks = reply.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]?.type).toBe('header');
    expect(blocks[0]?.text?.text).toContain('US daily top 10 by followers');
    expect(blocks[1]?.type).toBe('context');

    // The same rows the ranking service holds for that query, in the same order.
    const query = { region: 'US', type: 'day', by: 'followers', limit: 10, page: 1 } as const;
    const board = await app.core.core.leaderboards.get(query);
    const lines = creatorLines(reply.blocks);
    expect(lines.map((l) => l.rank)).toEqual(board.rows.map((r) => r.rank));
    board.rows.forEach((row, i) => {
      const line = lines[i]?.line ?? '';
      expect(line).toContain(row.creator.nickname);
      expect(line).toContain(`<https://www.tiktok.com/@${row.creator.handle}|@${row.creator.handle}>`);
      expect(line).toMatch(/followers gained/);
    });
    expect(buttonId(reply.blocks, 'Next')).toBeDefined();
  });

  it('replaces the message with the next page when Next is clicked', async () => {
    const first = await app.response((await app.slash('region:US type:day limit:5')).responseId);
    const next = buttonId(first.blocks, 'Next');
    expect(next).toBeDefined();

    const { status, responseId } = await app.click(next ?? '', first.blocks ?? []);
    expect(status).toBe(200);
    const page2 = await app.response(responseId);
    expect(page2.replace_original).toBe(true);
    expect(creatorLines(page2.blocks).map((l) => l.rank)).toEqual([6, 7, 8, 9, 10]);
    expect(buttonId(page2.blocks, 'Prev')).toBeDefined();
  });

  it('keeps paging after a restart, from the button alone', async () => {
    const first = await app.response((await app.slash('region:GB type:week by:sales limit:3')).responseId);
    const next = buttonId(first.blocks, 'Next') ?? '';
    await app.close();
    app = await startSlackTestApp(keyapi.url);

    const page2 = await app.response((await app.click(next, first.blocks ?? [])).responseId);
    expect(creatorLines(page2.blocks).map((l) => l.rank)).toEqual([4, 5, 6]);
    expect(textsOf(page2.blocks).join('\n')).toContain('GB weekly top 4–6 by sales');
  });

  it('fits limit:50 within Block Kit limits', async () => {
    const reply = await app.response((await app.slash('region:US type:week limit:50')).responseId);
    const blocks = reply.blocks as { type: string; text?: { text: string } }[];
    expect(creatorLines(blocks).map((l) => l.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    for (const block of blocks.filter((b) => b.type === 'section')) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
  });

  it('answers help privately with the usage of every option', async () => {
    const before = keyapi.requestCount;
    const reply = await app.response((await app.slash('help')).responseId);
    expect(reply.response_type).toBe('ephemeral');
    const text = textsOf(reply.blocks).join('\n');
    expect(text).toContain('Usage: /toprank');
    for (const option of ['region', 'type', 'by', 'category', 'product_category', 'limit', 'date']) {
      expect(text).toContain(option);
    }
    expect(keyapi.requestCount).toBe(before);
  });

  it('answers a bad option privately, naming the option and what it allows, above the usage', async () => {
    const reply = await app.response((await app.slash('region:US type:year')).responseId);
    expect(reply.response_type).toBe('ephemeral');
    const text = textsOf(reply.blocks).join('\n');
    expect(text).toContain('Invalid `type`: "year" is not day, week or month.');
    expect(text).toContain('Usage: /toprank');
    expect(creatorLines(reply.blocks)).toEqual([]);
  });
});
