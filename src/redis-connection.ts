/**
 * How toprank connects to Redis, in one place: REDIS_URL read into ioredis options (TLS for rediss://),
 * Redis Cluster detected from the server itself (any one node's URL is enough), and a REDIS_URL that
 * cannot work told apart: nothing there, a refused password, or something that is not Redis.
 * Imports only the configuration's redaction and the error table; knows no key and no queue.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from './config.js';
import { ToprankError } from './errors.js';

/** A connection to one Redis or to a Redis Cluster: every module takes either. */
export type RedisClient = Redis | Cluster;

/**
 * `commands`: cache, subscriptions and markers, failing fast while Redis is down so that commands still
 * answer. `queue`: BullMQ's, which must wait for Redis however long it takes (maxRetriesPerRequest: null).
 */
export type RedisPurpose = 'commands' | 'queue';

const purposes: Record<RedisPurpose, RedisOptions> = {
  commands: { maxRetriesPerRequest: 1, commandTimeout: 5_000 },
  queue: { maxRetriesPerRequest: null },
};

interface Endpoint {
  host: string;
  port: number;
  /** Credentials, database and TLS, as each node of a cluster takes them too. */
  options: RedisOptions;
}

function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1));
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    options: {
      username: decodeURIComponent(parsed.username) || undefined,
      password: decodeURIComponent(parsed.password) || undefined,
      ...(db > 0 && { db }),
      // Managed Redis requires TLS; certificates are checked against Node's CAs (NODE_EXTRA_CA_CERTS adds one).
      ...(parsed.protocol === 'rediss:' && { tls: {} }),
    },
  };
}

/** A client for `purpose`: a Cluster client when the server is a cluster node, else a plain one. */
export function connectRedis(url: string, cluster: false, purpose: RedisPurpose): Redis;
export function connectRedis(url: string, cluster: boolean, purpose: RedisPurpose): RedisClient;
export function connectRedis(url: string, cluster: boolean, purpose: RedisPurpose): RedisClient {
  const { host, port, options } = endpointOf(url);
  const redisOptions = { ...options, ...purposes[purpose] };
  if (!cluster) return new Redis({ host, port, ...redisOptions });
  return new Cluster([{ host, port }], {
    redisOptions,
    // Behind TLS, nodes must be reached by the names their certificates carry, not resolved addresses.
    ...(options.tls && { dnsLookup: (address, callback) => callback(null, address) }),
  });
}

/** What a Redis server says about itself. */
export interface RedisServer {
  /** The node runs with cluster-enabled yes. */
  cluster: boolean;
  /** Its INFO reply (server, memory, persistence, cluster… sections). */
  info: string;
}

const AUTH_REFUSED = /^(WRONGPASS|NOAUTH)|invalid (username-)?password/i;

/** The sentence for a failed probe: an answer refusing the password, no connection, or not Redis. */
function problemOf(url: string, error: unknown, connected: boolean): ToprankError {
  const value = redactUrl(url);
  const message = error instanceof Error ? error.message : String(error);
  if (AUTH_REFUSED.test(message)) return new ToprankError('redis_auth_failed', { value }, { cause: error });
  if (!connected) {
    const reason = (error as { code?: string }).code ?? 'no answer';
    return new ToprankError('redis_unreachable', { value, reason }, { cause: error });
  }
  return new ToprankError('redis_not_redis', { value }, { cause: error });
}

/**
 * Connects once, without retrying, and reads INFO. Throws a ToprankError (redis_unreachable,
 * redis_auth_failed or redis_not_redis) whose sentence names REDIS_URL, its password redacted.
 */
export async function probeRedis(url: string, timeoutMs = 3_000): Promise<RedisServer> {
  const { host, port, options } = endpointOf(url);
  const probe = new Redis({
    host,
    port,
    ...options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // ioredis reports the cause as an event, then rejects with a bare "Connection is closed".
  let cause: Error | undefined;
  let connected = false;
  probe.on('error', (error: Error) => {
    cause ??= error;
  });
  probe.once('connect', () => {
    connected = true;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), timeoutMs);
  });
  try {
    const info = await Promise.race([probe.connect().then(() => probe.info()), timeout]);
    return { cluster: /^cluster_enabled:1/m.test(info), info };
  } catch (error) {
    throw problemOf(url, cause ?? error, connected);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

export interface RedisConnections {
  /** For cache, subscriptions and markers (fails fast). */
  redis: RedisClient;
  /** For BullMQ queues and workers (waits). */
  queueRedis: RedisClient;
}

/**
 * The two connections of a process, of the kind the server calls for. A Redis down at this moment
 * is taken as a single server: commands still answer uncached, and `start` refuses before this.
 */
export async function openRedis(url: string): Promise<RedisConnections> {
  const cluster = await probeRedis(url).then(
    (server) => server.cluster,
    () => false,
  );
  return {
    redis: connectRedis(url, cluster, 'commands'),
    queueRedis: connectRedis(url, cluster, 'queue'),
  };
}

/**
 * Every key matching `pattern`, found with SCAN (never KEYS, which blocks the server). On a cluster,
 * every primary is scanned: toprank's keys share one hash tag, so one of them holds them all.
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found = new Set<string>();
  for (const node of nodes) {
    for await (const batch of node.scanStream({ match: pattern, count: 500 })) {
      for (const key of batch as string[]) found.add(key);
    }
  }
  return [...found];
}
