/**
 * Usage text generated from the declarations, for the text-based platforms (`/toprank help`) and for
 * every parse error there.
 */
import type { View } from '../src/chat/view.js';
import { type Command, positionalOption } from './define-command.js';

/**
 * Usage of one command as a View: a synopsis, an example, the shorthand of its positional option, and
 * each option with what it allows.
 */
export function usageView(command: Command, notice?: string): View {
  const options = Object.entries(command.options);
  const synopsis = options.map(([name, spec]) => (spec.required ? `${name}:…` : `[${name}:…]`)).join(' ');
  const example = options
    .filter(([, spec]) => spec.required || spec.choices)
    .map(([name, spec]) => `${name}:${spec.example}`)
    .join(' ');
  const view: View = {
    title: `/${command.name}: ${command.description}`,
    blocks: [
      { kind: 'text', text: `Usage: /${command.name} ${synopsis}`.trim() },
      ...(example ? [{ kind: 'text' as const, text: `Example: /${command.name} ${example}` }] : []),
      ...shorthand(command),
    ],
    ephemeral: true,
  };
  if (options.length > 0) {
    view.blocks.push({
      kind: 'fields',
      fields: options.map(([name, spec]) => ({
        label: name,
        value: `${spec.description} (${spec.allowed})`,
      })),
    });
  }
  if (notice) view.blocks.unshift({ kind: 'notice', tone: 'error', text: notice });
  return view;
}

/** The line saying that a bare word is the positional option: "/toprank US means /toprank region:US". */
function shorthand(command: Command): View['blocks'] {
  const name = positionalOption(command);
  const spec = name === undefined ? undefined : command.options[name];
  if (!name || !spec) return [];
  const example = `/${command.name} ${spec.example}`;
  return [{ kind: 'text', text: `Shorthand: ${example} means /${command.name} ${name}:${spec.example}.` }];
}

/** Usage hint for the Slack manifest: the synopsis without the command name. */
export function usageHint(command: Command): string {
  return Object.entries(command.options)
    .map(([name, spec]) => (spec.required ? `${name}:${spec.example}` : `[${name}:${spec.example}]`))
    .join(' ');
}
