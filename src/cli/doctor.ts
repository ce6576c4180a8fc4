/**
 * `toprank doctor`: checks a deployment before it goes live and says how to fix what fails:
 * configuration, Redis (reachable, version, eviction policy, persistence, cluster slot), the Discord
 * and Slack tokens (or Slack OAuth credentials) with free calls, and the KeyAPI key only with
 * --spend-credit (each costs a credit).
 */
import type { Redis } from 'ioredis';
import { type Config, ConfigError, loadConfig, redactUrl } from '../config.js';
import { messageFor, ToprankError } from '../errors.js';
import { createKeyApiClient } from '../keyapi/client.js';
import { createLogger } from '../log.js';
import { latestCompletePeriod, toDateString } from '../ranking/period.js';
import { connectRedis, probeRedis, type RedisServer } from '../redis-connection.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or, when not ok, the fix. */
  detail: string;
  /** Could not be checked here: printed with `!`, and the doctor still passes. */
  warn?: boolean;
}

/** BullMQ needs Redis 6.2 or newer. */
const MIN_REDIS = [6, 2];

async function checkRedis(config: Config): Promise<Check[]> {
  const url = config.REDIS_URL;
  let server: RedisServer;
  try {
    server = await probeRedis(url);
  } catch (error) {
    // Not reachable, a refused password, or not a Redis: each has its own sentence naming REDIS_URL.
    const detail = error instanceof ToprankError ? messageFor(error) : String(error);
    return [{ name: 'Redis reachable', ok: false, detail }];
  }
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(server.info)?.[1]?.trim() ?? '';
  const version = field('redis_version');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const policy = field('maxmemory_policy');
  const checks: Check[] = [
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
  // The node REDIS_URL names, on its own: keyless commands need no cluster routing.
  const node = connectRedis(url, false, 'commands');
  node.on('error', () => {});
  try {
    checks.push(await checkPersistence(node));
    if (server.cluster) checks.push(await checkCluster(url, node, config.REDIS_KEY_PREFIX));
  } finally {
    node.disconnect();
  }
  return checks;
}

/** Without AOF or RDB snapshots a restart of Redis loses every subscription and queued digest. */
async function checkPersistence(node: Redis): Promise<Check> {
  const name = 'Redis persistence';
  let aof: string | undefined;
  let save: string | undefined;
  try {
    [, aof] = (await node.config('GET', 'appendonly')) as string[];
    [, save] = (await node.config('GET', 'save')) as string[];
  } catch {
    return {
      name,
      ok: true,
      warn: true,
      detail:
        'this Redis refuses CONFIG (managed Redis?): make sure AOF or RDB snapshots are on in its settings, or a restart loses every subscription',
    };
  }
  if (aof === 'yes') return { name, ok: true, detail: 'AOF on (appendonly yes)' };
  if (save) return { name, ok: true, detail: `RDB snapshots (save ${save})` };
  return {
    name,
    ok: false,
    detail:
      'neither AOF nor RDB snapshots are on, so a restart loses every subscription: turn AOF on (redis-cli config set appendonly yes, and appendonly yes in redis.conf)',
  };
}

/** In a cluster, every key of REDIS_KEY_PREFIX lives in one slot: that slot must be served. */
async function checkCluster(url: string, node: Redis, prefix: string): Promise<Check> {
  const name = 'Redis Cluster';
  const cluster = connectRedis(url, true, 'commands');
  cluster.on('error', () => {});
  try {
    const state = /^cluster_state:(\w+)/m.exec(String(await node.cluster('INFO')))?.[1] ?? 'unknown';
    if (state !== 'ok') {
      return {
        name,
        ok: false,
        detail: `cluster_state is ${state}: repair the cluster (redis-cli --cluster check <host>:<port>)`,
      };
    }
    const slot = Number(await node.cluster('KEYSLOT', prefix));
    // Routed to the node owning the prefix's slot, wherever REDIS_URL points.
    await cluster.exists(prefix);
    return { name, ok: true, detail: `cluster_state ok; every key of ${prefix} is in slot ${slot}, reached` };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return { name, ok: false, detail: `the slot of ${prefix} is not reachable (${cause})` };
  } finally {
    cluster.disconnect();
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

/**
 * Slack OAuth, for free: oauth.v2.access with a code that cannot exist. Slack checks the client id and
 * secret before the code, so `invalid_code` means both were accepted.
 */
async function checkSlackOAuth(config: Config): Promise<Check> {
  const api = config.SLACK_API_URL ?? 'https://slack.com/api/';
  const name = 'Slack OAuth app';
  try {
    const response = await fetch(`${api}oauth.v2.access`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: config.SLACK_CLIENT_ID ?? '',
        client_secret: config.SLACK_CLIENT_SECRET ?? '',
        code: 'toprank-doctor-check',
      }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { error?: string };
    if (body.error === 'invalid_code') {
      return {
        name,
        ok: true,
        detail: 'client id and secret accepted; workspaces install at /slack/install',
      };
    }
    const variable = body.error === 'bad_client_secret' ? 'SLACK_CLIENT_SECRET' : 'SLACK_CLIENT_ID';
    return {
      name,
      ok: false,
      detail: `${body.error ?? `HTTP ${response.status}`}: check ${variable} (Basic Information, App Credentials)`,
    };
  } catch {
    return { name, ok: false, detail: `${api} did not answer: check the network or SLACK_API_URL` };
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
  checks.push(...(await checkRedis(config)));
  if (config.DISCORD_TOKEN) checks.push(await checkDiscord(config));
  if (config.SLACK_BOT_TOKEN) checks.push(await checkSlack(config));
  if (config.SLACK_CLIENT_ID) checks.push(await checkSlackOAuth(config));
  if (!config.DISCORD_TOKEN && !config.SLACK_BOT_TOKEN && !config.SLACK_CLIENT_ID) {
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
  const lines = checks.map((c) => `${c.ok ? (c.warn ? '!' : '✓') : '✗'} ${c.name}: ${c.detail}`);
  if (!spendCredit)
    lines.push('– KeyAPI key: not checked (it costs 1 credit); run `toprank doctor --spend-credit`');
  return lines.join('\n');
}
