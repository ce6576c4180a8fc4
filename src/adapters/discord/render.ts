/**
 * View → Discord message: embeds (title, one description line per table row, fields, footer) and
 * button rows, always inside Discord's limits. Every View string is escaped here (escape.ts).
 * Pure: imports only discord.js types and constants, never commands, ranking or jobs.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import {
  type Block,
  type Button,
  type Cell,
  cellText,
  renderedOnce,
  type TableBlock,
  type View,
} from '../../chat/view.js';
import { truncateText } from '../../clean-text.js';
import { escapeMarkdown, maskedLink } from './escape.js';

/** Discord's documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  /** Title, description, field names and values, footer and author of all embeds of one message. */
  embedTotal: 6000,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  buttonsPerRow: 5,
  actionRows: 5,
  customId: 100,
  buttonLabel: 80,
  attachmentDescription: 1024,
} as const;

/** A file to upload with the message (multipart `files[n]`, described in `attachments[n]`). */
interface DiscordFile {
  name: string;
  data: Buffer;
  contentType: string;
  /** The alt text screen readers and Discord's image viewer show (at most 1,024 characters). */
  description: string;
}

/** The message's files as discord.js REST uploads them: one multipart part each, in order. */
export function uploadsOf(message: DiscordMessage): { name: string; data: Buffer; contentType: string }[] {
  return message.files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType }));
}

/** The `attachments` a body lists for its uploads (id = the part's index), with each one's alt text. */
export function attachmentsOf(
  message: DiscordMessage,
): { id: number; filename: string; description: string }[] {
  return message.files.map((f, id) => ({ id, filename: f.name, description: f.description }));
}

/** A rendered message, library-neutral: the adapter hands it to discord.js or to a REST body. */
export interface DiscordMessage {
  /** Plain views (errors, confirmations) are a text message; everything else is embeds. */
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files: DiscordFile[];
  ephemeral: boolean;
}

const colors = { brand: 0xfe2c55, error: 0xed4245 } as const;
const toneMarks = { info: 'ℹ️', warning: '⚠️', error: '❌' } as const;

/** Shrinking steps tried in order until a table fits: long names, then extra columns, then links go. */
const tableStyles: readonly TableStyle[] = [
  { maxCellLength: 64, maxCells: Number.POSITIVE_INFINITY, links: true },
  { maxCellLength: 32, maxCells: Number.POSITIVE_INFINITY, links: true },
  { maxCellLength: 24, maxCells: 5, links: true },
  { maxCellLength: 20, maxCells: 5, links: false },
  { maxCellLength: 14, maxCells: 5, links: false },
];

interface TableStyle {
  maxCellLength: number;
  /** Cells kept per row (the key, movement, name, handle and the first metric make 5). */
  maxCells: number;
  links: boolean;
}

/** Renders a View as a Discord message. */
export const renderDiscord = renderedOnce((view: View): DiscordMessage => {
  const message: DiscordMessage = {
    embeds: [],
    components: renderButtons(view.actions ?? []),
    // Alt text is plain text for Discord (no Markdown there), cut to its limit.
    files: (view.attachments ?? []).map((a) => ({
      name: a.name,
      data: Buffer.from(a.data),
      contentType: a.contentType,
      description: truncateText(a.alt, DISCORD_LIMITS.attachmentDescription),
    })),
    ephemeral: view.ephemeral === true,
  };
  if (isPlain(view)) {
    message.content = clip(view.blocks.map(headerLine).join('\n'), DISCORD_LIMITS.content);
    return message;
  }
  message.embeds = renderEmbeds(view);
  return message;
});

/** A view with only sentences (an error, a confirmation) reads best as a plain message. */
function isPlain(view: View): boolean {
  return !view.title && !view.footer && view.blocks.every((b) => b.kind === 'notice' || b.kind === 'text');
}

function headerLine(block: Block): string {
  if (block.kind === 'notice') return `${toneMarks[block.tone]} ${escapeMarkdown(block.text)}`;
  if (block.kind === 'text') return escapeMarkdown(block.text);
  return '';
}

function renderEmbeds(view: View): APIEmbed[] {
  const title = view.title ? fitEscaped(view.title, DISCORD_LIMITS.embedTitle) : undefined;
  // Footers show no Markdown, so they stay plain.
  const footer = view.footer ? truncateText(view.footer, DISCORD_LIMITS.footer) : undefined;
  const header = view.blocks.filter((b) => b.kind === 'notice' || b.kind === 'text').map(headerLine);
  const fields = view.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []));
  const renderedFields = renderFields(fields);
  const tables = view.blocks.filter((b): b is TableBlock => b.kind === 'table');
  const fixed =
    (title?.length ?? 0) +
    (footer?.length ?? 0) +
    renderedFields.reduce((n, f) => n + f.name.length + f.value.length, 0);

  let lines: string[] = [];
  for (const style of tableStyles) {
    lines = [...header, ...tables.flatMap((t) => tableLines(t, style))];
    if (fits(lines, fixed)) break;
  }
  while (!fits(lines, fixed) && lines.length > header.length + 1) {
    lines = dropLastRow(lines);
  }

  const chunks = packLines(lines);
  const isError = view.blocks.some((b) => b.kind === 'notice' && b.tone === 'error');
  const embeds: APIEmbed[] = (chunks.length ? chunks : ['']).map((description) => {
    const embed: APIEmbed = { color: isError ? colors.error : colors.brand };
    if (description) embed.description = description;
    return embed;
  });
  const first = embeds[0] as APIEmbed;
  const last = embeds[embeds.length - 1] as APIEmbed;
  if (title) first.title = title;
  if (renderedFields.length) first.fields = renderedFields;
  if (footer) last.footer = { text: footer };
  return embeds;
}

