// Fake Discord REST API v10 (node:http on 127.0.0.1) for discord.js created with `rest: { api: apiBase }`.
// Records every request, enforces Discord's interaction rules (3 s first callback, one callback,
// 15 min webhook token), channel failures (404/403/429) and nonce de-duplication on channel posts.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIInteraction, APIMessage, APITextChannel, APIUser } from 'discord.js';
import { SlidingWindow } from '../sliding-window.js';
import {
  type ChannelFailureKind,
  ChannelRegistry,
  CommandRegistry,
  type Ctx,
  fail,
  InteractionRegistry,
  type InteractionState,
  json,
  type Reply,
} from './discord-rest-handlers.js';
import { FAKE_IDS, humanUser, type UploadedFile } from './payloads.js';

export type { ApplicationCommand, ChannelFailureKind, InteractionState } from './discord-rest-handlers.js';

/** A file part of a multipart request, with its bytes. */
export type RecordedFile = UploadedFile;

export interface RecordedRequest {
  method: string;
  /** Decoded path as received, e.g. `/api/v10/webhooks/1/tok/messages/@original`. */
  path: string;
  /** Matched route template, e.g. `POST /channels/:channelId/messages`, or `unknown`. */
  route: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the `payload_json` part of a multipart body. */
  body: unknown;
  files: RecordedFile[];
  /** Arrival time; the request is recorded once its answer has been sent. */
  at: number;
  status: number;
  response: unknown;
}

export interface FakeDiscordRestOptions {
  token: string;
  applicationId: string;
  botUser: APIUser;
  gatewayUrl: () => string;
  /** Deadline for the first interaction callback; Discord's is 3 s. */
  ackDeadlineMs?: number;
  /** Lifetime of the interaction webhook token; Discord's is 15 minutes. */
  webhookTokenTtlMs?: number;
  /** Window of `enforce_nonce` de-duplication; Discord says "the past few minutes". */
  nonceWindowMs?: number;
  /** Shards GET /gateway/bot recommends (default 1); they may all identify at once (max_concurrency). */
  recommendedShards?: number;
  /**
   * Discord's global limit, 50 requests/s per bot (https://discord.com/developers/docs/topics/rate-limits#global-rate-limit):
   * bot requests past it get a global 429. Off unless given.
   */
  globalPerSecond?: number;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  /** Bot routes need `Authorization: Bot <token>`; interaction/webhook routes carry none. */
  auth: boolean;
  handle: (ctx: Ctx) => Reply;
}
type PendingRecord = Omit<RecordedRequest, 'status' | 'response'>;

export class FakeDiscordRest {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly server: Server;
  private readonly routes: Route[];
  private readonly waiters = new Set<(r: RecordedRequest) => void>();
  private readonly delays: { match: string | RegExp; ms: number }[] = [];
  private readonly commands: CommandRegistry;
  private readonly interactionRegistry: InteractionRegistry;
  private readonly channelRegistry: ChannelRegistry;
  /** The global limit, when enforced; `refused` counts its 429s. */
  readonly globalLimit: SlidingWindow | undefined;
  private nextGlobalRefusalMs: number | undefined;

