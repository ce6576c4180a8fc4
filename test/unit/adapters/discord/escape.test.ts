import { describe, expect, it } from 'vitest';
import {
  escapeMarkdown,
  maskedLink,
  safeUrl,
  unescapeMarkdown,
} from '../../../../src/adapters/discord/escape.js';

describe('escapeMarkdown', () => {
  it('shows @everyone *bold* literally: nothing bold, no mass mention', () => {
    expect(escapeMarkdown('@everyone *bold*')).toBe('@\u200beveryone \\*bold\\*');
    expect(escapeMarkdown('hi @HERE')).toBe('hi @\u200bHERE');
  });

  it('neutralises user, role, channel and slash-command mentions, timestamps and custom emoji', () => {
    for (const raw of [
      '<@123456789012345678>',
      '<@!1>',
      '<@&1>',
      '<#1>',
      '</toprank:1>',
      '<t:1700000000:R>',
      '<:pog:1>',
    ]) {
      const escaped = escapeMarkdown(raw);
      expect(escaped).toMatch(/^\\</);
      expect(escaped).not.toMatch(/(?<!\\)</);
    }
  });

  it('breaks masked links written into a name', () => {
    expect(escapeMarkdown('[free](https://evil.example)')).toBe('\\[free\\](https://evil.example)');
  });

  it('escapes emphasis, strike, spoilers, code, quotes and backslashes', () => {
    expect(escapeMarkdown('_a_ __b__ ~~c~~ ||d|| `e` > f \\')).toBe(
      '\\_a\\_ \\_\\_b\\_\\_ \\~\\~c\\~\\~ \\|\\|d\\|\\| \\`e\\` \\> f \\\\',
    );
  });

  it('escapes line-start headings, subtext and lists, but leaves numbers and signs mid-text alone', () => {
    expect(escapeMarkdown('# Big')).toBe('\\# Big');
    expect(escapeMarkdown('-# small')).toBe('\\-# small');
    expect(escapeMarkdown('- item\n1. first')).toBe('\\- item\n1\\. first');
    expect(escapeMarkdown('+12.3K')).toBe('+12.3K');
    expect(escapeMarkdown('27.6M')).toBe('27.6M');
    expect(escapeMarkdown('#1 creator')).toBe('#1 creator');
  });

  it('leaves ordinary names untouched', () => {
    for (const name of ['Mia Glow', 'Ava Beauty 🇺🇸', 'Lê Thị Hương', 'mia.glow.us7', 'Rock & Roll']) {
      expect(escapeMarkdown(name)).toBe(name);
    }
  });

  it('is undone by unescapeMarkdown', () => {
    const raw = '@everyone *b* _i_ [l](u) <@1> `c` ~~s~~ ||x|| \\ # h';
    expect(unescapeMarkdown(escapeMarkdown(raw))).toBe(raw);
  });
});

describe('safeUrl and maskedLink', () => {
  it('percent-encodes what could close the link or open another', () => {
    expect(safeUrl('https://www.tiktok.com/@a)b')).toBe('https://www.tiktok.com/@a%29b');
    expect(safeUrl('https://www.tiktok.com/@a](x')).toBe('https://www.tiktok.com/@a%5D%28x');
  });

  it('refuses anything but http(s)', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    expect(maskedLink('@x', 'javascript:alert(1)')).toBe('@x');
  });

  it('escapes the link text', () => {
    expect(maskedLink('@a_b]', 'https://www.tiktok.com/@a_b')).toBe(
      '[@a\\_b\\]](https://www.tiktok.com/@a_b)',
    );
  });
});
