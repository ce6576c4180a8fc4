/**
 * The `key:value` text every text-based platform takes (Slack, the terminal):
 * `region:US type:week category:"Beauty & Personal Care"`. Keys are lowercased; values are left to the
 * command's zod schema, the same one Discord's typed options go through.
 */
import { ToprankError } from '../errors.js';

export interface ParsedText {
  /** The text asked for usage (`help`, or nothing but `?`). */
  help: boolean;
  values: Record<string, string>;
}

// key:value, where value may be "quoted" (Slack turns quotes into “curly” ones).
const tokenPattern = /([A-Za-z_]+):(?:"([^"]*)"|“([^”]*)”|(\S*))|(\S+)/g;

/** Splits text into options; a word that is not key:value is refused, naming the word. */
export function parseKeyValueText(text: string, command: string): ParsedText {
  const values: Record<string, string> = {};
  let help = false;
  for (const match of text.trim().matchAll(tokenPattern)) {
    const [, key, doubleQuoted, curlyQuoted, plain, bare] = match;
    if (bare !== undefined) {
      if (['help', '?', '--help', '-h'].includes(bare.toLowerCase())) {
        help = true;
        continue;
      }
      throw new ToprankError('malformed_input', { value: bare, command });
    }
    values[(key ?? '').toLowerCase()] = (doubleQuoted ?? curlyQuoted ?? plain ?? '').trim();
  }
  return { help, values };
}
