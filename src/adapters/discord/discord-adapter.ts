/**
 * The Discord adapter: a discord.js client (Guilds intent only) that serves every command of
 * commands/ (chat input, autocomplete, Prev/Next buttons) and posts job deliveries to channels.
 * It translates only: rules live in commands/ and src/ranking. Must not import src/jobs.
 */
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
  SnowflakeUtil,
} from 'discord.js';
import type { Logger } from 'pino';
import { suggest } from '../../../commands/autocomplete.js';
import {
  type CommandContext,
  type CommandServices,
  findCommand,
  runAction,
  runCommand,
} from '../../../commands/index.js';
import { type ChannelRef, discordChannel, parseChannelRef } from '../../chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type RateLimitListener,
  type SendOptions,
} from '../../chat/chat-adapter.js';
import { errorView } from '../../chat/dispatch.js';
import { createInFlight } from '../../chat/in-flight.js';
import { discordTeam } from '../../chat/team.js';
import { noticeView, type View } from '../../chat/view.js';
import { messageFor, ToprankError } from '../../errors.js';
import { deliveryNonce } from '../../keys.js';
import { describeDiscordError, discordCode } from './describe-discord-error.js';
import { RecentPosts } from './recent-posts.js';
import { type DiscordMessage, renderDiscord } from './render.js';

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
  /**
   * How long a command may run before its reply is deferred. Discord refuses a first answer after
   * 3 s, counted from when it sent the interaction; 1.5 s leaves room for the gateway and the callback.
   */
  deferAfterMs?: number;
  /** Label everything as sample data (the demo). */
  sample?: boolean;
}

