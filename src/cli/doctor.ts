/**
 * `toprank doctor`: checks a deployment before it goes live and says how to fix what fails:
 * configuration, Redis (reachable, version, eviction policy), the Discord and Slack tokens with free
 * calls, and the KeyAPI key only with --spend-credit (each request costs a credit).
 */
import { Redis } from 'ioredis';
import { type Config, ConfigError, loadConfig, redactUrl } from '../config.js';
import { messageFor, ToprankError } from '../errors.js';
import { createKeyApiClient } from '../keyapi/client.js';
import { createLogger } from '../log.js';
import { latestCompletePeriod, toDateString } from '../ranking/period.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or, when not ok, the fix. */
  detail: string;
}

/** BullMQ needs Redis 6.2 or newer. */
const MIN_REDIS = [6, 2];

async function checkRedis(url: string): Promise<Check[]> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info();
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
    const version = field('redis_version');
    const [major = 0, minor = 0] = version.split('.').map(Number);
    const policy = field('maxmemory_policy');
    return [
      { name: 'Redis reachable', ok: true, detail: redactUrl(url) },
      {
        name: 'Redis version',
        ok: major > (MIN_REDIS[0] ?? 0) || (major === MIN_REDIS[0] && minor >= (MIN_REDIS[1] ?? 0)),
        detail: `${version} (BullMQ needs ${MIN_REDIS.join('.')} or newer)`,
      },
      {
        name: 'Redis eviction policy',
        ok: policy === 'noeviction',
        detail:
          policy === 'noeviction'
            ? 'noeviction'
            : `${policy || 'unknown'}: set maxmemory-policy noeviction (redis-cli config set maxmemory-policy noeviction), or evicted keys lose queued digests`,
      },
    ];
  } catch {
    return [
      { name: 'Redis reachable', ok: false, detail: `no answer at REDIS_URL: start Redis or fix REDIS_URL` },
    ];
  } finally {
    redis.disconnect();
  }
}

async function checkDiscord(config: Config): Promise<Check> {
  const api = config.DISCORD_API_URL ?? 'https://discord.com/api';
  try {
    const response = await fetch(`${api}/v10/applications/@me`, {
      headers: { authorization: `Bot ${config.DISCORD_TOKEN}` },
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 401) {
      return {
        name: 'Discord token',
        ok: false,
        detail: 'rejected (401): reset the bot token in the Developer Portal and set DISCORD_TOKEN',
      };
    }
    if (!response.ok)
      return { name: 'Discord token', ok: false, detail: `Discord answered HTTP ${response.status}` };
    const app = (await response.json()) as { id?: string; name?: string; verify_key?: string };
    if (app.id !== config.DISCORD_APPLICATION_ID) {
      return {
        name: 'Discord token',
        ok: false,
        detail: `the token belongs to application ${app.id}: set DISCORD_APPLICATION_ID=${app.id}`,
      };
    }
    const publicKey = config.DISCORD_PUBLIC_KEY?.toLowerCase();
    if (publicKey && publicKey !== app.verify_key) {
      // A wrong key refuses every interaction Discord sends over HTTP (401), and the portal refuses the URL.
      return {
        name: 'Discord token',
        ok: false,
        detail: `DISCORD_PUBLIC_KEY is not this application's public key: set DISCORD_PUBLIC_KEY=${app.verify_key}`,
      };
    }
    return { name: 'Discord token', ok: true, detail: `application "${app.name}" (${app.id})` };
  } catch {
    return {
      name: 'Discord token',
      ok: false,
      detail: `${api} did not answer: check the network or DISCORD_API_URL`,
    };
  }
}

async function checkSlack(config: Config): Promise<Check> {
  const api = config.SLACK_API_URL ?? 'https://slack.com/api/';
  try {
    const response = await fetch(`${api}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.SLACK_BOT_TOKEN}` },
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { ok?: boolean; error?: string; team?: string; user?: string };
    if (!body.ok) {
      return {
        name: 'Slack token',
        ok: false,
        detail: `${body.error ?? `HTTP ${response.status}`}: reinstall the app and set SLACK_BOT_TOKEN (xoxb-…)`,
      };
    }
    return { name: 'Slack token', ok: true, detail: `@${body.user} in ${body.team}` };
  } catch {
    return {
      name: 'Slack token',
      ok: false,
      detail: `${api} did not answer: check the network or SLACK_API_URL`,
    };
  }
}

async function checkKeyApi(config: Config): Promise<Check> {
  if (!config.KEYAPI_TOKEN)
    return {
      name: 'KeyAPI key',
      ok: false,
      detail: 'KEYAPI_TOKEN is not set: get a key at https://keyapi.ai',
    };
  const client = createKeyApiClient({
    baseUrl: config.KEYAPI_BASE_URL,
    token: config.KEYAPI_TOKEN,
    qps: 1,
    maxAttempts: 1,
    log: createLogger({ level: 'silent' }),
  });
  try {
    const date = latestCompletePeriod('day', toDateString(new Date())).date;
    await client.fetchPage({ date, region: 'US', rankType: 1, rankField: 1, pageNum: 1, pageSize: 1 });
    return { name: 'KeyAPI key', ok: true, detail: `accepted by ${config.KEYAPI_BASE_URL} (1 credit spent)` };
  } catch (error) {
    return {
      name: 'KeyAPI key',
      ok: false,
      detail: error instanceof ToprankError ? messageFor(error) : String(error),
    };
  }
}

/** Runs every check that applies; prints nothing. */
export async function runChecks(env: NodeJS.ProcessEnv, spendCredit: boolean): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError)
      return [{ name: 'Configuration', ok: false, detail: error.problems.join('; ') }];
    throw error;
  }
  const checks: Check[] = [{ name: 'Configuration', ok: true, detail: 'every variable is valid' }];
  checks.push(...(await checkRedis(config.REDIS_URL)));
  if (config.DISCORD_TOKEN) checks.push(await checkDiscord(config));
  if (config.SLACK_BOT_TOKEN) checks.push(await checkSlack(config));
  if (!config.DISCORD_TOKEN && !config.SLACK_BOT_TOKEN) {
    checks.push({
      name: 'Chat platforms',
      ok: false,
      detail: 'neither Discord nor Slack is configured: set DISCORD_TOKEN or SLACK_BOT_TOKEN',
    });
  }
  if (spendCredit) checks.push(await checkKeyApi(config));
  return checks;
}

/** The report as printed: one ✓/✗ line per check, then a hint about the KeyAPI check. */
export function formatChecks(checks: Check[], spendCredit: boolean): string {
  const lines = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  if (!spendCredit)
    lines.push('– KeyAPI key: not checked (it costs 1 credit); run `toprank doctor --spend-credit`');
  return lines.join('\n');
}
