/**
 * Answers Discord interaction payloads (slash commands, autocomplete, Prev/Next buttons) the same
 * way whichever path brought them: the gateway session and the HTTP interactions endpoint both call
 * `handle`, with their own way of sending the first answer. Each interaction is answered by one bot
 * process only (the claim). Translates only: rules live in commands/. Must not import src/jobs.
 */
import {
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  PermissionFlagsBits,
  PermissionsBitField,
  type REST,
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
import { discordChannel } from '../../chat/channel-ref.js';
import { errorView } from '../../chat/dispatch.js';
import { discordTeam } from '../../chat/team.js';
import { noticeView, type View } from '../../chat/view.js';
import { messageFor, ToprankError } from '../../errors.js';
import { describeDiscordError, discordCode } from './describe-discord-error.js';
import { type FirstAnswer, InteractionReply } from './interaction-reply.js';
import { type DiscordMessage, renderDiscord } from './render.js';

export interface InteractionHandlerConfig {
  /** discord.js REST, with the bot token (webhook routes send none). */
  rest: REST;
  applicationId: string;
  services: CommandServices;
  log: Logger;
  now: () => Date;
  /**
   * How long a command may run before its answer is deferred. Discord refuses a first answer after
   * 3 s, counted from when it sent the interaction; 1.5 s leaves room for the trip and the callback.
   */
  deferAfterMs: number;
  /** Label everything as sample data (the demo). */
  sample?: boolean | undefined;
  /** Takes the interaction for this process; false when another bot process already has it. */
  claim?: ((interactionId: string) => Promise<boolean>) | undefined;
}

/** What became of an interaction: answered here, or left to the bot process that claimed it. */
export type HandleOutcome = 'answered' | 'claimed-elsewhere';

export interface InteractionHandler {
  /** Answers one interaction; resolves once every message about it has gone out. Never rejects. */
  handle(payload: APIInteraction, first: FirstAnswer): Promise<HandleOutcome>;
}

type Option = APIApplicationCommandInteractionDataOption & { value?: unknown; focused?: boolean };

const TIMED_OUT = Symbol('timed out');
// A claim is one Redis SET, a millisecond; waiting longer would eat into Discord's 3 s.
const CLAIM_WAIT_MS = 500;
// Discord error code: the interaction expired or was never ours; it has been answered already.
const UNKNOWN_INTERACTION = 10062;

export function createInteractionHandler(config: InteractionHandlerConfig): InteractionHandler {
  const log = config.log;
  const { deferAfterMs } = config;

  async function onChatInput(payload: APIInteraction, name: string, reply: InteractionReply) {
    const ctx = contextOf(payload, name);
    const raw = Object.fromEntries(optionsOf(payload).map((o) => [o.name, o.value]));
    const work = runCommand(name, raw, ctx);
    const early = await within(work, deferAfterMs);
    if (early !== TIMED_OUT) {
      await reply.reply(render(early, ctx.log));
      return;
    }
    // Deferred publicly: almost every slow answer is a leaderboard, which the channel should see.
    await reply.deferReply();
    const message = render(await work, ctx.log);
    if (!message.ephemeral) {
      await reply.editReply(message);
      return;
    }
    // A public "thinking…" cannot turn private, so it goes and the sentence follows privately.
    // Deleting first matters: Discord turns the first follow-up of a deferral into its edit.
    await reply.deleteReply();
    await reply.followUp(message);
  }

  /** Prev/Next: the same message shows the other page; a failure is told privately and leaves it as is. */
  async function onButton(payload: APIInteraction, customId: string, reply: InteractionReply) {
    const ctx = contextOf(payload);
    const work = runAction(customId, ctx) ?? Promise.resolve(unknownView(payload.id));
    const early = await within(work, deferAfterMs);
    if (early !== TIMED_OUT) {
      const message = render(early, ctx.log);
      if (message.ephemeral) await reply.reply(message);
      else await reply.update(message);
      return;
    }
    await reply.deferUpdate();
    const message = render(await work, ctx.log);
    if (message.ephemeral) await reply.followUp(message);
    else await reply.editReply(message);
  }

  /** Suggestions from local data only (region list, cached categories): never a paid call per keystroke. */
  async function onAutocomplete(payload: APIInteraction, name: string, reply: InteractionReply) {
    const ctx = contextOf(payload, name);
    const options = optionsOf(payload);
    const focused = options.find((o) => o.focused);
    const source = focused ? findCommand(name)?.options[focused.name]?.autocomplete : undefined;
    const others = Object.fromEntries(options.filter((o) => !o.focused).map((o) => [o.name, o.value]));
    let choices: { name: string; value: string }[] = [];
    if (focused && source) {
      const work = suggest(source, String(focused.value ?? ''), others, ctx).catch((error: unknown) => {
        ctx.log.warn(describeDiscordError(error), 'autocomplete failed');
        return [];
      });
      const found = await within(work, deferAfterMs);
      choices = found === TIMED_OUT ? [] : found;
    }
    await reply.respond(
      choices
        .filter((c) => c.value.length > 0 && c.value.length <= 100)
        .slice(0, 25)
        .map((c) => ({ name: (c.name || c.value).slice(0, 100), value: c.value })),
    );
  }

  /** Last resort after a failed answer: a private sentence in whatever form the interaction still takes. */
  async function rescue(payload: APIInteraction, reply: InteractionReply, cause: unknown) {
    // 10062: Discord no longer takes any answer to this interaction; nothing is left to try.
    if (discordCode(cause) === UNKNOWN_INTERACTION) return;
    try {
      if (payload.type === InteractionType.ApplicationCommandAutocomplete) {
        if (!reply.acknowledged) await reply.respond([]);
        return;
      }
      const notice = renderDiscord(noticeView('error', messageFor(new ToprankError('platform_error'))));
      if (!reply.acknowledged) await reply.reply(notice);
      else if (reply.acknowledged === 'defer')
        await reply.editReply(notice); // replaces "thinking…"
      else await reply.followUp(notice);
    } catch (error) {
      log.error({ interaction: payload.id, ...describeDiscordError(error) }, 'could not answer');
    }
  }

  function contextOf(payload: APIInteraction, command?: string): CommandContext {
    const user = payload.member?.user ?? payload.user;
    const permissions = payload.member?.permissions;
    return {
      channel: discordChannel(payload.channel?.id ?? payload.channel_id ?? 'unknown'),
      user: {
        id: user?.id ?? 'unknown',
        locale: 'locale' in payload ? payload.locale : undefined,
        // As discord.js reads it: Administrator implies every permission.
        canManageChannel: permissions
          ? new PermissionsBitField(BigInt(permissions)).has(PermissionFlagsBits.ManageChannels)
          : false,
      },
      team: discordTeam(payload.guild_id, user?.id ?? 'unknown'),
      services: config.services,
      log: log.child({ interaction: payload.id, ...(command ? { command } : {}) }),
      now: config.now,
      ...(config.sample ? { sample: true } : {}),
    };
  }

  /** Renders a view; a rendering bug becomes the incident sentence rather than a silence. */
  function render(view: View, viewLog: Logger = log): DiscordMessage {
    try {
      return renderDiscord(view);
    } catch (error) {
      return renderDiscord(errorView(error, viewLog));
    }
  }

  /**
   * A claim Redis cannot take, or not at once, is ours: answering twice (Discord refuses the second
   * answer) beats leaving the user without one while Redis is down or slow.
   */
  async function claimed(id: string): Promise<boolean> {
    if (!config.claim) return true;
    try {
      const verdict = await within(config.claim(id), CLAIM_WAIT_MS);
      if (verdict !== TIMED_OUT) return verdict;
      log.warn({ interaction: id }, 'interaction claim timed out; answering');
    } catch (error) {
      log.warn({ interaction: id, err: (error as Error).message }, 'interaction claim failed; answering');
    }
    return true;
  }

  return {
    async handle(payload, first) {
      if (!(await claimed(payload.id))) {
        log.debug({ interaction: payload.id }, 'interaction claimed by another bot process');
        return 'claimed-elsewhere';
      }
      const reply = new InteractionReply(config.rest, config.applicationId, payload.token, first);
      try {
        if (payload.type === InteractionType.ApplicationCommandAutocomplete) {
          await onAutocomplete(payload, payload.data.name, reply);
        } else if (
          payload.type === InteractionType.ApplicationCommand &&
          payload.data.type === ApplicationCommandType.ChatInput
        ) {
          await onChatInput(payload, payload.data.name, reply);
        } else if (
          payload.type === InteractionType.MessageComponent &&
          payload.data.component_type === ComponentType.Button
        ) {
          await onButton(payload, payload.data.custom_id, reply);
        } else {
          await reply.reply(render(unknownView(payload.id)));
        }
      } catch (error) {
        log.warn({ interaction: payload.id, ...describeDiscordError(error) }, 'answer failed');
        await rescue(payload, reply, error);
      }
      return 'answered';
    },
  };
}

/** The top-level options of a command (toprank's commands have no sub-commands). */
function optionsOf(payload: APIInteraction): Option[] {
  const data = payload.data as { options?: Option[] } | undefined;
  return data?.options ?? [];
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
