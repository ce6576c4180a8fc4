import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, digestReserveOf, loadConfig, redactUrl, secretsOf } from '../../src/config.js';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.KEYAPI_BASE_URL).toBe('https://api.keyapi.ai');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(3000);
    expect(config.DIGEST_TIME).toBe('09:00');
    expect(config.DIGEST_TIMEZONE).toBe('UTC');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('lists every bad or missing variable in one message', () => {
    const message = problems({
      KEYAPI_QPS: 'fast',
      PORT: '70000',
      DIGEST_TIME: '9am',
      DIGEST_TIMEZONE: 'Mars/Olympus',
      DISCORD_TOKEN: 'abc.def.ghi',
      SLACK_API_URL: 'https://slack.com/api',
    });
    expect(message).toContain('KEYAPI_QPS');
    expect(message).toContain('PORT');
    expect(message).toContain('DIGEST_TIME must be a 24-hour time HH:MM');
    expect(message).toContain('DIGEST_TIMEZONE must be an IANA time zone');
    expect(message).toContain('DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set');
    expect(message).toContain('SLACK_API_URL must end in /api/');
  });

  it('names a bad secret without echoing its value', () => {
    const message = problems({
      SLACK_BOT_TOKEN: 'xoxp-very-secret-user-token',
      SLACK_SIGNING_SECRET: 's3cr3t-value',
    });
    expect(message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(message).not.toContain('very-secret');
    expect(message).not.toContain('s3cr3t-value');
  });

  it('refuses a Discord API URL with a version suffix', () => {
    expect(problems({ DISCORD_API_URL: 'https://discord.com/api/v10' })).toContain(
      'DISCORD_API_URL must have no version',
    );
  });
});

describe('secrets of the configuration', () => {
  it('include the Redis password, and redactUrl hides it', () => {
    const config = loadConfig({ REDIS_URL: 'redis://default:p%40ss-word-1@redis.internal:6379' });
    expect(secretsOf(config)).toContain('p@ss-word-1');
    expect(redactUrl(config.REDIS_URL)).toBe('redis://***@redis.internal:6379');
  });
});

describe('.env.example', () => {
  it('is a valid configuration as copied, empty values meaning unset', () => {
    const config = loadConfig(parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')));
    expect(config.DISCORD_API_URL).toBeUndefined();
    expect(config.KEYAPI_BASE_URL).toBe('https://api.keyapi.ai');
  });
});

describe('a malformed REDIS_URL', () => {
  it('is shown without its password', () => {
    expect(problems({ REDIS_URL: 'redis//:hunter2secret@host:6379' })).not.toContain('hunter2secret');
  });

  it('is shown without its password whatever characters the password holds', () => {
    const message = problems({ REDIS_URL: 'redis://:se/cret@host:6379' });
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('se/cret');
    expect(message).not.toContain('cret');
    expect(message).toContain('redis://***@host:6379');
    expect(problems({ REDIS_URL: 'redis://:a@b/c@host' })).not.toMatch(/a@b|b\/c/);
  });

  it('with a bare % in its password names REDIS_URL and says how to write it', () => {
    const message = problems({ REDIS_URL: 'redis://:50%off@host:6379' });
    expect(message).toContain('REDIS_URL must percent-encode');
    expect(message).not.toContain('URI malformed');
    expect(message).not.toContain('50%off');
  });
});

describe('an API URL with a user and password', () => {
  it('is refused (fetch would refuse it) and shown without the password', () => {
    const message = problems({ KEYAPI_BASE_URL: 'https://u:pw-secret@api.example.com' });
    expect(message).toContain('KEYAPI_BASE_URL must not contain a user or password');
    expect(message).not.toContain('pw-secret');
    expect(message).toContain('https://***@api.example.com/');
  });
});

describe('redactUrl', () => {
  it('removes the userinfo with a URL parser, and drops up to the last @ when it cannot parse', () => {
    expect(redactUrl('rediss://default:p%40ss@redis.internal:6380/2')).toBe(
      'rediss://***@redis.internal:6380/2',
    );
    expect(redactUrl('redis://:se/cret@host')).toBe('redis://***@host');
    expect(redactUrl('redis://user:a@b@c/d@host:6379')).toBe('redis://***@host:6379');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('https://api.keyapi.ai')).toBe('https://api.keyapi.ai');
  });
});

