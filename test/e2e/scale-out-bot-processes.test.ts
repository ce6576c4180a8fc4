/**
 * Scaling out the bot role as an operator does: several `start --role bot` on one Redis. Two child
 * processes on the gateway that both receive an interaction answer it once. Then, with the real
 * `startBot` twice in this process (child processes cost a loaded machine dearly): with DISCORD_SHARDS
 * and DISCORD_SHARD_IDS each bot holds its own shard; over HTTP interactions, the same interaction
 * delivered to both (a load balancer's retry) is answered by one, and no bot opens a gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_INTERACTIONS_PATH } from '../../src/adapters/discord/interactions-endpoint.js';
import { type RunningBot, startBot } from '../../src/cli/start.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local-redis.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { FakeInteractionsSender } from '../fakes/discord/interactions-sender.js';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.js';
import { waitUntil } from '../helpers/jobs.js';
import { createTestCore, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';
import { callbackOf } from './discord-harness.js';

const CLAIMED_ELSEWHERE = 'interaction claimed by another bot process';

describe('several bot processes on one Redis', () => {
  let fake: FakeDiscord;
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let processes: BotProcess[] = [];
  let bots: RunningBot[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    [fake, sample] = await Promise.all([
      startFakeDiscord({ recommendedShards: 2 }),
      startSampleKeyApiServer(),
    ]);
    t = await createTestCore(sample.url, { now: () => new Date() });
    env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiBase,
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_scale',
      REDIS_URL: t.redis.url,
      REDIS_KEY_PREFIX: t.redis.prefix,
      LOG_LEVEL: 'debug',
    };
  }, 120_000);

  async function stopAll(): Promise<(number | null)[]> {
    const codes = await Promise.all(processes.map((p) => p.stop()));
    processes = [];
    return codes;
  }

  /** The real `toprank start --role bot`, in this process; returns its base URL. */
  async function startInProcess(extra: Record<string, string>): Promise<string> {
    const config = loadConfig({ ...env, ...extra, PORT: String(await freePort()) });
    const bot = await startBot(config, createTestLog({ level: 'silent' }).log, 'bot');
    bots.push(bot);
    return `http://127.0.0.1:${bot.port}`;
  }

  async function stopInProcess(): Promise<void> {
    await Promise.all(bots.map((b) => b.stop()));
    bots = [];
  }

  afterAll(async () => {
    await stopAll();
    await stopInProcess();
    await fake.close();
    await sample.close();
    await t.close();
  });

  const health = (url: string) => fetch(`${url}/healthz`).then((r) => r.json());

  it('answers an interaction once when two gateway processes both receive it', async () => {
    processes = await Promise.all([
      startBotProcess(['--role', 'bot'], env),
      startBotProcess(['--role', 'bot'], env),
    ]);
    expect(fake.gateway.liveSessions).toHaveLength(2);
    const { id } = fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    await callbackOf(fake, id, 10_000);
    await waitUntil('the other process has left the interaction', async () =>
      processes.some((p) => p.output().includes(CLAIMED_ELSEWHERE)),
    );
    expect(fake.rest.callbacks(id).map((r) => r.status)).toEqual([204]);
    expect(processes.filter((p) => p.output().includes(CLAIMED_ELSEWHERE))).toHaveLength(1);
    expect(await stopAll()).toEqual([0, 0]);
  }, 120_000);

  it('gives each gateway bot its own shard with DISCORD_SHARDS and DISCORD_SHARD_IDS', async () => {
    const identified = fake.gateway.identifies.length;
    const urls = await Promise.all(
      ['0', '1'].map((ids) => startInProcess({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: ids })),
    );
    const shards = fake.gateway.identifies.slice(identified).map((i) => i.shard?.join('/'));
    expect(shards.sort()).toEqual(['0/2', '1/2']);
    const discord = { mode: 'gateway', shards: { connected: 1, total: 1, count: 2 } };
    expect(await Promise.all(urls.map(health))).toMatchObject([
      { status: 'ok', platforms: { discord } },
      { status: 'ok', platforms: { discord } },
    ]);
    await stopInProcess();
  });

  it('serves HTTP interactions from any bot, answering a repeated delivery once, with no gateway', async () => {
    let urls: string[] = [];
    const discord = new FakeInteractionsSender(fake.rest, () => urls[0] ?? '');
    const identified = fake.gateway.identifies.length;
    const bases = await Promise.all([
      startInProcess({ DISCORD_PUBLIC_KEY: discord.publicKey }),
      startInProcess({ DISCORD_PUBLIC_KEY: discord.publicKey }),
    ]);
    urls = bases.map((base) => `${base}${DISCORD_INTERACTIONS_PATH}`);
    const mode = {
      adapters: { discord: 'connected' },
      platforms: { discord: { mode: 'http-interactions' } },
    };
    expect(await Promise.all(bases.map(health))).toMatchObject([
      { status: 'ok', ...mode },
      { status: 'ok', ...mode },
    ]);

    const payload = chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'GB' }] });
    const first = await discord.send(payload, { to: urls[0] });
    const again = await discord.send(payload, { to: urls[1] });
    expect([first.status, again.status]).toEqual([200, 409]);
    expect(first.body).toMatchObject({ type: 4 });
    expect(first.accepted?.status).toBe(204);
    // Each bot answers what reaches it first, as behind a load balancer.
    const other = await discord.send(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
      { to: urls[1] },
    );
    expect(other).toMatchObject({ status: 200, body: { type: 4 } });
    expect(fake.gateway.identifies.length).toBe(identified);
    await stopInProcess();
  });
});
