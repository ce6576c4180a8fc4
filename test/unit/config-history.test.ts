import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('HISTORY_PERIODS', () => {
  it('keeps 12 periods unless told otherwise', () => {
    expect(loadConfig({}).HISTORY_PERIODS).toBe(12);
    expect(loadConfig({ HISTORY_PERIODS: '24' }).HISTORY_PERIODS).toBe(24);
  });

  it('refuses fewer periods than a chart shows, naming the variable and why', () => {
    expect(() => loadConfig({ HISTORY_PERIODS: '3' })).toThrow(ConfigError);
    expect(() => loadConfig({ HISTORY_PERIODS: '3' })).toThrow(
      'HISTORY_PERIODS must be at least 8 (a chart shows the last 8 periods) (got "3")',
    );
    expect(() => loadConfig({ HISTORY_PERIODS: 'many' })).toThrow('HISTORY_PERIODS must be a whole number');
  });
});
