/**
 * View → terminal text: a title, notices, an aligned table, the footer and the buttons as hints.
 * Escaping for a terminal means removing control characters, so a nickname cannot move the cursor,
 * recolour the screen or fake a line of output.
 */
import { type Block, type Button, type Cell, cellText, type View } from '../../chat/view.js';

// C0/C1 controls (ESC included) and line separators; tabs and newlines within our own text stay.
const controlPattern = /(?![\n\t])[\p{Cc}\u2028\u2029]/gu;

/** Untrusted text made safe to print. */
function escapeConsole(text: string): string {
  return text.replace(controlPattern, '');
}

const toneMarks = { info: 'ℹ', warning: '⚠', error: '✖' } as const;

export function renderConsole(view: View): string {
  const lines: string[] = [];
  if (view.title) lines.push(escapeConsole(view.title), '');
  for (const block of view.blocks) lines.push(...renderBlock(block), '');
  if (view.footer) lines.push(escapeConsole(view.footer));
  if (view.actions?.length) lines.push(renderButtons(view.actions));
  return lines.join('\n').trimEnd();
}

function renderBlock(block: Block): string[] {
  switch (block.kind) {
    case 'text':
      return [escapeConsole(block.text)];
    case 'notice':
      return [`${toneMarks[block.tone]} ${escapeConsole(block.text)}`];
    case 'fields':
      return block.fields.map((f) => `  ${escapeConsole(f.label)}: ${escapeConsole(f.value)}`);
    case 'table':
      return block.rows.length === 0 ? [escapeConsole(block.empty)] : renderTable(block.columns, block.rows);
  }
}

function renderTable(columns: string[], rows: Cell[][]): string[] {
  const cells = [columns, ...rows.map((row) => row.map((cell) => escapeConsole(cellText(cell))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => width(row[i] ?? ''))));
  return cells.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell)));
        // Numbers read best right-aligned; names left-aligned.
        return i === 0 || i >= 4 ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Display width: emoji and East Asian wide characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xfe00 && code <= 0xfe0f) continue;
    w +=
      code >= 0x1100 &&
      (code <= 0x115f ||
        (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xff00 && code <= 0xff60) ||
        code >= 0x1f300)
        ? 2
        : 1;
  }
  return w;
}

function renderButtons(buttons: Button[]): string {
  return buttons
    .filter((b) => !b.disabled)
    .map((b) => `[${b.label}]`)
    .join(' ');
}
