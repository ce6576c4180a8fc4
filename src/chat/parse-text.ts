/**
 * The `key:value` text every text-based platform takes (Slack, the terminal):
 * `region:US type:week category:"Beauty & Personal Care"`, plus one bare word for the command's
 * positional option (`/toprank US`). Keys are lowercased; values are left to the command's zod schema,
 * the same one Discord's typed options go through.
 */
import { ToprankError } from '../errors.js';

export interface ParsedText {
  /** The text asked for usage (`help`, or nothing but `?`). */
  help: boolean;
  values: Record<string, string>;
}

// key:value, where value may be "quoted" (Slack turns quotes into “curly” ones).
const tokenPattern = /([A-Za-z_]+):(?:"([^"]*)"|“([^”]*)”|(\S*))|(\S+)/g;

/**
 * Splits text into options. One bare word is the value of `positional` (the command's positional
 * option, when it declares one); any other word that is not key:value is refused, naming the word:
 * a second bare word, a bare word beside `positional:…`, or one where no option is positional.
 */
export function parseKeyValueText(text: string, command: string, positional?: string): ParsedText {
  const values: Record<string, string> = {};
  let help = false;
  let bareWord: string | undefined;
  for (const match of text.trim().matchAll(tokenPattern)) {
    const [, key, doubleQuoted, curlyQuoted, plain, bare] = match;
    if (bare !== undefined) {
      if (['help', '?', '--help', '-h'].includes(bare.toLowerCase())) {
        help = true;
        continue;
      }
      if (positional === undefined || bareWord !== undefined) {
        throw new ToprankError('malformed_input', { value: bare, command });
      }
      bareWord = bare;
      continue;
    }
    values[(key ?? '').toLowerCase()] = (doubleQuoted ?? curlyQuoted ?? plain ?? '').trim();
  }
  if (bareWord !== undefined && positional !== undefined) {
    if (positional in values) throw new ToprankError('malformed_input', { value: bareWord, command });
    values[positional] = bareWord;
  }
  return { help, values };
}
