/**
 * Credit figures: upstream requests (paid credits) for 1,000 distinct hostile queries from one member
 * (new dates, regions and filters; unknown regions, future dates and weeks still under way among
 * them), with the fair limits at their defaults and with them off (CREDITS_PER_USER_HOUR=0 and
 * CREDITS_PER_CHANNEL_HOUR=0). Impossible queries cost nothing either way.
 */
import { runTextCommand } from '../commands/index.js';
import { loadConfig } from '../src/config.js';
import { withSchedules } from '../src/jobs/scheduling.js';
import { createLogger } from '../src/log.js';
import { knownRegions } from '../src/ranking/regions.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createCore } from '../src/services.js';

/** 1,000 distinct queries a hostile member might type, one in four of them for something that cannot exist. */
function hostileQueries(): string[] {
  const queries: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const region = knownRegions[i % knownRegions.length]?.code ?? 'US';
    const by = i % 2 === 0 ? 'followers' : 'sales';
    const day = new Date(Date.UTC(2026, 10, 24) - (i % 400) * 86_400_000).toISOString().slice(0, 10);
    if (i % 4 === 1)
      queries.push(
        `region:Z${String.fromCharCode(65 + (i % 26))} date:${day} by:${by} limit:${1 + (i % 50)}`,
      );
    else if (i % 8 === 3)
      queries.push(`region:${region} date:2027-0${1 + (i % 9)}-1${i % 10} by:${by} limit:${1 + (i % 50)}`);
    else if (i % 8 === 7)
      queries.push(`region:${region} type:week date:2026-11-${23 + (i % 3)} by:${by} limit:${1 + (i % 50)}`);
    else queries.push(`region:${region} date:${day} by:${by} limit:${10 + (i % 41)}`);
  }
  return queries;
}

async function spend(env: Record<string, string>): Promise<{ requests: number; refused: number }> {
  const sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  const log = createLogger({ level: 'silent' });
  const config = loadConfig({
    ...env,
    KEYAPI_BASE_URL: sample.url,
    KEYAPI_TOKEN: 'bench',
    KEYAPI_QPS: '100',
  });
  const core = withSchedules(
    await createCore(config, log, {
      prefix: `{bench-credits-${Date.now()}}`,
      now: () => new Date('2026-11-25T12:00:00Z'),
    }),
    log,
  );
  const ctx = {
    channel: 'console:bench',
    user: { id: 'hostile' },
    services: core,
    log,
    now: () => new Date(),
  };
  let refused = 0;
  try {
    for (const query of hostileQueries()) {
      const view = await runTextCommand('toprank', query, ctx);
      if (view.blocks.some((b) => b.kind === 'notice' && b.tone === 'error')) refused += 1;
    }
    return { requests: sample.requestCount, refused };
  } finally {
    const keys = await core.redis.keys(`${core.prefix}*`);
    if (keys.length > 0) await core.redis.del(...keys);
    await core.close();
    await sample.close();
  }
}

export async function runCreditsBench(redisUrl: string): Promise<void> {
  const limited = await spend({ REDIS_URL: redisUrl });
  const open = await spend({
    REDIS_URL: redisUrl,
    CREDITS_PER_USER_HOUR: '0',
    CREDITS_PER_CHANNEL_HOUR: '0',
  });
  console.log('credits: 1,000 distinct hostile /toprank queries from one member within an hour');
  console.log(
    `  with the fair limits (30 a member, 100 a channel an hour)   ${limited.requests} upstream requests`,
  );
  console.log(
    `  without them                                               ${open.requests} upstream requests`,
  );
  console.log(
    `  refused answers: ${limited.refused} with limits, ${open.refused} without (unknown regions, future dates, weeks under way: 0 credits)`,
  );
}
