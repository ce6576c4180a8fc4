/**
 * Posting for jobs: chat.postMessage tagged with the delivery (message metadata), sent at most once per
 * send() — only a 429, which Slack answers without posting, is tried again here — and, when an earlier
 * attempt may have posted, looked up in the channel's history first. Slack's refusals become our errors.
 * Must not import commands, the core or the jobs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { type ChannelRef, parseChannelRef } from '../../chat/channel-ref.js';
import {
  ChannelUnavailableError,
  type PostedRef,
  type SendOptions,
  type UnavailableReason,
} from '../../chat/chat-adapter.js';
import type { View } from '../../chat/view.js';
import { ToprankError } from '../../errors.js';
import { renderSlack } from './render.js';
import { shareFiles } from './reply.js';
import { errorName, slackErrorCode } from './slack-errors.js';
import type { TeamClients, TeamClientsSource } from './team-clients.js';

/** The message metadata event type that marks a delivery, so a retry can find it (DESIGN.md, Jobs). */
const DELIVERY_EVENT_TYPE = 'toprank_delivery';

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
/** 429s waited out (each for its Retry-After) before the job's own retry takes over. */
const RATE_LIMIT_WAITS = 4;

export interface SlackPosterConfig {
  /** Each workspace's clients (its bot token): history is read by its reader, files sent by its writer. */
  clients: TeamClientsSource;
  log: Logger;
  /** Hears each 429 Slack answers a post with (its Retry-After), for the shared pacer. */
  onRateLimited?: (channel: ChannelRef, retryAfterMs: number) => void;
  /** How far back an earlier post of the same delivery is looked for, in seconds (default: a day). */
  lookbackSeconds?: number;
  /**
   * OAuth: each workspace has its own token, so a refused token means that workspace uninstalled the
   * app (its channels pause, to resume on reinstall), not that the operator's one token is wrong.
   */
  tokenPerWorkspace?: boolean;
}

export interface SlackPoster {
  send(to: ChannelRef, view: View, options?: SendOptions): Promise<PostedRef>;
}

export function createSlackPoster(config: SlackPosterConfig): SlackPoster {
  const { log } = config;

  // @slack/web-api would re-send a post after a timeout or a 5xx, when Slack may well have posted it: a
  // slow Slack would show the digest twice. So the poster client has no retries; a 429 (never posted)
  // comes back here to be waited out, and told to the shared pacer.
  async function postOnce(
    { poster }: TeamClients,
    to: ChannelRef,
    args: webApi.ChatPostMessageArguments,
  ): Promise<webApi.ChatPostMessageResponse> {
    for (let waited = 0; ; waited += 1) {
      try {
        return await poster.chat.postMessage(args);
      } catch (error) {
        const retryAfter = rateLimitedFor(error);
        if (retryAfter !== undefined) config.onRateLimited?.(to, retryAfter * 1000);
        if (retryAfter === undefined || waited >= RATE_LIMIT_WAITS) throw error;
        await sleep(retryAfter * 1000);
      }
    }
  }

  /** The ts of a message of ours tagged with this delivery in the recent history, if any. */
  async function findDelivery(
    { reader, bot }: TeamClients,
    channel: string,
    deliveryId: string,
  ): Promise<string | undefined> {
    const oldest = String(Math.floor(Date.now() / 1000) - (config.lookbackSeconds ?? 86_400));
    const { botId } = bot;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
      let result: webApi.ConversationsHistoryResponse;
      try {
        result = await reader.conversations.history({
          channel,
          oldest,
          limit: HISTORY_PAGE,
          include_all_metadata: true,
          ...(cursor && { cursor }),
        });
      } catch (error) {
        // The manifest asks for every history scope of the conversations subscriptions allow (channels,
        // private channels), so this is an install that predates it: a duplicate is possible, a missing
        // digest is worse. Post, and tell the operator which scope to add.
        if (slackErrorCode(error) !== 'missing_scope') throw error;
        const { needed } = (error as webApi.WebAPIPlatformError).data as { needed?: string };
        log.error(
          { channel, needed },
          'cannot read channel history (missing scope): posting without the duplicate check; reinstall the app from the current manifest',
        );
        return undefined;
      }
      const found = result.messages?.find(
        (m) =>
          m.metadata?.event_type === DELIVERY_EVENT_TYPE &&
          (m.metadata.event_payload as { delivery_id?: unknown } | undefined)?.delivery_id === deliveryId &&
          (botId === undefined || m.bot_id === botId),
      );
      if (found) return found.ts ?? deliveryId;
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  /** Slack's refusal → our errors: a channel that cannot take posts, or a platform failure to retry. */
  function translate(to: ChannelRef, error: unknown): Error {
    if (error instanceof ChannelUnavailableError) return error;
    const code = slackErrorCode(error);
    const refused = code ? unavailable[code] : undefined;
    const reason = refused === 'unauthorized' && config.tokenPerWorkspace ? 'uninstalled' : refused;
    if (reason) {
      log.info({ channel: to, slackError: code }, 'slack channel unavailable');
      return new ChannelUnavailableError(to, reason);
    }
    // Log the code only: web-api errors can carry request details.
    log.warn({ channel: to, slackError: code ?? errorName(error) }, 'slack refused the message');
    return new ToprankError('platform_error', {}, { cause: error });
  }

  return {
    async send(to, view, options = {}) {
      const ref = parseChannelRef(to);
      if (ref.platform !== 'slack') throw new Error(`not a Slack channel: ${to}`);
      const { deliveryId } = options;
      try {
        // The workspace's own token; a workspace that uninstalled the app takes no posts (its subscriptions pause).
        const clients = await config.clients.forTeam(ref.team ?? '');
        if (!clients) throw new ChannelUnavailableError(to, 'uninstalled');
        // A first attempt cannot have posted: skip the rate-limited history lookup (SendOptions.mayHavePosted).
        if (deliveryId && options.mayHavePosted) {
          const earlier = await findDelivery(clients, ref.channel, deliveryId);
          if (earlier) return { channel: to, messageId: earlier, duplicate: true };
        }
        const result = await postOnce(clients, to, {
          channel: ref.channel,
          ...renderSlack(view),
          unfurl_links: false,
          unfurl_media: false,
          ...(deliveryId && {
            metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { delivery_id: deliveryId } },
          }),
        });
        // Files follow the tagged message, never before it: a retry that finds the message posts nothing
        // again, so a digest and its chart appear at most once (the chart may be missing after a crash).
        await shareFiles({ client: clients.writer, log }, ref.channel, view);
        return { channel: to, messageId: result.ts ?? '', duplicate: false };
      } catch (error) {
        throw translate(to, error);
      }
    },
  };
}

/** Seconds Slack asked to wait, when the error is its 429. */
function rateLimitedFor(error: unknown): number | undefined {
  const e = error as Partial<webApi.WebAPIRateLimitedError> | undefined;
  return e?.code === webApi.ErrorCode.RateLimitedError ? e.retryAfter : undefined;
}
