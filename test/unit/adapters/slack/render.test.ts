import { describe, expect, it } from 'vitest';
import { renderSlack, SLACK_LIMITS } from '../../../../src/adapters/slack/render.js';
import type { Cell, View } from '../../../../src/chat/view.js';

type AnyBlock = {
  type: string;
  text?: { type: string; text: string };
  fields?: { text: string }[];
  elements?: { type: string; text: string | { text: string }; action_id?: string }[];
};

const columns = ['#', 'Move', 'Creator', 'Handle', 'Followers gained', 'Followers', 'GMV'];

function row(rank: number, nickname = `Creator ${rank}`, handle = `c${rank}`): Cell[] {
  return [
    String(rank),
    '▲3',
    nickname,
    { text: `@${handle}`, url: `https://www.tiktok.com/@${handle}` },
    '+12.3K',
    '1.2M',
    '$45.6K',
  ];
}

function board(rows: Cell[][], extra: Partial<View> = {}): View {
  return {
    title: '🇺🇸 US daily top 10 by followers',
    footer: 'Tue 24 Nov 2026 · movement vs Mon 23 Nov 2026 · data: KeyAPI',
    blocks: [{ kind: 'table', columns, rows, empty: 'No creators match.' }],
    actions: [
      { id: 'tr|US|d|f|20261124|10|0||', label: '◀ Prev', disabled: true },
      { id: 'tr|US|d|f|20261124|10|2||', label: 'Next ▶' },
    ],
    ...extra,
  };
}

const sectionTexts = (blocks: unknown[]) =>
  (blocks as AnyBlock[]).filter((b) => b.type === 'section' && b.text).map((b) => b.text?.text ?? '');

describe('renderSlack', () => {
  it('renders a header, a context line, one line per creator and the buttons, in that order', () => {
    const { blocks, text } = renderSlack(board([row(1), row(2)]));
    const types = (blocks as AnyBlock[]).map((b) => b.type);
    expect(types).toEqual(['header', 'context', 'section', 'actions']);
    expect(text).toBe('🇺🇸 US daily top 10 by followers');
    expect(sectionTexts(blocks)[0]?.split('\n')).toEqual([
      '*1.* ▲3 Creator 1 · <https://www.tiktok.com/@c1|@c1> · +12.3K followers gained · 1.2M followers · $45.6K GMV',
      '*2.* ▲3 Creator 2 · <https://www.tiktok.com/@c2|@c2> · +12.3K followers gained · 1.2M followers · $45.6K GMV',
    ]);
  });

  it('escapes nicknames and link labels, so nothing in a row can mention anyone', () => {
    const { blocks } = renderSlack(board([row(1, '<!channel> & <@U1>', 'x>y')]));
    const line = sectionTexts(blocks)[0] ?? '';
    expect(line).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(line).toContain('|@x&gt;y>');
    expect(line).not.toMatch(/<[!@]/);
  });

  it('escapes the footer, notices and fallback text too', () => {
    const view: View = {
      title: '<!here> title',
      footer: 'by <!everyone>',
      blocks: [{ kind: 'notice', tone: 'warning', text: 'careful <!channel>' }],
    };
    const { blocks, text } = renderSlack(view);
    expect(text).toBe('&lt;!here&gt; title');
    // plain_text (the header) cannot mention anyone: it stays as written.
    expect((blocks as AnyBlock[])[0]?.text).toEqual({
      type: 'plain_text',
      text: '<!here> title',
      emoji: true,
    });
    expect(JSON.stringify(blocks.slice(1))).not.toMatch(/<!/);
    expect(sectionTexts(blocks)).toEqual([':warning: careful &lt;!channel&gt;']);
  });

  it('keeps limit:50 with long, escape-heavy nicknames within Block Kit limits', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i + 1, '&<>'.repeat(21), `handle.${i}.x`));
    const view = board(rows);
    view.blocks.unshift(
      { kind: 'notice', tone: 'info', text: 'Weekly rankings start on Mondays.' },
      { kind: 'notice', tone: 'warning', text: 'Sample data: not real creators.' },
    );
    const { blocks } = renderSlack(view);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    for (const text of sectionTexts(blocks))
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const ranks = sectionTexts(blocks)
      .flatMap((t) => t.split('\n'))
      .map((l) => Number(/^\*(\d+)\.\*/.exec(l)?.[1]))
      .filter(Number.isInteger);
    expect(ranks).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('leaves out disabled buttons, and the actions block when none is left', () => {
    const one = renderSlack(board([row(1)])).blocks as AnyBlock[];
    const actions = one.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['tr|US|d|f|20261124|10|2||']);

    const none = renderSlack(board([row(1)], { actions: [{ id: 'x', label: 'Next', disabled: true }] }));
    expect((none.blocks as AnyBlock[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('shows the empty sentence when a table has no rows', () => {
    const { blocks } = renderSlack(board([]));
    expect(sectionTexts(blocks)).toEqual(['_No creators match._']);
  });

  it('splits more than ten fields over several sections', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `opt${i}`, value: `v <${i}>` }));
    const { blocks } = renderSlack({ blocks: [{ kind: 'fields', fields }], ephemeral: true });
    const sections = (blocks as AnyBlock[]).filter((b) => b.fields);
    expect(sections.map((s) => s.fields?.length)).toEqual([10, 2]);
    expect(sections[0]?.fields?.[0]?.text).toBe('*opt0*\nv &lt;0&gt;');
  });

  it('truncates a title longer than a header may be', () => {
    const { blocks } = renderSlack({ title: 'x'.repeat(400), blocks: [] });
    const header = (blocks as AnyBlock[])[0];
    expect(header?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header?.text?.text.endsWith('…')).toBe(true);
  });
});