/** A table as lines: a legend naming the columns, then one line per row; `**1.** ▲3 Name · @handle · …`. */
function tableLines(table: TableBlock, style: TableStyle): string[] {
  if (table.rows.length === 0) return [escapeMarkdown(table.empty)];
  // Leaderboards put a movement marker in column 1; it reads as part of the rank, not as a column.
  const markerColumn = table.columns[1] === 'Move';
  const named = table.columns.slice(markerColumn ? 2 : 1, style.maxCells);
  const legend = `*${named.map(escapeMarkdown).join(' · ')}*`;
  return [legend, ...table.rows.map((row) => rowLine(row, style, markerColumn))];
}

function rowLine(row: Cell[], style: TableStyle, markerColumn: boolean): string {
  const [key = '', ...rest] = row.slice(0, style.maxCells);
  const cells = rest.map((cell) => renderCell(cell, style));
  const marker = markerColumn ? cells.shift() : undefined;
  const keyText = cellText(key);
  // A rank reads "**1.**"; another key (a subscription id) just stands out.
  const lead = `**${escapeMarkdown(keyText)}${/^\d+$/.test(keyText) ? '.' : ''}**${marker ? ` ${marker}` : ''}`;
  return [lead + (cells.length ? ` ${cells[0]}` : ''), ...cells.slice(1)].join(' · ');
}

function renderCell(cell: Cell, style: TableStyle): string {
  const text = truncateText(cellText(cell), style.maxCellLength);
  return typeof cell !== 'string' && style.links ? maskedLink(text, cell.url) : escapeMarkdown(text);
}

/** Removes the last row line (keeping a note of how many are hidden). */
function dropLastRow(lines: string[]): string[] {
  const note = /^\*…and (\d+) more\*$/;
  const last = lines[lines.length - 1] ?? '';
  const hidden = Number(note.exec(last)?.[1] ?? 0);
  const body = hidden ? lines.slice(0, -2) : lines.slice(0, -1);
  return [...body, `*…and ${hidden + 1} more*`];
}

function fits(lines: string[], fixed: number): boolean {
  const description = lines.reduce((n, l) => n + l.length + 1, 0);
  return fixed + description <= DISCORD_LIMITS.embedTotal && packLines(lines).length <= DISCORD_LIMITS.embeds;
}

/** Splits lines into descriptions of at most 4,096 characters, never inside a line. */
function packLines(lines: string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    const piece = clip(line, DISCORD_LIMITS.embedDescription);
    if (current && current.length + 1 + piece.length > DISCORD_LIMITS.embedDescription) {
      chunks.push(current);
      current = piece;
    } else {
      current = current ? `${current}\n${piece}` : piece;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function renderFields(fields: { label: string; value: string }[]): NonNullable<APIEmbed['fields']> {
  const max = DISCORD_LIMITS.fields;
  const shown = fields.length > max ? fields.slice(0, max - 1) : fields;
  const rendered = shown.map((f) => ({
    name: fitEscaped(f.label || '–', DISCORD_LIMITS.fieldName),
    value: fitEscaped(f.value || '–', DISCORD_LIMITS.fieldValue),
    inline: false,
  }));
  if (fields.length > max) {
    rendered.push({ name: '…', value: `and ${fields.length - shown.length} more`, inline: false });
  }
  return rendered;
}

/** Buttons in rows of five; ids longer than Discord takes are left out rather than refused. */
function renderButtons(buttons: Button[]): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const usable = buttons
    .filter((b) => b.id.length > 0 && b.id.length <= DISCORD_LIMITS.customId)
    .slice(0, DISCORD_LIMITS.buttonsPerRow * DISCORD_LIMITS.actionRows);
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < usable.length; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({
      type: ComponentType.ActionRow,
      components: usable.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((b) => ({
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: truncateText(b.label, DISCORD_LIMITS.buttonLabel),
        custom_id: b.id,
        disabled: b.disabled === true,
      })),
    });
  }
  return rows;
}

/** Escaped text of at most `max` characters: the plain text is cut before escaping, never an escape. */
function fitEscaped(text: string, max: number): string {
  let plain = text;
  let escaped = escapeMarkdown(plain);
  while (escaped.length > max) {
    plain = truncateText(plain, Math.max(1, plain.length - (escaped.length - max) - 1));
    escaped = escapeMarkdown(plain);
  }
  return escaped;
}

/** Cuts already-escaped text, dropping a dangling backslash so it cannot escape the ellipsis. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/(?<!\\)((?:\\\\)*)\\$/, '$1')}…`;
}
