/**
 * The CLI: `toprank <command>`. Wiring only: read the configuration, build the core, hand over to
 * the command's module, and turn any failure into one sentence and a non-zero exit.
 */
import { pino } from 'pino';
import { usageView } from '../commands/help.js';
import { commands } from '../commands/index.js';
import { renderConsole } from './adapters/console/render.js';
import { DEMO_CHANNEL, runDemo } from './cli/demo.js';
import { formatChecks, runChecks } from './cli/doctor.js';
import { openLocalStack } from './cli/local-stack.js';
import { runQuery } from './cli/query.js';
import { ConfigError, loadConfig, readEnvironment, secretsOf } from './config.js';
import { messageFor, ToprankError } from './errors.js';
import { createLogger } from './log.js';

const usage = `Usage: toprank <command>

  query <key:value…> [--json]   print a leaderboard (sample data when KEYAPI_TOKEN is unset)
  demo                          run the bot locally on sample data
  doctor [--spend-credit]       check configuration, Redis, Discord, Slack (and the KeyAPI key)
  help                          this text

Configuration comes from the environment or .env; see .env.example.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n\n${commands.map((c) => renderConsole(usageView(c))).join('\n\n')}\n`);
    return 0;
  }
  if (command === 'doctor') {
    const spendCredit = args.includes('--spend-credit');
    const checks = await runChecks(readEnvironment(), spendCredit);
    process.stdout.write(`${formatChecks(checks, spendCredit)}\n`);
    return checks.every((c) => c.ok) ? 0 : 1;
  }
  const config = loadConfig();
  // CLI output owns stdout; logs go to stderr.
  const log = createLogger({
    level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
    secrets: secretsOf(config),
    destination: pino.destination(2),
  });

  switch (command) {
    case 'query': {
      const stack = await openLocalStack(config, log, { sample: !config.KEYAPI_TOKEN });
      try {
        process.stdout.write(`${await runQuery(args, stack.core, stack.sample)}\n`);
        return 0;
      } finally {
        await stack.close();
      }
    }
    case 'demo': {
      const stack = await openLocalStack(config, log, { sample: true });
      try {
        const ctx = {
          channel: DEMO_CHANNEL,
          user: { id: 'demo' },
          services: stack.core,
          log,
          now: () => new Date(),
          sample: true,
        };
        await runDemo(ctx, {
          input: process.stdin,
          output: process.stdout,
          interactive: process.stdin.isTTY === true,
        });
        return 0;
      } finally {
        await stack.close();
      }
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ToprankError) process.stderr.write(`${messageFor(error)}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
