/**
 * A tick in its own process, for crash tests: the real core runs one scheduled tick of TICK_SLOT and,
 * when the tick asks its store for a third scan step (its first chunk queued and saved, the second one's
 * jobs on their way), prints "ready <digests of the first chunk>" and stops dead, doing nothing more, until
 * killed. Run with `node --import tsx test/helpers/tick-process.ts`.
 */
import { runTick } from '../../src/jobs/collect.js';
import { createJobParts } from '../../src/jobs/worker.js';
import { childCore } from './child-core.js';
import { digestsCarried } from './jobs.js';

const env = process.env;
const { log, core } = await childCore();
const { base } = createJobParts(core, { now: () => new Date(String(env.WORKER_NOW)) });
const real = core.subscriptions.store;
let steps = 0;
let queued = 0;
let firstChunk = 0;
const store = Object.assign(Object.create(real) as typeof real, {
  async scanSlot(slotId: string, cursor: string, count: number) {
    steps += 1;
    // The tick reads a step while the one before is still being queued: the third read waits for the
    // first chunk's saved cursor.
    if (steps === 2) firstChunk = queued;
    if (steps === 3) {
      process.stdout.write(`ready ${firstChunk}\n`);
      // Blocks the whole process (pending saves included), as a crash at this point would.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    return real.scanSlot(slotId, cursor, count);
  },
});
const deliver = Object.assign(Object.create(base.deliver) as typeof base.deliver, {
  addBulk(jobs: Parameters<typeof base.deliver.addBulk>[0]) {
    queued += digestsCarried(jobs);
    return base.deliver.addBulk(jobs);
  },
});
await runTick(
  { ...base, store, deliver, log },
  { slotId: String(env.TICK_SLOT), firedAt: Number(env.TICK_FIRED_AT), mode: 'scheduled' },
);
process.stdout.write('finished without being killed\n');
