/**
 * A bot process for multi-process tests: the real core on the test's Redis prefix runs the slash
 * commands in COMMANDS (a JSON array of "/name text") as member MEMBER in the terminal channel, prints
 * each answer as one JSON line, and exits. Run with `node --import tsx test/helpers/command-process.ts`.
 */
import { runTextCommand } from '../../commands/index.js';
import { renderConsole } from '../../src/adapters/console/render.js';
import { childCore } from './child-core.js';

const env = process.env;
const { log, core } = await childCore({ CREDITS_PER_USER_HOUR: env.CREDITS_PER_USER_HOUR });
const now = () => new Date(String(env.CORE_NOW));
const ctx = { channel: 'console:demo', user: { id: String(env.MEMBER) }, services: core, log, now };
for (const line of JSON.parse(String(env.COMMANDS)) as string[]) {
  const [name = '', ...rest] = line.split(' ');
  const view = await runTextCommand(name, rest.join(' '), ctx);
  process.stdout.write(`${JSON.stringify(renderConsole(view))}\n`);
}
await core.close();
