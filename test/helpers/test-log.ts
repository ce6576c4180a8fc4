/**
 * A logger for tests that keeps every line in memory, so a test can assert what was (and was not) logged.
 */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/log.js';

export interface TestLog {
  log: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Everything logged so far, as raw text. */
  text(): string;
}

export function createTestLog(options: { level?: string; secrets?: string[] } = {}): TestLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger({ level: options.level ?? 'debug', secrets: options.secrets ?? [], destination });
  return {
    log,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
