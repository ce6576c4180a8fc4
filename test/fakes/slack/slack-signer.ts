// Fake "Slack → app" requests for Bolt's HTTP receiver: request signing (v0 HMAC-SHA256), slash command and
// block_actions bodies encoded as Slack sends them, and a helper that POSTs them to the app.
// The *Payload builders return the same data as objects, for Socket Mode envelopes.
import { createHmac, randomBytes } from 'node:crypto';

export interface SlackSignedHeaders {
  'Content-Type': string;
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

/** Unix seconds, the unit of X-Slack-Request-Timestamp. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Slack signs `v0:{timestamp}:{raw body}` with the app's signing secret: `v0=` + hex HMAC-SHA256. */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp: number = nowSeconds(),
): SlackSignedHeaders {
  const hmac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    // Slash commands and interactivity payloads both arrive form-encoded.
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': `v0=${hmac}`,
  };
}

// Slack still sends the deprecated verification token; Bolt ignores it when a signing secret is set.
const VERIFICATION_TOKEN = 'fakeVerificationToken0001';
const DEFAULT_APP_ID = 'A0FAKEAPP1';

/** Slack trigger ids look like `1234567890123.1234567890.0123456789abcdef0123456789abcdef`. */
const triggerId = (): string =>
  `${Date.now()}${Math.floor(Math.random() * 10)}.${Math.floor(1e9 + Math.random() * 9e9)}.${randomBytes(16).toString('hex')}`;

export interface SlashCommandOptions {
  command: string;
  text: string;
  teamId: string;
  channelId: string;
  userId: string;
  responseUrl: string;
  triggerId?: string;
  teamDomain?: string;
  channelName?: string;
  userName?: string;
  apiAppId?: string;
}

/** A slash command as an object, fields in the order Slack sends them (all strings). */
export function slashCommandPayload(o: SlashCommandOptions): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: o.teamId,
    team_domain: o.teamDomain ?? 'toprank-test',
    channel_id: o.channelId,
    channel_name: o.channelName ?? 'general',
    user_id: o.userId,
    user_name: o.userName ?? 'tester',
    command: o.command,
    text: o.text,
    api_app_id: o.apiAppId ?? DEFAULT_APP_ID,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? triggerId(),
  };
}

/** The raw form-encoded body of a slash command request. */
export function slashCommandBody(o: SlashCommandOptions): string {
  return new URLSearchParams(slashCommandPayload(o)).toString();
}

export interface BlockActionsOptions {
  actionId: string;
  value?: string;
  teamId: string;
  channelId: string;
  userId: string;
  responseUrl: string;
  messageTs: string;
  /** Blocks of the message holding the button; its block_id and text are taken from there when found. */
  blocks?: unknown[];
  blockId?: string;
  teamDomain?: string;
  channelName?: string;
  userName?: string;
  apiAppId?: string;
  botUserId?: string;
  botId?: string;
}

interface ButtonLike {
  action_id?: unknown;
  text?: unknown;
}

function findButton(blocks: unknown[], actionId: string): { blockId?: string; text?: unknown } {
  for (const block of blocks) {
    const b = block as { block_id?: string; elements?: ButtonLike[]; accessory?: ButtonLike };
    const candidates = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])];
    const hit = candidates.find((e) => e?.action_id === actionId);
    if (hit) return { blockId: b.block_id, text: hit.text };
  }
  return {};
}

/** A block_actions interaction payload (button click on a message), shaped as Slack sends it. */
export function blockActionsPayload(o: BlockActionsOptions): Record<string, unknown> {
  const blocks = o.blocks ?? [];
  const found = findButton(blocks, o.actionId);
  const userName = o.userName ?? 'tester';
  const appId = o.apiAppId ?? DEFAULT_APP_ID;
  const action: Record<string, unknown> = {
    action_id: o.actionId,
    block_id: o.blockId ?? found.blockId ?? randomBytes(3).toString('hex'),
    text: found.text ?? { type: 'plain_text', text: 'Button', emoji: true },
    type: 'button',
    // action_ts has the same `seconds.micros` shape as a message ts.
    action_ts: (Date.now() / 1000).toFixed(6),
  };
  if (o.value !== undefined) action.value = o.value;
  return {
    type: 'block_actions',
    user: { id: o.userId, username: userName, name: userName, team_id: o.teamId },
    api_app_id: appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channelId, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: o.teamId, domain: o.teamDomain ?? 'toprank-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channelId, name: o.channelName ?? 'general' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: '',
      ts: o.messageTs,
      user: o.botUserId ?? 'U0FAKEBOT1',
      bot_id: o.botId ?? 'B0FAKEBOT1',
      app_id: appId,
      team: o.teamId,
      blocks,
    },
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [action],
  };
}

/** The raw body of a button click: one form field `payload` holding the JSON. */
export function blockActionsBody(o: BlockActionsOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(o)) }).toString();
}

export interface PostToBoltOptions {
  /** Unix seconds to sign with (e.g. `nowSeconds() - 360` for a stale request). */
  timestamp?: number;
  /** Send this X-Slack-Signature instead of the correct one (forgery). */
  signature?: string;
}

/** POST a signed Slack request to a Bolt HTTP endpoint (e.g. `http://127.0.0.1:PORT/slack/events`). */
export async function postToBolt(
  url: string,
  body: string,
  secret: string,
  opts: PostToBoltOptions = {},
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { ...signSlackRequest(secret, body, opts.timestamp) };
  if (opts.signature !== undefined) headers['X-Slack-Signature'] = opts.signature;
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** An Events API request (`event_callback`) as Slack sends it: JSON, for one workspace. */
export function eventCallbackBody(teamId: string, event: Record<string, unknown>): string {
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: DEFAULT_APP_ID,
    event: { event_ts: (Date.now() / 1000).toFixed(6), ...event },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: nowSeconds(),
  });
}

/** POST a signed Events API request (JSON) to a Bolt HTTP endpoint. */
export async function postEventToBolt(url: string, body: string, secret: string): Promise<number> {
  const headers = { ...signSlackRequest(secret, body), 'Content-Type': 'application/json' };
  const res = await fetch(url, { method: 'POST', headers, body });
  await res.text();
  return res.status;
}
