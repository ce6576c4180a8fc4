/**
 * The Discord bot as users meet it, for the e2e stories: the real discord.js client (through the
 * adapter) logged in to the fake Discord, the real core on real Redis, and a KeyAPI on 127.0.0.1.
 * Also the readers a test needs: what each interaction got back, and every message the bot sent.
 */
import type { APIEmbed } from 'discord.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { unescapeMarkdown } from '../../src/adapters/discord/escape.js';
import type { ScheduledCore } from '../../src/jobs/scheduling.js';
import { startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import type { RecordedRequest } from '../fakes/discord/discord-rest.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { createTestCore, TEST_NOW } from '../helpers/test-core.js';
import { createTestLog, type TestLog } from '../helpers/test-log.js';

/** A KeyAPI to point the core at: the sample server, or a scripted fake. */
export interface KeyApiUnderTest {
  url: string;
  close(): Promise<void>;
}

export interface DiscordBotOptions {
  /** Default: the sample KeyAPI server, today 2026-11-25. */
  keyapi?: KeyApiUnderTest;
  deferAfterMs?: number;
  ackDeadlineMs?: number;
  /** The interaction claim the adapter takes (start.ts gives it Redis's); none by default. */
  claim?: (interactionId: string) => Promise<boolean>;
  /** More configuration for the core, e.g. credit limits. */
  env?: Record<string, string>;
}

export interface DiscordBot {
  fake: FakeDiscord;
  core: ScheduledCore;
  adapter: DiscordAdapter;
  log: TestLog;
  /** Starts another adapter (a restart) on the same core and fake; the caller stops it. */
  restart(): Promise<DiscordAdapter>;
  close(): Promise<void>;
}

export async function startSampleKeyApi() {
  return startSampleKeyApiServer({ today: () => '2026-11-25' });
}

export async function startDiscordBot(options: DiscordBotOptions = {}): Promise<DiscordBot> {
  const keyapi = options.keyapi ?? (await startSampleKeyApi());
  const fake = await startFakeDiscord({ ackDeadlineMs: options.ackDeadlineMs });
  const testCore = await createTestCore(keyapi.url, { env: options.env });
  const log = createTestLog({ level: 'debug', secrets: [fake.token] });
  const make = () =>
    createDiscordAdapter({
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiBase,
      services: testCore.core,
      log: log.log,
      now: () => TEST_NOW,
      deferAfterMs: options.deferAfterMs,
      ...(options.claim ? { claim: options.claim } : {}),
    });
  const adapter = make();
  await adapter.start();
  return {
    fake,
    core: testCore.core,
    adapter,
    log,
    async restart() {
      const next = make();
      await next.start();
      return next;
    },
    async close() {
      // discord.js first: a client outliving the fake would try to reconnect.
      await adapter.stop();
      await fake.close();
      await keyapi.close();
      await testCore.close();
    },
  };
}

const callbackRoute = 'POST /interactions/:interactionId/:token/callback';

/** The callback Discord received for an interaction (waits for it). */
export function callbackOf(fake: FakeDiscord, id: string, timeoutMs = 4000): Promise<RecordedRequest> {
  return fake.rest.waitFor((r) => r.route === callbackRoute && r.path.split('/').includes(id), timeoutMs);
}

/** The first request on an interaction's webhook matching `method` (waits for it). */
export function webhookRequest(
  fake: FakeDiscord,
  token: string,
  method: 'PATCH' | 'POST' | 'DELETE',
  timeoutMs = 6000,
): Promise<RecordedRequest> {
  return fake.rest.waitFor(
    (r) => r.method === method && r.route.includes('/webhooks/') && r.path.split('/').includes(token),
    timeoutMs,
  );
}

/** Every request made on behalf of one interaction, in the order Discord answered them. */
export function requestsOf(fake: FakeDiscord, id: string, token: string): RecordedRequest[] {
  return fake.rest.requests.filter((r) => {
    const segments = r.path.split('/');
    return segments.includes(id) || segments.includes(token);
  });
}

/** The message a request carried: callback data, webhook or channel bodies. */
export function messageBody(request: RecordedRequest): Record<string, unknown> | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (!body) return undefined;
  if (request.route === callbackRoute) return body.data as Record<string, unknown> | undefined;
  return body;
}

/** Every request that carried message text (replies, updates, edits, follow-ups, channel posts). */
export function messageRequests(fake: FakeDiscord): RecordedRequest[] {
  return fake.rest.requests.filter((r) => {
    const body = messageBody(r);
    return body !== undefined && ('content' in body || 'embeds' in body);
  });
}

/** The description lines of a message's embeds, in order. */
export function descriptionLines(embeds: unknown): string[] {
  return ((embeds ?? []) as APIEmbed[]).flatMap((e) => (e.description ?? '').split('\n'));
}

/** The lines that show a creator (`**1.** …`), in order. */
export function rowLines(embeds: unknown): string[] {
  return descriptionLines(embeds).filter((l) => /^\*\*\d+\.\*\*/.test(l));
}

/** The ranks shown, in order. */
export function ranksShown(embeds: unknown): number[] {
  return rowLines(embeds).map((l) => Number(/^\*\*(\d+)\.\*\*/.exec(l)?.[1]));
}

/** All text a reader sees in a message body, Markdown escapes removed. */
export function visibleText(body: Record<string, unknown> | undefined): string {
  if (!body) return '';
  const embeds = (body.embeds ?? []) as APIEmbed[];
  const parts = [
    typeof body.content === 'string' ? body.content : '',
    ...embeds.flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ];
  return unescapeMarkdown(parts.join('\n'));
}

/** The custom_id of the button labelled like `label`. */
export function buttonId(body: Record<string, unknown> | undefined, label: RegExp): string {
  const rows = (body?.components ?? []) as { components: { label?: string; custom_id?: string }[] }[];
  const found = rows.flatMap((r) => r.components).find((c) => label.test(c.label ?? ''));
  if (!found?.custom_id) throw new Error(`no button labelled ${label}`);
  return found.custom_id;
}
