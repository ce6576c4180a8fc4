import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../../commands/define-command.js';
import { commands } from '../../../../commands/index.js';
import { COMMAND_LIMITS, commandJson, commandsJson } from '../../../../src/adapters/discord/command-json.js';
import { noticeView } from '../../../../src/chat/view.js';

type Json = ReturnType<typeof commandJson>;
type JsonOption = NonNullable<Json['options']>[number] & Record<string, unknown>;

/** What Discord adds up against its 8,000 characters per command. */
function countedCharacters(json: Json): number {
  const options = (json.options ?? []) as JsonOption[];
  return (
    json.name.length +
    (json.description ?? '').length +
    options.reduce((n, o) => {
      const choices = (o.choices ?? []) as { name: string; value: string | number }[];
      return (
        n +
        o.name.length +
        o.description.length +
        choices.reduce((m, c) => m + c.name.length + String(c.value).length, 0)
      );
    }, 0)
  );
}

describe('commandJson', () => {
  it.each(commands.map((c) => [c.name, c] as const))('declares /%s within Discord’s rules', (_, command) => {
    const json = commandJson(command);
    expect(json.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
    // The declaration itself fits: nothing was cut to make it.
    expect(json.description).toBe(command.description);
    expect(json.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
    const options = (json.options ?? []) as JsonOption[];
    expect(options.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
    const firstOptional = options.findIndex((o) => !o.required);
    if (firstOptional >= 0) expect(options.slice(firstOptional).every((o) => !o.required)).toBe(true);
    for (const option of options) {
      expect(option.name).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(option.description).toBe(command.options[option.name]?.description);
      expect(option.description.length).toBeGreaterThan(0);
      expect(option.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      const choices = (option.choices ?? []) as unknown[];
      expect(choices.length).toBeLessThanOrEqual(COMMAND_LIMITS.choices);
      if (choices.length) expect(option.autocomplete).toBeUndefined(); // Discord refuses both on one option
    }
    expect(countedCharacters(json)).toBeLessThanOrEqual(COMMAND_LIMITS.total);
  });

  it('types /toprank’s options: string choices, integer bounds, autocomplete', () => {
    const toprank = commands.find((c) => c.name === 'toprank');
    if (!toprank) throw new Error('no /toprank');
    const options = commandJson(toprank).options as JsonOption[];
    const byName = Object.fromEntries(options.map((o) => [o.name, o]));
    expect(options[0]?.name).toBe('region');
    expect(byName.region).toMatchObject({ type: 3, required: true, autocomplete: true });
    expect(byName.type?.choices).toEqual(['day', 'week', 'month'].map((v) => ({ name: v, value: v })));
    expect(byName.by?.choices).toEqual(['followers', 'sales'].map((v) => ({ name: v, value: v })));
    expect(byName.limit).toMatchObject({ type: 4, min_value: 1, max_value: 50 });
    expect(byName.page).toMatchObject({ type: 4, min_value: 1, max_value: 10 });
    expect(byName.category).toMatchObject({ type: 3, autocomplete: true });
    expect(byName.date).toEqual({
      name: 'date',
      description: byName.date?.description,
      type: 3,
      required: false,
    });
  });

  it('limits a manageChannel command to Manage Channels, in server channels only', () => {
    const subscribe = defineCommand({
      name: 'test-subscribe',
      description: 'Subscribe this channel',
      manageChannel: true,
      options: {
        alerts: {
          description: 'Alerts on',
          type: 'boolean',
          schema: z.boolean().optional(),
          allowed: 'true or false',
          example: 'true',
        },
        name: {
          description: 'Name',
          type: 'string',
          schema: z.string(),
          allowed: 'text',
          example: 'x',
          required: true,
        },
      },
      run: async () => noticeView('info', 'ok'),
    });
    const json = commandJson(subscribe);
    expect(json.default_member_permissions).toBe('16');
    expect(json.contexts).toEqual([0]);
    expect(json.integration_types).toEqual([0]);
    expect((json.options ?? []).map((o) => [o.name, o.type, o.required])).toEqual([
      ['name', 3, true],
      ['alerts', 5, false],
    ]);
  });

  it('lets everyone use commands without manageChannel', () => {
    expect(
      commandsJson(commands)
        .filter((_, i) => !commands[i]?.manageChannel)
        .every((c) => c.default_member_permissions === null),
    ).toBe(true);
  });

  it('cuts an over-long description rather than failing the whole registration', () => {
    const long = defineCommand({
      name: 'x',
      description: 'd'.repeat(150),
      options: {},
      run: async () => noticeView('info', 'ok'),
    });
    expect(commandJson(long).description).toHaveLength(100);
  });
});
