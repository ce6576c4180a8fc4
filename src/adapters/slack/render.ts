/**
 * View → Block Kit: a header, a context line, notices, one mrkdwn line per creator packed into sections,
 * and the buttons as an actions block; within Slack's limits, with every untrusted string escaped.
 * Imports Bolt's block types only; must not import commands, ranking or jobs.
 */
import type { types } from '@slack/bolt';
import {
  type Block,
  type Button,
  type Cell,
  cellText,
  type FieldsBlock,
  renderedOnce,
  type TableBlock,
  type View,
} from '../../chat/view.js';
import { truncateText } from '../../clean-text.js';
import { escapeMrkdwn } from './escape.js';

type KnownBlock = types.KnownBlock;

/** What a Slack message carries: blocks, and `text` for notifications and clients without blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

// Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonText: 75,
  actionsElements: 25,
} as const;

/**
 * A mrkdwn text object. `verbatim: true` is Slack's documented switch
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object) that stops it
 * link-ifying conversation names (`#general`) and parsing mentions in plain text, which KeyAPI text
 * could otherwise trigger; our own `<url|label>` links and `*bold*` still render.
 */
function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text, verbatim: true };
}

const toneEmoji = { info: ':information_source:', warning: ':warning:', error: ':x:' } as const;

/** Renders a view as a Slack message. */
export const renderSlack = renderedOnce((view: View): SlackMessage => {
  const blocks: KnownBlock[] = [];
  if (view.title) {
    // plain_text cannot mention anyone, so the title needs no mrkdwn escaping.
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: truncateText(view.title, SLACK_LIMITS.headerText), emoji: true },
    });
  }
  if (view.footer) {
    // The footer names the period and the data date: Slack readers look for that under the header.
    blocks.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(view.footer))] });
  }
  for (const block of view.blocks) blocks.push(...renderBlock(block));
  const actions = renderActions(view.actions ?? []);
  const room = SLACK_LIMITS.blocksPerMessage - (actions ? 1 : 0);
  if (blocks.length > room) {
    blocks.splice(room - 1);
    blocks.push(contextNote('…more than one Slack message can hold.'));
  }
  if (actions) blocks.push(actions);
  return { text: fallbackText(view), blocks };
});

function renderBlock(block: Block): KnownBlock[] {
  switch (block.kind) {
    case 'text':
      return sections(splitLines(escapeMrkdwn(block.text)));
    case 'notice':
      return sections([`${toneEmoji[block.tone]} ${escapeMrkdwn(block.text)}`]);
    case 'fields':
      return renderFields(block);
    case 'table':
      return block.rows.length === 0
        ? sections([`_${escapeMrkdwn(block.empty)}_`])
        : sections(block.rows.map((row) => tableLine(block, row)));
  }
}

/**
 * One line per row: `*1.* ▲3 Mia Glow · <https://www.tiktok.com/@mia|@mia> · +12.3K followers gained · …`.
 * The first cell is the row's key; the first four columns (#, move, name, handle) read without labels,
 * the metrics after them carry their column name.
 */
function tableLine(table: TableBlock, row: Cell[]): string {
  const [key, ...rest] = row;
  const head = [key === undefined ? '' : `*${escapeMrkdwn(cellText(key))}.*`];
  const parts: string[] = [];
  rest.forEach((cell, i) => {
    const column = i + 1;
    const text = renderCell(cell);
    if (column < 3) head.push(text);
    else if (column === 3) parts.push(text);
    else parts.push(`${text} ${metricLabel(table.columns[column] ?? '')}`.trim());
  });
  return [head.filter(Boolean).join(' '), ...parts].join(' · ');
}

function renderCell(cell: Cell): string {
  if (typeof cell === 'string') return escapeMrkdwn(cell);
  // A link: `<url|label>`. Both parts are escaped, so neither can close the link early or open a mention.
  return `<${escapeMrkdwn(cell.url)}|${escapeMrkdwn(cell.text)}>`;
}

/** "Followers gained" → "followers gained"; acronyms such as "GMV" stay as they are. */
function metricLabel(column: string): string {
  return escapeMrkdwn(/^[A-Z0-9]+$/.test(column) ? column : column.toLowerCase());
}

function renderFields(block: FieldsBlock): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (let i = 0; i < block.fields.length; i += SLACK_LIMITS.fieldsPerSection) {
    const fields = block.fields
      .slice(i, i + SLACK_LIMITS.fieldsPerSection)
      .map((f) =>
        mrkdwn(truncateText(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText)),
      );
    out.push({ type: 'section', fields });
  }
  return out;
}

/** Packs lines into as few sections as fit 3,000 characters each (50 creators take three or four). */
function sections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncateText(raw, SLACK_LIMITS.sectionText);
    if (current && current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function contextNote(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(escapeMrkdwn(text))] };
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Slack has no disabled buttons: a disabled one is left out, and no buttons means no actions block. */
function renderActions(buttons: Button[]): KnownBlock | undefined {
  const enabled = buttons.filter((b) => !b.disabled).slice(0, SLACK_LIMITS.actionsElements);
  if (enabled.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: 'toprank-actions',
    elements: enabled.map((b) => ({
      type: 'button' as const,
      action_id: b.id,
      text: {
        type: 'plain_text' as const,
        text: truncateText(b.label, SLACK_LIMITS.buttonText),
        emoji: true,
      },
    })),
  };
}

/** The notification text: the title, or the first sentence of the body. It is mrkdwn too, so escaped. */
function fallbackText(view: View): string {
  const first = view.blocks.find((b) => b.kind === 'notice' || b.kind === 'text');
  const text = view.title ?? (first && 'text' in first ? first.text : 'toprank');
  return escapeMrkdwn(truncateText(text, 300));
}
