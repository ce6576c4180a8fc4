/**
 * The real Slack adapter (Bolt) for an end-to-end test: the real core against a KeyAPI URL, the fake
 * Slack for the Web API, response_url and Socket Mode, and the one HTTP server with Bolt mounted on it.
 * Requests are signed exactly as Slack signs them (test/fakes/slack/slack-signer.ts).
 */
import { createRedisSeenRequests } from '../../src/adapters/slack/request-guard.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import {
  blockActionsBody,
  type PostToBoltOptions,
  postToBolt,
  slashCommandBody,
  slashCommandPayload,
} from '../fakes/slack/slack-signer.js';
import type { RecordedResponse } from '../fakes/slack/slack-web-api.js';
import { createTestCore, TEST_NOW, type TestCore } from './test-core.js';
import { createTestLog, type TestLog } from './test-log.js';

export const SIGNING_SECRET = 'test-signing-secret-3f9c1a';
export const APP_TOKEN = 'xapp-1-A0FAKEAPP1-test-app-token';
export const CHANNEL = 'C0GENERAL01';
export const USER = 'U0ASKER001';

/** A 429 costs its Retry-After (about a second), not web-api's default backoff on top. */
export const FAST_RETRIES = { retries: 2, minTimeout: 0, maxTimeout: 0 };

export interface SlackTestApp {
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** Undefined in Socket Mode. */
  http: HttpServer | undefined;
  /** `http://127.0.0.1:PORT/slack/events` (HTTP mode). */
  eventsUrl: string;
  core: TestCore;
  log: TestLog;
  /** Sends `/name text` as Slack does; returns the HTTP answer and the response_url id to wait on. */
  slash(text: string, options?: SlashOptions): Promise<{ status: number; responseId: string }>;
  /** Clicks a button of a message whose blocks are given; returns the HTTP status and the response_url id. */
  click(actionId: string, blocks: unknown[]): Promise<{ status: number; responseId: string }>;
  /** Resolves with the `n`th (1-based) post to that response_url. */
  response(responseId: string, n?: number): Promise<RecordedResponse>;
  close(): Promise<void>;
}

export interface SlashOptions extends PostToBoltOptions {
  command?: string;
  /** Who types it (default USER) and where (default CHANNEL, named general). */
  userId?: string;
  channelId?: string;
  channelName?: string;
}

export interface SlackTestAppOptions {
  socketMode?: boolean;
  /** Reuse a fake Slack (e.g. to restart the app against the same workspace). */
  fake?: FakeSlack;
  /** SLACK_MANAGERS. */
  managers?: string[];
  /** Reuse a core (another process of the same deployment: one Redis, one prefix). */
  core?: TestCore;
}

export async function startSlackTestApp(
  keyapiUrl: string,
  options: SlackTestAppOptions = {},
): Promise<SlackTestApp> {
  const fake = options.fake ?? (await startFakeSlack());
  const core = options.core ?? (await createTestCore(keyapiUrl));
  const log = createTestLog({ level: 'debug', secrets: [fake.web.botToken, SIGNING_SECRET, APP_TOKEN] });
  const adapter = createSlackAdapter({
    botToken: fake.web.botToken,
    signingSecret: SIGNING_SECRET,
    seenRequests: createRedisSeenRequests(core.redis.redis, core.redis.prefix),
    appToken: options.socketMode ? APP_TOKEN : undefined,
    apiUrl: fake.apiUrl,
    services: core.core,
    log: log.log,
    now: () => TEST_NOW,
    retryConfig: FAST_RETRIES,
    managers: options.managers,
  });
  await adapter.start();
  const http = options.socketMode
    ? undefined
    : createHttpServer({ port: 0, host: '127.0.0.1', log: log.log, slack: adapter.requestListener });
  await http?.listen();
  const eventsUrl = http ? `${http.url}/slack/events` : '';

  const app: SlackTestApp = {
    fake,
    adapter,
    http,
    eventsUrl,
    core,
    log,
    async slash(text, opts = {}) {
      const responseUrl = fake.web.responseUrl();
      const body = slashCommandBody({
        command: opts.command ?? '/toprank',
        text,
        teamId: fake.web.teamId,
        channelId: opts.channelId ?? CHANNEL,
        channelName: opts.channelName,
        userId: opts.userId ?? USER,
        responseUrl,
      });
      const res = await postToBolt(eventsUrl, body, SIGNING_SECRET, opts);
      return { status: res.status, responseId: responseIdOf(responseUrl) };
    },
    async click(actionId, blocks) {
      const responseUrl = fake.web.responseUrl();
      const body = blockActionsBody({
        actionId,
        teamId: fake.web.teamId,
        channelId: CHANNEL,
        userId: USER,
        responseUrl,
        messageTs: '1795600000.000100',
        blocks,
      });
      const res = await postToBolt(eventsUrl, body, SIGNING_SECRET);
      return { status: res.status, responseId: responseIdOf(responseUrl) };
    },
    async response(responseId, n = 1) {
      const have = () => fake.web.responses(responseId).length >= n;
      // The fake logs a response before it records the call, so the predicate sees it on that call.
      if (!have()) await fake.web.waitFor((call) => call.method === 'response_url' && have(), 10_000);
      return fake.web.responses(responseId)[n - 1] as RecordedResponse;
    },
    async close() {
      await http?.close();
      await adapter.stop();
      if (!options.fake) await fake.close();
      if (!options.core) await core.close();
    },
  };
  return app;
}

export function responseIdOf(responseUrl: string): string {
  return responseUrl.split('/').at(-1) ?? '';
}

/** A slash command as Socket Mode carries it (the same fields, as an object). */
export function socketSlashPayload(app: SlackTestApp, text: string, responseUrl: string) {
  return slashCommandPayload({
    command: '/toprank',
    text,
    teamId: app.fake.web.teamId,
    channelId: CHANNEL,
    userId: USER,
    responseUrl,
  });
}

/** Every `text` string inside a Block Kit structure (header, sections, fields, context, buttons). */
export function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(textsOf)];
}

/** The mrkdwn strings of a message (the ones Slack parses for mentions), plus its fallback `text`. */
export function mrkdwnOf(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = typeof message.text === 'string' ? [message.text] : [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (record.type === 'mrkdwn' && typeof record.text === 'string') out.push(record.text);
    for (const item of Object.values(record)) walk(item);
  };
  walk(message.blocks);
  return out;
}

/** The creator lines of a leaderboard message: `{ rank, line }` in the order shown. */
export function creatorLines(blocks: unknown[] | undefined): { rank: number; line: string }[] {
  return mrkdwnOf({ blocks })
    .flatMap((text) => text.split('\n'))
    .map((line) => ({ rank: Number(/^\*(\d+)\.\*/.exec(line)?.[1]), line }))
    .filter((row) => Number.isInteger(row.rank));
}

/** The action id of the button labelled with `label` (e.g. "Next"), if the message has one. */
export function buttonId(blocks: unknown[] | undefined, label: string): string | undefined {
  for (const block of blocks ?? []) {
    const b = block as { type?: string; elements?: { action_id?: string; text?: { text?: string } }[] };
    if (b.type !== 'actions') continue;
    const hit = b.elements?.find((e) => e.text?.text?.includes(label));
    if (hit?.action_id) return hit.action_id;
  }
  return undefined;
}
