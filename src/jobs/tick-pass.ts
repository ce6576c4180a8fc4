/**
 * One pass of a tick over its slot, streamed so memory stays flat however large the slot: ids come in
 * scan steps, records in batches of at most TICK_BATCH, each query is decided once per pass (fetched,
 * or found ready in the tick's progress), and a batch's deliveries are handed to the queue before the
 * next batch is read (their adds finish meanwhile). Resumable: a step's scan cursor is saved once its
 * jobs are in. Must not import adapters or the KeyAPI client.
 */
import type { Queue } from 'bullmq';
import { digestsJobId } from '../keys.js';
import {
  digestHasChart,
  queryHash,
  type Subscription,
  type SubscriptionQuery,
} from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { type DeliverData, DIGESTS_PER_JOB, deliverJobOptions } from './queues.js';
import type { ReadyQuery, TickProgress } from './tick-progress.js';

/** Subscriptions a tick holds at once, and the most jobs one `addBulk` carries. */
export const TICK_BATCH = 500;

/** What became of one query in a pass. */
export type QueryDecision =
  | { status: 'ready'; ready: ReadyQuery }
  /** Nothing to post yet: not published, or (`unreachable`) KeyAPI failed transiently. */
  | { status: 'unpublished'; unreachable: boolean }
  /** Today's credit budget is spent: wait for the reset. */
  | { status: 'budget'; error: unknown }
  | { status: 'failed'; error: unknown };

export interface TickPass {
  store: SubscriptionStore;
  deliver: Queue<DeliverData>;
  progress: TickProgress;
  slotId: string;
  /** The period the slot is for (names each delivery). */
  periodKey: string;
  pass: number;
  cursor: string;
  late: 'budget' | undefined;
  /** Fetches the query's board and stores its snapshot; a ready decision carries this pass. */
  collect(hash: string, query: SubscriptionQuery): Promise<QueryDecision>;
  /** Fills the chart history of a query shown with `shownKey`, once per query and pass. */
  fillChart(hash: string, shownKey: string): Promise<void>;
  /** Subscribers of queries waiting for the credit budget, a batch at a time. */
  onBudget(subs: Subscription[]): Promise<void>;
  /** Told each delivery job queued (`digest run` waits for them). */
  onQueued?: ((jobId: string, subscriptionIds: readonly string[]) => void) | undefined;
}

/** Runs the pass to the end of the slot; returns each query's decision. */
export async function runTickPass(tick: TickPass): Promise<Map<string, QueryDecision>> {
  const decisions = new Map<string, Promise<QueryDecision>>();
  const charted = new Set<string>();
  let cursor = tick.cursor;
  // A step's jobs are still being added, and its cursor saved, while the next step is read: a cursor is
  // saved only once every job before it is in, and the saves keep their order.
  let saved: Promise<void> = Promise.resolve();
  do {
    const step = await tick.store.scanSlot(tick.slotId, cursor, TICK_BATCH);
    const adds: Promise<unknown>[] = [];
    let queued = 0;
    // A scan step may return a few more ids than asked: records are still loaded a batch at a time.
    for (let i = 0; i < step.ids.length; i += TICK_BATCH) {
      const batch = await tick.store.getMany(step.ids.slice(i, i + TICK_BATCH));
      queued += await handleBatch(tick, batch, decisions, charted, adds);
    }
    const previous = saved;
    saved = Promise.all([previous, ...adds]).then(() =>
      tick.progress.advance(tick.pass, step.cursor, queued),
    );
    // Failures surface at the next step's or the pass's await, not as an unhandled rejection meanwhile.
    saved.catch(() => {});
    await previous;
    cursor = step.cursor;
  } while (cursor !== '0');
  await saved;
  const settled = new Map<string, QueryDecision>();
  for (const [hash, decision] of decisions) settled.set(hash, await decision);
  return settled;
}

async function handleBatch(
  tick: TickPass,
  batch: Subscription[],
  decisions: Map<string, Promise<QueryDecision>>,
  charted: Set<string>,
  adds: Promise<unknown>[],
): Promise<number> {
  const byQuery = new Map<string, Subscription[]>();
  for (const sub of batch) {
    if (sub.state.status !== 'active') continue;
    const hash = queryHash(sub.query);
    // Queries first met in this batch are decided in parallel.
    if (!decisions.has(hash)) decisions.set(hash, decide(tick, hash, sub.query));
    const subs = byQuery.get(hash);
    if (subs) subs.push(sub);
    else byQuery.set(hash, [sub]);
  }
  // Each query's subscribers are queued as soon as it is decided: the first digests go out while the
  // batch's other queries are still being fetched.
  const queued = await Promise.all(
    [...byQuery].map(async ([hash, subs]) =>
      queueQuery(tick, hash, subs, (await decisions.get(hash)) as QueryDecision, charted, adds),
    ),
  );
  return queued.reduce((sum, n) => sum + n, 0);
}

/**
 * Starts adding the digests of one query's subscribers in a batch (at most TICK_BATCH) to `adds`, in
 * jobs of at most DIGESTS_PER_JOB; returns how many digests.
 */
async function queueQuery(
  tick: TickPass,
  hash: string,
  subs: Subscription[],
  decision: QueryDecision,
  charted: Set<string>,
  adds: Promise<unknown>[],
): Promise<number> {
  if (decision.status === 'budget') await tick.onBudget(subs);
  // Ready since an earlier pass: that pass queued these subscribers' digests already.
  if (decision.status !== 'ready' || decision.ready.pass !== tick.pass) return 0;
  const { shownKey } = decision.ready;
  if (subs.some(digestHasChart) && !charted.has(hash)) {
    charted.add(hash);
    await tick.fillChart(hash, shownKey);
  }
  const jobs: Parameters<typeof tick.deliver.addBulk>[0] = [];
  for (let i = 0; i < subs.length; i += DIGESTS_PER_JOB) {
    const subscriptionIds = subs.slice(i, i + DIGESTS_PER_JOB).map((sub) => sub.id);
    const jobId = digestsJobId(tick.periodKey, subscriptionIds);
    tick.onQueued?.(jobId, subscriptionIds);
    jobs.push({
      name: 'digest',
      data: {
        kind: 'digest',
        subscriptionIds,
        periodKey: tick.periodKey,
        shownKey,
        ...(tick.late ? { late: tick.late } : {}),
      },
      // Named by what it carries, so a second add of the same digests is a no-op; a delivery carried
      // by two jobs is posted by the one that claims it first (./delivery-claims.ts).
      opts: { ...deliverJobOptions, jobId },
    });
  }
  adds.push(tick.deliver.addBulk(jobs));
  return subs.length;
}

async function decide(tick: TickPass, hash: string, query: SubscriptionQuery): Promise<QueryDecision> {
  const recorded = await tick.progress.readyRecord(hash);
  if (recorded) return { status: 'ready', ready: recorded };
  const decision = await tick.collect(hash, query);
  // Recorded before any subscriber is passed over, so a pass with a query not ready is never clean.
  if (decision.status === 'ready') await tick.progress.markReady(hash, decision.ready);
  else await tick.progress.markUnready(hash, tick.pass);
  return decision;
}
