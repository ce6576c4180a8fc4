/**
 * Starts a throwaway `redis-server` on a free loopback port in a temporary folder, for the demo and
 * the tests when no REDIS_URL is given. Fails loudly, with the install command, when Redis is missing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

const REDIS_INSTALL_HINT = 'apt-get install -y redis-server   (or: brew install redis)';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface LocalRedisOptions {
  /** More redis-server arguments, after ours (later ones win): persistence, cluster mode, TLS. */
  args?: string[];
}

export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(`redis-server is not installed. Install it with: ${REDIS_INSTALL_HINT}`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'toprank-redis-'));
  const child = spawn(
    'redis-server',
    // BullMQ needs every key kept: never evict.
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await waitUntilReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
}
