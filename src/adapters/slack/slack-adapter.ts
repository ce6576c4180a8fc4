/**
 * Slack through Bolt: every command of `commands/` as a slash command (ack first, then the work, answered
 * through response_url), the Prev/Next buttons, and `send()` for jobs (chat.postMessage, idempotent by
 * message metadata). It translates only. Must not import src/jobs, src/subscriptions or another adapter.
 */
import type { RequestListener } from 'node:http';
import {
  App,
  HTTPReceiver,
  type RespondArguments,
  type RespondFn,
  SocketModeReceiver,
  webApi,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { type CommandServices, commands, runAction, runTextCommand } from '../../../commands/index.js';
import { type ChannelRef, parseChannelRef, slackChannel } from '../../chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type ChatAdapter,
  type PostedRef,
  type SendOptions,
  type UnavailableReason,
} from '../../chat/chat-adapter.js';
import { errorView } from '../../chat/dispatch.js';
import { createInFlight } from '../../chat/in-flight.js';
import { slackTeam } from '../../chat/team.js';
import type { View } from '../../chat/view.js';
import type { Config } from '../../config.js';
import { ToprankError } from '../../errors.js';
import { createBoltLogger } from './bolt-logger.js';
import { unescapeSlackText } from './escape.js';
import { SLACK_EVENTS_PATH } from './manifest.js';
import { renderSlack } from './render.js';

/** The message metadata event type that marks a delivery, so a retry can find it (DESIGN.md, Jobs). */
const DELIVERY_EVENT_TYPE = 'toprank_delivery';

export interface SlackAdapterConfig {
  /** Bot token (`xoxb-…`). */
  botToken: string;
  /** HTTP mode: the secret Bolt verifies every request's signature with. Needed unless `appToken` is set. */
  signingSecret?: string | undefined;
  /** App-level token (`xapp-…`): Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  /** Web API base ending in `/api/` (default: Slack's). */
  apiUrl?: string | undefined;
  services: CommandServices;
  log: Logger;
  /** The commands' clock (default: the system's). */
  now?: () => Date;
  /** Retries of Web API calls (send()). The default gives up after about a minute (defaultRetryConfig). */
  retryConfig?: webApi.RetryOptions;
  /** How far back send() looks for an earlier post of the same delivery, in seconds (default: a day). */
  deliveryLookbackSeconds?: number;
  /** Label everything as sample data (the demo). */
  sample?: boolean;
}

/**
 * @slack/web-api retries for about 30 minutes by default. A job is better off failing within a minute and
 * being retried by BullMQ (which knows about deadlines) than holding a worker that long. Each 429 still
 * waits its Retry-After first.
 */
const defaultRetryConfig: webApi.RetryOptions = {
  retries: 4,
  factor: 2,
  minTimeout: 1000,
  maxTimeout: 10_000,
  randomize: true,
};

/** Slack errors that mean "this channel cannot take posts": permanent, so jobs pause instead of retrying. */
const unavailable: Record<string, UnavailableReason> = {
  channel_not_found: 'gone',
  not_in_channel: 'forbidden',
  restricted_action: 'forbidden',
  is_archived: 'archived',
  invalid_auth: 'unauthorized',
  account_inactive: 'unauthorized',
  token_revoked: 'unauthorized',
};

