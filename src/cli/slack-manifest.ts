/**
 * `toprank register --slack-manifest [file]`: writes the Slack app manifest (JSON, which Slack's
 * "create from manifest" accepts) to the file, or to stdout. Socket Mode when SLACK_APP_TOKEN is set.
 * Wiring only; the manifest itself is built in src/adapters/slack/manifest.ts.
 */
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { buildSlackManifest } from '../adapters/slack/manifest.js';
import type { Config } from '../config.js';

export interface WriteSlackManifestOptions {
  /** The public origin of the HTTP server, e.g. `https://toprank.example.com` (default: a placeholder). */
  baseUrl?: string;
  /** Force Socket Mode on or off (default: on when SLACK_APP_TOKEN is set). */
  socketMode?: boolean;
  /** Where to print when no file is given (default: stdout). */
  output?: Writable;
}

/** Writes the manifest; returns the JSON written. */
export async function writeSlackManifest(
  config: Config,
  file?: string,
  options: WriteSlackManifestOptions = {},
): Promise<string> {
  const manifest = buildSlackManifest({
    socketMode: options.socketMode ?? config.SLACK_APP_TOKEN !== undefined,
    baseUrl: options.baseUrl,
  });
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  if (file) await writeFile(file, json, 'utf8');
  else (options.output ?? process.stdout).write(json);
  return json;
}
