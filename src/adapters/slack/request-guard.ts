/**
 * Bounds on Slack's HTTP requests before anything trusts them: a body over 64 KB is refused (413) before
 * it is read, a timestamp more than five minutes ahead is refused (Bolt refuses only old ones), and a
 * correctly signed (timestamp, signature) pair seen in the last five minutes is refused as a replay, in
 * every process (the pairs live in Redis). The rest goes on to Bolt, which checks the signature itself.
 * Must not import commands, the core or the jobs.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';
import { slackSeenRequestKey } from '../../keys.js';
import type { RedisClient } from '../../redis-connection.js';

/** Slack's own payloads stay far below this (a slash command is about 1 KB, a click a few KB). */
export const MAX_SLACK_BODY_BYTES = 64 * 1024;
/** Slack's window: a request's timestamp is within five minutes of now, either way. */
const WINDOW_SECONDS = 5 * 60;

/** Remembers signed requests for the window; `firstSeen` is false for a repeat. */
export interface SeenRequests {
  firstSeen(timestamp: string, signature: string): Promise<boolean>;
}

/** SET NX with the window as expiry: the first process to see a pair wins, every later one refuses it. */
export function createRedisSeenRequests(redis: RedisClient, prefix: string): SeenRequests {
  return {
    async firstSeen(timestamp, signature) {
      const key = slackSeenRequestKey(prefix, timestamp, signature);
      return (await redis.set(key, '1', 'EX', WINDOW_SECONDS, 'NX')) === 'OK';
    },
  };
}

export interface RequestGuardOptions {
  signingSecret: string;
  seen: SeenRequests;
  log: Logger;
  now?: () => number;
}

/** Bolt's request listener behind the bounds above. */
export function guardSlackRequests(listener: RequestListener, options: RequestGuardOptions): RequestListener {
  const { signingSecret, seen, log } = options;
  const now = options.now ?? Date.now;

  function refuse(res: ServerResponse, status: 400 | 401 | 413 | 500, reason: string): false {
    log.warn({ status, reason }, 'slack request refused');
    // Close the connection: whatever is left of the body is never read.
    res.writeHead(status, { connection: 'close' });
    res.end();
    return false;
  }

  async function admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (Number(req.headers['content-length']) > MAX_SLACK_BODY_BYTES) return refuse(res, 413, 'too large');
    const timestamp = req.headers['x-slack-request-timestamp'];
    const signature = req.headers['x-slack-signature'];
    if (Number(timestamp) > now() / 1000 + WINDOW_SECONDS) return refuse(res, 401, 'timestamp in the future');
    let body: string;
    try {
      // Sets req.rawBody, which Bolt then reads instead of the stream.
      body = (await HTTPModuleFunctions.bufferIncomingMessage(req, MAX_SLACK_BODY_BYTES)).rawBody.toString();
    } catch (error) {
      const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
      return tooLarge ? refuse(res, 413, 'too large') : refuse(res, 400, 'unreadable body');
    }
    if (typeof timestamp !== 'string' || typeof signature !== 'string') return true;
    const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) };
    // Only genuine requests are remembered: forged ones cannot fill Redis, and Bolt refuses them anyway.
    if (!isValidSlackRequest({ signingSecret, body, headers })) return true;
    try {
      if (!(await seen.firstSeen(timestamp, signature))) return refuse(res, 401, 'replay');
    } catch (error) {
      // Redis down: leaderboards keep working (README, When something fails); a replay needs a captured
      // TLS request within five minutes, a smaller risk than a bot that answers nothing.
      log.warn({ err: (error as Error).message }, 'cannot check slack requests for replays');
    }
    return true;
  }

  return (req, res) => {
    admit(req, res).then(
      (admitted) => admitted && listener(req, res),
      (error: unknown) => {
        log.error({ err: error }, 'slack request guard failed');
        if (!res.headersSent) refuse(res, 500, 'guard failed');
      },
    );
  };
}
