import { describe, expect, it } from 'vitest';
import { canMention, escapeMrkdwn, unescapeSlackText } from '../../../../src/adapters/slack/escape.js';

describe('escapeMrkdwn', () => {
  it('turns plain broadcast words into a look-alike that Slack never parses', () => {
    expect(escapeMrkdwn('@here @Channel @everyone @group hi')).toBe('＠here ＠Channel ＠everyone ＠group hi');
    expect(canMention('@here')).toBe(true);
    expect(canMention(escapeMrkdwn('@here'))).toBe(false);
    expect(escapeMrkdwn('mail me@heretic.example')).toBe('mail me@heretic.example');
  });

  it('turns <!channel> into text that notifies no one', () => {
    expect(escapeMrkdwn('<!channel> hi')).toBe('&lt;!channel&gt; hi');
    expect(canMention(escapeMrkdwn('<!channel> <@U123> <!subteam^S1>'))).toBe(false);
  });

  it('escapes & first so an entity is not escaped twice over', () => {
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });

  it('leaves other mrkdwn characters and non-Latin text alone', () => {
    expect(escapeMrkdwn('*bold* _it_ `code` 小红 🇺🇸')).toBe('*bold* _it_ `code` 小红 🇺🇸');
  });
});

describe('unescapeSlackText', () => {
  it('restores what the user typed from Slack-escaped command text', () => {
    expect(unescapeSlackText('category:"Beauty &amp; Personal Care"')).toBe(
      'category:"Beauty & Personal Care"',
    );
    expect(unescapeSlackText('a &lt;b&gt;')).toBe('a <b>');
  });

  it('reverses escapeMrkdwn exactly, even for text that looks escaped', () => {
    for (const text of ['&lt;', '&amp;gt;', '<!here> & co', 'plain']) {
      expect(unescapeSlackText(escapeMrkdwn(text))).toBe(text);
    }
  });
});

describe('canMention', () => {
  it('spots an unescaped mention or broadcast', () => {
    expect(canMention('hi <!here>')).toBe(true);
    expect(canMention('hi <@U0BOSS>')).toBe(true);
    expect(canMention('<https://www.tiktok.com/@a|@a>')).toBe(false);
  });
});
