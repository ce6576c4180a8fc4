import { describe, expect, it } from 'vitest';
import { cleanText, truncateText } from '../../src/clean-text.js';

describe('cleanText', () => {
  it('turns line breaks and controls into one space, so text stays on its line', () => {
    expect(cleanText('a\nb\r\nc\u2028d\u2029e\u0085f\u001Bg\th')).toBe('a b c d e f g h');
  });

  it('removes bidi overrides and isolates, and zero-width characters', () => {
    const bidi = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    expect(cleanText(`x${bidi}y\u200B\u200C\u200D\u2060\uFEFFz`)).toBe('xyz');
  });

  it('keeps letters, emoji and their variation selectors, and collapses spaces', () => {
    expect(cleanText('  Mia   Glow ✨\uFE0F  ')).toBe('Mia Glow ✨\uFE0F');
    expect(cleanText(undefined)).toBe('');
  });
});

describe('truncateText', () => {
  it('cuts with an ellipsis, never inside an emoji', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('short', 10)).toBe('short');
  });
});
