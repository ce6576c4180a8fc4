/**
 * The one catch every command and button goes through: whatever happens, the user gets a View.
 * Denied (the user can fix it) is logged at info; a failure of KeyAPI or of the bot at warn or error,
 * an unexpected one with a short incident id the user can quote.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { truncateText } from '../clean-text.js';
import { type ErrorFields, isDenied, messageFor, ToprankError } from '../errors.js';
import { noticeView, type View } from './view.js';

/** How a command ended: answered, refused for a reason the user can fix, or failed. */
export type CommandOutcome = 'ok' | 'denied' | 'failed';

export interface DispatchHooks {
  /** Sees every outcome (metrics). */
  onOutcome?: (outcome: CommandOutcome) => void;
  /** A richer view for some errors (usage under a bad option); undefined keeps the plain sentence. */
  viewFor?: (error: ToprankError) => View | undefined;
}

/** Runs `work`; a thrown error becomes an ephemeral notice with the sentence from src/errors.ts. */
export async function dispatch(
  work: () => Promise<View>,
  log: Logger,
  hooks: DispatchHooks = {},
): Promise<View> {
  try {
    const view = await work();
    hooks.onOutcome?.('ok');
    return view;
  } catch (error) {
    const known = error instanceof ToprankError ? error : undefined;
    hooks.onOutcome?.(known && isDenied(known) ? 'denied' : 'failed');
    const view = errorView(error, log);
    return (known && hooks.viewFor?.(known)) || view;
  }
}

/** ioredis gave up on a command: Redis is down or not answering (the outage itself is logged once). */
function isStorageOutage(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'MaxRetriesPerRequestError' ||
      ['Command timed out', 'Connection is closed.'].includes(error.message))
  );
}

/** Most characters of one field a log line carries: a user may paste kilobytes into one option. */
const LOGGED_FIELD_MAX = 200;

/** The fields of an error as logged: what the user typed (or KeyAPI said) cut to a sane length. */
function loggedFields(fields: ErrorFields): ErrorFields {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      typeof value === 'string' ? truncateText(value, LOGGED_FIELD_MAX) : value,
    ]),
  );
}

/** The notice a user sees for any error, logged at the level its kind deserves. */
export function errorView(error: unknown, log: Logger): View {
  if (isStorageOutage(error))
    return errorView(new ToprankError('storage_unavailable', {}, { cause: error }), log);
  if (error instanceof ToprankError) {
    const fields = loggedFields(error.fields);
    if (isDenied(error)) log.info({ code: error.code, fields }, 'denied');
    else log.warn({ code: error.code, fields }, 'failed');
    return noticeView('error', messageFor(error));
  }
  const incidentId = randomUUID().slice(0, 8);
  log.error({ err: error, incidentId }, 'unexpected error');
  return noticeView('error', messageFor(new ToprankError('internal', { incidentId })));
}
