/**
 * A real 3-node Redis Cluster for a test file: three redis-server processes with cluster mode on
 * (each in its own temp folder), joined by `redis-cli --cluster create`, waited for until
 * cluster_state:ok. Names the node that does NOT own a key's slot, to connect through it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { type LocalRedis, startLocalRedis } from '../../src/local-redis.js';

const run = promisify(execFile);

export interface TestCluster {
  /** One URL per node, redis://127.0.0.1:<port>. */
  urls: string[];
  /** The URL of a node that does not own `key`'s slot (a client there gets MOVED). */
  urlNotOwning(key: string): Promise<string>;
  /** The URL of the node that owns `key`'s slot. */
  urlOwning(key: string): Promise<string>;
  stop(): Promise<void>;
}

async function clusterInfo(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    return String(await redis.cluster('INFO'));
  } finally {
    redis.disconnect();
  }
}

export async function startTestCluster(): Promise<TestCluster> {
  const nodes: LocalRedis[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startLocalRedis({
          // nodes.conf goes to the node's own --dir; AOF on, as a production cluster would have it.
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--appendonly', 'yes'],
        }),
      );
    }
    const addresses = nodes.map((n) => n.url.replace('redis://', ''));
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      while (!(await clusterInfo(node.url)).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`cluster not ok at ${node.url}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }
  const urls = nodes.map((n) => n.url);

  async function owner(key: string): Promise<string> {
    const redis = new Redis(urls[0] ?? '');
    try {
      const slot = Number(await redis.cluster('KEYSLOT', key));
      const ranges = await redis.cluster('SLOTS');
      const [, , primary] = ranges.find(([from, to]) => slot >= from && slot <= to) ?? [];
      if (!primary) throw new Error(`no node serves slot ${slot}`);
      return `redis://127.0.0.1:${primary[1]}`;
    } finally {
      redis.disconnect();
    }
  }

  return {
    urls,
    urlOwning: owner,
    async urlNotOwning(key) {
      const owning = await owner(key);
      const other = urls.find((u) => u !== owning);
      if (!other) throw new Error('a cluster of one node');
      return other;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
