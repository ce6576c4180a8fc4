/** ALERTS_PER_CHANNEL_DAY: 6 alert messages a channel a day unless told otherwise, validated at start. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('ALERTS_PER_CHANNEL_DAY', () => {
  it('allows 6 alert messages a channel a day unless told otherwise', () => {
    expect(loadConfig({}).ALERTS_PER_CHANNEL_DAY).toBe(6);
    expect(loadConfig({ ALERTS_PER_CHANNEL_DAY: '2' }).ALERTS_PER_CHANNEL_DAY).toBe(2);
  });

  it('refuses a cap that is not a whole number from 1, naming the variable', () => {
    expect(() => loadConfig({ ALERTS_PER_CHANNEL_DAY: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALERTS_PER_CHANNEL_DAY: '0' })).toThrow(
      'ALERTS_PER_CHANNEL_DAY must be at least 1 (got "0")',
    );
    expect(() => loadConfig({ ALERTS_PER_CHANNEL_DAY: 'lots' })).toThrow(
      'ALERTS_PER_CHANNEL_DAY must be a whole number such as 6',
    );
  });
});
