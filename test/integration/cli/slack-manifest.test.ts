/**
 * `toprank register --slack-manifest [file]`: the manifest lands in the file (or on stdout) as JSON,
 * in Socket Mode exactly when SLACK_APP_TOKEN is set.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeSlackManifest } from '../../../src/cli/slack-manifest.js';
import { loadConfig } from '../../../src/config.js';

const httpConfig = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-1', SLACK_SIGNING_SECRET: 'secret-test-1' });
const socketConfig = loadConfig({
  ...httpConfig,
  SLACK_APP_TOKEN: 'xapp-test-1',
} as unknown as NodeJS.ProcessEnv);

describe('writeSlackManifest', () => {
  it('writes the HTTP-mode manifest as JSON to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toprank-manifest-'));
    try {
      const file = join(dir, 'slack-manifest.json');
      await writeSlackManifest(httpConfig, file, { baseUrl: 'https://bot.example.com' });
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      expect(manifest.settings.socket_mode_enabled).toBe(false);
      expect(manifest.settings.interactivity.request_url).toBe('https://bot.example.com/slack/events');
      expect(manifest.features.slash_commands[0].command).toBe('/toprank');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a Socket Mode manifest when SLACK_APP_TOKEN is set, with no secret in it', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => {
      printed += c.toString();
    });
    await writeSlackManifest(socketConfig, undefined, { output });
    expect(JSON.parse(printed).settings.socket_mode_enabled).toBe(true);
    expect(printed).not.toMatch(/xoxb-|xapp-|secret-test/);
  });
});
