// Discord's side of an Interactions Endpoint: an Ed25519 key pair made here (the public half is what
// DISCORD_PUBLIC_KEY takes), and `send()`, which signs a payload as Discord does (timestamp + raw body,
// headers X-Signature-Ed25519 and X-Signature-Timestamp), POSTs it, and hands a 200 reply to the REST
// fake as the interaction's first answer, so that edits and follow-ups meet Discord's rules there.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { APIInteraction } from 'discord.js';
import { type FakeDiscordRest, parseBody } from './discord-rest.js';

export interface SendOptions {
  /** Unix seconds in the signature header (default: now); an old one is a stale request. */
  timestamp?: number;
  /** Signs with another key: a forged request. */
  forged?: boolean;
  /** Sends this body instead of the signed one (a body changed in transit). */
  tamperedBody?: string;
  /** Another endpoint than the default (one of several bot processes). */
  to?: string;
}

export interface EndpointAnswer {
  status: number;
  /** Parsed JSON (a multipart answer's `payload_json`), or the text of a non-JSON answer. */
  body: unknown;
  /** What the REST fake made of a 200 reply, as Discord would (204, or its refusal). */
  accepted?: { status: number; body?: unknown };
}

export class FakeInteractionsSender {
  /** Hex, as the Developer Portal shows it: the value of DISCORD_PUBLIC_KEY. */
  readonly publicKey: string;
  private readonly privateKey: KeyObject;
  private readonly otherKey: KeyObject;

  constructor(
    private readonly rest: FakeDiscordRest,
    private readonly endpoint: () => string,
  ) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.otherKey = generateKeyPairSync('ed25519').privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.publicKey = Buffer.from(String(jwk.x), 'base64url').toString('hex');
  }

  /** Signs and POSTs one payload; the REST fake learns of it first (its token and 3 s clock). */
  async send(payload: APIInteraction | { type: 1 }, options: SendOptions = {}): Promise<EndpointAnswer> {
    const body = JSON.stringify(payload);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const key = options.forged ? this.otherKey : this.privateKey;
    const signature = sign(null, Buffer.from(timestamp + body), key).toString('hex');
    const full = 'token' in payload ? payload : undefined;
    // Sent again (a retry, another bot process): Discord still knows it, answered or not.
    if (full && !this.rest.interactions.has(full.id)) this.rest.registerInteraction(full);
    const response = await fetch(options.to ?? this.endpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': signature,
        'x-signature-timestamp': timestamp,
      },
      body: options.tamperedBody ?? body,
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const { body: parsed, files } = await parseBody(raw, response.headers.get('content-type') ?? '');
    const answer: EndpointAnswer = { status: response.status, body: parsed };
    if (full && response.status === 200) {
      const reply = this.rest.acceptHttpReply(full, parsed, files);
      answer.accepted = { status: reply.status, body: reply.body };
    }
    return answer;
  }
}
