// Builders for INTERACTION_CREATE payloads as Discord sends them to a guild-installed bot: chat-input
// commands (type 2), autocomplete (type 4) and button clicks (type 3 / component 2). Each call gets a
// fresh snowflake id and token. Pass the result to `fake.interact()` (or `gateway.sendInteraction()`).
import type {
  APIApplicationCommandAutocompleteGuildInteraction,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandGuildInteraction,
  APIGuildInteractionWrapper,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIUser,
  Locale,
} from 'discord.js';
import {
  botUser,
  buildMessage,
  DEFAULT_APP_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  FAKE_IDS,
  guildMember,
  humanUser,
  randomToken,
  snowflake,
  textChannel,
  toPermissionString,
} from './payloads.js';

export type ButtonInteractionPayload = APIGuildInteractionWrapper<APIMessageComponentButtonInteraction>;

export interface InteractionInit {
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  channelName?: string;
  /** The invoking user (default: a human `creator_fan`). */
  user?: APIUser;
  roles?: string[];
  /** Member's permissions in the channel, e.g. `PermissionFlagsBits.ManageGuild` or a decimal string. */
  memberPermissions?: bigint | string;
  /** Bot's permissions in the channel (`app_permissions`). */
  appPermissions?: bigint | string;
  /** User's client locale, e.g. 'en-US', 'de', 'pt-BR'. */
  locale?: string;
  guildLocale?: string;
}

/** Option values as Discord sends them: 3 string, 4 integer, 5 boolean, 10 number; 1/2 sub-command (group). */
export type CommandOption =
  | { name: string; type: 3; value: string; focused?: boolean }
  | { name: string; type: 4 | 10; value: number | string; focused?: boolean }
  | { name: string; type: 5; value: boolean; focused?: false }
  | { name: string; type: 1 | 2; options?: CommandOption[] };

export interface ChatInputInit extends InteractionInit {
  name: string;
  options?: CommandOption[];
  /** Id of the registered command (Discord sends it; discord.js exposes it as `commandId`). */
  commandId?: string;
}

export interface ButtonInit extends InteractionInit {
  customId: string;
  /** The message carrying the button; merged over a default bot message with that button. */
  message?: Partial<APIMessage>;
  /** Author of the default message (the bot). */
  botUserId?: string;
}

function base(init: InteractionInit) {
  const guildId = init.guildId ?? FAKE_IDS.guildId;
  const channelId = init.channelId ?? FAKE_IDS.channelId;
  const user = init.user ?? humanUser();
  const member: APIInteractionGuildMember = {
    ...guildMember(user, init.roles),
    user,
    permissions: toPermissionString(init.memberPermissions, DEFAULT_MEMBER_PERMISSIONS),
  };
  const guildLocale = (init.guildLocale ?? 'en-US') as Locale;
  return {
    id: snowflake(),
    token: randomToken(),
    application_id: init.applicationId ?? FAKE_IDS.applicationId,
    version: 1 as const,
    guild_id: guildId,
    guild: { id: guildId, locale: guildLocale, features: [] },
    // discord.js resolves `interaction.channel` from this object, not from channel_id alone.
    channel: textChannel(channelId, guildId, init.channelName ?? 'general'),
    channel_id: channelId,
    member,
    app_permissions: toPermissionString(init.appPermissions, DEFAULT_APP_PERMISSIONS),
    locale: (init.locale ?? 'en-US') as Locale,
    guild_locale: guildLocale,
    // discord.js reduces over `entitlements` and wraps `authorizing_integration_owners` unconditionally.
    entitlements: [],
    authorizing_integration_owners: { '0': guildId }, // 0 = GUILD_INSTALL → the guild's id
    context: 0 as const, // GUILD
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function toApiOptions(
  options: CommandOption[],
  autocomplete: boolean,
): APIApplicationCommandInteractionDataOption[] {
  return options.map((o) => {
    if (isGroup(o)) return { ...o, options: toApiOptions(o.options ?? [], autocomplete) };
    const { focused, ...rest } = o;
    // While the user types, the focused option arrives as the raw text, whatever its declared type;
    // `focused` only ever appears in autocomplete payloads.
    return autocomplete && focused ? { ...rest, value: String(rest.value), focused: true } : rest;
  }) as APIApplicationCommandInteractionDataOption[];
}

function isGroup(o: CommandOption): o is Extract<CommandOption, { type: 1 | 2 }> {
  return o.type === 1 || o.type === 2;
}

function countFocused(options: CommandOption[]): number {
  return options.reduce((n, o) => n + (isGroup(o) ? countFocused(o.options ?? []) : o.focused ? 1 : 0), 0);
}

/** A slash command invocation (interaction type 2, command type 1). */
export function chatInput(init: ChatInputInit): APIChatInputApplicationCommandGuildInteraction {
  const b = base(init);
  return {
    ...b,
    type: 2,
    data: {
      id: init.commandId ?? snowflake(),
      name: init.name,
      type: 1,
      options: toApiOptions(init.options ?? [], false),
    },
  };
}

/** An autocomplete request (interaction type 4); exactly one option must carry `focused: true`. */
export function autocomplete(init: ChatInputInit): APIApplicationCommandAutocompleteGuildInteraction {
  const options = init.options ?? [];
  if (countFocused(options) !== 1)
    throw new Error('autocomplete(): mark exactly one option with focused: true');
  const b = base(init);
  return {
    ...b,
    type: 4,
    data: {
      id: init.commandId ?? snowflake(),
      name: init.name,
      type: 1,
      options: toApiOptions(options, true),
    },
  };
}

/** A button click (interaction type 3, component type 2); Discord includes the whole message clicked on. */
export function button(init: ButtonInit): ButtonInteractionPayload {
  const b = base(init);
  const author = botUser(init.botUserId ?? init.applicationId ?? FAKE_IDS.applicationId);
  const message: APIMessage = {
    ...buildMessage({
      channelId: b.channel_id,
      author,
      body: {
        content: '',
        components: [
          { type: 1, components: [{ type: 2, style: 1, label: 'Button', custom_id: init.customId }] },
        ],
      },
    }),
    ...init.message,
  };
  return { ...b, type: 3, message, data: { custom_id: init.customId, component_type: 2 } };
}
