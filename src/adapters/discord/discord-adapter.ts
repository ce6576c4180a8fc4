/**
 * The Discord adapter: serves every command of commands/ (chat input, autocomplete, Prev/Next buttons)
 * over the gateway (a discord.js client, Guilds intent only, sharded as configured) or over HTTP
 * (interactions-endpoint.ts hands payloads in), and posts job deliveries to channels through REST.
 * It translates only: rules live in commands/ and src/ranking. Must not import src/jobs.
 */
import {
  type APIInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayDispatchEvents,
  type GatewayGuildDeleteDispatchData,
  GatewayIntentBits,
  type RESTGetAPIGatewayBotResult,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
  SnowflakeUtil,
  Status,
} from 'discord.js';
import type { Logger } from 'pino';
import type { CommandServices } from '../../../commands/index.js';
import { type ChannelRef, discordChannel, parseChannelRef } from '../../chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type RateLimitListener,
  type SendOptions,
} from '../../chat/chat-adapter.js';
import { createInFlight } from '../../chat/in-flight.js';
import { discordTeam } from '../../chat/team.js';
import type { View } from '../../chat/view.js';
import { describeUnavailable, ToprankError } from '../../errors.js';
import { deliveryNonce } from '../../keys.js';
import { describeDiscordError } from './describe-discord-error.js';
import {
  createInteractionHandler,
  type HandleOutcome,
  type InteractionHandler,
} from './interaction-handler.js';
import type { FirstAnswer } from './interaction-reply.js';
import { RecentPosts } from './recent-posts.js';
import { attachmentsOf, renderDiscord, uploadsOf } from './render.js';

/** DISCORD_SHARDS and DISCORD_SHARD_IDS: how many shards in all, and which this process holds. */
export interface ShardPlan {
  /** A number, or "auto": Discord's recommendation from GET /gateway/bot. */
  count: number | 'auto';
  /** Default: every shard of the count. */
  ids?: number[] | undefined;
}

export type DiscordHealth =
  | { mode: 'http-interactions' }
  | { mode: 'gateway'; shards: { connected: number; total: number; count: number } };

export interface DiscordAdapterConfig {
  /** DISCORD_TOKEN. */
  token: string;
  /** DISCORD_APPLICATION_ID. */
  applicationId: string;
  /** DISCORD_API_URL: discord.js's `rest.api` (no version suffix); Discord's own when unset. */
  apiUrl?: string | undefined;
  services: CommandServices;
  log: Logger;
  now?: () => Date;
  /** How long a command may run before its reply is deferred (see interaction-handler.ts). */
  deferAfterMs?: number;
  /** Label everything as sample data (the demo). */
  sample?: boolean;
  /** `http` (DISCORD_PUBLIC_KEY set): interactions arrive at the HTTP endpoint; no gateway session. */
  interactions?: 'gateway' | 'http';
  /** Gateway sharding; unset is one shard. */
  shards?: ShardPlan | undefined;
  /** Takes an interaction for this process (a Redis claim); false when another process has it. */
  claim?: (interactionId: string) => Promise<boolean>;
}

