// One-call fake Discord for tests: the REST fake (API v10 under /api) and the gateway fake, wired so
// an interaction sent through the gateway is known to REST (token, 3 s deadline), plus one guild with
// one text channel the bot can see. Log discord.js in with `rest: { api: fake.apiBase }` and `fake.token`.
import type { APIInteraction, APITextChannel, APIUser } from 'discord.js';
import { FakeDiscordGateway } from './discord-gateway.js';
import { FakeDiscordRest } from './discord-rest.js';
import { botUser, FAKE_IDS, guildCreate, guildMember, textChannel } from './payloads.js';

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  botUsername?: string;
  /** Discord's deadline for the first callback is 3 s; lower it to test 10062 without waiting. */
  ackDeadlineMs?: number;
  heartbeatIntervalMs?: number;
  /** Shards GET /gateway/bot recommends (default 1). */
  recommendedShards?: number;
  /** Enforce Discord's global limit (50 requests/s per bot) with global 429s. */
  globalPerSecond?: number;
}

export interface FakeDiscord {
  /** `http://127.0.0.1:PORT` of the REST fake. */
  url: string;
  /** `${url}/api`: what `new Client({ rest: { api } })` needs. */
  apiBase: string;
  rest: FakeDiscordRest;
  gateway: FakeDiscordGateway;
  applicationId: string;
  guildId: string;
  channelId: string;
  token: string;
  botUser: APIUser;
  /** Dispatches INTERACTION_CREATE to the logged-in client; returns the ids a test asserts on. */
  interact(payload: APIInteraction): { id: string; token: string };
  /** Adds a text channel to the guild (REST knows it; a live client gets CHANNEL_CREATE). */
  addTextChannel(id: string, name?: string): APITextChannel;
  /** Call after `client.destroy()`: a client still running would try to reconnect. */
  close(): Promise<void>;
}

export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = opts.applicationId ?? FAKE_IDS.applicationId;
  const guildId = opts.guildId ?? FAKE_IDS.guildId;
  const channelId = opts.channelId ?? FAKE_IDS.channelId;
  // Shaped like a real token (base64 user id . timestamp . hmac); discord.js never validates it.
  const token = opts.token ?? `${Buffer.from(applicationId).toString('base64')}.GfAkEd.${'x'.repeat(38)}`;
  const bot = botUser(applicationId, opts.botUsername);
  const channels = [textChannel(channelId, guildId, 'leaderboard')];
  const guilds = () => [
    guildCreate({ id: guildId, ownerId: FAKE_IDS.ownerId, channels, botMember: guildMember(bot) }),
  ];

  let gatewayUrl = '';
  const rest = await FakeDiscordRest.start({
    token,
    applicationId,
    botUser: bot,
    gatewayUrl: () => gatewayUrl,
    ackDeadlineMs: opts.ackDeadlineMs,
    recommendedShards: opts.recommendedShards,
    globalPerSecond: opts.globalPerSecond,
  });
  for (const channel of channels) rest.addChannel(channel);
  const gateway = await FakeDiscordGateway.start({
    token,
    botUser: bot,
    applicationId,
    guilds,
    heartbeatIntervalMs: opts.heartbeatIntervalMs,
    onInteraction: (payload) => rest.registerInteraction(payload),
  });
  gatewayUrl = gateway.url;

  return {
    url: rest.url,
    apiBase: rest.apiBase,
    rest,
    gateway,
    applicationId,
    guildId,
    channelId,
    token,
    botUser: bot,
    interact(payload) {
      if (payload.application_id !== applicationId) {
        throw new Error(
          `interact(): payload.application_id ${payload.application_id} is not ${applicationId}`,
        );
      }
      gateway.sendInteraction(payload);
      return { id: payload.id, token: payload.token };
    },
    addTextChannel(id, name = `channel-${channels.length}`) {
      const channel = textChannel(id, guildId, name, channels.length);
      channels.push(channel);
      rest.addChannel(channel);
      gateway.dispatch('CHANNEL_CREATE', channel);
      return channel;
    },
    async close() {
      await Promise.all([gateway.close(), rest.close()]);
    },
  };
}
