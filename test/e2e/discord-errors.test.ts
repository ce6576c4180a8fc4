/**
 * Story: something goes wrong — a bad option, KeyAPI refusing or failing, a period not published, or
 * Discord itself refusing an answer — and the person who asked gets one private, specific sentence
 * from src/errors.ts. No interaction is left unanswered, and no token reaches the logs.
 */
import { createServer } from 'node:net';
import type { APIMessage } from 'discord.js';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { regionOption } from '../../commands/query-options.js';
import { createInteractionClaim } from '../../src/adapters/discord/interaction-claim.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { describePeriod } from '../../src/ranking/period.js';
import { type CommandOption, chatInput } from '../fakes/discord/interactions.js';
import { errorBody, type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import {
  callbackOf,
  type DiscordBot,
  type DiscordBotOptions,
  requestsOf,
  startDiscordBot,
  visibleText,
  webhookRequest,
} from './discord-harness.js';

type Body = { type: number; data: Record<string, unknown> & { flags?: number } };

const sentence = (error: ToprankError) => `❌ ${messageFor(error)}`;

describe('discord errors', () => {
  let bot: DiscordBot;
  let keyapi: FakeKeyApi;

  async function start(options: Omit<DiscordBotOptions, 'keyapi'> = {}) {
    keyapi = await startFakeKeyApi();
    bot = await startDiscordBot({ keyapi, ...options });
  }
  afterEach(() => bot.close());

  async function ask(options: CommandOption[]) {
    const ids = bot.fake.interact(chatInput({ name: 'toprank', options }));
    return { ...ids, callback: (await callbackOf(bot.fake, ids.id)).body as Body };
  }

  it('answers an invalid option privately, naming the option and what it allows', async () => {
    await start();
    const { callback } = await ask([{ name: 'region', type: 3, value: 'USA' }]);
    expect(callback.type).toBe(4);
    expect((callback.data.flags ?? 0) & 64).toBe(64);
    expect(callback.data.allowed_mentions).toEqual({ parse: [] });
    expect(visibleText(callback.data)).toBe(
      sentence(
        new ToprankError('invalid_option', { option: 'region', value: 'USA', allowed: regionOption.allowed }),
      ),
    );
    expect(keyapi.requests).toHaveLength(0);
  });

  it.each([
    { status: 402, message: 'apiKey quota is not enough', code: 'keyapi_credits_exhausted' as const },
    { status: 401, message: 'apiKey is invalid', code: 'keyapi_unauthorized' as const },
  ])('answers KeyAPI $status privately with its sentence', async ({ status, message, code }) => {
    await start();
    keyapi.fallback = () => ({ status, body: errorBody(status, message) });
    const { callback } = await ask([{ name: 'region', type: 3, value: 'US' }]);
    expect(callback.type).toBe(4);
    expect((callback.data.flags ?? 0) & 64).toBe(64);
    expect(visibleText(callback.data)).toBe(sentence(new ToprankError(code)));
  });

  it('answers a KeyAPI response in an unknown shape privately, without crashing', async () => {
    await start();
    keyapi.fallback = () => ({ body: { code: 0, message: 'success', data: [{ nick_name: 'no id' }] } });
    const { callback } = await ask([{ name: 'region', type: 3, value: 'US' }]);
    expect((callback.data.flags ?? 0) & 64).toBe(64);
    expect(visibleText(callback.data)).toBe(sentence(new ToprankError('keyapi_schema_mismatch')));
  });

  it('says which period is not published yet', async () => {
    await start();
    keyapi.fallback = () => ({ body: { code: 0, message: 'success', data: [] } });
    const { callback } = await ask([
      { name: 'region', type: 3, value: 'US' },
      { name: 'date', type: 3, value: '2026-11-24' },
    ]);
    const period = describePeriod({ type: 'day', date: '2026-11-24' });
    expect((callback.data.flags ?? 0) & 64).toBe(64);
    expect(visibleText(callback.data)).toBe(sentence(new ToprankError('not_published', { period })));
  });

  it('replaces a public deferral with a private sentence when a slow request then fails', async () => {
    await start({ deferAfterMs: 300 });
    keyapi.fallback = () => ({
      status: 402,
      body: errorBody(402, 'apiKey quota is not enough'),
      delayMs: 600,
    });
    const { id, token } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    const followUp = await webhookRequest(bot.fake, token, 'POST');
    // Deferral, then the "thinking…" placeholder deleted, then the private follow-up: in that order.
    expect(requestsOf(bot.fake, id, token).map((r) => r.route)).toEqual([
      'POST /interactions/:interactionId/:token/callback',
      'DELETE /webhooks/:appId/:token/messages/:messageId',
      'POST /webhooks/:appId/:token',
    ]);
    expect(bot.fake.rest.callbacks(id).map((r) => (r.body as Body).type)).toEqual([5]);
    const body = followUp.body as Body['data'];
    expect((body.flags ?? 0) & 64).toBe(64);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(visibleText(body)).toBe(sentence(new ToprankError('keyapi_credits_exhausted')));
    const state = bot.fake.rest.interactions.get(id);
    expect(state?.original).toBeUndefined(); // nothing public remains
    expect([...(state?.followUps.values() ?? [])].map((m: APIMessage) => (m.flags ?? 0) & 64)).toEqual([64]);
  });

  it('logs a refused answer by code and route only, and keeps answering the next interaction', async () => {
    // Discord drops answers that come too late (10062); a short deadline makes the slow one late.
    await start({ deferAfterMs: 1000, ackDeadlineMs: 500 });
    keyapi.fallback = () => ({ body: { code: 0, message: 'success', data: [] }, delayMs: 1200 });
    const late = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    const refused = await callbackOf(bot.fake, late.id);
    expect(refused.status).toBe(404);

    const next = await ask([{ name: 'region', type: 3, value: 'nope' }]);
    expect(next.callback.type).toBe(4);

    const line = bot.log.lines().find((l) => l.code === 10062);
    expect(line).toMatchObject({ status: 404, route: `/api/v10/interactions/${late.id}/:token/callback` });
    const logged = bot.log.text();
    expect(logged).not.toContain(late.token);
    expect(logged).not.toContain(bot.fake.token);
  });

  it('still answers when Redis takes the interaction claim but never replies', async () => {
    // A Redis that accepts connections and stays silent: the claim would wait for its 5 s timeout.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const hung = new Redis(port, '127.0.0.1', {
      maxRetriesPerRequest: 1,
      commandTimeout: 5000,
      lazyConnect: true,
    });
    hung.on('error', () => {});
    try {
      await start({ claim: createInteractionClaim(hung, '{test}') });
      const { callback } = await ask([{ name: 'region', type: 3, value: 'USA' }]);
      expect(callback.type).toBe(4);
      expect(bot.log.text()).toContain('interaction claim timed out; answering');
    } finally {
      hung.disconnect();
      silent.close();
    }
  });
});
