// State and route handlers behind the fake Discord REST server: application commands (bulk overwrite),
// interaction callbacks and their webhooks (@original, follow-ups), and channels with their messages.
// Error bodies and codes follow Discord's JSON error format: `{ message, code, errors? }`.
import type { APIInteraction, APIMessage, APITextChannel, APIUser } from 'discord.js';
import {
  applyEdit,
  attachmentsOf,
  buildMessage,
  fieldError,
  type MessageBody,
  snowflake,
  type UploadedFile,
  validateMessageBody,
} from './payloads.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ctx {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** File parts of a multipart body. */
  files: UploadedFile[];
  /** Arrival time of the request: Discord's deadlines are judged on it. */
  at: number;
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers,
});
export const fail = (status: number, code: number, message: string, errors?: unknown): Reply =>
  json(status, errors === undefined ? { message, code } : { message, code, errors });
const formError = (field: string, code: string, message: string): Reply =>
  fail(400, 50035, 'Invalid Form Body', fieldError(field, code, message));
const invalid = (v: { code: number; errors?: unknown }): Reply =>
  v.code === 50006
    ? fail(400, 50006, 'Cannot send an empty message')
    : v.code === 40005
      ? fail(413, 40005, 'Request entity too large')
      : fail(400, 50035, 'Invalid Form Body', v.errors);
const asObject = (v: unknown): MessageBody => (v && typeof v === 'object' ? (v as MessageBody) : {});

export interface ApplicationCommand extends Record<string, unknown> {
  id: string;
  name: string;
}

