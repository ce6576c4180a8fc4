/**
 * Story: KeyAPI is slow today, yet Slack never shows "operation timed out": the command is acknowledged
 * first (the HTTP 200 returns while KeyAPI is still holding its answer) and the leaderboard follows through
 * response_url once KeyAPI answers. KeyAPI here is the sample server behind a gate the test opens.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { creatorLines, type SlackTestApp, startSlackTestApp } from '../helpers/slack-test-app.js';

/** A KeyAPI that holds every request until `open()`, then answers each from the sample server. */
interface GatedKeyApi {
  url: string;
  /** Resolves once a request is waiting at the gate. */
  firstRequest: Promise<void>;
  open(): void;
  close(): Promise<void>;
}

async function startGatedKeyApi(upstream: string): Promise<GatedKeyApi> {
  let isOpen = false;
  const waiting: (() => void)[] = [];
  let arrived: () => void = () => {};
  const firstRequest = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server: Server = createServer((req, res) => {
    const answer = async () => {
      const upstreamRes = await fetch(`${upstream}${req.url}`, {
        headers: { authorization: req.headers.authorization ?? '' },
      });
      res.writeHead(upstreamRes.status, { 'content-type': 'application/json' });
      res.end(await upstreamRes.text());
    };
    if (isOpen) void answer();
    else waiting.push(() => void answer());
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstRequest,
    open() {
      isOpen = true;
      for (const answer of waiting.splice(0)) answer();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sample: SampleKeyApiServer;
let gate: GatedKeyApi;
let app: SlackTestApp;

beforeEach(async () => {
  sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  gate = await startGatedKeyApi(sample.url);
  app = await startSlackTestApp(gate.url);
});
afterEach(async () => {
  await app.close();
  await gate.close();
  await sample.close();
});

describe('a slow KeyAPI', () => {
  it('acknowledges the command while KeyAPI still holds its answer, then delivers the leaderboard', async () => {
    // If the app waited for KeyAPI before acking, this POST could not get its 200: the gate is shut.
    const { status, responseId } = await app.slash('region:US type:day limit:3');
    expect(status).toBe(200);

    await gate.firstRequest;
    expect(app.fake.web.responses(responseId)).toEqual([]);

    gate.open();
    const reply = await app.response(responseId);
    expect(reply.response_type).toBe('in_channel');
    expect(creatorLines(reply.blocks).map((l) => l.rank)).toEqual([1, 2, 3]);
  });

  it('lets an acknowledged command finish its answer when the bot is stopped meanwhile', async () => {
    const { responseId } = await app.slash('region:US type:day limit:3');
    await gate.firstRequest;
    const stopping = app.adapter.stop();
    gate.open();
    await stopping;
    // stop() returned only after the answer went out.
    const [reply] = app.fake.web.responses(responseId);
    expect(creatorLines(reply?.blocks).map((l) => l.rank)).toEqual([1, 2, 3]);
  });
});
