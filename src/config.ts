/**
 * The configuration contract of DESIGN.md: environment variables (and `.env`), validated once at start.
 * `loadConfig` throws one ConfigError listing every bad or missing variable, never echoing a secret.
 * Imports only the small rule modules it shares with the commands (time of day, region codes).
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isRegionCode } from './ranking/regions.js';
import { timeOfDaySchema, timeZoneSchema } from './time-zone.js';

const secretNames = [
  'KEYAPI_TOKEN',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
];

const optionalText = z.string().trim().optional();

const url = (example: string, protocol = /^https?:$/) =>
  z
    .string()
    .trim()
    .refine((s) => URL.canParse(s) && protocol.test(new URL(s).protocol), {
      message: `must be a URL such as ${example}`,
    });

// fetch() refuses a URL with credentials ("Request cannot be constructed from a URL that includes
// credentials"), and every HTTP API here takes its key from its own variable.
const apiUrl = (example: string) =>
  url(example).refine((s) => !URL.canParse(s) || !hasUserinfo(new URL(s)), {
    message: 'must not contain a user or password (the key goes in its own variable)',
  });

function hasUserinfo(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

const encodePassword = 'percent-encode %, / and @ in a password (as %25, %2F, %40)';

/** True when the user and password decode (ioredis decodes them, and throws "URI malformed" on a bare %). */
function userinfoDecodes(s: string): boolean {
  if (!URL.canParse(s)) return true;
  const { username, password } = new URL(s);
  try {
    decodeURIComponent(username);
    decodeURIComponent(password);
    return true;
  } catch {
    return false;
  }
}

const port = (example: string) =>
  z.coerce
    .number({ message: `must be a port number such as ${example}` })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535');

const snowflake = (what: string) =>
  optionalText.refine((s) => s === undefined || /^\d{17,20}$/.test(s), {
    message: `must be a ${what} (a number of 17–20 digits)`,
  });

