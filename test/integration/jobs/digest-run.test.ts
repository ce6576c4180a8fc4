/**
 * `toprank digest run`: an operator's tick now, for a slot and a past week (a backfill), delivered
 * once; a second run, or the scheduled tick after it, posts nothing again. A slot the scheduler
 * skipped (missed beyond the catch-up window) can still be backfilled.
 */

import { describe, expect, it } from 'vitest';
import { runDigestCommand } from '../../../src/cli/digest.js';
import { messageFor, ToprankError } from '../../../src/errors.js';
import { runTick } from '../../../src/jobs/collect.js';
import { createJobParts } from '../../../src/jobs/worker.js';
import { FAST_OPTIONS } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('digest run', () => {
  const fx = useJobsFixture();
  const log = createTestLog({ level: 'silent' }).log;

  it('backfills a past week once, whatever the number of runs', async () => {
    await addMany(fx.t.core.subscriptions.store, 6, FIVE_QUERIES.slice(0, 3));
    await addMany(fx.t.core.subscriptions.store, 2, FIVE_QUERIES.slice(0, 1), { time: '18:00' });
    const deps = {
      core: fx.t.core,
      adapters: new Map([['discord' as const, fx.adapter]]),
      log,
      options: FAST_OPTIONS,
    };
    const args = ['run', '--type', 'week', '--date', '2026-11-11', '--slot', 'week-0900-UTC'];
    const first = await runDigestCommand(args, deps);
    expect(first).toContain('week-0900-UTC: week of Mon 9 Nov 2026: 3 distinct queries, 6 digests queued.');
    expect(first).toContain('Deliveries: 6 delivered or already there, 0 failed, 0 still pending.');
    expect(await runDigestCommand(args, deps)).toContain(
      'already ran and queued its digests; they are not sent twice',
    );
    const posts = await fx.adapter.calls();
    expect(posts).toHaveLength(6);
    expect(posts.every((p) => p.deliveryId.endsWith('-week-2026-11-09'))).toBe(true);
  });

  it('backfills a slot the scheduler skipped as too late, once', async () => {
    await addMany(fx.t.core.subscriptions.store, 4, FIVE_QUERIES.slice(0, 2));
    // The workers came back at 16:00, seven hours after Monday 09:00: the scheduled tick skips the slot.
    const { base, queues } = createJobParts(fx.t.core, { now: () => new Date('2026-11-23T16:00:00Z') });
    const skipped = await runTick(
      { ...base, log },
      { slotId: 'week-0900-UTC', firedAt: Date.parse('2026-11-23T09:00:00Z'), mode: 'scheduled' },
    );
    await queues.close();
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'outside_catch_up_window' });

    const deps = {
      core: fx.t.core,
      adapters: new Map([['discord' as const, fx.adapter]]),
      log,
      options: FAST_OPTIONS,
    };
    const args = ['run', '--type', 'week', '--date', '2026-11-16', '--slot', 'week-0900-UTC'];
    const first = await runDigestCommand(args, deps);
    expect(first).toContain('week of Mon 16 Nov 2026: 2 distinct queries, 4 digests queued.');
    expect(first).toContain('Deliveries: 4 delivered or already there, 0 failed, 0 still pending.');
    expect(await runDigestCommand(args, deps)).toContain('already ran and queued its digests');
    expect(await fx.adapter.calls()).toHaveLength(4);
  });

  it('names a bad flag', async () => {
    const deps = { core: fx.t.core, adapters: new Map(), log };
    await expect(runDigestCommand(['run', '--type', 'year'], deps)).rejects.toMatchObject({
      code: 'invalid_option',
    });
    const unknown = await runDigestCommand(['run', '--when', 'now'], deps).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ToprankError);
    expect(messageFor(unknown as ToprankError)).toBe(
      '`--when` is not a flag of `toprank digest run`. Flags: --type, --date, --slot.',
    );
  });
});
