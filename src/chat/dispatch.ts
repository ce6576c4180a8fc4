/**
 * The one catch every command and button goes through: whatever happens, the user gets a View.
 * Denied (the user can fix it) is logged at info; a failure of KeyAPI or of the bot at warn or error,
 * an unexpected one with a short incident id the user can quote.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isDenied, messageFor, ToprankError } from '../errors.js';
import { noticeView, type View } from './view.js';

/** Runs `work`; a thrown error becomes an ephemeral notice with the sentence from src/errors.ts. */
export async function dispatch(work: () => Promise<View>, log: Logger): Promise<View> {
  try {
    return await work();
  } catch (error) {
    return errorView(error, log);
  }
}

/** The notice a user sees for any error, logged at the level its kind deserves. */
export function errorView(error: unknown, log: Logger): View {
  if (error instanceof ToprankError) {
    if (isDenied(error)) log.info({ code: error.code, fields: error.fields }, 'denied');
    else log.warn({ code: error.code, fields: error.fields }, 'failed');
    return noticeView('error', messageFor(error));
  }
  const incidentId = randomUUID().slice(0, 8);
  log.error({ err: error, incidentId }, 'unexpected error');
  return noticeView('error', messageFor(new ToprankError('internal', { incidentId })));
}
