/**
 * `npm run demo` without a terminal: the scripted tour runs on sample data and exits 0.
 */
import { existsSync, readFileSync } from 'node:fs';
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
    // The tour draws a chart, writes it to a temporary folder and says where.
    const written = /📈 toprank-US-week-sales-[\d-]+\.png written to (\S+\.png)/.exec(result.stdout)?.[1];
    expect(written && existsSync(written)).toBe(true);
    expect([...readFileSync(written ?? '').subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(result.stdout).toContain('Demo finished.');
  }, 60_000);
});
