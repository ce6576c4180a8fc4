/**
 * POST /discord/interactions: Discord's outgoing webhook for interactions (DISCORD_PUBLIC_KEY set).
 * Checks the Ed25519 signature over timestamp + raw body and the timestamp's age, answers PING, and
 * hands everything else to the adapter's one interaction handler, whose first answer becomes the
 * HTTP reply. Must not import src/jobs.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { APIInteraction, APIInteractionResponse } from 'discord.js';
import { InteractionResponseType, InteractionType } from 'discord.js';
import type { Logger } from 'pino';
import { readBoundedBody } from '../../http/bounded-body.js';
import type { RouteHandler } from '../../http/server.js';
import type { HandleOutcome } from './interaction-handler.js';
import type { FirstAnswer, Upload } from './interaction-reply.js';

/** The first answer and its files, as the handler gives them. */
interface FirstReply {
  response: APIInteractionResponse;
  files: Upload[];
}

/** The path to give the Developer Portal as the Interactions Endpoint URL. */
export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

// Interaction payloads are a few KB; anything near this is not from Discord.
const MAX_BODY_BYTES = 64 * 1024;
// As Slack's rule and Discord's advice: a signed request older than 5 minutes may be a replay.
const MAX_AGE_SECONDS = 5 * 60;

export interface InteractionsEndpointOptions {
  /** DISCORD_PUBLIC_KEY: 64 hex characters. */
  publicKey: string;
  /** The adapter's `handleInteraction`. */
  handle: (payload: APIInteraction, first: FirstAnswer) => Promise<HandleOutcome>;
  log: Logger;
}

/** The route handler for `POST /discord/interactions`. */
export function createInteractionsEndpoint(options: InteractionsEndpointOptions): RouteHandler {
  const key = ed25519PublicKey(options.publicKey);
  const log = options.log.child({ component: 'discord-http' });

  return async (req, res) => {
    const body = await readBoundedBody(req, MAX_BODY_BYTES);
    if (!body) return plain(res, 413, 'Payload too large\n', { connection: 'close' });
    const signature = header(req.headers['x-signature-ed25519']);
    const timestamp = header(req.headers['x-signature-timestamp']);
    if (!signed(key, signature, timestamp, body, Date.now())) {
      log.info('refused an interaction with a bad or stale signature');
      return plain(res, 401, 'invalid request signature\n');
    }
    let payload: APIInteraction;
    try {
      payload = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      return plain(res, 400, 'Bad request\n');
    }
    // Discord checks the endpoint with a PING when it is saved in the Developer Portal (and now and then).
    if (payload.type === InteractionType.Ping) return reply(res, { type: InteractionResponseType.Pong });

    let answer: (first: FirstReply | undefined) => void = () => {};
    const first = new Promise<FirstReply | undefined>((resolve) => {
      answer = resolve;
    });
    let sent: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      sent = resolve;
    });
    const outcome = options.handle(payload, async (response, files) => {
      answer({ response, files });
      await written; // edits and follow-ups wait until Discord has the first answer
    });
    void outcome.then(() => answer(undefined));
    const given = await first;
    if (!given) {
      // Another bot process has this interaction (a retried delivery): it answers, not this one.
      if ((await outcome) === 'claimed-elsewhere') return plain(res, 409, 'Answered elsewhere\n');
      return plain(res, 500, 'Internal error\n');
    }
    res.once('finish', sent).once('close', sent);
    await reply(res, given.response, given.files);
  };
}

/** Imports the raw 32-byte key from the Developer Portal as a JWK, as node:crypto takes Ed25519 keys. */
function ed25519PublicKey(hex: string): KeyObject {
  const x = Buffer.from(hex, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

function signed(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  nowMs: number,
): boolean {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) {
    return false;
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_AGE_SECONDS) return false;
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  return verify(null, message, key, Buffer.from(signature, 'hex'));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** JSON, or with files multipart as Discord takes it: the JSON in `payload_json`, then `files[n]`. */
async function reply(res: ServerResponse, response: APIInteractionResponse, files: Upload[] = []) {
  if (files.length === 0) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
    return;
  }
  const form = new FormData();
  form.append('payload_json', JSON.stringify(response));
  for (const [i, f] of files.entries()) {
    form.append(`files[${i}]`, new Blob([f.data], { type: f.contentType }), f.name);
  }
  const encoded = new Response(form);
  res.writeHead(200, { 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' });
  res.end(Buffer.from(await encoded.arrayBuffer()));
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}
