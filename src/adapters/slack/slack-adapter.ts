/**
 * Slack through Bolt: every command of `commands/` as a slash command (ack first, then the work, answered
 * through response_url), the Prev/Next buttons, and `send()` for jobs (chat.postMessage, idempotent by
 * message metadata), each with its workspace's token: one workspace's (SLACK_BOT_TOKEN) or, with OAuth,
 * each installation's (slack-oauth.ts). It translates only. Must not import src/jobs or another adapter.
 */
import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, type RespondFn, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { type CommandServices, commands, runAction, runTextCommand } from '../../../commands/index.js';
import { type ChannelRef, slackChannel } from '../../chat/channel-ref.js';
import type { ChatAdapter, PostedRef, RateLimitListener, SendOptions } from '../../chat/chat-adapter.js';
import { createInFlight } from '../../chat/in-flight.js';
import { slackTeam } from '../../chat/team.js';
import type { View } from '../../chat/view.js';
import { createBoltLogger } from './bolt-logger.js';
import { unescapeSlackText } from './escape.js';
import { SLACK_EVENTS_PATH, SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH } from './manifest.js';
import { replyWithView } from './reply.js';
import { guardSlackRequests, type SeenRequests } from './request-guard.js';
import { errorName, slackErrorCode } from './slack-errors.js';
import { createSlackManagers, type SlackManagers } from './slack-managers.js';
import {
  createSlackInstallEvents,
  oauthReceiverOptions,
  type SlackInstallEvents,
  type SlackOAuthConfig,
} from './slack-oauth.js';
import { createSlackPoster, type SlackPoster } from './slack-poster.js';
import { createTeamClients, type SlackBots, type TeamClientsSource } from './team-clients.js';