describe('METRICS_PORT', () => {
  it('is unset by default (PORT serves /metrics) and refused when it is PORT', () => {
    expect(loadConfig({}).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(problems({ PORT: '8080', METRICS_PORT: '8080' })).toContain('METRICS_PORT must differ from PORT');
    expect(problems({ METRICS_PORT: 'ninety' })).toContain('METRICS_PORT must be a port number such as 9464');
  });
});

describe('DIGEST_TIME', () => {
  it('reads a time the way /toprank-subscribe does (one rule for HH:MM): 9:30 is 09:30', () => {
    expect(loadConfig({ DIGEST_TIME: '9:30' }).DIGEST_TIME).toBe('09:30');
    expect(problems({ DIGEST_TIME: '24:00' })).toContain('DIGEST_TIME must be a 24-hour time HH:MM');
  });
});

describe('DIGEST_TIMEZONE', () => {
  it('is stored in its canonical spelling, so utc and UTC name one delivery slot', () => {
    expect(loadConfig({ DIGEST_TIMEZONE: 'america/new_york' }).DIGEST_TIMEZONE).toBe('America/New_York');
  });
});

describe('Discord at scale', () => {
  const bot = { DISCORD_TOKEN: 'abc.def.ghi', DISCORD_APPLICATION_ID: '123456789012345678' };

  it('reads shard ids as lists and ranges, sorted and each once', () => {
    const config = loadConfig({ ...bot, DISCORD_SHARDS: '8', DISCORD_SHARD_IDS: '4-6,0,5' });
    expect(config.DISCORD_SHARDS).toBe(8);
    expect(config.DISCORD_SHARD_IDS).toEqual([0, 4, 5, 6]);
    expect(loadConfig({ ...bot, DISCORD_SHARDS: 'auto' }).DISCORD_SHARDS).toBe('auto');
  });

  it('refuses a shard id at or above the shard count', () => {
    expect(problems({ ...bot, DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0-2' })).toContain(
      'DISCORD_SHARD_IDS lists shard 2, but DISCORD_SHARDS is 2 (ids 0 to 1)',
    );
  });

  it('refuses malformed shard settings, naming what they take', () => {
    const message = problems({ ...bot, DISCORD_SHARDS: 'many', DISCORD_SHARD_IDS: '0;1' });
    expect(message).toContain('DISCORD_SHARDS must be auto or a number of shards such as 2');
    expect(message).toContain('DISCORD_SHARD_IDS must be shard ids such as 0,1 or 0-3');
    expect(problems({ ...bot, DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '3-1' })).toContain(
      'DISCORD_SHARD_IDS has a backwards range 3-1',
    );
  });

  it('asks for a shard count with shard ids, and for the token with the public key', () => {
    expect(problems({ ...bot, DISCORD_SHARD_IDS: '0' })).toContain(
      'DISCORD_SHARDS is required when DISCORD_SHARD_IDS is set',
    );
    expect(problems({ DISCORD_PUBLIC_KEY: 'ab'.repeat(32) })).toContain(
      'DISCORD_TOKEN is required when DISCORD_PUBLIC_KEY is set',
    );
  });

  it('refuses a public key that is not 64 hex characters, and shards with HTTP interactions', () => {
    expect(problems({ ...bot, DISCORD_PUBLIC_KEY: 'not-a-key' })).toContain(
      "DISCORD_PUBLIC_KEY must be the application's public key",
    );
    expect(problems({ ...bot, DISCORD_PUBLIC_KEY: 'ab'.repeat(32), DISCORD_SHARDS: '2' })).toContain(
      'DISCORD_SHARDS applies to the gateway only',
    );
  });
});

describe('SLACK_MANAGERS', () => {
  it('reads comma-separated user and user-group ids', () => {
    expect(loadConfig({}).SLACK_MANAGERS).toEqual([]);
    expect(loadConfig({ SLACK_MANAGERS: ' U012AB3CD, W0ENTERPRISE ,S0614TZR7,' }).SLACK_MANAGERS).toEqual([
      'U012AB3CD',
      'W0ENTERPRISE',
      'S0614TZR7',
    ]);
  });

  it('names the variable and what it takes when an entry is not a Slack id', () => {
    expect(problems({ SLACK_MANAGERS: 'U012AB3CD,@ana' })).toContain(
      'SLACK_MANAGERS must be comma-separated Slack user ids (U…, W…) or user-group ids (S…), e.g. U012AB3CD,S0614TZR7',
    );
  });
});

describe('credit settings', () => {
  it('reads the credit limits, the digest reserve and the extra regions, and names bad ones', () => {
    const defaults = loadConfig({ KEYAPI_DAILY_CREDIT_LIMIT: '1000' });
    expect([
      defaults.CREDITS_PER_USER_HOUR,
      defaults.CREDITS_PER_CHANNEL_HOUR,
      defaults.CREDITS_PER_TEAM_DAY,
    ]).toEqual([30, 100, 0]);
    expect(digestReserveOf(defaults)).toBe(200);
    expect(
      digestReserveOf(loadConfig({ KEYAPI_DAILY_CREDIT_LIMIT: '1000', KEYAPI_DIGEST_RESERVE: '50' })),
    ).toBe(50);
    expect(loadConfig({ TOPRANK_EXTRA_REGIONS: 'kr, sa' }).TOPRANK_EXTRA_REGIONS).toEqual(['KR', 'SA']);
    const message = problems({
      TOPRANK_EXTRA_REGIONS: 'Korea',
      KEYAPI_DIGEST_RESERVE: 'lots',
      CREDITS_PER_USER_HOUR: '-1',
    });
    expect(message).toContain('TOPRANK_EXTRA_REGIONS must be 2-letter region codes separated by commas');
    expect(message).toContain(
      'KEYAPI_DIGEST_RESERVE must be a number of credits such as 500, or a share such as 20%',
    );
    expect(message).toContain('CREDITS_PER_USER_HOUR must be 0 (no limit) or more');
  });
});

describe('Slack OAuth settings', () => {
  const oauth = {
    SLACK_CLIENT_ID: '1234567890.9876543210',
    SLACK_CLIENT_SECRET: 'client-secret-value-1',
    SLACK_STATE_SECRET: 'state-secret-0123456789abcdef',
    SLACK_SIGNING_SECRET: 'signing-secret-value',
  };

  it('takes the three OAuth variables with a signing secret instead of a bot token', () => {
    const config = loadConfig(oauth);
    expect(config.SLACK_CLIENT_ID).toBe('1234567890.9876543210');
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining(['client-secret-value-1', 'state-secret-0123456789abcdef']),
    );
  });

  it('names each missing OAuth variable and the signing secret', () => {
    const message = problems({ SLACK_CLIENT_ID: '1234567890.9876543210' });
    expect(message).toContain('SLACK_CLIENT_SECRET is required when SLACK_CLIENT_ID is set');
    expect(message).toContain('SLACK_STATE_SECRET is required when SLACK_CLIENT_ID is set');
    expect(message).toContain('SLACK_SIGNING_SECRET is required when SLACK_CLIENT_ID is set');
  });

  it('refuses a bot token and OAuth at once with a sentence, never showing the secrets', () => {
    const message = problems({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-one-workspace-token' });
    expect(message).toContain(
      'SLACK_BOT_TOKEN and SLACK_CLIENT_ID are two ways to run Slack: set SLACK_BOT_TOKEN for one workspace, or the SLACK_CLIENT_* variables to install in many, not both',
    );
    expect(message).not.toMatch(/xoxb-one|client-secret-value|state-secret-0123/);
  });

  it('refuses Socket Mode with OAuth, a short state secret and a malformed client id', () => {
    expect(problems({ ...oauth, SLACK_APP_TOKEN: 'xapp-1-A-1-abc' })).toContain(
      'SLACK_APP_TOKEN (Socket Mode) serves one workspace',
    );
    const message = problems({ ...oauth, SLACK_STATE_SECRET: 'short', SLACK_CLIENT_ID: 'toprank' });
    expect(message).toContain('SLACK_STATE_SECRET must be at least 16 random characters');
    expect(message).toContain("SLACK_CLIENT_ID must be the app's client id");
    expect(message).not.toContain('short"');
  });
});
