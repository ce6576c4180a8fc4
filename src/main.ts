/**
 * The CLI: `toprank <command>`. Wiring only: read the configuration, build what the command needs,
 * hand over to its module, and turn any failure into one sentence and a non-zero exit.
 */
import { type Logger, pino } from 'pino';
import { usageView } from '../commands/help.js';
import { commands } from '../commands/index.js';
import { renderConsole } from './adapters/console/render.js';
import { runAlertsCommand } from './cli/alerts.js';
import { DEMO_CHANNEL, runDemo } from './cli/demo.js';
import { runDigestCommand } from './cli/digest.js';
import { formatChecks, runChecks } from './cli/doctor.js';
import { runExport } from './cli/export.js';
import { openLocalStack } from './cli/local-stack.js';
import { runQuery } from './cli/query.js';
import { runRegister } from './cli/register.js';
import { createPlatformAdapters, parseRole, startBot } from './cli/start.js';
import { runStatusCommand } from './cli/status.js';
import { runSubscriptionsCommand } from './cli/subscriptions.js';
import { runTeamCommand } from './cli/team.js';
import { type Config, loadConfig, readEnvironment, secretsOf } from './config.js';
import { messageFor, ToprankError } from './errors.js';
import { createQueues } from './jobs/queues.js';
import { type ScheduledCore, withSchedules } from './jobs/scheduling.js';
import { keepHeapNearLiveSize } from './jobs/worker-memory.js';
import { createLogger } from './log.js';
import { probeRedis } from './redis-connection.js';
import { createCore } from './services.js';

const usage = `Usage: toprank <command>

  start [--role all|bot|worker]  run the bot (bot: Discord, Slack, HTTP; worker: digests and alerts)
  register [--url https://host]  register Discord slash commands; print the invite and
                                 Interactions Endpoint URLs
  register --slack-manifest [file] [--url https://host] [--socket-mode | --oauth]
                                 write the Slack app manifest (--oauth: for many workspaces)
  query <key:value…> [--json] [--chart file.png] [--csv [file.csv]]
                                 print a leaderboard (sample data when KEYAPI_TOKEN is unset); write
                                 its chart (a missing period costs 1 credit) or its rows as CSV
  export --subscription <id> --periods 8
                                 print a subscription's leaderboard history as one CSV (from history)
  digest run --type day|week|month [--date YYYY-MM-DD] [--slot …]
                                 run a digest tick now (same once-only rule as the schedule)
  alerts run [--date YYYY-MM-DD] run the rank alert check for a day and the watch check
  doctor [--spend-credit]        check configuration, Redis, Discord, Slack (and the KeyAPI key)
  status [--channel <ref>]       a channel's deliveries, prices and credits spent (costs nothing)
  subscriptions export [file] [--team <team>]
                                 every subscription (or one team's) as JSON lines (standard output
                                 without a file)
  subscriptions import <file>    restore them (validated first; what is there already is kept)
  team forget <team>             delete everything of one team (slack:T… or discord:<server id>)
  demo                           run the bot locally on sample data
  help                           this text

Configuration comes from the environment or .env; see .env.example.`;

/** Logs for one-shot commands go to stderr, so stdout is only what the command prints. */
function cliLogger(config: Config) {
  return createLogger({
    level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
    secrets: secretsOf(config),
    destination: pino.destination(2),
  });
}

/** A one-shot command on the core: Redis checked first, its output printed, everything closed after. */
async function withCore(
  config: Config,
  work: (core: ScheduledCore, log: Logger) => Promise<string>,
): Promise<number> {
  await probeRedis(config.REDIS_URL);
  const log = cliLogger(config);
  const core = withSchedules(await createCore(config, log), log);
  try {
    const output = await work(core, log);
    if (output) process.stdout.write(`${output}\n`);
    return 0;
  } finally {
    await core.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...args] = argv;
  const print = (text: string) => process.stdout.write(`${text}\n`);
  if (command === 'help' || command === '--help' || command === '-h') {
    print(`${usage}\n\n${commands.map((c) => renderConsole(usageView(c))).join('\n\n')}`);
    return 0;
  }
  if (command === 'doctor') {
    const spendCredit = args.includes('--spend-credit');
    const checks = await runChecks(readEnvironment(), spendCredit);
    print(formatChecks(checks, spendCredit));
    return checks.every((c) => c.ok) ? 0 : 1;
  }
  const config = loadConfig();

  switch (command) {
    case 'start': {
      const log = createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config) });
      const role = parseRole(args);
      // A bot keeps V8's default heap growth (fewer collections while it answers); a process that only
      // delivers keeps its memory flat.
      if (role === 'worker') keepHeapNearLiveSize();
      const bot = await startBot(config, log, role);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'shutting down');
          bot.stop().then(resolve, (error: unknown) => {
            log.error({ err: error }, 'unclean shutdown');
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      return 0;
    }
    case 'register':
      print(await runRegister(args, config, cliLogger(config)));
      return 0;
    case 'digest':
    case 'alerts':
      return withCore(config, async (core, log) => {
        const { adapters, live } = createPlatformAdapters(config, core, log, false);
        try {
          await Promise.all(live.map((adapter) => adapter.start()));
          const deps = { core, adapters, log };
          return await (command === 'digest' ? runDigestCommand(args, deps) : runAlertsCommand(args, deps));
        } finally {
          await Promise.all(live.map((adapter) => adapter.stop()));
        }
      });
    case 'status':
      return withCore(config, (core, log) => runStatusCommand(args, core, log));
    case 'subscriptions':
      return withCore(config, (core) => runSubscriptionsCommand(args, core.subscriptions));
    case 'team':
      return withCore(config, async (core) => {
        const queues = createQueues(core.queueRedis, core.prefix, core.tickQueue);
        try {
          return await runTeamCommand(args, { core, deliver: queues.deliver });
        } finally {
          await queues.close();
        }
      });
    case 'query': {
      const log = cliLogger(config);
      const stack = await openLocalStack(config, log, { sample: !config.KEYAPI_TOKEN });
      try {
        print(await runQuery(args, stack.core, stack.sample, log));
        return 0;
      } finally {
        await stack.close();
      }
    }
    case 'export': {
      await probeRedis(config.REDIS_URL);
      const log = cliLogger(config);
      const core = await createCore(config, log);
      try {
        print(await runExport(args, core));
        return 0;
      } finally {
        await core.close();
      }
    }
    case 'demo': {
      const log = cliLogger(config);
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
        const io = {
          input: process.stdin,
          output: process.stdout,
          interactive: process.stdin.isTTY === true,
        };
        await runDemo(ctx, io, { core: stack.core });
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
    else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