  private constructor(private readonly opts: FakeDiscordRestOptions) {
    const { applicationId, botUser } = opts;
    this.commands = new CommandRegistry(applicationId);
    this.interactionRegistry = new InteractionRegistry({
      applicationId,
      botUser,
      ackDeadlineMs: opts.ackDeadlineMs ?? 3000,
      webhookTokenTtlMs: opts.webhookTokenTtlMs ?? 15 * 60_000,
    });
    this.channelRegistry = new ChannelRegistry(botUser, opts.nonceWindowMs ?? 5 * 60_000);
    this.globalLimit = opts.globalPerSecond ? new SlidingWindow(opts.globalPerSecond) : undefined;
    this.server = createServer((req, res) => {
      this.serve(req).then(
        ({ reply, record }) => {
          const finish = () => {
            const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
            const headers: Record<string, string> = { ...reply.headers };
            if (body !== undefined) headers['content-type'] = 'application/json';
            res.writeHead(reply.status, headers).end(body);
            this.record({ ...record, status: reply.status, response: reply.body });
          };
          const ms = this.delays.find((d) =>
            typeof d.match === 'string'
              ? d.match === record.route
              : d.match.test(`${record.method} ${record.path}`),
          )?.ms;
          if (ms) setTimeout(finish, ms);
          else finish();
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    const route = (method: string, template: string, auth: boolean, handle: (ctx: Ctx) => Reply): Route => {
      return { method, template, segments: template.split('/').filter(Boolean), auth, handle };
    };
    const commands = (m: string) => (c: Ctx) => this.commands.handle(c, m);
    const webhook = (m: string) => (c: Ctx) => this.interactionRegistry.webhook(c, m);
    const channel = (m: string) => (c: Ctx) => this.channelRegistry.handle(c, m);
    this.routes = [
      route('GET', '/gateway', false, () => json(200, { url: opts.gatewayUrl() })),
      // discord.js sizes its shards from this; session_start_limit.reset_after is also its cache lifetime.
      route('GET', '/gateway/bot', true, () =>
        json(200, {
          url: opts.gatewayUrl(),
          shards: opts.recommendedShards ?? 1,
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 14_400_000,
            max_concurrency: opts.recommendedShards ?? 1,
          },
        }),
      ),
      route('GET', '/users/@me', true, () =>
        json(200, { ...botUser, verified: true, mfa_enabled: false, flags: 0 }),
      ),
      route('GET', '/applications/@me', true, () =>
        json(200, {
          id: applicationId,
          name: botUser.username,
          icon: null,
          description: '',
          summary: '',
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: 0,
          flags_new: '0',
          team: null,
          owner: humanUser(FAKE_IDS.ownerId, 'app_owner'),
          bot: botUser,
        }),
      ),
      route('GET', '/applications/:appId/commands', true, commands('GET')),
      route('PUT', '/applications/:appId/commands', true, commands('PUT')),
      route('GET', '/applications/:appId/guilds/:guildId/commands', true, commands('GET')),
      route('PUT', '/applications/:appId/guilds/:guildId/commands', true, commands('PUT')),
      // Interaction and webhook routes: the token in the path is the credential.
      route('POST', '/interactions/:interactionId/:token/callback', false, (c) =>
        this.interactionRegistry.callback(c),
      ),
      route('POST', '/webhooks/:appId/:token', false, webhook('POST')),
      route('GET', '/webhooks/:appId/:token/messages/:messageId', false, webhook('GET')),
      route('PATCH', '/webhooks/:appId/:token/messages/:messageId', false, webhook('PATCH')),
      route('DELETE', '/webhooks/:appId/:token/messages/:messageId', false, webhook('DELETE')),
      route('GET', '/channels/:channelId', true, channel('GET')),
      route('POST', '/channels/:channelId/messages', true, channel('POST')),
      route('GET', '/channels/:channelId/messages/:messageId', true, channel('GET')),
      route('PATCH', '/channels/:channelId/messages/:messageId', true, channel('PATCH')),
      route('DELETE', '/channels/:channelId/messages/:messageId', true, channel('DELETE')),
    ];
  }

  static async start(opts: FakeDiscordRestOptions): Promise<FakeDiscordRest> {
    const rest = new FakeDiscordRest(opts);
    await new Promise<void>((resolve) => rest.server.listen(0, '127.0.0.1', resolve));
    rest.url = `http://127.0.0.1:${(rest.server.address() as AddressInfo).port}`;
    return rest;
  }

  /** Base to give discord.js: `new Client({ rest: { api: rest.apiBase } })`. */
  get apiBase(): string {
    return `${this.url}/api`;
  }

  /** Commands as last overwritten (ids assigned), globally and per guild. */
  get registeredCommands() {
    return this.commands.registered;
  }

  /** What the fake knows of each dispatched interaction: ack type, @original message, follow-ups. */
  get interactions(): ReadonlyMap<string, InteractionState> {
    return this.interactionRegistry.byId;
  }

  get channels(): ReadonlyMap<string, APITextChannel> {
    return this.channelRegistry.channels;
  }

  // ---- test controls --------------------------------------------------------------------------------

  addChannel(channel: APITextChannel): void {
    this.channelRegistry.channels.set(channel.id, channel);
  }

  /**
   * Makes the next `times` requests under /channels/:channelId fail (default: every one; a rate limit
   * once, since @discordjs/rest retries 429s forever). `retryAfterMs` defaults to 250.
   */
  failChannel(
    channelId: string,
    kind: ChannelFailureKind,
    opts: { times?: number; retryAfterMs?: number } = {},
  ) {
    const remaining = opts.times ?? (kind === 'rate-limited' ? 1 : Number.POSITIVE_INFINITY);
    this.channelRegistry.failures.set(channelId, { kind, remaining, retryAfterMs: opts.retryAfterMs ?? 250 });
  }

  /** The next bot request gets a global 429 (the bot's other traffic spent its 50/s) with this Retry-After. */
  refuseNextGlobally(retryAfterMs: number): void {
    this.nextGlobalRefusalMs = retryAfterMs;
  }

  clearChannelFailure(channelId: string): void {
    this.channelRegistry.failures.delete(channelId);
  }

  /** Delays answers of a route (`'POST /channels/:channelId/messages'`) or of `METHOD path` matching a RegExp. */
  delay(match: string | RegExp, ms: number): () => void {
    const entry = { match, ms };
    this.delays.push(entry);
    return () => void this.delays.splice(this.delays.indexOf(entry), 1);
  }

  /** Tells the fake an interaction was dispatched at `dispatchedAt` (its token and 3 s clock start). */
  registerInteraction(payload: APIInteraction, dispatchedAt: number = Date.now()): void {
    this.interactionRegistry.register(payload, dispatchedAt);
  }

  /**
   * What Discord does with the HTTP reply of an interactions endpoint: takes it as the interaction's
   * first answer, with the rules of the callback route (deadline, one answer, valid body). Recorded
   * as a request on the route `HTTP reply`, its path naming the interaction, so it shows among the
   * interaction's requests.
   */
  acceptHttpReply(
    payload: APIInteraction,
    body: unknown,
    files: RecordedFile[] = [],
    at: number = Date.now(),
  ): Reply {
    const params = { interactionId: payload.id, token: payload.token };
    const reply = this.interactionRegistry.callback({ params, query: {}, body, files, at });
    this.record({
      method: 'POST',
      path: `/discord/interactions/${payload.id}`,
      route: 'HTTP reply',
      query: {},
      headers: {},
      body,
      files,
      at,
      status: reply.status,
      response: reply.body,
    });
    return reply;
  }

  // ---- accessors ------------------------------------------------------------------------------------

  callbacks(interactionId?: string): RecordedRequest[] {
    return this.byRoute('POST /interactions/:interactionId/:token/callback', interactionId);
  }

  webhookEdits(token?: string): RecordedRequest[] {
    return this.byRoute('PATCH /webhooks/:appId/:token/messages/:messageId', token);
  }

  followUps(token?: string): RecordedRequest[] {
    return this.byRoute('POST /webhooks/:appId/:token', token);
  }

  channelMessages(channelId?: string): RecordedRequest[] {
    return this.byRoute('POST /channels/:channelId/messages', channelId);
  }

  /** Requests no route matched: assert this is empty to catch unexpected API use. */
  unknownRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === 'unknown');
  }

  /** Messages actually created in a channel (de-duplicated and refused posts excluded). */
  messagesIn(channelId: string): APIMessage[] {
    return [...(this.channelRegistry.messages.get(channelId) ?? [])];
  }

  /** Resolves with the first recorded request (already recorded or future) matching the predicate. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs = 2000): Promise<RecordedRequest> {
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (r: RecordedRequest) => {
        if (!predicate(r)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join('\n  ');
        reject(new Error(`waitFor timed out after ${timeoutMs} ms; recorded:\n  ${seen || '(nothing)'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Stops listening and drops keep-alive sockets (undici keeps them open) so the process can exit. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- plumbing -------------------------------------------------------------------------------------

  private byRoute(route: string, param?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route && (!param || r.path.split('/').includes(param)));
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    for (const waiter of this.waiters) waiter(request);
  }

  private async serve(req: IncomingMessage): Promise<{ reply: Reply; record: PendingRecord }> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Decode per segment: `%40original` becomes `@original` without a `%2F` ever splitting a segment.
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record: PendingRecord = {
      method,
      path: `/${segments.join('/')}`,
      route: 'unknown',
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      files: [],
      at,
    };
    try {
      Object.assign(record, await parseBody(Buffer.concat(chunks), req.headers['content-type'] ?? ''));
    } catch {
      return { reply: fail(400, 50109, 'The request body contains invalid JSON.'), record };
    }
    const [api, version, ...rest] = segments;
    const match = api === 'api' && version === 'v10' ? this.match(method, rest) : undefined;
    if (!match) return { reply: fail(404, 0, '404: Not Found'), record };
    record.route = `${method} ${match.route.template}`;
    if (match.route.auth && req.headers.authorization !== `Bot ${this.opts.token}`) {
      return { reply: fail(401, 0, '401: Unauthorized'), record };
    }
    const refusal = match.route.auth ? this.nextGlobalRefusalMs : undefined;
    this.nextGlobalRefusalMs = match.route.auth ? undefined : this.nextGlobalRefusalMs;
    const wait = match.route.auth ? (refusal ?? this.globalLimit?.take('bot', at) ?? 0) : 0;
    if (wait > 0) return { reply: globalLimitReply(wait), record };
    return {
      reply: match.route.handle({
        params: match.params,
        query: record.query,
        body: record.body,
        files: record.files,
        at,
      }),
      record,
    };
  }

  private match(
    method: string,
    segments: string[],
  ): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        const actual = segments[i] ?? '';
        if (!seg.startsWith(':')) return seg === actual;
        params[seg.slice(1)] = actual;
        return actual.length > 0;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

/** A global 429 as Discord sends it: Retry-After in seconds, X-RateLimit-Global, scope global. */
function globalLimitReply(waitMs: number): Reply {
  const seconds = waitMs / 1000;
  return json(
    429,
    { message: 'You are being rate limited.', retry_after: seconds, global: true },
    { 'retry-after': String(seconds), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
  );
}

/** A request or reply body as Discord reads it: JSON, text, or multipart with `payload_json` and files. */
export async function parseBody(
  raw: Buffer,
  contentType: string,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    // discord.js switches to multipart when files are attached: the JSON lives in the `payload_json` part.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: RecordedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value !== 'string') {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, name: value.name, size: value.size, contentType: value.type, data });
      } else if (field === 'payload_json') body = JSON.parse(value);
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  return { body: contentType.startsWith('application/json') ? JSON.parse(text) : text, files: [] };
}
