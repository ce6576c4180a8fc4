/**
 * Story: an operator sets DISCORD_PUBLIC_KEY and the Interactions Endpoint URL, and Discord sends every
 * interaction to POST /discord/interactions instead of the gateway. Requests signed with a key made
 * here are answered exactly as the gateway path answers them (commands, buttons, autocomplete,
 * errors; deferral and edit through REST when slow); forged, stale and oversized ones are refused.
 */
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOptions } from '../../commands/query-options.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { createInteractionClaim } from '../../src/adapters/discord/interaction-claim.js';
import {
  createInteractionsEndpoint,
  DISCORD_INTERACTIONS_PATH,
} from '../../src/adapters/discord/interactions-endpoint.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { autocomplete, button, type CommandOption, chatInput } from '../fakes/discord/interactions.js';
import { FakeInteractionsSender } from '../fakes/discord/interactions-sender.js';
import { TEST_NOW } from '../helpers/test-core.js';
import {
  buttonId,
  callbackOf,
  type DiscordBot,
  ranksShown,
  requestsOf,
  startDiscordBot,
  startSampleKeyApi,
  visibleText,
  webhookRequest,
} from './discord-harness.js';

type Answer = { type: number; data: Record<string, unknown> & { embeds?: APIEmbed[]; flags?: number } };

