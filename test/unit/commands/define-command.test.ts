import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand, type OptionSpec, positionalOption } from '../../../commands/define-command.js';
import { commands, findCommand, usageView } from '../../../commands/index.js';
import { noticeView } from '../../../src/chat/view.js';

const word = (positional: boolean): OptionSpec => ({
  description: 'A word',
  type: 'string',
  schema: z.string(),
  allowed: 'a word',
  example: 'hello',
  positional,
});

describe('defineCommand', () => {
  it('refuses a command with two positional options, naming them', () => {
    expect(() =>
      defineCommand({
        name: 'twice',
        description: 'Two bare words',
        options: { first: word(true), second: word(true) },
        run: async () => noticeView('info', 'never'),
      }),
    ).toThrow('/twice declares more than one positional option (first, second): at most one.');
  });

  it('declares the bare word of /toprank, /toprank-subscribe, /toprank-unsubscribe and the watch commands', () => {
    expect(Object.fromEntries(commands.map((c) => [c.name, positionalOption(c)]))).toEqual({
      toprank: 'region',
      'toprank-subscribe': 'region',
      'toprank-subscriptions': undefined,
      'toprank-unsubscribe': 'subscription',
      'toprank-watch': 'creator',
      'toprank-unwatch': 'creator',
    });
  });

  it('says in help which bare word a command takes', () => {
    const help = (name: string) => {
      const command = findCommand(name);
      if (!command) throw new Error(`no /${name}`);
      return JSON.stringify(usageView(command));
    };
    expect(help('toprank')).toContain('Shorthand: /toprank US means /toprank region:US.');
    expect(help('toprank-unsubscribe')).toContain(
      'Shorthand: /toprank-unsubscribe all means /toprank-unsubscribe subscription:all.',
    );
    expect(help('toprank-subscriptions')).not.toContain('Shorthand');
  });
});
