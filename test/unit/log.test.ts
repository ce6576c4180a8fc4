import { describe, expect, it } from 'vitest';
import { createTestLog } from '../helpers/test-log.js';

describe('createLogger', () => {
  it('never writes a configured secret, wherever it appears', () => {
    const secret = 'sk_live_abcdef123456';
    const t = createTestLog({ secrets: [secret] });
    t.log.info(
      { url: `https://api.keyapi.ai/?key=${secret}`, nested: { note: `Bearer ${secret}` } },
      `calling with ${secret}`,
    );
    t.log.error({ err: new Error(`request failed for ${secret}`) }, 'boom');
    expect(t.text()).not.toContain(secret);
    expect(t.text()).toContain('[redacted]');
  });

  it('redacts authorization headers and token fields by name', () => {
    const t = createTestLog();
    t.log.info({ headers: { authorization: 'Bearer whatever' }, token: 'discord-token-value' }, 'request');
    expect(t.text()).not.toContain('whatever');
    expect(t.text()).not.toContain('discord-token-value');
  });
});
