/**
 * The shared setup of the jobs integration tests: a KeyAPI (the sample server for the file, or a
 * scriptable fake serving crafted rankings, fresh for each test), a test core and a capturing adapter
 * per test, and after each test the workers closed, the queues obliterated and the core closed.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { RunningWorkers } from '../../src/jobs/worker.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import {
  type CapturingAdapter,
  type CapturingAdapterConfig,
  createCapturingAdapter,
} from '../fakes/capturing-chat-adapter.js';
import { serveCraftedRankings } from '../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { obliterateQueues } from './jobs.js';
import { createTestCore, type TestCore } from './test-core.js';

/** For each period (`'week-2026-11-16'`), the creators' user ids in rank order. */
export type CraftedRankings = Record<string, string[]>;

export interface JobsFixtureOptions {
  /** More of the capturing adapter's config, e.g. `gone` channels. */
  adapter?: Omit<CapturingAdapterConfig, 'redis' | 'key'>;
  /** More configuration for the core, e.g. ALERTS_PER_CHANNEL_DAY. */
  env?: Record<string, string>;
}

export interface CraftedJobsFixtureOptions extends JobsFixtureOptions {
  /** Serve these rankings from a scriptable KeyAPI started for each test, instead of the sample server. */
  rankings: () => CraftedRankings;
}

/** Read the fields inside hooks and tests: they are set anew before each test. */
export interface JobsFixture {
  t: TestCore;
  adapter: CapturingAdapter;
  /** Set by the test when it starts workers; closed after it. */
  workers: RunningWorkers | undefined;
}

export interface SampleJobsFixture extends JobsFixture {
  sample: SampleKeyApiServer;
}

export interface CraftedJobsFixture extends JobsFixture {
  keyapi: FakeKeyApi;
  /** The served rankings: edit them at any time, the next request sees it. */
  rankings: CraftedRankings;
}

export function useJobsFixture(options?: JobsFixtureOptions): SampleJobsFixture;
export function useJobsFixture(options: CraftedJobsFixtureOptions): CraftedJobsFixture;
export function useJobsFixture(
  options: JobsFixtureOptions & Partial<CraftedJobsFixtureOptions> = {},
): SampleJobsFixture & CraftedJobsFixture {
  const fixture = { workers: undefined } as SampleJobsFixture & CraftedJobsFixture;
  const crafted = options.rankings;

  if (!crafted) {
    beforeAll(async () => {
      fixture.sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
    });
    afterAll(() => fixture.sample.close());
  }
  beforeEach(async () => {
    if (crafted) {
      fixture.keyapi = await startFakeKeyApi();
      fixture.rankings = crafted();
      serveCraftedRankings(fixture.keyapi, fixture.rankings);
    }
    fixture.t = await createTestCore(crafted ? fixture.keyapi.url : fixture.sample.url, { env: options.env });
    fixture.adapter = createCapturingAdapter({
      redis: fixture.t.redis.redis,
      key: fixture.t.redis.prefix,
      ...options.adapter,
    });
  });
  afterEach(async () => {
    await fixture.workers?.close();
    fixture.workers = undefined;
    await obliterateQueues(fixture.t.redis.redis, fixture.t.redis.prefix);
    await fixture.t.close();
    if (crafted) await fixture.keyapi.close();
  });
  return fixture;
}