describe('discord interactions over HTTP', () => {
  let keyapi: SampleKeyApiServer;
  /** The gateway bot, to compare with; its fake Discord also takes the HTTP path's follow-ups. */
  let gateway: DiscordBot;
  let http: DiscordAdapter;
  let server: HttpServer;
  let discord: FakeInteractionsSender;

  beforeAll(async () => {
    keyapi = await startSampleKeyApi();
    gateway = await startDiscordBot({ keyapi, deferAfterMs: 1000 });
    const { fake, core } = gateway;
    http = createDiscordAdapter({
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiBase,
      services: core,
      log: gateway.log.log,
      now: () => TEST_NOW,
      deferAfterMs: 1000,
      interactions: 'http',
      claim: createInteractionClaim(core.redis, core.prefix),
    });
    await http.start();
    discord = new FakeInteractionsSender(fake.rest, () => `${server.url}${DISCORD_INTERACTIONS_PATH}`);
    server = createHttpServer({
      port: 0,
      host: '127.0.0.1',
      log: gateway.log.log,
      routes: {
        [`POST ${DISCORD_INTERACTIONS_PATH}`]: createInteractionsEndpoint({
          publicKey: discord.publicKey,
          handle: (payload, first) => http.handleInteraction(payload, first),
          log: gateway.log.log,
        }),
      },
    });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await http.stop();
    await gateway.close();
  });

  const toprank = (options: CommandOption[]) => chatInput({ name: 'toprank', options });

  it('answers the PING Discord sends when the endpoint is saved', async () => {
    expect(await discord.send({ type: 1 })).toMatchObject({ status: 200, body: { type: 1 } });
    expect(http.health()).toEqual({ mode: 'http-interactions' });
    expect(http.isReady()).toBe(true);
  });

  it('refuses forged, stale, altered and unsigned requests with 401, answering none of them', async () => {
    const payload = toprank([{ name: 'region', type: 3, value: 'US' }]);
    const stale = Math.floor(Date.now() / 1000) - 301;
    const answers = await Promise.all([
      discord.send(payload, { forged: true }),
      discord.send(payload, { timestamp: stale }),
      discord.send(payload, { tamperedBody: JSON.stringify({ ...payload, guild_id: '1' }) }),
      fetch(`${server.url}${DISCORD_INTERACTIONS_PATH}`, { method: 'POST', body: JSON.stringify(payload) }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(requestsOf(gateway.fake, payload.id, payload.token)).toEqual([]);
    expect(keyapi.requestCount).toBe(0);
  });

  it('refuses a body over 64 KB with 413 before reading it whole', async () => {
    const response = await fetch(`${server.url}${DISCORD_INTERACTIONS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(64 * 1024 + 1),
    });
    expect(response.status).toBe(413);
  });

  it('answers /toprank in the HTTP reply exactly as the gateway path answers it', async () => {
    const options: CommandOption[] = [{ name: 'region', type: 3, value: 'US' }];
    const overGateway = gateway.fake.interact(toprank(options));
    const viaGateway = (await callbackOf(gateway.fake, overGateway.id)).body as Answer;

    const answer = await discord.send(toprank(options));
    expect(answer.status).toBe(200);
    expect(answer.accepted?.status).toBe(204); // Discord took it as the interaction's answer
    const body = answer.body as Answer;
    expect(body.type).toBe(4);
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
    expect(ranksShown(body.data.embeds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body).toEqual(viaGateway);
  });

  it('sends a file answer (format:csv) as one multipart HTTP reply, as the gateway sends its callback', async () => {
    const options: CommandOption[] = [
      { name: 'region', type: 3, value: 'US' },
      { name: 'format', type: 3, value: 'csv' },
    ];
    const overGateway = gateway.fake.interact(toprank(options));
    const viaGateway = await callbackOf(gateway.fake, overGateway.id);

    const payload = toprank(options);
    const answer = await discord.send(payload);
    expect(answer.status).toBe(200);
    expect(answer.accepted?.status).toBe(204);
    const [reply] = requestsOf(gateway.fake, payload.id, payload.token);
    expect(reply?.route).toBe('HTTP reply');
    expect(reply?.files.map((f) => f.name)).toEqual(viaGateway.files.map((f) => f.name));
    expect(reply?.files[0]?.name).toMatch(/^toprank-US-day-followers-.*\.csv$/);
    expect(reply?.files[0]?.data.toString('utf8')).toBe(viaGateway.files[0]?.data.toString('utf8'));
    const original = gateway.fake.rest.interactions.get(payload.id)?.original;
    expect(original?.attachments.map((a) => a.filename)).toEqual([reply?.files[0]?.name]);
  });

  it('pages with the Next button by updating the message, as on the gateway', async () => {
    const first = toprank([{ name: 'region', type: 3, value: 'GB' }]);
    await discord.send(first);
    const message = gateway.fake.rest.interactions.get(first.id)?.original as APIMessage;
    const customId = buttonId(message as unknown as Record<string, unknown>, /Next/);
    const answer = await discord.send(button({ customId, message }));
    const body = answer.body as Answer;
    expect(body.type).toBe(7);
    expect(body.data.embeds?.[0]?.title).toBe('🇬🇧 GB daily top 11–20 by followers');
    expect(ranksShown(body.data.embeds)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('suggests regions while typing, from the local list', async () => {
    const answer = await discord.send(
      autocomplete({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'u', focused: true }] }),
    );
    const body = answer.body as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(body.type).toBe(8);
    expect(body.data.choices).toContainEqual({ name: 'US · United States', value: 'US' });
    expect(answer.accepted?.status).toBe(204);
  });

  it('answers a bad option privately with its sentence', async () => {
    const answer = await discord.send(
      toprank([
        { name: 'region', type: 3, value: 'US' },
        { name: 'type', type: 3, value: 'year' },
      ]),
    );
    const body = answer.body as Answer;
    expect(body.type).toBe(4);
    expect((body.data.flags ?? 0) & 64).toBe(64);
    expect(visibleText(body.data)).toContain('Invalid `type`: "year"');
  });

  it('defers in the HTTP reply when KeyAPI is slow, then edits the original through REST', async () => {
    keyapi.delayMs = 1600;
    try {
      const payload = toprank([
        { name: 'region', type: 3, value: 'ID' },
        { name: 'type', type: 3, value: 'week' },
      ]);
      const answer = await discord.send(payload);
      expect(answer.body).toEqual({ type: 5, data: {} });
      const edit = await webhookRequest(gateway.fake, payload.token, 'PATCH');
      expect(
        requestsOf(gateway.fake, payload.id, payload.token).map((r) => `${r.route} ${r.status}`),
      ).toEqual(['HTTP reply 204', 'PATCH /webhooks/:appId/:token/messages/:messageId 200']);
      const body = edit.body as { embeds: APIEmbed[]; allowed_mentions: unknown };
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.embeds[0]?.title).toContain('🇮🇩 ID weekly top 10');
      const original = gateway.fake.rest.interactions.get(payload.id)?.original;
      expect((original?.flags ?? 0) & 128).toBe(0); // no longer "thinking…"
    } finally {
      keyapi.delayMs = 0;
    }
  });

  it('answers a repeated delivery of one interaction once', async () => {
    const payload = toprank([
      { name: 'region', type: 3, value: 'US' },
      { name: 'type', type: 3, value: 'decade' },
    ]);
    const first = await discord.send(payload);
    const again = await discord.send(payload);
    expect([first.status, again.status]).toEqual([200, 409]);
    expect(visibleText((first.body as Answer).data)).toBe(
      `❌ ${messageFor(new ToprankError('invalid_option', { option: 'type', value: 'decade', allowed: queryOptions.type.allowed }))}`,
    );
  });
});
