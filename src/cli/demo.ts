/**
 * `npm run demo`: the bot's loop on sample data with no account anywhere. On a terminal it takes the
 * same slash commands at a prompt (`next`/`prev` press the buttons); without one it runs a scripted
 * tour and exits 0.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { type CommandContext, runAction, runTextCommand } from '../../commands/index.js';
import { renderConsole } from '../adapters/console/render.js';
import { saveAttachments } from '../adapters/console/save-files.js';
import { consoleChannel } from '../chat/channel-ref.js';
import type { View } from '../chat/view.js';
import type { JobsCore } from '../jobs/worker.js';
import { runJobsTour } from './demo-jobs.js';

export const DEMO_CHANNEL = consoleChannel('demo');

/** The tour: each line as a user would type it, and why it is shown. */
export const tour: { say: string; command: string }[] = [
  { say: 'Yesterday’s top 10 in the US by followers gained', command: '/toprank region:US type:day' },
  {
    say: 'Last week’s best sellers, top 5 (a bare word is the region)',
    command: '/toprank US type:week by:sales limit:5',
  },
  {
    say: 'A date inside a week is snapped to its Monday',
    command: '/toprank region:GB type:week date:2026-11-11 limit:5',
  },
  {
    say: 'Last month in Indonesia, Beauty only',
    command: '/toprank region:ID type:month category:"Beauty & Personal Care" limit:5',
  },
  {
    say: 'The same week as a chart: rank trajectory over 8 weeks and the sales bars (a PNG file)',
    command: '/toprank region:US type:week by:sales limit:5 format:chart',
  },
  { say: 'A mistake gets a clear answer and costs no credit', command: '/toprank region:USA type:year' },
];

export interface DemoIo {
  input: Readable;
  output: Writable;
  interactive: boolean;
}

/** Runs one typed line (`/toprank …`, `next`, `prev`); returns the view shown, if any. */
async function runLine(line: string, ctx: CommandContext, last: View | undefined): Promise<View | undefined> {
  const word = line.trim().toLowerCase();
  if (word === 'next' || word === 'prev') {
    const button = last?.actions?.find((b) => !b.disabled && b.label.toLowerCase().includes(word));
    return button ? runAction(button.id, ctx) : undefined;
  }
  const [name = '', ...rest] = line.trim().split(/\s+/);
  return runTextCommand(name, rest.join(' '), ctx);
}

/** A view as the terminal shows it: its text, and where its files (a chart, a CSV) were written. */
async function shown(view: View): Promise<string> {
  return [renderConsole(view), ...(await saveAttachments(view.attachments ?? []))].join('\n');
}

/** The scripted tour: leaderboards, paging, a mistake; with `jobs`, a subscription, a digest and an alert. */
async function runTour(ctx: CommandContext, io: DemoIo, jobs?: { core: JobsCore }): Promise<void> {
  const print = (text: string) => io.output.write(`${text}\n`);
  let last: View | undefined;
  for (const step of tour) {
    print(`\n# ${step.say}\n> ${step.command}`);
    last = await runLine(step.command, ctx, last);
    if (last) print(await shown(last));
    if (step === tour[0] && last) {
      print('\n# Pressing Next ▶ on the first leaderboard\n> [Next ▶]');
      const next = await runLine('next', ctx, last);
      if (next) print(renderConsole(next));
    }
  }
  if (jobs) await runJobsTour(ctx, io, jobs.core);
}

/** Without a terminal, the tour and exit; on a terminal, a prompt (where `tour` replays the tour). */
export async function runDemo(ctx: CommandContext, io: DemoIo, jobs?: { core: JobsCore }) {
  const print = (text: string) => io.output.write(`${text}\n`);
  print('toprank demo: SAMPLE DATA from a local KeyAPI double. No real creators, no account, no credits.\n');

  if (!io.interactive) {
    await runTour(ctx, io, jobs);
    print('\nDemo finished. Run `npm run demo` in a terminal to type your own commands.');
    return;
  }

  print('Type a command such as /toprank region:US type:week by:sales, `next`/`prev` for the buttons,');
  print(
    '`/toprank help` for options, `tour` to watch a subscription deliver a digest and an alert, or `exit`.',
  );
  const prompt = createInterface({ input: io.input, output: io.output });
  let last: View | undefined;
  try {
    for (;;) {
      const line = (await prompt.question('\ntoprank> ').catch(() => 'exit')).trim();
      if (line === 'exit' || line === 'quit') break;
      if (!line) continue;
      if (line === 'tour') {
        await runTour(ctx, io, jobs);
        continue;
      }
      const view = await runLine(line, ctx, last);
      if (!view) {
        print('No such button here.');
        continue;
      }
      if (view.actions) last = view;
      print(await shown(view));
    }
  } finally {
    prompt.close();
  }
}
