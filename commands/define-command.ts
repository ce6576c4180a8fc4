/**
 * How a slash command is declared once for every platform: name, description, typed options (each
 * with the zod schema that validates it and the words naming its allowed values), and `run`, which
 * returns a platform-neutral View. Discord registration, the Slack manifest and the help text are all
 * generated from these declarations.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ChannelRef } from '../src/chat/channel-ref.js';
import { parseChannelRef } from '../src/chat/channel-ref.js';
import type { CommandOutcome } from '../src/chat/dispatch.js';
import { type TeamRef, teamOf } from '../src/chat/team.js';
import type { View } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import type { CreditBudget } from '../src/keyapi/credit-budget.js';
import type { Spender } from '../src/keyapi/spender.js';
import type { UpstreamHealth } from '../src/keyapi/upstream-health.js';
import type { LeaderboardService } from '../src/ranking/leaderboard-service.js';
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
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The typed input `run` receives: each option's schema output. */
export type CommandInput<O extends OptionSpecs> = { [K in keyof O]: z.output<O[K]['schema']> };

/** The services a command may use; the composition root (src/main.ts) provides them. */
export interface CommandServices {
  leaderboards: LeaderboardService;
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
  /** The member may manage channels (subscriptions need it on Discord). */
  canManageChannel?: boolean | undefined;
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
  /** Needs the Manage Channels permission on Discord (default_member_permissions). */
  manageChannel?: boolean;
  run(input: CommandInput<O>, ctx: CommandContext): Promise<View>;
}

/** Declares a command; the generic keeps `run`'s input typed from the option schemas. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
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