export interface SlackAdapterConfig {
  /** One workspace: its bot token (`xoxb-…`). Either this or `oauth`. */
  botToken?: string | undefined;
  /** Many workspaces, installed by OAuth (HTTP mode only): the app's credentials and the installations. */
  oauth?: SlackOAuthConfig | undefined;
  /** HTTP mode: the secret Bolt verifies every request's signature with. Needed unless `appToken` is set. */
  signingSecret?: string | undefined;
  /** HTTP mode: signed requests already seen, shared by every process (request-guard.ts). Needed with `signingSecret`. */
  seenRequests?: SeenRequests | undefined;
  /** App-level token (`xapp-…`): Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  /** Web API base ending in `/api/` (default: Slack's). */
  apiUrl?: string | undefined;
  services: CommandServices;
  log: Logger;
  /** The commands' clock (default: the system's). */
  now?: () => Date;
  /**
   * Retries of Web API calls that are safe to repeat (history, users.info…): the default gives up after
   * about a minute (defaultRetryConfig). chat.postMessage is never repeated by the client (slack-poster.ts).
   */
  retryConfig?: webApi.RetryOptions;
  /** SLACK_MANAGERS: user and user-group ids who may manage subscriptions besides owners and admins. */
  managers?: readonly string[];
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

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  readonly mode: 'http' | 'socket';
  private readonly app: App;
  private readonly http: HTTPReceiver | undefined;
  private readonly guardedListener: RequestListener | undefined;
  private readonly socket: SocketModeReceiver | undefined;
  private readonly inFlight = createInFlight();
  private readonly log: Logger;
  private readonly config: SlackAdapterConfig;
  private readonly poster: SlackPoster;
  /** Each workspace's clients, made with its token (team-clients.ts). */
  private readonly clients: TeamClientsSource;
  private readonly rateLimitListeners = new Set<RateLimitListener>();
  private readonly managers: SlackManagers;
  /** OAuth only: what app_uninstalled and tokens_revoked do. */
  private readonly installEvents: SlackInstallEvents | undefined;
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
      logger,
      ...(config.apiUrl && { slackApiUrl: config.apiUrl }),
    };
    const { oauth } = config;
    if (oauth && (config.botToken || config.appToken)) {
      throw new Error('Slack OAuth serves many workspaces over HTTP: no bot token, no Socket Mode.');
    }
    if (!oauth && !config.botToken) throw new Error('Slack needs a bot token or OAuth credentials.');
    const now = config.now ?? (() => new Date());
    const oauthDeps = oauth && {
      oauth,
      clientOptions,
      store: config.services.subscriptions.store,
      log: this.log,
      now,
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
      if (!config.seenRequests) throw new Error('Slack HTTP mode needs a replay guard (seenRequests).');
      this.mode = 'http';
      // Our own receiver so its request listener can sit in the one HTTP server (src/http/server.ts),
      // keeping Bolt's signature and timestamp check on every request.
      this.http = new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        logger,
        // OAuth: Bolt's installer serves GET /slack/install and /slack/oauth_redirect on the same listener.
        ...(oauthDeps && oauthReceiverOptions(oauthDeps)),
      });
      this.guardedListener = guardSlackRequests(this.http.requestListener, {
        signingSecret: config.signingSecret,
        seen: config.seenRequests,
        log: this.log,
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
    const token = config.botToken;
    // One workspace: its token serves every team id (and the bot's id comes from auth.test at start).
    const bots: SlackBots = oauth
      ? oauth.installations
      : { botFor: async () => (token ? { token, botId: this.botId } : undefined) };
    this.clients = createTeamClients(bots, clientOptions);
    this.poster = createSlackPoster({
      clients: this.clients,
      log: this.log,
      lookbackSeconds: config.deliveryLookbackSeconds,
      tokenPerWorkspace: oauth !== undefined,
      onRateLimited: (channel, retryAfterMs) => {
        for (const listener of this.rateLimitListeners) {
          listener({ platform: 'slack', channel, retryAfterMs, limited: true });
        }
      },
    });
    this.managers = createSlackManagers({
      clientFor: async (team) => (await this.clients.forTeam(team))?.reader,
      managers: config.managers ?? [],
      log: this.log,
    });
    this.installEvents = oauthDeps && createSlackInstallEvents(oauthDeps);
    this.registerCommands();
    this.registerActions();
    this.registerInstallEvents();
    this.app.error(async (error) => {
      this.log.error({ err: error }, 'slack listener failed');
    });
  }

  /**
   * HTTP mode: the listener for `POST /slack/events`, to mount in the HTTP server: Bolt's, behind the
   * size, timestamp and replay bounds of request-guard.ts. Undefined in Socket Mode.
   */
  get requestListener(): RequestListener | undefined {
    return this.guardedListener;
  }

  /** OAuth: `GET /slack/install` and `GET /slack/oauth_redirect`, for the HTTP server; none otherwise. */
  get installRoutes(): Record<string, RequestListener> {
    const listener = this.guardedListener;
    if (!this.installEvents || !listener) return {};
    return { [`GET ${SLACK_INSTALL_PATH}`]: listener, [`GET ${SLACK_OAUTH_REDIRECT_PATH}`]: listener };
  }

  async start(): Promise<void> {
    if (this.config.oauth) {
      // No token to check: each workspace's comes with its installation.
      await this.app.init();
      this.log.info({ mode: this.mode, install: 'oauth' }, 'slack ready');
      this.started = true;
      return;
    }
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

  async health(): Promise<SlackHealth> {
    const oauth = this.config.oauth;
    const teams = oauth ? await oauth.installations.count().catch(() => undefined) : 1;
    return { mode: this.mode, install: oauth ? 'oauth' : 'single-workspace', teams };
  }

  onRateLimit(listener: RateLimitListener): void {
    this.rateLimitListeners.add(listener);
  }

  /** Posts a view for a job; a delivery already in the channel's recent history is not posted again. */
  send(to: ChannelRef, view: View, options: SendOptions = {}): Promise<PostedRef> {
    return this.poster.send(to, view, options);
  }

  private registerCommands(): void {
    for (const command of commands) {
      this.app.command(`/${command.name}`, async ({ command: body, ack, respond }) => {
        // Slack gives 3 s for the ack; the KeyAPI fetch comes after it, the answer through response_url.
        await ack();
        const ctx = this.context(
          body.team_id,
          body.channel_id,
          body.channel_name,
          body.user_id,
          body.trigger_id,
        );
        const where = { team: body.team_id, channel: body.channel_id, user: body.user_id };
        const answer = runTextCommand(command.name, unescapeSlackText(body.text), ctx).then((view) =>
          this.reply(respond, view, false, where),
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
        team,
        channel,
        body.channel?.name,
        body.user.id,
        body.trigger_id ?? action.action_ts,
      );
      const pending = runAction(action.action_id, ctx);
      if (!pending) {
        this.log.debug({ actionId: action.action_id }, 'ignored a button that is not ours');
        return;
      }
      const where = { team, channel, user: body.user.id };
      const answer = pending.then((view) => this.reply(respond, view, true, where));
      this.inFlight.track(answer);
      await answer;
    });
  }

  /** OAuth: an uninstall, or the bot's token revoked, forgets the workspace and pauses its subscriptions. */
  private registerInstallEvents(): void {
    const events = this.installEvents;
    if (!events) return;
    // Bolt runs these without authorize(): the installation may already be unusable.
    this.app.event('app_uninstalled', async ({ body }) => {
      await events.uninstalled(body.team_id, 'app_uninstalled');
    });
    this.app.event('tokens_revoked', async ({ event, body }) => {
      // User tokens (`oauth`) are none of ours; the bot's token going is an uninstall.
      if ((event.tokens.bot ?? []).length > 0) await events.uninstalled(body.team_id, 'tokens_revoked');
    });
  }

  /**
   * The command's context. Whether the user may manage the channel is asked of Slack only if a command
   * needs it; `requestId` names the interaction in every log line of its command (Slack's trigger id).
   */
  private context(
    team: string,
    channel: string,
    channelName: string | undefined,
    userId: string,
    requestId: string,
  ) {
    return {
      channel: slackChannel(team, channel),
      team: slackTeam(team),
      user: { id: userId, canManageChannel: () => this.managers.canManage(team, userId, channel) },
      services: this.config.services,
      log: this.log.child({ interaction: requestId }),
      now: this.config.now ?? (() => new Date()),
      sample: this.config.sample,
      directMessage: isDirectMessage(channel, channelName),
    };
  }

  /** Answers a command or a click through response_url (reply.ts), files included with the team's token. */
  private async reply(
    respond: RespondFn,
    view: View,
    fromButton: boolean,
    where: { team: string; channel: string; user: string },
  ): Promise<void> {
    // Bolt authorized the request with the installation; a tokenless client (whose uploads are refused,
    // and said so) only if it went meanwhile or Redis stopped answering: the answer itself needs no token.
    const clients = await this.clients.forTeam(where.team).catch(() => undefined);
    const client = clients?.writer ?? this.app.client;
    return replyWithView({ client, log: this.log }, respond, view, fromButton, where);
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
  }
}

/** What GET /healthz says of Slack: how it is reached, how it is installed, and in how many workspaces. */
export type SlackHealth = {
  mode: 'http' | 'socket';
  install: 'single-workspace' | 'oauth';
  /** Installed workspaces (undefined when Redis could not say). */
  teams: number | undefined;
};

/** Builds the adapter; HTTP mode unless `appToken` is set. Call `start()` before use. */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  return new SlackAdapter(config);
}

/**
 * A direct message (ids start with D) or a group DM (named `mpdm-…`), as the request names the
 * conversation: no channel whose subscriptions anyone manages, and no history scope requested there.
 */
function isDirectMessage(channelId: string, channelName: string | undefined): boolean {
  return (
    channelId.startsWith('D') || channelName === 'directmessage' || channelName?.startsWith('mpdm-') === true
  );
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