const HISTORY_PAGE = 200;
const HISTORY_MAX_PAGES = 5;

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  readonly mode: 'http' | 'socket';
  private readonly app: App;
  private readonly http: HTTPReceiver | undefined;
  private readonly socket: SocketModeReceiver | undefined;
  private readonly inFlight = createInFlight();
  private readonly log: Logger;
  private readonly config: SlackAdapterConfig;
  private botId: string | undefined;
  private started = false;
  private connected = false;

  constructor(config: SlackAdapterConfig) {
    this.config = config;
    this.log = config.log.child({ component: 'slack' });
    const logger = createBoltLogger(this.log);
    const clientOptions: webApi.WebClientOptions = {
      retryConfig: config.retryConfig ?? defaultRetryConfig,
      // No answer in 10 s counts as a failed attempt rather than a hung job.
      timeout: 10_000,
      ...(config.apiUrl && { slackApiUrl: config.apiUrl }),
    };
    if (config.appToken) {
      this.mode = 'socket';
      // Socket Mode calls apps.connections.open through these client options (and so SLACK_API_URL).
      this.socket = new SocketModeReceiver({
        appToken: config.appToken,
        logger,
        installerOptions: { clientOptions },
      });
      this.socket.client.on('connected', () => this.setConnected(true));
      this.socket.client.on('disconnected', () => this.setConnected(false));
      this.socket.client.on('reconnecting', () => this.setConnected(false));
    } else {
      if (!config.signingSecret) throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET.');
      this.mode = 'http';
      // Our own receiver so its request listener can sit in the one HTTP server (src/http/server.ts),
      // keeping Bolt's signature and timestamp check on every request.
      this.http = new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        logger,
      });
    }
    this.app = new App({
      token: config.botToken,
      receiver: this.socket ?? this.http,
      logger,
      clientOptions,
      // auth.test runs in start(), where a wrong token can fail loudly rather than in a constructor.
      deferInitialization: true,
    });
    this.registerCommands();
    this.registerActions();
    this.app.error(async (error) => {
      this.log.error({ err: error }, 'slack listener failed');
    });
  }

  /** HTTP mode: the listener for `POST /slack/events`, to mount in the HTTP server. Undefined in Socket Mode. */
  get requestListener(): RequestListener | undefined {
    return this.http?.requestListener;
  }

  async start(): Promise<void> {
    try {
      await this.app.init();
      const auth = await this.app.client.auth.test();
      this.botId = auth.bot_id;
      this.log.info({ team: auth.team_id, mode: this.mode }, 'slack ready');
    } catch (error) {
      throw startError('SLACK_BOT_TOKEN', error);
    }
    if (this.socket) {
      try {
        await this.app.start();
      } catch (error) {
        throw startError('SLACK_APP_TOKEN', error);
      }
    }
    this.started = true;
  }

  /** Lets acknowledged commands finish their answer (a few seconds at most), then disconnects. */
  async stop(): Promise<void> {
    await this.inFlight.settle(5000);
    if (this.socket && this.started) await this.app.stop();
    this.started = false;
    this.connected = false;
  }

  isReady(): boolean {
    return this.started && (this.mode === 'http' || this.connected);
  }

  /** Posts a view for a job; a delivery already in the channel's recent history is not posted again. */
  async send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
    const ref = parseChannelRef(to);
    if (ref.platform !== 'slack') throw new Error(`not a Slack channel: ${to}`);
    const { deliveryId } = options;
    try {
      // A first attempt cannot have posted: skip the rate-limited history lookup (SendOptions.mayHavePosted).
      if (deliveryId && options.mayHavePosted) {
        const earlier = await this.findDelivery(ref.channel, deliveryId);
        if (earlier) return { channel: to, messageId: earlier, duplicate: true };
      }
      const result = await this.app.client.chat.postMessage({
        channel: ref.channel,
        ...renderSlack(view),
        unfurl_links: false,
        unfurl_media: false,
        ...(deliveryId && {
          metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { delivery_id: deliveryId } },
        }),
      });
      return { channel: to, messageId: result.ts ?? '', duplicate: false };
    } catch (error) {
      throw this.translate(to, error);
    }
  }

  /** The ts of a message of ours tagged with this delivery in the recent history, if any. */
  private async findDelivery(channel: string, deliveryId: string): Promise<string | undefined> {
    const oldest = String(Math.floor(Date.now() / 1000) - (this.config.deliveryLookbackSeconds ?? 86_400));
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
      let result: webApi.ConversationsHistoryResponse;
      try {
        result = await this.app.client.conversations.history({
          channel,
          oldest,
          limit: HISTORY_PAGE,
          include_all_metadata: true,
          ...(cursor && { cursor }),
        });
      } catch (error) {
        // Without the history scope (a private channel and no groups:history) a duplicate is possible but
        // a missing digest is worse: post, and say so.
        if (slackErrorCode(error) !== 'missing_scope') throw error;
        this.log.warn({ channel }, 'cannot read channel history; posting without the duplicate check');
        return undefined;
      }
      const found = result.messages?.find(
        (m) =>
          m.metadata?.event_type === DELIVERY_EVENT_TYPE &&
          (m.metadata.event_payload as { delivery_id?: unknown } | undefined)?.delivery_id === deliveryId &&
          (this.botId === undefined || m.bot_id === this.botId),
      );
      if (found) return found.ts ?? deliveryId;
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  /** Slack's refusal → our errors: a channel that cannot take posts, or a platform failure to retry. */
  private translate(to: ChannelRef, error: unknown): Error {
    const code = slackErrorCode(error);
    const reason = code ? unavailable[code] : undefined;
    if (reason) {
      this.log.info({ channel: to, slackError: code }, 'slack channel unavailable');
      return new ChannelUnavailableError(to, reason);
    }
    // Log the code only: web-api errors can carry request details.
    this.log.warn({ channel: to, slackError: code ?? errorName(error) }, 'slack refused the message');
    return new ToprankError('platform_error', {}, { cause: error });
  }

  private registerCommands(): void {
    for (const command of commands) {
      this.app.command(`/${command.name}`, async ({ command: body, ack, respond }) => {
        // Slack gives 3 s for the ack; the KeyAPI fetch comes after it, the answer through response_url.
        await ack();
        const ctx = this.context(slackChannel(body.team_id, body.channel_id), body.user_id, body.trigger_id);
        const answer = runTextCommand(command.name, unescapeSlackText(body.text), ctx).then((view) =>
          this.reply(respond, view, false),
        );
        this.inFlight.track(answer);
        await answer;
      });
    }
  }

  private registerActions(): void {
    // Every button: whether it is ours is for runAction to say, not for a pattern here.
    this.app.action(/.*/, async ({ ack, action, body, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const team = body.team?.id ?? body.user.team_id ?? 'unknown';
      const channel = body.channel?.id ?? body.container?.channel_id ?? 'unknown';
      const ctx = this.context(
        slackChannel(team, channel),
        body.user.id,
        body.trigger_id ?? action.action_ts,
      );
      const pending = runAction(action.action_id, ctx);
      if (!pending) {
        this.log.debug({ actionId: action.action_id }, 'ignored a button that is not ours');
        return;
      }
      const answer = pending.then((view) => this.reply(respond, view, true));
      this.inFlight.track(answer);
      await answer;
    });
  }

  /** `requestId` names the interaction in every log line of its command (Slack's trigger id). */
  private context(channel: ChannelRef, userId: string, requestId: string) {
    return {
      channel,
      team: slackTeam(parseChannelRef(channel).team ?? 'unknown'),
      user: { id: userId },
      services: this.config.services,
      log: this.log.child({ interaction: requestId }),
      now: this.config.now ?? (() => new Date()),
      sample: this.config.sample,
    };
  }

  /**
   * Answers through response_url: a leaderboard in the channel (a page click replaces the message it was
   * clicked on), errors and usage to the asker only. A refused answer is followed by a short notice.
   */
  private async reply(respond: RespondFn, view: View, fromButton: boolean): Promise<void> {
    const message = { ...renderSlack(view), unfurl_links: false, unfurl_media: false };
    let payload: RespondArguments;
    if (view.ephemeral) payload = { response_type: 'ephemeral', replace_original: false, ...message };
    else if (fromButton) payload = { replace_original: true, ...message };
    else payload = { response_type: 'in_channel', ...message };
    try {
      await respond(payload);
    } catch (error) {
      this.log.warn(
        { status: (error as { statusCode?: unknown }).statusCode },
        'response_url refused the reply',
      );
      const notice = errorView(new ToprankError('platform_error'), this.log);
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderSlack(notice) }).catch(
        () => this.log.warn('response_url refused the error notice too'),
      );
    }
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
  }
}

