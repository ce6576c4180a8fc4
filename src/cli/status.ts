/**
 * `toprank status [--channel <ref>]`: /toprank-status in the terminal, for a channel reference such as
 * `discord:123` or `slack:T1:C1` (default: the terminal's own channel). Reads Redis only: no credit.
 */
import type { Logger } from 'pino';
import { runTextCommand } from '../../commands/index.js';
import { renderConsole } from '../adapters/console/render.js';
import { consoleChannel, parseChannelRef } from '../chat/channel-ref.js';
import { ToprankError } from '../errors.js';
import type { ScheduledCore } from '../jobs/scheduling.js';
import { parseFlags } from './jobs-cli.js';

export async function runStatusCommand(args: string[], core: ScheduledCore, log: Logger): Promise<string> {
  const flags = parseFlags(args, ['channel'], 'status');
  const channel = flags.channel ?? consoleChannel('demo');
  try {
    parseChannelRef(channel);
  } catch {
    throw new ToprankError('invalid_option', {
      option: '--channel',
      value: channel,
      allowed: 'a channel such as discord:123456789012345678 or slack:T0123:C0456',
    });
  }
  const view = await runTextCommand('toprank-status', '', {
    channel,
    user: { id: 'operator' },
    services: core,
    log,
    now: () => new Date(),
  });
  return renderConsole(view);
}
