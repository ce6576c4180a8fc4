import { describe, expect, it } from 'vitest';
import { parseKeyValueText } from '../../../src/chat/parse-text.js';
import { ToprankError } from '../../../src/errors.js';

describe('parseKeyValueText', () => {
  it('reads key:value words, lowercasing keys and keeping values', () => {
    expect(parseKeyValueText('Region:US type:WEEK by:sales', 'toprank')).toEqual({
      help: false,
      values: { region: 'US', type: 'WEEK', by: 'sales' },
    });
  });

  it('reads quoted values, straight or curly as Slack sends them', () => {
    expect(parseKeyValueText('category:"Beauty & Personal Care" limit:5', 'toprank').values.category).toBe(
      'Beauty & Personal Care',
    );
    expect(parseKeyValueText('category:“Home & Living”', 'toprank').values.category).toBe('Home & Living');
  });

  it('keeps colons after the first one in a value (a time)', () => {
    expect(parseKeyValueText('time:09:30', 'toprank-subscribe').values.time).toBe('09:30');
  });

  it('recognises help', () => {
    expect(parseKeyValueText('help', 'toprank').help).toBe(true);
    expect(parseKeyValueText('', 'toprank')).toEqual({ help: false, values: {} });
  });

  it('refuses a word that is not key:value, naming it', () => {
    try {
      parseKeyValueText('region:US weekly', 'toprank');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ToprankError);
      expect((error as ToprankError).code).toBe('malformed_input');
      expect((error as ToprankError).fields.value).toBe('weekly');
    }
  });

  it('reads one bare word as the positional option', () => {
    expect(parseKeyValueText('US type:week', 'toprank', 'region').values).toEqual({
      region: 'US',
      type: 'week',
    });
    expect(parseKeyValueText('k3v9qa', 'toprank-unsubscribe', 'subscription').values).toEqual({
      subscription: 'k3v9qa',
    });
  });

  it.each([
    ['two bare words', 'US GB', 'region', 'GB'],
    ['a bare word beside the same option as key:value', 'US region:GB', 'region', 'US'],
    ['a bare word where no option is positional', 'US', undefined, 'US'],
  ])('refuses %s, naming the word', (_, text, positional, word) => {
    try {
      parseKeyValueText(text, 'toprank', positional);
      expect.unreachable();
    } catch (error) {
      expect((error as ToprankError).code).toBe('malformed_input');
      expect((error as ToprankError).fields.value).toBe(word);
    }
  });
});