// Discord's command name rule; chat-input names must also be lowercase.
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export class CommandRegistry {
  readonly registered: { global: ApplicationCommand[]; guilds: Record<string, ApplicationCommand[]> } = {
    global: [],
    guilds: {},
  };

  constructor(private readonly applicationId: string) {}

  handle({ params, body }: Ctx, method: string): Reply {
    if (params.appId !== this.applicationId) {
      return fail(403, 20012, 'You are not authorized to perform this action on this application');
    }
    const guildId = params.guildId;
    const previous = guildId ? (this.registered.guilds[guildId] ?? []) : this.registered.global;
    if (method === 'GET') return json(200, previous);
    if (!Array.isArray(body)) return formError('_errors', 'BASE_TYPE_ARRAY', 'Must be an array.');
    const errors: Record<string, unknown> = {};
    body.forEach((raw, i) => {
      const cmd = asObject(raw);
      const chatInput = (cmd.type ?? 1) === 1;
      const name = typeof cmd.name === 'string' ? cmd.name : '';
      const description = typeof cmd.description === 'string' ? cmd.description : '';
      if (!COMMAND_NAME.test(name) || (chatInput && name !== name.toLowerCase())) {
        errors[i] = fieldError('name', 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      } else if (chatInput && (description.length < 1 || description.length > 100)) {
        errors[i] = fieldError('description', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
    });
    if (Object.keys(errors).length) return fail(400, 50035, 'Invalid Form Body', errors);
    // A bulk overwrite keeps the id of a command whose name survives; new names get new ids.
    const saved = body.map(
      (raw): ApplicationCommand => ({
        type: 1,
        default_member_permissions: null,
        nsfw: false,
        integration_types: [0],
        contexts: null,
        ...(asObject(raw) as ApplicationCommand),
        id: previous.find((p) => p.name === asObject(raw).name)?.id ?? snowflake(),
        application_id: this.applicationId,
        version: snowflake(),
        ...(guildId ? { guild_id: guildId } : {}),
      }),
    );
    if (guildId) this.registered.guilds[guildId] = saved;
    else this.registered.global = saved;
    return json(200, saved);
  }
}

export interface InteractionState {
  id: string;
  token: string;
  /** Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  channelId: string;
  user: APIUser;
  dispatchedAt: number;
  /** Callback type Discord accepted (4 reply, 5 defer, 6 defer update, 7 update, 8 choices, 9 modal). */
  ackType?: number;
  callbackData?: MessageBody;
  /** The response message; for a component interaction, the message that carries the component. */
  original?: APIMessage;
  followUps: Map<string, APIMessage>;
}

export interface InteractionRules {
  applicationId: string;
  botUser: APIUser;
  /** Discord drops an interaction not answered within 3 s (10062 Unknown interaction). */
  ackDeadlineMs: number;
  /** The interaction webhook token stays valid 15 minutes. */
  webhookTokenTtlMs: number;
}

export class InteractionRegistry {
  readonly byId = new Map<string, InteractionState>();

  constructor(private readonly rules: InteractionRules) {}

  register(payload: APIInteraction, dispatchedAt: number): void {
    const user = payload.member?.user ?? payload.user;
    if (!user) throw new Error('interaction payload needs member.user or user');
    this.byId.set(payload.id, {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      channelId: payload.channel?.id ?? payload.channel_id ?? '',
      user,
      dispatchedAt,
      original: 'message' in payload ? payload.message : undefined,
      followUps: new Map(),
    });
  }

  callback({ params, query, body, files, at }: Ctx): Reply {
    const it = this.byId.get(params.interactionId ?? '');
    if (!it || it.token !== params.token) return fail(404, 10062, 'Unknown interaction');
    if (it.ackType !== undefined) return fail(400, 40060, 'Interaction has already been acknowledged.');
    if (at - it.dispatchedAt > this.rules.ackDeadlineMs) return fail(404, 10062, 'Unknown interaction');
    const type = asObject(body).type;
    const data = asObject(asObject(body).data);
    // Which callbacks fit which interaction: autocomplete only takes choices; update types need a message.
    const component = it.type === 3 || (it.type === 5 && it.original !== undefined);
    const allowed = it.type === 4 ? [8] : component ? [4, 5, 6, 7, 9] : it.type === 5 ? [4, 5] : [4, 5, 9];
    if (typeof type !== 'number' || !allowed.includes(type)) {
      return formError('type', 'INTERACTION_CALLBACK_TYPE_INVALID', 'Invalid callback type.');
    }
    let attachments: APIMessage['attachments'] | undefined;
    if (type === 4 || type === 7) {
      const problem = validateMessageBody(data, type === 4);
      if (problem) return invalid(problem);
      const checked = attachmentsOf(data, files, it.original?.attachments);
      if (!('attachments' in checked)) return invalid(checked);
      attachments = checked.attachments;
    }
    if (type === 8 && Array.isArray(data.choices) && data.choices.length > 25) {
      return formError('choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
    it.ackType = type;
    it.callbackData = data;
    const ephemeral = typeof data.flags === 'number' ? data.flags & 64 : 0;
    if (type === 4) it.original = this.webhookMessage(it, data, ephemeral, attachments);
    if (type === 5) it.original = this.webhookMessage(it, {}, 128 | ephemeral); // LOADING until edited
    if (type === 7 && it.original) it.original = applyEdit(it.original, data, attachments);
    // discord.js sends ?with_response=false and expects 204; with_response=true gets a callback object.
    if (query.with_response !== 'true') return json(204);
    const message = [4, 5, 6, 7].includes(type) ? it.original : undefined;
    return json(200, {
      interaction: {
        id: it.id,
        type: it.type,
        response_message_id: message?.id,
        response_message_loading: type === 5,
        response_message_ephemeral: ephemeral !== 0,
      },
      resource: message ? { type, message } : { type },
    });
  }

  webhook({ params, query, body, files, at }: Ctx, method: string): Reply {
    const it = [...this.byId.values()].find((i) => i.token === params.token);
    if (!it || params.appId !== this.rules.applicationId) return fail(404, 10015, 'Unknown Webhook');
    if (at - it.dispatchedAt > this.rules.webhookTokenTtlMs) return fail(401, 50027, 'Invalid Webhook Token');
    const data = asObject(body);
    if (method === 'POST') {
      // A follow-up needs the interaction to have been answered (or deferred) first.
      if (it.ackType === undefined) return fail(404, 10015, 'Unknown Webhook');
      const problem = validateMessageBody(data, true);
      if (problem) return invalid(problem);
      const checked = attachmentsOf(data, files);
      if (!('attachments' in checked)) return invalid(checked);
      const flags = typeof data.flags === 'number' ? data.flags & 64 : 0;
      const message = this.webhookMessage(it, data, flags, checked.attachments);
      it.followUps.set(message.id, message);
      return query.wait === 'true' ? json(200, message) : json(204);
    }
    const original = params.messageId === '@original';
    const message = original ? it.original : it.followUps.get(params.messageId ?? '');
    if (!message || (original && it.ackType === undefined)) return fail(404, 10008, 'Unknown Message');
    if (method === 'GET') return json(200, message);
    if (method === 'DELETE') {
      if (original) it.original = undefined;
      else it.followUps.delete(message.id);
      return json(204);
    }
    const problem = validateMessageBody(data, false);
    if (problem) return invalid(problem);
    const checked = attachmentsOf(data, files, message.attachments);
    if (!('attachments' in checked)) return invalid(checked);
    const edited = applyEdit(message, data, checked.attachments);
    if (original) it.original = edited;
    else it.followUps.set(edited.id, edited);
    return json(200, edited);
  }

  /** Interaction responses are webhook messages authored by the bot user. */
  private webhookMessage(
    it: InteractionState,
    body: MessageBody,
    flags: number,
    attachments?: APIMessage['attachments'],
  ): APIMessage {
    const { applicationId } = this.rules;
    return buildMessage({
      attachments,
      channelId: it.channelId,
      author: this.rules.botUser,
      body,
      type: it.type === 2 ? 20 : 19, // CHAT_INPUT_COMMAND response, else REPLY
      flags,
      webhookId: applicationId,
      applicationId,
      extra: {
        interaction_metadata: { id: it.id, type: it.type, user: it.user, authorizing_integration_owners: {} },
      },
    });
  }
}

export type ChannelFailureKind = 'gone' | 'missing-access' | 'missing-permissions' | 'rate-limited';

export class ChannelRegistry {
  readonly channels = new Map<string, APITextChannel>();
  readonly messages = new Map<string, APIMessage[]>();
  readonly failures = new Map<
    string,
    { kind: ChannelFailureKind; remaining: number; retryAfterMs: number }
  >();
  private readonly nonces = new Map<string, { message: APIMessage; at: number }>();

  /** `nonceWindowMs`: Discord de-duplicates `enforce_nonce` posts "within the past few minutes". */
  constructor(
    private readonly botUser: APIUser,
    private readonly nonceWindowMs: number,
  ) {}

  handle({ params, body, files, at }: Ctx, method: string): Reply {
    const channelId = params.channelId ?? '';
    const failure = this.failures.get(channelId);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      return failureReply(channelId, failure.kind, failure.retryAfterMs);
    }
    const channel = this.channels.get(channelId);
    if (!channel) return fail(404, 10003, 'Unknown Channel');
    if (!params.messageId && method === 'GET') return json(200, channel);
    const list = this.messages.get(channelId) ?? [];
    const data = asObject(body);
    if (method === 'POST') {
      const problem = validateMessageBody(data, true);
      if (problem) return invalid(problem);
      const nonce = data.nonce === undefined || data.nonce === null ? undefined : String(data.nonce);
      if (nonce && nonce.length > 25)
        return formError('nonce', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      const seen = nonce ? this.nonces.get(`${channelId}:${nonce}`) : undefined;
      if (data.enforce_nonce === true && seen && at - seen.at < this.nonceWindowMs) {
        return json(200, seen.message); // same nonce again: Discord answers with the first message
      }
      const checked = attachmentsOf(data, files);
      if (!('attachments' in checked)) return invalid(checked);
      const message = buildMessage({ channelId, author: this.botUser, body: data, ...checked });
      this.messages.set(channelId, [...list, message]);
      this.channels.set(channelId, { ...channel, last_message_id: message.id });
      if (nonce) this.nonces.set(`${channelId}:${nonce}`, { message, at });
      return json(200, message);
    }
    const index = list.findIndex((m) => m.id === params.messageId);
    const message = list[index];
    if (!message) return fail(404, 10008, 'Unknown Message');
    if (method === 'GET') return json(200, message);
    if (method === 'DELETE') {
      list.splice(index, 1);
      return json(204);
    }
    const problem = validateMessageBody(data, false);
    if (problem) return invalid(problem);
    const checked = attachmentsOf(data, files, message.attachments);
    if (!('attachments' in checked)) return invalid(checked);
    list[index] = applyEdit(message, data, checked.attachments);
    return json(200, list[index]);
  }
}

function failureReply(channelId: string, kind: ChannelFailureKind, retryAfterMs: number): Reply {
  if (kind === 'gone') return fail(404, 10003, 'Unknown Channel');
  if (kind === 'missing-access') return fail(403, 50001, 'Missing Access');
  if (kind === 'missing-permissions') return fail(403, 50013, 'Missing Permissions');
  const seconds = retryAfterMs / 1000;
  // Real Discord rounds the Retry-After header up to whole seconds; the fake keeps the fraction so tests
  // stay fast (@discordjs/rest waits Retry-After + 50 ms, then retries a 429 without limit).
  return json(
    429,
    { message: 'You are being rate limited.', retry_after: seconds, global: false },
    {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((Date.now() + retryAfterMs) / 1000),
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': `fake-${channelId}`,
      'x-ratelimit-scope': 'user',
    },
  );
}
