/**
 * The explicit list of slash commands (no glob loader), and the one way any platform runs them:
 * raw options in, View out, every failure turned into a sentence by the one catch in dispatch.ts.
 */
import { decodeAction } from '../src/chat/action-id.js';
import { parseChannelRef } from '../src/chat/channel-ref.js';
import { type DispatchHooks, dispatch } from '../src/chat/dispatch.js';
import { parseKeyValueText } from '../src/chat/parse-text.js';
import type { View } from '../src/chat/view.js';
import { messageFor, ToprankError } from '../src/errors.js';
import { spendAs } from '../src/keyapi/spender.js';
import {
  askerOf,
  authorize,
  type Command,
  type CommandContext,
  parseOptions,
  positionalOption,
} from './define-command.js';
import { usageView } from './help.js';
import { toprank } from './toprank.js';
import { toprankStatus } from './toprank-status.js';
import { toprankSubscribe } from './toprank-subscribe.js';
import { toprankSubscriptions } from './toprank-subscriptions.js';
import { toprankUnsubscribe } from './toprank-unsubscribe.js';
import { toprankUnwatch } from './toprank-unwatch.js';
import { toprankWatch } from './toprank-watch.js';

export type { Command, CommandContext, CommandServices, OptionSpec, UserRef } from './define-command.js';
export { usageHint, usageView } from './help.js';

/** Every command, in the order help lists them. */
export const commands: readonly Command[] = [
  toprank,
  toprankSubscribe,
  toprankSubscriptions,
  toprankUnsubscribe,
  toprankStatus,
  toprankWatch,
  toprankUnwatch,
];

/** The command of that name (with or without its slash), or undefined. */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name.replace(/^\//, ''));
}

function requireCommand(name: string): Command {
  const command = findCommand(name);
  if (!command) throw new ToprankError('unknown_command', { command: name });
  return command;
}

function recordOutcome(name: string, ctx: CommandContext): DispatchHooks['onOutcome'] {
  const record = ctx.services.recordCommand;
  const { platform } = parseChannelRef(ctx.channel);
  return record && ((outcome) => record(platform, name, outcome));
}

/**
 * Runs a command's work with every upstream request it causes charged to its member, channel and team,
 * so the fair credit limits apply to interactive commands (and only to them).
 */
function asAsker<T>(ctx: CommandContext, work: () => Promise<T>): Promise<T> {
  return spendAs(askerOf(ctx), work);
}

/** Runs a command with raw option values (typed from Discord, text from a button). Never throws. */
export function runCommand(name: string, raw: Record<string, unknown>, ctx: CommandContext): Promise<View> {
  return dispatch(
    async () => {
      const command = requireCommand(name);
      const input = parseOptions(command, raw);
      await authorize(command, input, ctx);
      return asAsker(ctx, () => command.run(input, ctx));
    },
    ctx.log,
    { onOutcome: recordOutcome(name, ctx) },
  );
}

const usageCodes = new Set(['invalid_option', 'unknown_option', 'malformed_input']);

/**
 * Runs a command typed as `key:value` text (Slack, terminal), where one bare word is the command's
 * positional option (`/toprank US`). `help` answers with usage, and so does
 * an option that does not parse, under the sentence naming what was wrong. Never throws.
 */
export function runTextCommand(name: string, text: string, ctx: CommandContext): Promise<View> {
  const command = findCommand(name);
  return dispatch(
    async () => {
      if (!command) throw new ToprankError('unknown_command', { command: name });
      const parsed = parseKeyValueText(text, command.name, positionalOption(command));
      if (parsed.help) return usageView(command);
      const input = parseOptions(command, parsed.values);
      await authorize(command, input, ctx);
      return asAsker(ctx, () => command.run(input, ctx));
    },
    ctx.log,
    {
      onOutcome: recordOutcome(name, ctx),
      viewFor: (error) =>
        command && usageCodes.has(error.code) ? usageView(command, messageFor(error)) : undefined,
    },
  );
}

/**
 * Runs the command behind a button; undefined when the id is not one of ours. A private button (📈 Chart,
 * 📄 CSV) answers only the clicker, in a message of its own.
 */
export function runAction(actionId: string, ctx: CommandContext): Promise<View> | undefined {
  const action = decodeAction(actionId);
  if (!action) return undefined;
  const view = runCommand(action.command, action.values, ctx);
  return action.private ? view.then((v) => ({ ...v, ephemeral: true })) : view;
}
