/**
 * A configuration the CLI cannot use says which variable to fix and never echoes a password, however
 * odd its characters: the operator copies the message into a ticket, and the ticket is not secret.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('toprank with a Redis password it cannot read', () => {
  it('names REDIS_URL for a bare % in the password, never "URI malformed", and exits 1', async () => {
    const result = await runCli(['query', 'region:US'], { REDIS_URL: 'redis://:50%off-secret@127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('REDIS_URL must percent-encode %, / and @ in a password');
    expect(result.stderr).not.toContain('URI malformed');
    expect(result.stdout + result.stderr).not.toContain('off-secret');
  }, 30_000);

  it('shows a URL whose password holds / and @ without the password', async () => {
    const result = await runCli(['doctor'], { REDIS_URL: 'redis://:se/cr@et-secret@127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('REDIS_URL');
    expect(result.stdout + result.stderr).toContain('redis://***@127.0.0.1:1');
    expect(result.stdout + result.stderr).not.toMatch(/se\/cr|et-secret/);
  }, 30_000);
});
