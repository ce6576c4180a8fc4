/**
 * A View's attachments into a Slack conversation, the way Slack takes files now: files.getUploadURLExternal,
 * the bytes to the URL it returns, then files.completeUploadExternal sharing them into the channel
 * (scope `files:write`), each with its title and alt text. Translates only; holds no rule of ours.
 */
import type { webApi } from '@slack/bolt';
import { MAX_ALT_TEXT } from '../../charts/chart-data.js';
import type { Attachment } from '../../chat/view.js';
import { truncateText } from '../../clean-text.js';

/** Uploads the files and shares them into `channel` (one message carrying them all). */
export async function uploadFiles(
  client: webApi.WebClient,
  channel: string,
  attachments: readonly Attachment[],
): Promise<void> {
  if (attachments.length === 0) return;
  await client.filesUploadV2({
    channel_id: channel,
    file_uploads: attachments.map((a) => ({
      file: Buffer.from(a.data),
      filename: a.name,
      title: a.name,
      alt_text: truncateText(a.alt, MAX_ALT_TEXT),
    })),
  });
}
