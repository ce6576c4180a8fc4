// Fake Slack Web API (https://slack.com/api/*) for tests: a node:http server on 127.0.0.1 speaking the wire
// format of @slack/web-api (form-encoded or JSON posts, Bearer token), plus response_url endpoints
// (POST /respond/:id) and a Socket Mode WebSocket endpoint (GET /socket, see slack-socket-mode.ts).
// Every request is recorded so tests can assert on it or wait for it without sleeping.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlidingWindow } from '../sliding-window.js';
import { FakeSlackFiles, fileObject, type UploadedSlackFile } from './slack-files.js';
import { FakeSocketMode, type SocketEnvelopeType } from './slack-socket-mode.js';
import { FakeSlackWorkspaces, type FakeWorkspace } from './slack-workspaces.js';

export type { UploadedSlackFile } from './slack-files.js';
export type { FakeWorkspace } from './slack-workspaces.js';

export interface SlackWebApiOptions {
  botToken?: string;
  /** App-level token accepted by apps.connections.open; any `xapp-` token when omitted. */
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** OAuth: the app's credentials, which oauth.v2.access checks. */
  clientId?: string;
  clientSecret?: string;
  /**
   * chat.postMessage's limit, about 1 message/s per channel (https://api.slack.com/methods/chat.postMessage#rate_limiting):
   * posts past it get HTTP 429 with Retry-After in whole seconds. Off unless given.
   */
  postsPerChannelPerSecond?: number;
}

/** Who a call acts as: the workspace of its token, and that workspace's bot. */
type Identity = Pick<FakeWorkspace, 'teamId' | 'botUserId' | 'botId'>;

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a minted response_url. */
  method: string;
  args: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  at: number;
  /** HTTP status the fake answered with, and the JSON body it sent. */
  status: number;
  response: unknown;
  /** The workspace whose token made the call (Web API methods with a valid token only). */
  team?: string;
}

export interface StoredMessage {
  type: 'message';
  ts: string;
  text: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload?: unknown };
  edited?: { user: string; ts: string };
  /** Files shared with the message (files.completeUploadExternal). */
  files?: Record<string, unknown>[];
}

export interface RecordedResponse {
  id: string;
  response_type?: 'in_channel' | 'ephemeral';
  replace_original?: boolean;
  delete_original?: boolean;
  text?: string;
  blocks?: unknown[];
  body: Record<string, unknown>;
  at: number;
}

export type ChannelError = 'channel_not_found' | 'not_in_channel' | 'is_archived';

export interface RateLimitRule {
  channel?: string;
  method?: string;
  /** How many matching calls get HTTP 429 before calls pass again. */
  times: number;
  /** Seconds in the Retry-After header (Slack sends whole seconds). */
  retryAfter?: number;
}

// Slack JSON-decodes these form fields; everything else stays a string ("true", "10", ...).
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view', 'unfurls', 'user_auth_blocks', 'files'];
// Slack lets one response_url be used 5 times within 30 minutes.
const RESPONSE_URL_MAX_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

type Reply = {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Answer this late (the work is done already). */
  delayMs?: number;
};

/** How the next chat.postMessage calls are answered once their message is stored. */
export interface PostAnswerRule {
  times: number;
  /** HTTP status instead of 200 (a 5xx after posting, as a struggling Slack does). */
  status?: number;
  /** Answer this many ms late (longer than the client's timeout: it gives up, the message stays). */
  delayMs?: number;
}

/** A member as users.info describes them (only the fields the bot reads). */
export interface FakeSlackUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  /** A guest. */
  is_restricted?: boolean;
}

/** The creator conversations.info reports for a channel nobody set one for. */
export const DEFAULT_CHANNEL_CREATOR = 'U0FOUNDER01';

const ok = (body: Record<string, unknown> = {}): Reply => ({ status: 200, body: { ok: true, ...body } });
// Slack's Web API reports failures with HTTP 200 and `ok: false` (429 is the only meaningful status).
const fail = (error: string, extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  body: { ok: false, error, ...extra },
});
const truthy = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