const noMentions = { parse: [] };
// discord.js asks for no callback object back; Discord then answers 204.
const withoutResponse = new URLSearchParams({ with_response: 'false' });
const ARCHIVED_THREAD = 50083;

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly client: Client;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly inFlight = createInFlight();
  private readonly recent = new RecentPosts();
  private readonly handler: InteractionHandler;
  private started = false;
  private readonly rateLimitListeners = new Set<RateLimitListener>();

  constructor(private readonly config: DiscordAdapterConfig) {
    this.log = config.log.child({ component: 'discord' });
    this.now = config.now ?? (() => new Date());
    const options: ClientOptions = {
      // Slash commands, buttons and autocomplete arrive without any privileged or message intent.
      intents: [GatewayIntentBits.Guilds],
      allowedMentions: noMentions,
    };
    if (config.apiUrl) options.rest = { api: config.apiUrl };
    this.client = new Client(options);
    // Job workers and the HTTP endpoint post without logging in to the gateway; REST only needs the token.
    this.client.rest.setToken(config.token);
    this.handler = createInteractionHandler({
      rest: this.client.rest,
      applicationId: config.applicationId,
      services: config.services,
      log: this.log,
      now: this.now,
      deferAfterMs: config.deferAfterMs ?? 1500,
      sample: config.sample,
      claim: config.claim,
    });
    // Raw payloads, so that the gateway and the HTTP endpoint share one handler. These listeners run
    // before discord.js handles the event (which for GUILD_DELETE empties the guild's channel cache).
    this.client.ws.on(GatewayDispatchEvents.InteractionCreate, (payload: APIInteraction) =>
      this.onGatewayInteraction(payload),
    );
    this.client.ws.on(GatewayDispatchEvents.GuildDelete, (data: GatewayGuildDeleteDispatchData) =>
      this.onGuildDelete(data),
    );
    // @discordjs/rest keeps each route's bucket in this process only; the global 50/s is the whole bot's.
    this.client.rest.on('response', (request, response) => this.onRestResponse(request.path, response));
    this.client.on(Events.Error, (error) =>
      this.log.error(describeDiscordError(error), 'discord client error'),
    );
    this.client.on(Events.Warn, (message) => this.log.warn({ message }, 'discord client warning'));
  }

  /** Logs in to the gateway (every shard of this process) and resolves once Discord has sent READY and the guilds. */
  async start(): Promise<void> {
    if (this.config.interactions === 'http') {
      this.started = true; // Discord calls us: nothing to connect to
      return;
    }
    if (this.client.isReady()) return;
    await this.planShards();
    await new Promise<void>((resolve, reject) => {
      this.client.once(Events.ClientReady, () => resolve());
      this.client.login(this.config.token).catch(reject);
    });
    this.log.info(
      { guilds: this.client.guilds.cache.size, shards: this.client.options.shards },
      'discord client ready',
    );
  }

  /** Lets interactions being answered finish (a few seconds at most), then disconnects. */
  async stop(): Promise<void> {
    await this.inFlight.settle(5000);
    this.started = false;
    await this.client.destroy();
  }

  isReady(): boolean {
    return this.config.interactions === 'http' ? this.started : this.client.isReady();
  }

  onRateLimit(listener: RateLimitListener): void {
    this.rateLimitListeners.add(listener);
  }

  /**
   * Discord's rate-limit headers as @discordjs/rest receives them: a 429 carries Retry-After (and
   * X-RateLimit-Global when it is the bot's global limit); a route bucket emptied says X-RateLimit-Remaining 0
   * with X-RateLimit-Reset-After (https://discord.com/developers/docs/topics/rate-limits#header-format).
   */
  private onRestResponse(path: string, response: { status: number; headers: Headers }): void {
    if (this.rateLimitListeners.size === 0) return;
    const { headers } = response;
    const limited = response.status === 429;
    const seconds = limited
      ? Number(headers.get('retry-after'))
      : headers.get('x-ratelimit-remaining') === '0'
        ? Number(headers.get('x-ratelimit-reset-after'))
        : Number.NaN;
    if (!Number.isFinite(seconds)) return;
    const global = limited && headers.has('x-ratelimit-global');
    const channelId = /^\/channels\/(\d+)\//.exec(path)?.[1];
    // Other routes' buckets (interaction callbacks, webhooks) say nothing about posting digests.
    if (!global && !channelId) return;
    const feedback = {
      platform: 'discord' as const,
      ...(!global && channelId ? { channel: discordChannel(channelId) } : {}),
      retryAfterMs: Math.ceil(seconds * 1000),
      limited,
    };
    for (const listener of this.rateLimitListeners) listener(feedback);
  }

  /**
   * Posts a view to a channel. With a delivery id the post carries an enforced nonce, so Discord
   * answers a repeat within a few minutes with the first message instead of posting again.
   */
  async send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
    const { platform, channel } = parseChannelRef(to);
    if (platform !== 'discord') throw new Error(`not a Discord channel: ${to}`);
    const message = renderDiscord(view);
    const nonce = options.deliveryId ? deliveryNonce(options.deliveryId) : undefined;
    const body: RESTPostAPIChannelMessageJSONBody = {
      content: message.content ?? '',
      embeds: message.embeds,
      components: message.components,
      allowed_mentions: noMentions,
      // Files go in the same request (multipart), so the nonce covers the message and its chart alike.
      ...(message.files.length > 0 && { attachments: attachmentsOf(message) }),
      ...(nonce ? { nonce, enforce_nonce: true } : {}),
    };
    const files = uploadsOf(message);
    const sentAt = Date.now();
    let posted: { id: string };
    try {
      posted = (await this.client.rest.post(Routes.channelMessages(channel), { body, files })) as {
        id: string;
      };
    } catch (error) {
      throw this.channelFailure(to, error);
    }
    const duplicate = nonce
      ? this.recent.seen(channel, nonce, posted.id) ||
        SnowflakeUtil.timestampFrom(posted.id) < sentAt - 10_000
      : false;
    return { channel: to, messageId: posted.id, duplicate };
  }

  private channelFailure(to: ChannelRef, error: unknown): Error {
    this.log.warn({ channel: to, ...describeDiscordError(error) }, 'channel post refused');
    if (!(error instanceof DiscordAPIError)) {
      const status = (error as { status?: unknown }).status;
      return new ToprankError('platform_error', typeof status === 'number' ? { status } : {});
    }
    if (error.status === 404 || error.code === 10003) return new ChannelUnavailableError(to, 'gone');
    if (error.code === ARCHIVED_THREAD) return new ChannelUnavailableError(to, 'archived');
    if (error.status === 403) return new ChannelUnavailableError(to, 'forbidden');
    if (error.status === 401) return new ChannelUnavailableError(to, 'unauthorized');
    return new ToprankError('platform_error', { status: error.status });
  }

  // ---- interactions and guilds -------------------------------------------------------------

  /**
   * Answers an interaction that came over HTTP: `first` sends the first answer as the HTTP reply;
   * edits and follow-ups go through REST, exactly as on the gateway path.
   */
  handleInteraction(payload: APIInteraction, first: FirstAnswer): Promise<HandleOutcome> {
    const work = this.handler.handle(payload, first);
    this.inFlight.track(work);
    return work;
  }

  /** The gateway path: the first answer is the interaction callback route. */
  private onGatewayInteraction(payload: APIInteraction): void {
    const callback = Routes.interactionCallback(payload.id, payload.token);
    const first: FirstAnswer = async (body, files) => {
      await this.client.rest.post(callback, { body, files, auth: false, query: withoutResponse });
    };
    this.inFlight.track(this.handler.handle(payload, first));
  }

  /**
   * The bot was removed from a server: its subscriptions pause, with the reason. Read before discord.js
   * handles the event, which empties the guild's channel cache: subscriptions made before the guild
   * was stored on them are found by those channels.
   */
  private onGuildDelete(data: GatewayGuildDeleteDispatchData): void {
    if (data.unavailable) return; // an outage: the server comes back by itself
    const channels = [...(this.client.guilds.cache.get(data.id)?.channels.cache.keys() ?? [])];
    const work = this.config.services.subscriptions.store
      .pauseTeam(discordTeam(data.id, ''), channels.map(discordChannel), {
        status: 'paused',
        reason: 'removed',
        detail: describeUnavailable('removed'),
        at: this.now().toISOString(),
      })
      .then(
        (paused) => this.log.info({ guild: data.id, paused }, 'removed from a server: subscriptions paused'),
        (error: unknown) =>
          this.log.error({ guild: data.id, err: (error as Error).message }, 'could not pause subscriptions'),
      );
    this.inFlight.track(work);
  }

  /** Which shards this process holds, from DISCORD_SHARDS and DISCORD_SHARD_IDS ("auto" asks Discord). */
  private async planShards(): Promise<void> {
    const plan = this.config.shards;
    if (!plan) return; // discord.js's default: shard 0 of 1
    const count =
      plan.count === 'auto'
        ? ((await this.client.rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult).shards
        : plan.count;
    const ids = plan.ids ?? Array.from({ length: count }, (_, i) => i);
    const outside = ids.find((id) => id >= count);
    if (outside !== undefined) {
      throw new ToprankError('shard_out_of_range', { value: String(outside), limit: count });
    }
    this.client.options.shards = ids;
    this.client.options.shardCount = count;
  }

  /** Health: the interactions mode, and on the gateway how many of this process's shards are up. */
  health(): DiscordHealth {
    if (this.config.interactions === 'http') return { mode: 'http-interactions' };
    const shards = [...this.client.ws.shards.values()];
    return {
      mode: 'gateway',
      shards: {
        connected: shards.filter((s) => s.status === Status.Ready).length,
        total: shards.length,
        count: this.client.options.shardCount ?? 1,
      },
    };
  }
}

/** Creates the adapter; `start()` logs it in. */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  return new DiscordAdapter(config);
}
