/**
 * Starts test/helpers/worker-process.ts (or another helper script that prints "ready") as a child
 * process and resolves once it is ready, with the line it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const script = resolve(import.meta.dirname, 'worker-process.ts');

export interface ChildWorker {
  process: ChildProcess;
  /** The line that said "ready". */
  readyLine: string;
  /** SIGKILL: the process dies mid-work, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown path. */
  stop(): Promise<number | null>;
}

export async function startChildWorker(
  env: Record<string, string>,
  scriptPath: string = script,
): Promise<ChildWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const readyLine = await new Promise<string>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((l) => l.includes('ready'));
      if (line !== undefined) ready(line);
    });
    child.once('exit', (code) => fail(new Error(`worker process exited (${code}) before ready:\n${stderr}`)));
  });
  return {
    process: child,
    readyLine,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