export class FakeSlackWebApi {
  readonly botToken: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  private readonly appToken: string | undefined;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => res.destroy());
  });
  private readonly socket: FakeSocketMode;
  private readonly events = new EventEmitter();
  private readonly recorded: RecordedCall[] = [];
  private readonly store = new Map<string, StoredMessage[]>();
  private readonly channelErrors = new Map<string, ChannelError>();
  private readonly rateLimits: Required<RateLimitRule>[] = [];
  /** The per-channel posting limit, when enforced; `refused` counts its 429s. */
  readonly channelLimit: SlidingWindow | undefined;
  private readonly responseUrls = new Map<string, { uses: number; mintedAt: number }>();
  private readonly responseLog: RecordedResponse[] = [];
  private readonly postAnswers: PostAnswerRule[] = [];
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly creators = new Map<string, string>();
  private readonly userGroups = new Map<string, string[]>();
  private readonly missingScopes = new Map<string, string>();
  private readonly uploads = new FakeSlackFiles();
  /** Workspaces installing the app by OAuth, each with its own bot token. */
  readonly workspaces: FakeSlackWorkspaces;
  private lastTsMicros = 0;
  private baseUrl = '';

  constructor(opts: SlackWebApiOptions = {}) {
    this.botToken = opts.botToken ?? 'xoxb-fake-bot-token';
    this.channelLimit = opts.postsPerChannelPerSecond
      ? new SlidingWindow(opts.postsPerChannelPerSecond)
      : undefined;
    this.appToken = opts.appToken;
    this.teamId = opts.teamId ?? 'T0FAKE0001';
    this.teamDomain = opts.teamDomain ?? 'toprank-test';
    this.botUserId = opts.botUserId ?? 'U0FAKEBOT1';
    this.botId = opts.botId ?? 'B0FAKEBOT1';
    this.appId = opts.appId ?? 'A0FAKEAPP1';
    this.workspaces = new FakeSlackWorkspaces(
      opts.clientId ?? '1111111111.2222222222',
      opts.clientSecret ?? 'fake-client-secret',
      this.appId,
    );
    this.events.setMaxListeners(0);
    this.socket = new FakeSocketMode(this.server, this.appId);
  }

  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  get url(): string {
    return this.baseUrl;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Ends every WebSocket and HTTP connection (keep-alive included) so the test runner can exit. */
  async close(): Promise<void> {
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Make every call naming `channel` fail with `error` (null clears it). */
  failChannel(channel: string, error: ChannelError | null): void {
    if (error) this.channelErrors.set(channel, error);
    else this.channelErrors.delete(channel);
  }

  /** Answer the next `times` calls matching channel/method with HTTP 429 and `Retry-After`. */
  rateLimit(rule: RateLimitRule): void {
    this.rateLimits.push({ channel: '', method: '', retryAfter: 1, ...rule });
  }

  /** Answer the next `times` chat.postMessage calls late or with a 5xx, after storing their message. */
  answerPosts(rule: PostAnswerRule): void {
    this.postAnswers.push({ ...rule });
  }

  /** Answer every call of `method` with missing_scope, naming the scope it needs (null clears it). */
  missingScope(method: string, needed: string | null): void {
    if (needed) this.missingScopes.set(method, needed);
    else this.missingScopes.delete(method);
  }

  /** Describe a member for users.info (anyone not described is a plain member). */
  setUser(id: string, user: FakeSlackUser): void {
    this.users.set(id, user);
  }

  /** Who created a channel, for conversations.info (default DEFAULT_CHANNEL_CREATOR). */
  setChannelCreator(channel: string, user: string): void {
    this.creators.set(channel, user);
  }

  /** A user group (`S…`) and its members, for usergroups.users.list. */
  setUserGroup(id: string, members: string[]): void {
    this.userGroups.set(id, members);
  }

  /** Mint a fresh response_url (5 uses, 30 minutes, as Slack). */
  responseUrl(): string {
    const id = randomUUID().replaceAll('-', '');
    this.responseUrls.set(id, { uses: 0, mintedAt: Date.now() });
    return `${this.baseUrl}/respond/${id}`;
  }

  /** Seed a message as if someone had posted it; returns the stored message. */
  seedMessage(channel: string, message: Partial<StoredMessage> & { text: string }): StoredMessage {
    const stored: StoredMessage = { ...this.newMessage({}), ...message };
    this.channelMessages(channel).push(stored);
    return stored;
  }

  calls(method?: string): RecordedCall[] {
    return this.recorded.filter((c) => method === undefined || c.method === method);
  }

  /** Messages stored for a channel, oldest first. */
  messages(channel: string): StoredMessage[] {
    return [...(this.store.get(channel) ?? [])];
  }

  /** Every file upload begun, by id (with its bytes once uploaded, and where it was shared). */
  files(): UploadedSlackFile[] {
    return [...this.uploads.files.values()];
  }

  responses(id?: string): RecordedResponse[] {
    return this.responseLog.filter((r) => id === undefined || r.id === id);
  }

  /** Resolve with the first recorded call (past or future) matching the predicate. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 2000): Promise<RecordedCall> {
    const found = this.recorded.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        const seen = this.recorded.map((c) => c.method).join(', ') || 'none';
        reject(new Error(`FakeSlack.waitFor: no matching call within ${timeoutMs} ms (calls: ${seen})`));
      }, timeoutMs);
      this.events.on('call', onCall);
    });
  }

  /** Push a Socket Mode envelope to the connected app; resolves with the ack's payload. */
  sendEnvelope(
    type: SocketEnvelopeType,
    payload: Record<string, unknown>,
    opts: { acceptsResponsePayload?: boolean; timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    return this.socket.sendEnvelope(type, payload, opts);
  }

  /** Resolves once a Socket Mode client is connected (and has been sent `hello`). */
  waitForSocket(timeoutMs = 5000): Promise<void> {
    return this.socket.waitForConnection(timeoutMs);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const respond = url.pathname.match(/^\/respond\/([^/]+)$/);
    const upload = url.pathname.match(/^\/upload\/([^/]+)$/);
    let reply: Reply;
    let method: string;
    let args: Record<string, unknown>;
    let team: string | undefined;
    if (upload?.[1] && req.method === 'POST') {
      // The upload URL of files.getUploadURLExternal: raw bytes or one multipart file part in, a short text out.
      const answer = this.uploads.upload(upload[1], await uploadedBytes(bytes, req.headers['content-type']));
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.text);
      const call: RecordedCall = {
        method: 'file_upload',
        args: { file_id: upload[1], length: answer.length },
        headers: req.headers,
        at: Date.now(),
        status: answer.status,
        response: answer.text,
      };
      this.recorded.push(call);
      this.events.emit('call', call);
      return;
    }
    if (respond?.[1] && req.method === 'POST') {
      method = 'response_url';
      args = parseJson(raw);
      reply = this.handleResponseUrl(respond[1], args);
    } else if (url.pathname.startsWith('/api/')) {
      method = url.pathname.slice('/api/'.length);
      args = { ...Object.fromEntries(url.searchParams), ...parseArgs(raw, req.headers['content-type']) };
      // Slack takes the token from `Authorization: Bearer …`, or from a `token` argument.
      const token = req.headers.authorization?.match(/^Bearer\s+(\S+)$/)?.[1] ?? str(args.token);
      const who = token === undefined ? undefined : this.identityOf(token);
      team = who?.teamId;
      reply =
        method === 'oauth.v2.access'
          ? { status: 200, body: this.workspaces.access(args) }
          : this.handleApi(method, args, token, who);
    } else {
      method = `${req.method} ${url.pathname}`;
      args = {};
      reply = { status: 404, body: { ok: false, error: 'not_found' } };
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    const { status, body: response } = reply;
    const call: RecordedCall = {
      method,
      args,
      headers: req.headers,
      at: Date.now(),
      status,
      response,
      ...(team && { team }),
    };
    this.recorded.push(call);
    this.events.emit('call', call);
  }

  /** The single workspace's bot token, or a live OAuth token of one workspace; undefined otherwise. */
  private identityOf(token: string): Identity | undefined {
    if (token === this.botToken) return { teamId: this.teamId, botUserId: this.botUserId, botId: this.botId };
    return this.workspaces.byToken(token);
  }

  private handleApi(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
    identity: Identity | undefined,
  ): Reply {
    if (!token) return fail('not_authed');
    const isAppToken = token.startsWith('xapp-');
    if (isAppToken ? this.appToken !== undefined && token !== this.appToken : identity === undefined) {
      return fail('invalid_auth');
    }
    const who = identity ?? { teamId: this.teamId, botUserId: this.botUserId, botId: this.botId };
    // apps.connections.open needs an app-level token; other methods refuse one.
    if (isAppToken !== (method === 'apps.connections.open')) return fail('not_allowed_token_type');

    const channel = str(args.channel);
    // A token reaches its own workspace's channels only (as Slack: another workspace's are not found).
    const named = channel ?? str(args.channel_id);
    const owner = named === undefined ? undefined : this.workspaces.ownerOf(named);
    if (owner !== undefined && owner !== who.teamId) return fail('channel_not_found');
    const limit = this.rateLimits.find(
      (r) => r.times > 0 && (!r.channel || r.channel === channel) && (!r.method || r.method === method),
    );
    if (limit) {
      limit.times -= 1;
      // Slack answers HTTP 429 with `Retry-After: <seconds>`; @slack/web-api waits and retries.
      const headers = { 'Retry-After': String(limit.retryAfter) };
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers };
    }

    const wait =
      method === 'chat.postMessage' ? (this.channelLimit?.take(channel ?? '', Date.now()) ?? 0) : 0;
    if (wait > 0) {
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'Retry-After': String(Math.ceil(wait / 1000)) },
      };
    }

    const needed = this.missingScopes.get(method);
    if (needed) return fail('missing_scope', { needed, provided: 'commands,chat:write' });

    switch (method) {
      case 'auth.test':
        return ok({
          url: `https://${this.teamDomain}.slack.com/`,
          team: this.teamDomain,
          user: 'toprank',
          team_id: who.teamId,
          user_id: who.botUserId,
          bot_id: who.botId,
          is_enterprise_install: false,
        });
      case 'auth.revoke':
        return ok({ revoked: this.workspaces.revokeToken(token) });
      case 'apps.connections.open':
        return ok({ url: this.socket.mintUrl(this.baseUrl) });
      case 'chat.postMessage':
        return this.postMessage(channel, args, who);
      case 'chat.update':
        return this.updateMessage(channel, args);
      case 'conversations.history':
        return this.history(channel, args);
      case 'conversations.info':
        return this.conversationInfo(channel);
      case 'users.info':
        return this.userInfo(str(args.user));
      case 'usergroups.users.list': {
        const members = this.userGroups.get(str(args.usergroup) ?? '');
        return members ? ok({ users: members }) : fail('no_such_subteam');
      }
      case 'files.getUploadURLExternal':
        return this.uploads.getUploadUrl(args, this.baseUrl);
      case 'files.completeUploadExternal':
        return this.completeUpload(args, who);
      default:
        return fail('unknown_method', { req_method: method });
    }
  }

  private channelError(channel: string | undefined, allowed: ChannelError[]): Reply | undefined {
    if (!channel) return fail('channel_not_found');
    const error = this.channelErrors.get(channel);
    return error && allowed.includes(error) ? fail(error) : undefined;
  }

  /** Shares uploaded files: into `channel_id` as a message of the bot carrying them, or privately. */
  private completeUpload(args: Record<string, unknown>, who: Identity): Reply {
    const channel = str(args.channel_id);
    if (channel) {
      const err = this.channelError(channel, ['channel_not_found', 'not_in_channel', 'is_archived']);
      if (err) return err;
    }
    const { shared, ...reply } = this.uploads.complete(args);
    if (channel && shared) {
      const message = this.newMessage({ text: str(args.initial_comment) ?? '' }, who);
      message.files = shared.map(fileObject);
      const threadTs = str(args.thread_ts);
      if (threadTs) message.thread_ts = threadTs;
      this.channelMessages(this.dmOf(channel)).push(message);
    }
    return reply;
  }

  /** A user id as a channel is that user's direct message with the bot (as chat.postMessage opens it). */
  private dmOf(channel: string): string {
    return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
  }

  private postMessage(target: string | undefined, args: Record<string, unknown>, who: Identity): Reply {
    const err = this.channelError(target, ['channel_not_found', 'not_in_channel', 'is_archived']);
    if (err || !target) return err ?? fail('channel_not_found');
    const channel = this.dmOf(target);
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return fail('no_text');
    }
    const metadata = parseMetadata(args.metadata);
    if (metadata === null) return fail('invalid_metadata_format');
    const message = this.newMessage(args, who);
    if (metadata) message.metadata = metadata;
    const threadTs = str(args.thread_ts);
    if (threadTs) message.thread_ts = threadTs;
    this.channelMessages(channel).push(message);
    const answer = this.postAnswers.find((r) => r.times > 0);
    if (answer) {
      answer.times -= 1;
      if (answer.status) return { status: answer.status, body: { ok: false, error: 'internal_error' } };
      return { ...ok({ channel, ts: message.ts, message }), delayMs: answer.delayMs };
    }
    return ok({ channel, ts: message.ts, message });
  }

  private conversationInfo(channel: string | undefined): Reply {
    const err = this.channelError(channel, ['channel_not_found']);
    if (err || !channel) return err ?? fail('channel_not_found');
    const creator = this.creators.get(channel) ?? DEFAULT_CHANNEL_CREATOR;
    return ok({ channel: { id: channel, name: 'general', is_channel: true, creator } });
  }

  private userInfo(user: string | undefined): Reply {
    if (!user) return fail('user_not_found');
    const described = this.users.get(user) ?? {};
    return ok({
      user: {
        id: user,
        team_id: this.teamId,
        name: user.toLowerCase(),
        is_admin: false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_bot: false,
        ...described,
      },
    });
  }

  private updateMessage(channel: string | undefined, args: Record<string, unknown>): Reply {
    const err = this.channelError(channel, ['channel_not_found', 'not_in_channel', 'is_archived']);
    if (err || !channel) return err ?? fail('channel_not_found');
    const list = this.channelMessages(channel);
    const index = list.findIndex((m) => m.ts === str(args.ts));
    const current = list[index];
    if (!current) return fail('message_not_found');
    if (current.user !== this.botUserId) return fail('cant_update_message');
    const metadata = parseMetadata(args.metadata);
    if (metadata === null) return fail('invalid_metadata_format');
    // chat.update replaces the content given (text/blocks/attachments); ts and author stay.
    const updated: StoredMessage = { ...current, edited: { user: this.botUserId, ts: this.nextTs() } };
    if (args.text !== undefined) updated.text = String(args.text);
    if (args.blocks !== undefined) updated.blocks = asArray(args.blocks);
    if (args.attachments !== undefined) updated.attachments = asArray(args.attachments);
    if (metadata) updated.metadata = metadata;
    list[index] = updated;
    return ok({ channel, ts: updated.ts, text: updated.text, message: updated });
  }

  private history(channel: string | undefined, args: Record<string, unknown>): Reply {
    const err = this.channelError(channel, ['channel_not_found', 'not_in_channel']);
    if (err || !channel) return err ?? fail('channel_not_found');
    const oldest = tsMicros(str(args.oldest) ?? '0');
    const limit = Math.min(Math.max(Number(str(args.limit) ?? 100) || 100, 1), 999);
    // Top-level messages only, newest first, `oldest` exclusive; metadata only on include_all_metadata.
    const matching = this.channelMessages(channel)
      .filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && tsMicros(m.ts) > oldest)
      .reverse();
    const page = matching.slice(0, limit).map((m) => {
      if (truthy(args.include_all_metadata) || !m.metadata) return m;
      const { metadata: _hidden, ...rest } = m;
      return rest;
    });
    // Pagination by cursor is not emulated: has_more tells the caller it asked for too few.
    return ok({ messages: page, has_more: matching.length > limit, response_metadata: { next_cursor: '' } });
  }

  private handleResponseUrl(id: string, body: Record<string, unknown>): Reply {
    const entry = this.responseUrls.get(id);
    if (!entry || Date.now() - entry.mintedAt > RESPONSE_URL_TTL_MS) {
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    if (entry.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    entry.uses += 1;
    const { response_type, replace_original, delete_original, text, blocks } =
      body as Partial<RecordedResponse>;
    const at = Date.now();
    this.responseLog.push({ id, response_type, replace_original, delete_original, text, blocks, body, at });
    return ok();
  }

  private channelMessages(channel: string): StoredMessage[] {
    if (!this.store.has(channel)) this.store.set(channel, []);
    return this.store.get(channel) as StoredMessage[];
  }

  private newMessage(args: Record<string, unknown>, who?: Identity): StoredMessage {
    const message: StoredMessage = {
      type: 'message',
      ts: this.nextTs(),
      text: str(args.text) ?? '',
      user: who?.botUserId ?? this.botUserId,
      bot_id: who?.botId ?? this.botId,
      app_id: this.appId,
      team: who?.teamId ?? this.teamId,
    };
    if (args.blocks !== undefined) message.blocks = asArray(args.blocks);
    if (args.attachments !== undefined) message.attachments = asArray(args.attachments);
    return message;
  }

  /** Slack message ts: `<unix seconds>.<6-digit sequence>`, unique and increasing per workspace. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    const seconds = Math.floor(this.lastTsMicros / 1e6);
    return `${seconds}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }
}

/** The file's bytes of an upload: the body itself, or its file part when sent as multipart/form-data (as the SDK does). */
async function uploadedBytes(body: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return body;
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const part = [...form.values()].find((v) => typeof v !== 'string');
  return part && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return { _raw: raw };
  }
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return parseJson(raw);
  const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Slack would reject it (invalid_blocks_format, ...); keep the string so the test can see it.
    }
  }
  return args;
}

/** undefined: no metadata; null: malformed; otherwise `{ event_type, event_payload }`. */
function parseMetadata(value: unknown): StoredMessage['metadata'] | null | undefined {
  if (value === undefined || value === '') return undefined;
  if (!value || typeof value !== 'object') return null;
  const { event_type, event_payload } = value as Record<string, unknown>;
  if (typeof event_type !== 'string') return null;
  return { event_type, event_payload: event_payload ?? {} };
}

/** `"1700000000.000123"` → integer microseconds, exact (a float of the ts would lose the last digits). */
function tsMicros(ts: string): number {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return Number(seconds) * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
