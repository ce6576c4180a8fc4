/**
 * How a slash command is declared once for every platform: name, description, typed options (each
 * with the zod schema that validates it and the words naming its allowed values), and `run`, which
 * returns a platform-neutral View. Discord registration, the Slack manifest and the help text are all
 * generated from these declarations.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type ChannelRef, parseChannelRef } from '../src/chat/channel-ref.js';
import type { CommandOutcome } from '../src/chat/dispatch.js';
import { type TeamRef, teamOf } from '../src/chat/team.js';
import type { View } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import type { CreditBudget } from '../src/keyapi/credit-budget.js';
import type { Spender } from '../src/keyapi/spender.js';
import type { UpstreamHealth } from '../src/keyapi/upstream-health.js';
import type { LeaderboardService } from '../src/ranking/leaderboard-service.js';
import type { RankHistorySource } from '../src/ranking/rank-history.js';
import type { Regions } from '../src/ranking/regions.js';
import type { SubscriptionServices } from '../src/subscriptions/schedule-port.js';

/** What local data an option's autocomplete draws on (never a paid call). */
export type AutocompleteSource = 'region' | 'category' | 'subscription';

/** One option. Its value arrives as text (Slack, terminal, buttons) or typed (Discord); `schema` takes both. */
export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  description: string;
  type: 'string' | 'integer' | 'boolean';
  schema: S;
  /** The allowed values in words, for the error message: "day, week or month". */
  allowed: string;
  /** An example for help text, e.g. "US". */
  example: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  autocomplete?: AutocompleteSource;
  required?: boolean;
  /**
   * Where text is typed (Slack, the terminal), one bare word is this option's value: `/toprank US` is
   * `/toprank region:US`. At most one option of a command is positional (defineCommand checks).
   */
  positional?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The typed input `run` receives: each option's schema output. */
export type CommandInput<O extends OptionSpecs> = { [K in keyof O]: z.output<O[K]['schema']> };

/** The services a command may use; the composition root (src/main.ts) provides them. */
export interface CommandServices {
  leaderboards: LeaderboardService;
  /** Recent periods of a leaderboard from history, for charts (fetching only what is missing). */
  rankHistory: RankHistorySource;
  /** Creator categories seen in cached data, for autocomplete. */
  categories(region: string): Promise<string[]>;
  /** The subscription store, the scheduler port and the digest defaults. */
  subscriptions: SubscriptionServices;
  /** Sees how each command ended, by platform (metrics). */
  recordCommand?: (platform: string, command: string, outcome: CommandOutcome) => void;
  /** The regions this deployment accepts (validation and autocomplete). */
  regions: Regions;
  /** The credit limits and today's counts, for /toprank-status (absent: not shown). */
  credits?: CreditBudget;
  /** Whether KeyAPI answered lately, for /toprank-status. */
  upstreamHealth?: UpstreamHealth;
}

export interface UserRef {
  id: string;
  /** BCP 47 locale when the platform tells it (Discord does). */
  locale?: string | undefined;
  /**
   * The member may change this channel's settings (commands with `manageChannel`). Discord says it with
   * the interaction (Manage Channels); Slack must be asked (owners, admins, the channel's creator,
   * SLACK_MANAGERS), so there it is a question asked only when a command needs the answer. Undefined:
   * the platform has no such notion (the terminal), and everyone may.
   */
  canManageChannel?: boolean | (() => Promise<boolean>) | undefined;
}

export interface CommandContext {
  channel: ChannelRef;
  /** The Discord server or Slack workspace asking (src/chat/team.ts); derived from the channel when absent. */
  team?: TeamRef;
  user: UserRef;
  services: CommandServices;
  log: Logger;
  now: () => Date;
  /** The demo labels everything as sample data. */
  sample?: boolean;
  /** The command came from a direct message or group DM, not a channel (Slack says so). */
  directMessage?: boolean;
}

/** Who a command's upstream requests are charged to: its member, channel and team (fair limits). */
export function askerOf(ctx: CommandContext): Extract<Spender, { kind: 'interactive' }> {
  const { platform } = parseChannelRef(ctx.channel);
  return {
    kind: 'interactive',
    user: `${platform}:${ctx.user.id}`,
    channel: ctx.channel,
    team: teamOf(ctx.channel, ctx.team),
  };
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  description: string;
  options: O;
  /**
   * Changes a channel's settings (its subscriptions): runs only in a channel and only for someone who
   * may manage it (`UserRef.canManageChannel`; Manage Channels on Discord, via
   * default_member_permissions too). See `authorize`.
   */
  manageChannel?: boolean;
  /**
   * The user who created the one thing this input changes (one subscription), if any: that user may
   * change it without managing the channel.
   */
  ownerOf?(input: CommandInput<O>, ctx: CommandContext): Promise<string | undefined>;
  run(input: CommandInput<O>, ctx: CommandContext): Promise<View>;
}

/**
 * Declares a command; the generic keeps `run`'s input typed from the option schemas. Throws when more
 * than one option is positional: two bare words could not be told apart.
 */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  const positional = Object.entries(command.options).filter(([, spec]) => spec.positional);
  if (positional.length > 1) {
    const names = positional.map(([name]) => name).join(', ');
    throw new Error(`/${command.name} declares more than one positional option (${names}): at most one.`);
  }
  return command;
}

/** The name of the command's positional option, if it declares one. */
export function positionalOption(command: Command): string | undefined {
  return Object.entries(command.options).find(([, spec]) => spec.positional)?.[0];
}

/**
 * Lets a `manageChannel` command run only in a channel (not a direct message), for someone who may
 * manage the channel or who created the one thing the input changes. Throws the sentence saying who may;
 * Slack is asked (a few cached Web API calls) only when the cheaper answers did not settle it.
 */
export async function authorize<O extends OptionSpecs>(
  command: Command<O>,
  input: CommandInput<O>,
  ctx: CommandContext,
): Promise<void> {
  if (!command.manageChannel) return;
  if (ctx.directMessage) throw new ToprankError('direct_message_subscription');
  const may = ctx.user.canManageChannel;
  if (may === undefined || may === true) return;
  if (command.ownerOf && (await command.ownerOf(input, ctx)) === ctx.user.id) return;
  if (typeof may === 'function' && (await may())) return;
  throw parseChannelRef(ctx.channel).platform === 'slack'
    ? new ToprankError('slack_manager_required')
    : new ToprankError('missing_permission', { permission: 'Manage Channels' });
}

/**
 * Validates raw option values (text or typed) against a command's options. Unknown options and bad
 * values become ToprankErrors naming the option and what it allows, before anything else runs.
 */
export function parseOptions<O extends OptionSpecs>(
  command: Command<O>,
  raw: Record<string, unknown>,
): CommandInput<O> {
  const names = Object.keys(command.options);
  for (const key of Object.keys(raw)) {
    if (!names.includes(key)) {
      throw new ToprankError('unknown_option', {
        option: key,
        command: command.name,
        allowed: names.join(', '),
      });
    }
  }
  const input: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = raw[name] === '' ? undefined : raw[name];
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const fields = { option: name, allowed: spec.allowed };
      throw new ToprankError(
        'invalid_option',
        value === undefined ? fields : { ...fields, value: String(value) },
      );
    }
    input[name] = result.data;
  }
  return input as CommandInput<O>;
}
