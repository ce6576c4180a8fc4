/**
 * Command declarations (commands/) → Discord's application command JSON for a bulk overwrite: typed
 * options, choices, integer bounds, autocomplete flags, default member permissions. Generated, never
 * hand-written. Imports the declarations' types and discord.js constants only.
 */
import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, OptionSpec } from '../../../commands/index.js';

/** Discord's limits on command declarations (https://discord.com/developers/docs/interactions/application-commands). */
export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  /** Name, description and choice names and values of a command and its options, together. */
  total: 8000,
} as const;

const optionTypes = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  boolean: ApplicationCommandOptionType.Boolean,
} as const;

/** One command as Discord registers it. */
export function commandJson(command: Command): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options = Object.entries(command.options).map(([name, spec]) => optionJson(name, spec));
  return {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: describe(command.description),
    // Discord refuses a required option after an optional one; the declaration order stays otherwise.
    options: [...options.filter((o) => o.required), ...options.filter((o) => !o.required)],
    // Subscriptions change a channel for everyone in it: Manage Channels by default, admins can widen it.
    default_member_permissions: command.manageChannel ? String(PermissionFlagsBits.ManageChannels) : null,
    // Leaderboards are posted to server channels; DMs and user installs have no channel to subscribe.
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** Every command, as the body of `PUT /applications/:id/(guilds/:guild/)commands`. */
export function commandsJson(list: readonly Command[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return list.map(commandJson);
}

function optionJson(name: string, spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name, description: describe(spec.description), required: spec.required === true };
  if (spec.type === 'boolean') return { ...base, type: ApplicationCommandOptionType.Boolean };
  if (spec.type === 'integer') {
    return {
      ...base,
      type: optionTypes.integer,
      ...(spec.min === undefined ? {} : { min_value: spec.min }),
      ...(spec.max === undefined ? {} : { max_value: spec.max }),
      ...(spec.autocomplete && !spec.choices ? { autocomplete: true } : {}),
    };
  }
  // Discord takes either fixed choices or autocomplete on one option, never both.
  if (spec.choices?.length) {
    return {
      ...base,
      type: optionTypes.string,
      choices: spec.choices
        .slice(0, COMMAND_LIMITS.choices)
        .map((choice) => ({ name: choice.slice(0, COMMAND_LIMITS.choiceName), value: choice })),
    };
  }
  return { ...base, type: optionTypes.string, ...(spec.autocomplete ? { autocomplete: true } : {}) };
}

/** Descriptions are checked by a test to fit; the cut is a guard so registration never fails on one. */
function describe(text: string): string {
  return text.length <= COMMAND_LIMITS.description
    ? text
    : `${text.slice(0, COMMAND_LIMITS.description - 1)}…`;
}
