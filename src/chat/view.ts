/**
 * The view model: what a reply or a channel post says, with no platform in it. Commands and jobs
 * build Views; each adapter renders them (embeds, Block Kit, terminal text) and escapes every string,
 * because every string here is plain, untrusted text.
 */

/** A paragraph of plain text. */
export interface TextBlock {
  kind: 'text';
  text: string;
}

/** Label/value pairs, shown side by side where the platform can. */
export interface FieldsBlock {
  kind: 'fields';
  fields: { label: string; value: string }[];
}

/** A cell: plain text, or text linking to `url`. */
export type Cell = string | { text: string; url: string };

/**
 * Rows of pre-formatted cells ("▲3", "1.2M"). The first cell is the row's key (a rank) and is
 * emphasised; line-oriented platforms join the cells of a row into one line.
 */
export interface TableBlock {
  kind: 'table';
  columns: string[];
  rows: Cell[][];
  /** Shown instead of the table when it has no rows. */
  empty: string;
}

/** A highlighted sentence: info (snapped date), warning (fallback, sample data), error (a failure). */
export interface NoticeBlock {
  kind: 'notice';
  tone: 'info' | 'warning' | 'error';
  text: string;
}

export type Block = TextBlock | FieldsBlock | TableBlock | NoticeBlock;

/** A button. `id` is an opaque action id (see action-id.ts), at most 100 characters. */
export interface Button {
  id: string;
  label: string;
  disabled?: boolean;
}

/** A file sent with a message: a chart (PNG) or an export (CSV). */
export interface Attachment {
  /** File name as shown, e.g. `toprank-US-week-2026-11-23.png`. */
  name: string;
  contentType: 'image/png' | 'text/csv';
  data: Uint8Array;
  /** What the file shows, in words (Discord's attachment description, Slack's alt text and title). */
  alt: string;
}

/** A whole message. */
export interface View {
  title?: string;
  blocks: Block[];
  footer?: string;
  actions?: Button[];
  /** Files sent with the message, in order. */
  attachments?: Attachment[];
  /** Only the person who asked sees it (errors, help, confirmations). */
  ephemeral?: boolean;
}

/** A view made of one notice: how errors and confirmations reach the user. */
export function noticeView(tone: NoticeBlock['tone'], text: string, ephemeral = true): View {
  return { blocks: [{ kind: 'notice', tone, text }], ephemeral };
}

/** The plain text of a cell. */
export function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/**
 * `render` remembered per view object. Views are never changed once built, so a view many posts share
 * (one digest to every channel of a query) is rendered once; callers must not change what it returns.
 */
export function renderedOnce<T extends object>(render: (view: View) => T): (view: View) => T {
  const rendered = new WeakMap<View, T>();
  return (view) => {
    let output = rendered.get(view);
    if (!output) {
      output = render(view);
      rendered.set(view, output);
    }
    return output;
  };
}
