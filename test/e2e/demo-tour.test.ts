/**
 * `npm run demo` without a terminal: the scripted tour runs on sample data and exits 0.
 */
import { describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';

describe('demo', () => {
  it('runs the scripted tour on labelled sample data and exits 0 when stdin is not a terminal', async () => {
    const result = await runCli(['demo'], { REDIS_URL: redisUrl() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SAMPLE DATA');
    expect(result.stdout).toContain('🇺🇸 US daily top 10 by followers');
    expect(result.stdout).toContain('US daily top 11–20 by followers');
    expect(result.stdout).toContain('Weekly rankings start on Mondays');
    expect(result.stdout).toContain('Invalid `region`: "USA"');
    expect(result.stdout).toContain('Demo finished.');
  }, 60_000);
});
