/**
 * Answers to Slack commands and clicks through response_url, files included: response_url carries no
 * files, so a public answer's files are shared into the channel after it, and a private answer's go to
 * the asker's direct message with the bot. Translates only; must not import commands, ranking or jobs.
 */
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorView } from '../../chat/dispatch.js';
import { noticeView, type View } from '../../chat/view.js';
import { messageFor, ToprankError } from '../../errors.js';
import { renderSlack } from './render.js';
import { errorName, slackErrorCode } from './slack-errors.js';
import { uploadFiles } from './upload-files.js';

export interface ReplyDeps {
  client: webApi.WebClient;
  log: Logger;
}

/** Said privately in the channel when a button's files went to the clicker's direct messages. */
const SENT_PRIVATELY = 'Sent to you in a direct message from toprank:';

/** Shares a view's files into a channel after its message; a refused upload is logged, never thrown. */
export async function shareFiles(deps: ReplyDeps, channel: string, view: View): Promise<boolean> {
  try {
    await uploadFiles(deps.client, channel, view.attachments ?? []);
    return true;
  } catch (error) {
    deps.log.warn({ channel, slackError: slackErrorCode(error) ?? errorName(error) }, 'file upload refused');
    return false;
  }
}

/**
 * Answers through response_url: a leaderboard in the channel (a page click replaces the message it was
 * clicked on), errors and usage to the asker only. A refused answer is followed by a short notice.
 */
export async function replyWithView(
  deps: ReplyDeps,
  respond: RespondFn,
  view: View,
  fromButton: boolean,
  where: { channel: string; user: string },
): Promise<void> {
  if (view.attachments?.length && view.ephemeral) return replyPrivately(deps, respond, view, where.user);
  const message = { ...renderSlack(view), unfurl_links: false, unfurl_media: false };
  let payload: RespondArguments;
  if (view.ephemeral) payload = { response_type: 'ephemeral', replace_original: false, ...message };
  else if (fromButton) payload = { replace_original: true, ...message };
  else payload = { response_type: 'in_channel', ...message };
  try {
    await respond(payload);
    if (view.attachments?.length && !(await shareFiles(deps, where.channel, view))) {
      const refused = noticeView('error', messageFor(new ToprankError('file_upload_refused')));
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderSlack(refused) });
    }
  } catch (error) {
    deps.log.warn(
      { status: (error as { statusCode?: unknown }).statusCode },
      'response_url refused the reply',
    );
    const notice = errorView(new ToprankError('platform_error'), deps.log);
    await respond({ response_type: 'ephemeral', replace_original: false, ...renderSlack(notice) }).catch(() =>
      deps.log.warn('response_url refused the error notice too'),
    );
  }
}

/**
 * Files only the asker may see: Slack has no private file in a channel, so they go to the asker's
 * direct message with the bot (chat.postMessage to a user id opens it, with `chat:write` alone), and
 * the channel gets a private line saying so.
 */
async function replyPrivately(deps: ReplyDeps, respond: RespondFn, view: View, user: string): Promise<void> {
  let notice: View;
  try {
    const dm = await deps.client.chat.postMessage({
      channel: user,
      ...renderSlack({ ...view, attachments: [] }),
      unfurl_links: false,
      unfurl_media: false,
    });
    await uploadFiles(deps.client, dm.channel ?? user, view.attachments ?? []);
    const names = (view.attachments ?? []).map((a) => a.name).join(', ');
    notice = noticeView('info', `${SENT_PRIVATELY} ${names}`);
  } catch (error) {
    deps.log.warn({ slackError: slackErrorCode(error) ?? errorName(error) }, 'direct message refused');
    notice = noticeView('error', messageFor(new ToprankError('file_upload_refused')));
  }
  await respond({ response_type: 'ephemeral', replace_original: false, ...renderSlack(notice) }).catch(() =>
    deps.log.warn('response_url refused the reply'),
  );
}
