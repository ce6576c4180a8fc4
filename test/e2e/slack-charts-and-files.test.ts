/**
 * Story: pictures and files on Slack, through Bolt's real web client against the fake Slack. A digest's
 * chart is uploaded (files.getUploadURLExternal, the bytes to the fake's own upload URL, then
 * files.completeUploadExternal into the channel) after the digest tagged with its delivery, and a retry
 * posts neither again. 📈 Chart goes to the clicker only (their direct message with the bot), also after a
 * restart; `format:csv` shares the CSV into the channel.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderChartPng } from '../../src/charts/render-chart.js';
import { slackChannel } from '../../src/chat/channel-ref.js';
import type { View } from '../../src/chat/view.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { buttonId, CHANNEL, type SlackTestApp, startSlackTestApp, USER } from '../helpers/slack-test-app.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let keyapi: SampleKeyApiServer;
let app: SlackTestApp;
beforeEach(async () => {
  keyapi = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  app = await startSlackTestApp(keyapi.url);
});
afterEach(async () => {
  await app.close();
  await keyapi.close();
});

async function digestWithChart(): Promise<View> {
  const periods = [{ type: 'week' as const, date: '2026-11-16' }];
  const png = await renderChartPng({
    title: 'US weekly top 1 by sales · week of Mon 16 Nov 2026',
    sample: false,
    periods,
    periodLabels: ['16 Nov'],
    depth: 1,
    series: [{ userId: '1', label: '@mia.glow', ranks: [1] }],
    metricName: 'Sales',
    bars: [{ label: '@mia.glow', metric: 1200, gmv: 3400 }],
  });
  return {
    title: 'Weekly digest · US weekly top 1 by sales',
    blocks: [{ kind: 'text', text: '1. Mia Glow' }],
    footer: 'week of Mon 16 Nov 2026',
    attachments: [{ name: 'chart.png', contentType: 'image/png', data: png, alt: 'Rank trajectory of …' }],
  };
}

describe('Slack charts and files', () => {
  it('uploads a digest chart into the channel after the tagged digest, and a retry adds neither', async () => {
    const ref = slackChannel(app.fake.web.teamId, CHANNEL);
    const view = await digestWithChart();
    await app.adapter.send(ref, view, { deliveryId: 'sub1-week-2026-11-16' });
    const retry = await app.adapter.send(ref, view, {
      deliveryId: 'sub1-week-2026-11-16',
      mayHavePosted: true,
    });
    expect(retry.duplicate).toBe(true);

    const messages = app.fake.web.messages(CHANNEL);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.metadata?.event_payload).toEqual({ delivery_id: 'sub1-week-2026-11-16' });
    expect(messages[1]?.files?.map((f) => f.name)).toEqual(['chart.png']);
    const [file] = app.fake.web.files();
    expect(file).toMatchObject({
      filename: 'chart.png',
      altText: 'Rank trajectory of …',
      channels: [CHANNEL],
    });
    expect([...(file?.data?.subarray(0, 8) ?? [])]).toEqual(PNG_SIGNATURE);
    expect(file?.data?.length).toBeLessThan(1024 * 1024);
    // The bytes went to the upload URL Slack handed out, which points at the fake on 127.0.0.1.
    const upload = app.fake.web.calls('files.getUploadURLExternal')[0]?.response as { upload_url: string };
    expect(upload.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\//);
    expect(app.fake.web.calls('file_upload')).toHaveLength(1);
  });

  it('sends 📈 Chart to the clicker only, with a button made before a restart', async () => {
    const board = await app.response((await app.slash('region:US type:week limit:5')).responseId);
    const chartId = buttonId(board.blocks, 'Chart');
    expect(chartId).toBeDefined();
    const restarted = await startSlackTestApp(keyapi.url, { fake: app.fake });
    try {
      const { responseId } = await restarted.click(chartId ?? '', board.blocks ?? []);
      const answer = await restarted.response(responseId);
      expect(answer.response_type).toBe('ephemeral');
      expect(JSON.stringify(answer.blocks)).toContain('Sent to you in a direct message');
      const dm = `D${USER.slice(1)}`;
      expect(
        app.fake.web
          .messages(dm)
          .some((m) => m.files?.[0]?.name === 'toprank-US-week-followers-2026-11-16.png'),
      ).toBe(true);
      // Nothing of it lands in the channel.
      expect(app.fake.web.messages(CHANNEL).filter((m) => m.files)).toEqual([]);
    } finally {
      await restarted.close();
    }
  });

  it('shares format:csv into the channel, parsing back to the rows with ids intact', async () => {
    const { responseId } = await app.slash('region:US type:week limit:5 format:csv');
    const answer = await app.response(responseId);
    expect(answer.response_type).toBe('in_channel');
    await app.fake.web.waitFor((c) => c.method === 'files.completeUploadExternal');
    const file = app.fake.web.files().find((f) => f.filename.endsWith('.csv'));
    expect(file?.channels).toEqual([CHANNEL]);
    const rows = parse(file?.data?.toString('utf8') ?? '', { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3', '4', '5']);
    expect(rows.every((r) => /^\d+$/.test(r.user_id ?? ''))).toBe(true);
  });
});
