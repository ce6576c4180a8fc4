import { describe, expect, it } from 'vitest';
import { truncateText } from '../../../src/chat/view.js';

describe('truncateText', () => {
  it('cuts with an ellipsis, never inside an emoji', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('short', 10)).toBe('short');
  });
});
