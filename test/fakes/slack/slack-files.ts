// The fake Slack's file uploads, as Slack runs them since files.upload was retired:
// files.getUploadURLExternal hands out an upload URL (on the fake itself, 127.0.0.1) and a file id, the
// client POSTs the bytes there, and files.completeUploadExternal shares the file into a channel (a
// message carrying `files`) or, without channel_id, keeps it private to the uploader.

export interface UploadedSlackFile {
  id: string;
  filename: string;
  /** Declared length, checked against the bytes received. */
  length: number;
  altText: string | undefined;
  title: string | undefined;
  data: Buffer | undefined;
  /** Channels it was shared into by files.completeUploadExternal. */
  channels: string[];
  completed: boolean;
}

type Reply = { status: number; body: Record<string, unknown> };
const ok = (body: Record<string, unknown> = {}): Reply => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string): Reply => ({ status: 200, body: { ok: false, error } });

export class FakeSlackFiles {
  readonly files = new Map<string, UploadedSlackFile>();
  private next = 1;

  /** files.getUploadURLExternal: `filename` and `length` are required; the alt text is `alt_txt` (the SDK sends `alt_text`). */
  getUploadUrl(args: Record<string, unknown>, baseUrl: string): Reply {
    const filename = typeof args.filename === 'string' ? args.filename : '';
    const length = Number(args.length);
    if (!filename || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const alt = args.alt_txt ?? args.alt_text;
    if (typeof alt === 'string' && alt.length > 1000) return fail('invalid_arguments');
    const id = `F0FAKE${String(this.next++).padStart(4, '0')}`;
    this.files.set(id, {
      id,
      filename,
      length,
      altText: typeof alt === 'string' ? alt : undefined,
      title: undefined,
      data: undefined,
      channels: [],
      completed: false,
    });
    return ok({ upload_url: `${baseUrl}/upload/${id}`, file_id: id });
  }

  /** POST /upload/:id: the raw bytes (Slack answers 200 with a short text body). */
  upload(id: string, data: Buffer): { status: number; text: string; length: number } {
    const file = this.files.get(id);
    if (!file || file.completed) return { status: 404, text: 'Not Found', length: data.length };
    if (data.length !== file.length) return { status: 400, text: 'length mismatch', length: data.length };
    file.data = data;
    return { status: 200, text: `OK - ${data.length}`, length: data.length };
  }

  /**
   * files.completeUploadExternal: `files` is `[{ id, title }]`; each must have been uploaded. Returns the
   * file objects to share (the caller posts the message into `channel_id`).
   */
  complete(args: Record<string, unknown>): Reply & { shared?: UploadedSlackFile[] } {
    const entries = Array.isArray(args.files) ? (args.files as Record<string, unknown>[]) : undefined;
    if (!entries || entries.length === 0) return fail('invalid_arguments');
    const shared: UploadedSlackFile[] = [];
    for (const entry of entries) {
      const file = this.files.get(String(entry.id));
      if (!file?.data) return fail('file_not_found');
      shared.push(file);
    }
    const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
    for (const [i, file] of shared.entries()) {
      file.completed = true;
      const title = entries[i]?.title;
      if (typeof title === 'string') file.title = title;
      if (channel) file.channels.push(channel);
    }
    return { ...ok({ files: shared.map(fileObject) }), shared };
  }
}

/** The file object Slack returns and shows in messages (the fields toprank and tests read). */
export function fileObject(file: UploadedSlackFile): Record<string, unknown> {
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    alt_txt: file.altText,
    size: file.data?.length ?? 0,
    mimetype: file.filename.endsWith('.png') ? 'image/png' : file.filename.endsWith('.csv') ? 'text/csv' : '',
    is_public: file.channels.length > 0,
  };
}
