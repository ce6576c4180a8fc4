import { describe, expect, it } from 'vitest';
import { formatChange, formatCount, formatUsd } from '../../../src/ranking/format-number.js';

describe('formatCount', () => {
  it('writes small numbers whole and large ones as K and M', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatCount(1_234_567)).toBe('1.2M');
  });

  it('follows the reader’s locale', () => {
    expect(formatCount(12_345, 'de-DE')).toBe('12.345');
    expect(formatCount(1_234_567, 'de-DE')).toMatch(/^1,2\s+Mio\.$/);
  });

  it('shows a dash when KeyAPI left the value out', () => {
    expect(formatCount(undefined)).toBe('–');
  });

  it('writes a negative count with a true minus sign (U+2212), in any locale', () => {
    expect(formatCount(-82_100)).toBe('\u221282.1K');
    expect(formatCount(-1_234_567, 'de-DE')).toMatch(/^\u22121,2\s+Mio\.$/);
  });

  it('writes a number the same way every time it comes back, 0 and −0 apart', () => {
    for (let i = 0; i < 2; i++) {
      expect(formatCount(12_345)).toBe('12.3K');
      expect(formatCount(0)).toBe('0');
      expect(formatCount(-0)).toBe('\u22120');
      expect(formatCount(12_345, 'de-DE')).toBe('12.345');
    }
  });

  it('falls back to English for a locale it cannot read', () => {
    expect(formatCount(12_345, 'not a locale!')).toBe('12.3K');
  });
});

describe('formatUsd', () => {
  it('writes GMV in compact dollars', () => {
    expect(formatUsd(73_446)).toBe('$73.4K');
    expect(formatUsd(583_910_000)).toBe('$583.9M');
    expect(formatUsd(-73_446)).toBe('\u2212$73.4K');
  });
});

describe('formatChange', () => {
  it('signs a gain with + and a loss with U+2212, never both', () => {
    expect(formatChange(12_345)).toBe('+12.3K');
    expect(formatChange(-82_100)).toBe('\u221282.1K');
    expect(formatChange(0)).toBe('0');
    expect(formatChange(undefined)).toBe('–');
  });
});
