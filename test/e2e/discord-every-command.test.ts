/**
 * Story: every command declared in commands/ works on Discord without adapter changes. Invoked with
 * its required options, each one gets a real answer, and a command that changes the channel tells a
 * member without Manage Channels so, privately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Command, commands } from '../../commands/index.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { type CommandOption, chatInput } from '../fakes/discord/interactions.js';
import { DEFAULT_MEMBER_PERMISSIONS } from '../fakes/discord/payloads.js';
import {
  callbackOf,
  type DiscordBot,
  messageBody,
  requestsOf,
  startDiscordBot,
  visibleText,
} from './discord-harness.js';

const MANAGE_CHANNELS = 1n << 4n;

/** The required options of a command, typed as Discord sends them, from the declared examples. */
function requiredOptions(command: Command): CommandOption[] {
  return Object.entries(command.options)
    .filter(([, spec]) => spec.required)
    .map(([name, spec]): CommandOption => {
      if (spec.type === 'integer') return { name, type: 4, value: Number(spec.example) };
      if (spec.type === 'boolean')
        return { name, type: 5, value: ['true', 'on', 'yes'].includes(spec.example) };
      return { name, type: 3, value: spec.example };
    });
}

describe('discord: every declared command', () => {
  let bot: DiscordBot;
  beforeAll(async () => {
    bot = await startDiscordBot();
  });
  afterAll(() => bot.close());

  /** Invokes a command and returns what the user finally sees (reply, edit or follow-up). */
  async function invoke(command: Command, permissions: bigint) {
    const { id, token } = bot.fake.interact(
      chatInput({ name: command.name, options: requiredOptions(command), memberPermissions: permissions }),
    );
    const callback = await callbackOf(bot.fake, id);
    const type = (callback.body as { type: number }).type;
    if (type === 5) {
      await bot.fake.rest.waitFor(
        (r) => r.method !== 'DELETE' && r.route.includes('/webhooks/') && r.path.split('/').includes(token),
        8000,
      );
    }
    const answers = requestsOf(bot.fake, id, token).filter((r) => r.method !== 'DELETE');
    const last = answers.at(-1);
    return { type, body: last ? messageBody(last) : undefined };
  }

  it.each(commands.map((c) => [c.name, c] as const))('answers /%s', async (_, command) => {
    const permissions = BigInt(DEFAULT_MEMBER_PERMISSIONS) | MANAGE_CHANNELS;
    const { type, body } = await invoke(command, permissions);
    expect([4, 5]).toContain(type);
    expect(body?.allowed_mentions).toEqual({ parse: [] });
    const text = visibleText(body);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('Unknown command');
    expect(text).not.toContain('Something went wrong');
  });

  const guarded = commands.filter((c) => c.manageChannel);
  it.each(guarded.map((c) => [c.name, c] as const))(
    'tells a member without Manage Channels privately that /%s needs it',
    async (_, command) => {
      const { type, body } = await invoke(command, BigInt(DEFAULT_MEMBER_PERMISSIONS));
      expect(type).toBe(4);
      expect(((body?.flags as number | undefined) ?? 0) & 64).toBe(64);
      expect(visibleText(body)).toBe(
        `❌ ${messageFor(new ToprankError('missing_permission', { permission: 'Manage Channels' }))}`,
      );
    },
  );
});