const TIMED_OUT = Symbol('timed out');
const noMentions = { parse: [] };
const ephemeral = MessageFlags.Ephemeral;
// Discord error codes: the interaction expired or was never ours; it has been answered already.
const UNKNOWN_INTERACTION = 10062;
const ARCHIVED_THREAD = 50083;

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly client: Client;
  private readonly log: Logger;
  private readonly deferAfterMs: number;
  private readonly now: () => Date;
  private readonly inFlight = createInFlight();
  private readonly recent = new RecentPosts();
  private readonly rateLimitListeners = new Set<RateLimitListener>();

  constructor(private readonly config: DiscordAdapterConfig) {
    this.log = config.log.child({ component: 'discord' });
    this.deferAfterMs = config.deferAfterMs ?? 1500;
    this.now = config.now ?? (() => new Date());
    const options: ClientOptions = {
      // Slash commands, buttons and autocomplete arrive without any privileged or message intent.
      intents: [GatewayIntentBits.Guilds],
      allowedMentions: noMentions,
    };
    if (config.apiUrl) options.rest = { api: config.apiUrl };
    this.client = new Client(options);
    // Job workers post without logging in to the gateway; REST only needs the token.
    this.client.rest.setToken(config.token);
    // @discordjs/rest keeps each route's bucket in this process only; the global 50/s is the whole bot's.
    this.client.rest.on('response', (request, response) => this.onRestResponse(request.path, response));
    this.client.on(Events.InteractionCreate, (interaction) => this.inFlight.track(this.handle(interaction)));
    this.client.on(Events.Error, (error) =>
      this.log.error(describeDiscordError(error), 'discord client error'),
    );
    this.client.on(Events.Warn, (message) => this.log.warn({ message }, 'discord client warning'));
  }

  /** Logs in to the gateway and resolves once Discord has sent READY and the guilds. */
  async start(): Promise<void> {
    if (this.client.isReady()) return;
    await new Promise<void>((resolve, reject) => {
      this.client.once(Events.ClientReady, () => resolve());
      this.client.login(this.config.token).catch(reject);
    });
    this.log.info({ guilds: this.client.guilds.cache.size }, 'discord client ready');
  }

  /** Lets interactions being answered finish (a few seconds at most), then disconnects. */
  async stop(): Promise<void> {
    await this.inFlight.settle(5000);
    await this.client.destroy();
  }

  isReady(): boolean {
    return this.client.isReady();
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
    const message = renderDiscord({ ...view, ephemeral: false });
    const nonce = options.deliveryId ? deliveryNonce(options.deliveryId) : undefined;
    const body: RESTPostAPIChannelMessageJSONBody = {
      content: message.content ?? '',
      embeds: message.embeds,
      components: message.components,
      allowed_mentions: noMentions,
      // Files go in the same request (multipart), so the nonce covers the message and its chart alike.
      ...(message.files.length > 0 && {
        attachments: message.files.map((f, id) => ({ id, filename: f.name, description: f.description })),
      }),
      ...(nonce ? { nonce, enforce_nonce: true } : {}),
    };
    const files = message.files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType }));
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

  // ---- interactions ---------------------------------------------------------------------------

  /** Every interaction ends answered: a failure anywhere falls back to a private sentence. */
  private async handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.onChatInput(interaction);
      else if (interaction.isButton()) await this.onButton(interaction);
      else if (interaction.isRepliable()) {
        await interaction.reply(replyOptions(this.render(unknownView(interaction.id))));
      }
    } catch (error) {
      this.log.warn({ interaction: interaction.id, ...describeDiscordError(error) }, 'answer failed');
      await this.rescue(interaction, error);
    }
  }

  private async onChatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    const ctx = this.contextOf(interaction);
    const raw = Object.fromEntries(interaction.options.data.map((o) => [o.name, o.value]));
    const work = runCommand(interaction.commandName, raw, ctx);
    const early = await within(work, this.deferAfterMs);
    if (early !== TIMED_OUT) {
      await interaction.reply(replyOptions(this.render(early, ctx.log)));
      return;
    }
    // Deferred publicly: almost every slow answer is a leaderboard, which the channel should see.
    await interaction.deferReply();
    const message = this.render(await work, ctx.log);
    if (!message.ephemeral) {
      await interaction.editReply(editOptions(message));
      return;
    }
    // A public "thinking…" cannot turn private, so it goes and the sentence follows privately.
    // Deleting first matters: Discord turns the first follow-up of a deferral into its edit.
    await interaction.deleteReply();
    await interaction.followUp(replyOptions(message));
  }

  /** Prev/Next: the same message shows the other page; a failure is told privately and leaves it as is. */
  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const ctx = this.contextOf(interaction);
    const work = runAction(interaction.customId, ctx) ?? Promise.resolve(unknownView(interaction.id));
    const early = await within(work, this.deferAfterMs);
    if (early !== TIMED_OUT) {
      const message = this.render(early, ctx.log);
      if (message.ephemeral) await interaction.reply(replyOptions(message));
      else await interaction.update(editOptions(message));
      return;
    }
    await interaction.deferUpdate();
    const message = this.render(await work, ctx.log);
    if (message.ephemeral) await interaction.followUp(replyOptions(message));
    else await interaction.editReply(editOptions(message));
  }

  /** Suggestions from local data only (region list, cached categories): never a paid call per keystroke. */
  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const ctx = this.contextOf(interaction);
    const focused = interaction.options.getFocused(true);
    const source = findCommand(interaction.commandName)?.options[focused.name]?.autocomplete;
    const others = Object.fromEntries(
      interaction.options.data.filter((o) => !o.focused).map((o) => [o.name, o.value]),
    );
    let choices: { name: string; value: string }[] = [];
    if (source) {
      const work = suggest(source, String(focused.value), others, ctx).catch((error: unknown) => {
        ctx.log.warn(describeDiscordError(error), 'autocomplete failed');
        return [];
      });
      const found = await within(work, this.deferAfterMs);
      choices = found === TIMED_OUT ? [] : found;
    }
    await interaction.respond(
      choices
        .filter((c) => c.value.length > 0 && c.value.length <= 100)
        .slice(0, 25)
        .map((c) => ({ name: (c.name || c.value).slice(0, 100), value: c.value })),
    );
  }

  /** Last resort after a failed answer: a private sentence in whatever form the interaction still takes. */
  private async rescue(interaction: Interaction, cause: unknown): Promise<void> {
    // 10062: Discord no longer takes any answer to this interaction; nothing is left to try.
    if (discordCode(cause) === UNKNOWN_INTERACTION) return;
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      if (!interaction.isRepliable()) return;
      const notice = renderDiscord(noticeView('error', messageFor(new ToprankError('platform_error'))));
      if (!interaction.deferred && !interaction.replied) {
        await interaction.reply(replyOptions(notice));
      } else if (interaction.deferred && !interaction.replied && !interaction.isButton()) {
        await interaction.editReply(editOptions(notice)); // replaces the public "thinking…"
      } else {
        await interaction.followUp(replyOptions(notice));
      }
    } catch (error) {
      this.log.error({ interaction: interaction.id, ...describeDiscordError(error) }, 'could not answer');
    }
  }

  private contextOf(interaction: Interaction): CommandContext {
    const command = 'commandName' in interaction ? interaction.commandName : undefined;
    return {
      channel: discordChannel(interaction.channelId ?? 'unknown'),
      team: discordTeam(interaction.guildId, interaction.user.id),
      user: {
        id: interaction.user.id,
        locale: interaction.locale,
        canManageChannel: interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false,
      },
      services: this.config.services,
      log: this.log.child({ interaction: interaction.id, ...(command ? { command } : {}) }),
      now: this.now,
      ...(this.config.sample ? { sample: true } : {}),
    };
  }

  /** Renders a view; a rendering bug becomes the incident sentence rather than a silence. */
  private render(view: View, log: Logger = this.log): DiscordMessage {
    try {
      return renderDiscord(view);
    } catch (error) {
      return renderDiscord(errorView(error, log));
    }
  }
}

/** Creates the adapter; `start()` logs it in. */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  return new DiscordAdapter(config);
}

function unknownView(id: string): View {
  return noticeView(
    'error',
    messageFor(new ToprankError('unknown_command', { command: `interaction ${id}` })),
  );
}

/** Resolves with `work`, or with TIMED_OUT after `ms` (work keeps running either way). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Files as discord.js uploads them (multipart, with each file's description). */
function filesOf(message: DiscordMessage) {
  return message.files.map((f) => ({ attachment: f.data, name: f.name, description: f.description }));
}

/** A first reply or a follow-up: private when the view is ephemeral (errors, help). */
function replyOptions(message: DiscordMessage): InteractionReplyOptions {
  return {
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    files: filesOf(message),
    allowedMentions: noMentions,
    ...(message.ephemeral ? { flags: ephemeral } : {}),
  };
}

/**
 * An edit of a message already shown (deferred reply, or the message carrying the buttons). Its files
 * replace the old ones: page 2 must not keep page 1's chart.
 */
function editOptions(message: DiscordMessage): InteractionEditReplyOptions {
  return {
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    files: filesOf(message),
    attachments: [],
    allowedMentions: noMentions,
  };
}