/** Builds the adapter; HTTP mode unless `appToken` is set. Call `start()` before use. */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  return new SlackAdapter(config);
}

/** The adapter's configuration from the environment's, or undefined when Slack is not configured. */
export function slackAdapterConfigFrom(
  config: Config,
  deps: Pick<SlackAdapterConfig, 'services' | 'log' | 'now' | 'sample'>,
): SlackAdapterConfig | undefined {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  return {
    ...deps,
    botToken: config.SLACK_BOT_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: config.SLACK_API_URL,
  };
}

/** A start failure naming the variable to check and Slack's answer, never the token itself. */
function startError(variable: string, error: unknown): Error {
  const code = slackErrorCode(error);
  return new Error(
    code
      ? `Slack refused ${variable} (${code}): check it.`
      : `Could not reach Slack to check ${variable} (${errorName(error)}): check SLACK_API_URL and the network.`,
  );
}

/** The `error` Slack answered with (`channel_not_found`), when the failure is one of Slack's answers. */
function slackErrorCode(error: unknown): string | undefined {
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    error.code === webApi.ErrorCode.PlatformError
  ) {
    return (error as webApi.WebAPIPlatformError).data.error;
  }
  return undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? (((error as { code?: unknown }).code as string) ?? error.name) : 'unknown';
}