/** `0,1`, `0-3` or both (`0-3,8`): the gateway shards one bot process holds, sorted, each once. */
const shardIds = z
  .string()
  .trim()
  .regex(/^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$/, 'must be shard ids such as 0,1 or 0-3')
  .transform((list, ctx) => {
    const ids = new Set<number>();
    for (const part of list.split(',')) {
      const [from = 0, to = from] = part.split('-').map(Number);
      if (to < from) ctx.addIssue({ code: 'custom', message: `has a backwards range ${part}` });
      for (let id = from; id <= to; id += 1) ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  });

/** A fair limit on interactive credits: a whole number, 0 meaning no limit. */
function creditLimit(fallback: number) {
  return z.coerce
    .number({ message: 'must be a whole number such as 30 (0 = no limit)' })
    .int('must be a whole number such as 30 (0 = no limit)')
    .min(0, 'must be 0 (no limit) or more')
    .default(fallback);
}

const schema = z.object({
  KEYAPI_TOKEN: optionalText,
  KEYAPI_BASE_URL: apiUrl('https://api.keyapi.ai').default('https://api.keyapi.ai'),
  KEYAPI_QPS: z.coerce
    .number({ message: 'must be a number such as 5' })
    .min(0.1, 'must be at least 0.1')
    .max(100, 'must be at most 100')
    .default(5),
  KEYAPI_DAILY_CREDIT_LIMIT: z.coerce
    .number({ message: 'must be a whole number such as 5000' })
    .int('must be a whole number such as 5000')
    .min(0, 'must be 0 (no limit) or more')
    .default(0),
  REDIS_URL: url(`redis://127.0.0.1:6379; ${encodePassword}`, /^rediss?:$/)
    .refine(userinfoDecodes, { message: encodePassword.replace('percent-encode', 'must percent-encode') })
    // Anything after the host but a database number is a password cut short by a `/` it holds.
    .refine((s) => !URL.canParse(s) || /^\/?\d*$/.test(new URL(s).pathname), {
      message: `must end in host:port and at most a database number (redis://:password@host:6379/0); ${encodePassword}`,
    })
    .default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^\{[\w.-]+\}$/, 'must be one Redis Cluster hash tag such as {toprank}')
    .default('{toprank}'),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: snowflake('Discord application id'),
  DISCORD_GUILD_ID: snowflake('Discord server (guild) id'),
  DISCORD_API_URL: apiUrl('https://discord.com/api')
    .refine((s) => !/\/v\d+\/?$/.test(s) && !s.endsWith('/'), {
      message: 'must have no version suffix and no trailing slash, e.g. https://discord.com/api',
    })
    .optional(),
  DISCORD_PUBLIC_KEY: optionalText.refine((s) => s === undefined || /^[0-9a-f]{64}$/i.test(s), {
    message:
      "must be the application's public key: 64 hex characters (Developer Portal, General Information)",
  }),
  DISCORD_SHARDS: z
    .string()
    .trim()
    .regex(/^(auto|[1-9]\d{0,4})$/, 'must be auto or a number of shards such as 2')
    .transform((s) => (s === 'auto' ? ('auto' as const) : Number(s)))
    .optional(),
  DISCORD_SHARD_IDS: shardIds.optional(),
  SLACK_BOT_TOKEN: optionalText.refine((s) => s === undefined || s.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((s) => s === undefined || s.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_API_URL: apiUrl('https://slack.com/api/')
    .refine((s) => s.endsWith('/api/'), { message: 'must end in /api/, e.g. https://slack.com/api/' })
    .optional(),
  SLACK_MANAGERS: z
    .string()
    .trim()
    .transform((s) =>
      s
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^[UWS][A-Z0-9]{2,}$/, {
          message:
            'must be comma-separated Slack user ids (U…, W…) or user-group ids (S…), e.g. U012AB3CD,S0614TZR7',
        }),
      ),
    )
    .default([]),
  // Slack OAuth: many workspaces (issue 13). The client id is public; the secrets are named, never shown.
  SLACK_CLIENT_ID: optionalText.refine((s) => s === undefined || /^\d+\.\d+$/.test(s), {
    message: "must be the app's client id, two numbers joined by a dot (Basic Information, App Credentials)",
  }),
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.refine((s) => s === undefined || s.length >= 16, {
    message: 'must be at least 16 random characters (e.g. openssl rand -hex 32)',
  }),
  PORT: port('3000').default(3000),
  // Its own port keeps /metrics off the public one beside /slack/events; unset, PORT serves it.
  METRICS_PORT: port('9464').optional(),
  DIGEST_TIME: timeOfDaySchema.default('09:00'),
  DIGEST_TIMEZONE: timeZoneSchema.default('UTC'),
  HISTORY_PERIODS: z.coerce
    .number({ message: 'must be a whole number such as 12' })
    .int('must be a whole number such as 12')
    .min(8, 'must be at least 8 (a chart shows the last 8 periods)')
    .max(120, 'must be at most 120')
    .default(12),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  // Credits under control (issue 11).
  KEYAPI_DIGEST_RESERVE: z
    .string()
    .trim()
    .regex(/^(\d+|\d{1,2}%|100%)$/, 'must be a number of credits such as 500, or a share such as 20%')
    .default('20%'),
  CREDITS_PER_USER_HOUR: creditLimit(30),
  CREDITS_PER_CHANNEL_HOUR: creditLimit(100),
  CREDITS_PER_TEAM_DAY: creditLimit(0),
  TOPRANK_EXTRA_REGIONS: z
    .string()
    .trim()
    .transform((s) =>
      s
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((c) => c.toUpperCase()),
    )
    .refine((codes) => codes.every(isRegionCode), {
      message: 'must be 2-letter region codes separated by commas, such as KR,SA',
    })
    .default([]),
  // Watchlists and alerts people can live with (issue 15).
  ALERTS_PER_CHANNEL_DAY: z.coerce
    .number({ message: 'must be a whole number such as 6' })
    .int('must be a whole number such as 6')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(6),
});

/** The credits KEYAPI_DIGEST_RESERVE keeps for scheduled digests and alerts out of the daily cap. */
export function digestReserveOf(
  config: Pick<Config, 'KEYAPI_DAILY_CREDIT_LIMIT' | 'KEYAPI_DIGEST_RESERVE'>,
): number {
  const limit = config.KEYAPI_DAILY_CREDIT_LIMIT;
  const text = config.KEYAPI_DIGEST_RESERVE;
  const credits = text.endsWith('%') ? Math.floor((limit * Number(text.slice(0, -1))) / 100) : Number(text);
  return Math.min(credits, limit);
}

/** The validated configuration; names follow the environment contract of DESIGN.md. */
export type Config = z.output<typeof schema>;

/** Raised at start when the environment is unusable; its message lists every problem and its fix. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Validates `env` (default: process.env, after reading `.env` when present). */
export function loadConfig(environment: NodeJS.ProcessEnv = readEnvironment()): Config {
  // An empty variable (`DISCORD_API_URL=` as in .env.example) means unset.
  const env = Object.fromEntries(Object.entries(environment).filter(([, value]) => value?.trim()));
  const result = schema.safeParse(env);
  const missing = [
    ...missingCompanions(env),
    ...portClash(result.data),
    ...(result.success ? shardProblems(result.data) : []),
    ...slackOAuthProblems(env),
  ];
  if (result.success && missing.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => {
    const name = String(issue.path[0]);
    const raw = env[name];
    // Secrets are named, never shown; any URL is shown without its user and password.
    const shown = raw === undefined || secretNames.includes(name) ? '' : ` (got "${redactUrl(raw)}")`;
    return `${name} ${issue.message}${shown}`;
  });
  throw new ConfigError([...problems, ...missing]);
}

