/**
 * The answers to one Discord interaction, on the wire: the first answer (reply, deferral, update,
 * choices) goes wherever the interaction came from (`FirstAnswer`), every later one (edit, delete,
 * follow-up) through the interaction's webhook routes. Keeps what was answered so far, as the
 * rescue path needs it. Imports discord.js REST and types only.
 */
import {
  type APIApplicationCommandOptionChoice,
  type APIInteractionResponse,
  InteractionResponseType,
  MessageFlags,
  type REST,
  Routes,
} from 'discord.js';
import { attachmentsOf, type DiscordMessage, uploadsOf } from './render.js';

/**
 * Sends the first answer: a callback through REST on the gateway path, the HTTP reply on the
 * interactions endpoint. Resolves once it has gone out, so that edits can follow it.
 */
export type FirstAnswer = (response: APIInteractionResponse, files: Upload[]) => Promise<void>;

/** A file of an answer, one multipart part (described in the body's `attachments`). */
export type Upload = ReturnType<typeof uploadsOf>[number];

/** What the first answer was. */
type Acknowledged = 'reply' | 'update' | 'defer' | 'defer-update' | 'choices';

const noMentions = { parse: [] };

export class InteractionReply {
  /** Undefined until the first answer went out. */
  acknowledged: Acknowledged | undefined;

  constructor(
    private readonly rest: REST,
    private readonly applicationId: string,
    private readonly token: string,
    private readonly first: FirstAnswer,
  ) {}

  /** A new message: private when the view is ephemeral (errors, help). */
  reply(message: DiscordMessage): Promise<void> {
    return this.answer(
      'reply',
      { type: InteractionResponseType.ChannelMessageWithSource, data: body(message) },
      uploadsOf(message),
    );
  }

  /** Shows "thinking…" in public; `editReply` replaces it. */
  deferReply(): Promise<void> {
    return this.answer('defer', { type: InteractionResponseType.DeferredChannelMessageWithSource, data: {} });
  }

  /** Replaces the message carrying the clicked button. */
  update(message: DiscordMessage): Promise<void> {
    return this.answer(
      'update',
      { type: InteractionResponseType.UpdateMessage, data: edit(message) },
      uploadsOf(message),
    );
  }

  /** Acknowledges a click; `editReply` then changes the message carrying the button. */
  deferUpdate(): Promise<void> {
    return this.answer('defer-update', { type: InteractionResponseType.DeferredMessageUpdate });
  }

  /** Autocomplete suggestions. */
  respond(choices: APIApplicationCommandOptionChoice<string>[]): Promise<void> {
    return this.answer('choices', {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices },
    });
  }

  async editReply(message: DiscordMessage): Promise<void> {
    await this.rest.patch(this.original(), { body: edit(message), files: uploadsOf(message), auth: false });
  }

  async deleteReply(): Promise<void> {
    await this.rest.delete(this.original(), { auth: false });
  }

  async followUp(message: DiscordMessage): Promise<void> {
    await this.rest.post(Routes.webhook(this.applicationId, this.token), {
      body: body(message),
      files: uploadsOf(message),
      auth: false,
      query: new URLSearchParams({ wait: 'true' }),
    });
  }

  private original(): `/${string}` {
    return Routes.webhookMessage(this.applicationId, this.token, '@original');
  }

  private async answer(kind: Acknowledged, response: APIInteractionResponse, files: Upload[] = []) {
    // Discord takes one first answer (a second is 40060): everything after it is an edit or a follow-up.
    if (this.acknowledged) throw new Error(`interaction already answered (${this.acknowledged})`);
    await this.first(response, files);
    this.acknowledged = kind;
  }
}

/** A new message's body: private when the view is ephemeral. */
function body(message: DiscordMessage) {
  return { ...edit(message), ...(message.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) };
}

/**
 * An edit of a message already shown (deferred reply, or the message carrying the buttons). The files
 * it lists replace the old ones: page 2 must not keep page 1's chart.
 */
function edit(message: DiscordMessage) {
  return {
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    attachments: attachmentsOf(message),
    allowed_mentions: noMentions,
  };
}