/** Variables that only work together: each set one names the one it lacks. Checked on the raw values. */
function missingCompanions(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => env[name] !== undefined;
  const needs: [string, string][] = [
    ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
    ['DISCORD_APPLICATION_ID', 'DISCORD_TOKEN'],
    ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    // The signing secret goes with a bot token, or with OAuth (slackOAuthProblems).
    ['SLACK_SIGNING_SECRET', set('SLACK_CLIENT_ID') ? 'SLACK_CLIENT_ID' : 'SLACK_BOT_TOKEN'],
    ['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN'],
    ['DISCORD_PUBLIC_KEY', 'DISCORD_TOKEN'],
    ['DISCORD_SHARDS', 'DISCORD_TOKEN'],
    ['DISCORD_SHARD_IDS', 'DISCORD_SHARDS'],
  ];
  return needs
    .filter(([given, needed]) => set(given) && !set(needed))
    .map(([given, needed]) => `${needed} is required when ${given} is set`);
}

/** Slack OAuth: all three variables, HTTP mode, and never beside a single workspace's bot token. */
function slackOAuthProblems(env: NodeJS.ProcessEnv): string[] {
  const oauth = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const given = oauth.filter((name) => env[name] !== undefined);
  if (given.length === 0) return [];
  const problems = oauth
    .filter((name) => env[name] === undefined)
    .map((name) => `${name} is required when ${given[0]} is set (Slack OAuth needs all three)`);
  if (env.SLACK_BOT_TOKEN !== undefined) {
    problems.push(
      'SLACK_BOT_TOKEN and SLACK_CLIENT_ID are two ways to run Slack: set SLACK_BOT_TOKEN for one workspace, or the SLACK_CLIENT_* variables to install in many, not both',
    );
  }
  if (env.SLACK_APP_TOKEN !== undefined) {
    problems.push(
      'SLACK_APP_TOKEN (Socket Mode) serves one workspace: unset it to install by OAuth, over HTTP at /slack/events',
    );
  }
  if (env.SLACK_SIGNING_SECRET === undefined) {
    problems.push('SLACK_SIGNING_SECRET is required when SLACK_CLIENT_ID is set (OAuth runs in HTTP mode)');
  }
  return problems;
}

/** Sharding is the gateway's: it does not mix with HTTP interactions, and ids stay below the count. */
function shardProblems(config: Config): string[] {
  const count = config.DISCORD_SHARDS;
  if (count !== undefined && config.DISCORD_PUBLIC_KEY) {
    return [
      'DISCORD_SHARDS applies to the gateway only: unset it, or unset DISCORD_PUBLIC_KEY to use the gateway',
    ];
  }
  const outside = typeof count === 'number' ? config.DISCORD_SHARD_IDS?.find((id) => id >= count) : undefined;
  return outside === undefined
    ? []
    : [
        `DISCORD_SHARD_IDS lists shard ${outside}, but DISCORD_SHARDS is ${count} (ids 0 to ${Number(count) - 1})`,
      ];
}

/** Two servers cannot listen on one port. */
function portClash(config: Config | undefined): string[] {
  return config?.METRICS_PORT === config?.PORT && config?.METRICS_PORT !== undefined
    ? [`METRICS_PORT must differ from PORT (both are ${config.PORT}); unset it to serve /metrics on PORT`]
    : [];
}

/** The environment, after reading `.env` when present. */
export function readEnvironment(): NodeJS.ProcessEnv {
  // Node 20.12+ reads .env natively; variables already set in the environment win.
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/**
 * A URL fit to print: any user and password in it replaced by ***. The parser finds the userinfo
 * whatever it holds; a URL it cannot parse (a `/` in the password, say) loses everything between `//`
 * and the last `@`, since the password may hold any character but the host holds no `@`.
 */
export function redactUrl(url: string): string {
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    // An `@` after the host means the parser ended the userinfo early (at a `/` of the password).
    const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    if (parsed.host !== '' && !rest.includes('@')) {
      if (!hasUserinfo(parsed)) return url;
      parsed.username = '***';
      parsed.password = '';
      return parsed.href;
    }
  }
  const start = url.indexOf('//');
  const at = url.lastIndexOf('@');
  if (at === -1) return url;
  // No `//` at all (`redis:pw@host`): everything before the last `@` after the scheme may be secret.
  const from = start === -1 ? url.indexOf(':') + 1 : start + 2;
  return at > from ? `${url.slice(0, from)}***@${url.slice(at + 1)}` : url;
}

/** Every secret value present in the configuration (the Redis password too), for log redaction. */
export function secretsOf(config: Config): string[] {
  return [
    config.KEYAPI_TOKEN,
    config.DISCORD_TOKEN,
    config.SLACK_BOT_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.SLACK_APP_TOKEN,
    config.SLACK_CLIENT_SECRET,
    config.SLACK_STATE_SECRET,
    decodeURIComponent(new URL(config.REDIS_URL).password),
  ].filter((s): s is string => s !== undefined && s.length > 0);
}
