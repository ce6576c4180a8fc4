/**
 * A simulated Monday at 1,000,000 subscriptions, on a virtual clock: the real tick (streamed over a
 * generated slot, with its progress record and snapshots in Redis, against the sample KeyAPI), then the
 * deliveries, 150 at a time (3 worker processes of 50 deliveries in flight), each reserving its send time with the real
 * pacer scripts on Redis, posting to a fake Discord that answers 429 past 50 requests/s, and feeding the
 * 429s back. BullMQ runs on wall-clock time, so the queue is an in-memory FIFO with BullMQ's delays.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { runTick } from '../src/jobs/collect.js';
import { createPacer, DOCUMENTED_LIMITS, pacingRuleFor } from '../src/jobs/pacer.js';
import type { DeliverData } from '../src/jobs/queues.js';
import { createSnapshotStore } from '../src/jobs/snapshots.js';
import { TICK_BATCH } from '../src/jobs/tick-pass.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createCore } from '../src/services.js';
import type { Subscription } from '../src/subscriptions/subscription.js';
import type { SubscriptionStore } from '../src/subscriptions/subscription-store.js';
import { SlidingWindow } from '../test/fakes/sliding-window.js';
import { QUERIES, weeklyDigest } from './fanout.js';

const WORKERS = 3 * 50;
const print = (line: string) => process.stdout.write(`${line}\n`);

/** A slot of `n` generated subscriptions (one Discord channel each): the store's scan, nothing held. */
function generatedSlot(n: number): SubscriptionStore {
  const sub = (i: number): Subscription =>
    weeklyDigest(
      `m${i.toString(36).padStart(5, '0')}`,
      `discord:${10_000_000_000 + i}`,
      QUERIES[i % QUERIES.length] as Subscription['query'],
    );
  const unused = () => Promise.reject(new Error('not used by the simulation'));
  return {
    async scanSlot(_slot, cursor, count) {
      const from = Number(cursor);
      const to = Math.min(n, from + count);
      const ids = Array.from({ length: to - from }, (_, k) => sub(from + k).id);
      return { cursor: to >= n ? '0' : String(to), ids };
    },
    async getMany(ids) {
      return ids.map((id) => sub(Number.parseInt(id.slice(1), 36)));
    },
    add: unused,
    remove: unused,
    get: unused,
    listByChannel: unused,
    listBySlot: unused,
    listSlots: unused,
    listByTeam: unused,
    pauseTeam: unused,
    scanAlerting: unused,
    pause: unused,
    pauseChannel: unused,
    resume: unused,
  };
}

/** A tiny binary heap of events by virtual time. */
class Events<T extends { at: number }> {
  private readonly items: T[] = [];
  get size() {
    return this.items.length;
  }
  peekAt(): number | undefined {
    return this.items[0]?.at;
  }
  push(item: T) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if ((a[p] as T).at <= (a[i] as T).at) break;
      [a[p], a[i]] = [a[i] as T, a[p] as T];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && (a[l] as T).at < (a[m] as T).at) m = l;
        if (r < a.length && (a[r] as T).at < (a[m] as T).at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as T, a[m] as T];
        i = m;
      }
    }
    return top;
  }
}

type SimEvent =
  | { at: number; kind: 'free' }
  | { at: number; kind: 'reserve'; job: string }
  /** `admitted`: no admission to ask for (a reservation due at once, discord.js retrying a 429). */
  | { at: number; kind: 'send'; job: string; admitted: boolean }
  | { at: number; kind: 'arrive'; job: string }
  | { at: number; kind: 'limited'; job: string; retryAfterMs: number };

export async function runMondayBench(redisUrl: string): Promise<void> {
  const n = Number(process.env.BENCH_MONDAY_SUBSCRIPTIONS ?? 1_000_000);
  const log = pino({ level: 'silent' });
  const sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  const config = loadConfig({
    REDIS_URL: redisUrl,
    KEYAPI_BASE_URL: sample.url,
    KEYAPI_TOKEN: 'bench',
    KEYAPI_QPS: '50',
  });
  const prefix = `{bench-${randomUUID().slice(0, 6)}}`;
  const core = await createCore(config, log, { prefix, now: () => new Date('2026-11-25T12:00:00Z') });
  const firedAt = Date.parse('2026-11-23T09:00:00Z');
  let clock = firedAt;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  try {
    // The real tick, streamed: its queue keeps the ids its jobs carry, in the order BullMQ would run them.
    const waiting: string[] = [];
    const queue = {
      async addBulk(jobs: { data: DeliverData }[]) {
        for (const { data } of jobs) if (data.kind === 'digest') waiting.push(...data.subscriptionIds);
        return [];
      },
    } as unknown as Queue<DeliverData>;
    const tickStarted = performance.now();
    const outcome = await runTick(
      {
        store: generatedSlot(n),
        leaderboards: core.leaderboards,
        rankHistory: core.rankHistory,
        snapshots: createSnapshotStore(core.redis, prefix),
        deliver: queue,
        redis: core.redis,
        prefix,
        log,
        now: () => new Date(clock),
      },
      { slotId: 'week-0900-UTC', firedAt, mode: 'scheduled' },
    );
    const tickSeconds = (performance.now() - tickStarted) / 1000;
    const simStarted = performance.now();

    // Deliveries on the virtual clock, the tick's real duration after the fire time.
    const pacer = createPacer(core.redis, prefix, { now: () => clock });
    const rule = pacingRuleFor('discord:1', DOCUMENTED_LIMITS);
    if (!rule) throw new Error('Discord is paced');
    const discord = new SlidingWindow(50);
    const delayed = new Events<{ at: number; job: string }>();
    const events = new Events<SimEvent>();
    const start = firedAt + tickSeconds * 1000;
    for (let w = 0; w < WORKERS; w++) events.push({ at: start, kind: 'free' });
    // Request and answer each way: 10–40 ms, as from a worker to Discord's edge.
    let seed = 1;
    const latency = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return 10 + (seed % 30);
    };
    let next = 0;
    let delivered = 0;
    let lastAt = start;
    for (let event = events.pop(); event; event = events.pop()) {
      clock = event.at;
      if (event.kind === 'free') {
        while (delayed.size > 0 && (delayed.peekAt() ?? Infinity) <= clock)
          waiting.push((delayed.pop() as { job: string }).job);
        const job = next < waiting.length ? waiting[next++] : undefined;
        if (!job) {
          const wake = delayed.peekAt();
          if (wake !== undefined) events.push({ at: wake, kind: 'free' });
          continue;
        }
        events.push({ at: clock, kind: 'reserve', job });
      } else if (event.kind === 'reserve') {
        const { job } = event;
        const pace = await pacer.reserve(rule);
        if (!pace.reserved) {
          // BullMQ: the job goes back delayed, the worker takes the next one.
          delayed.push({ at: clock + pace.waitMs, job });
          events.push({ at: clock + 1, kind: 'free' });
        } else {
          events.push({ at: clock + pace.waitMs, kind: 'send', job, admitted: pace.waitMs === 0 });
        }
      } else if (event.kind === 'send') {
        // As the worker does after waiting: not admitted (held, or its second full), it reserves again.
        if (event.admitted || (await pacer.admit(rule)))
          events.push({ at: clock + latency(), kind: 'arrive', job: event.job });
        else events.push({ at: clock, kind: 'reserve', job: event.job });
      } else if (event.kind === 'arrive') {
        const wait = discord.take('bot', clock);
        if (wait > 0)
          events.push({ at: clock + latency(), kind: 'limited', job: event.job, retryAfterMs: wait });
        else {
          delivered += 1;
          lastAt = clock;
          events.push({ at: clock + latency(), kind: 'free' });
        }
      } else {
        // discord.js hears the 429, the pacer is told, and the request is retried after Retry-After + 50 ms.
        await pacer.feedback(
          { platform: 'discord', retryAfterMs: event.retryAfterMs, limited: true },
          DOCUMENTED_LIMITS,
        );
        events.push({ at: clock + event.retryAfterMs + 50, kind: 'send', job: event.job, admitted: true });
      }
    }
    const hours = (lastAt - firedAt) / 3_600_000;
    const bound = n / 50 / 3600;
    print(
      `Monday at ${n.toLocaleString('en-US')} subscriptions, simulated (virtual clock over the real tick pass and pacer scripts on Redis; fake Discord at 50/s; ${WORKERS} deliveries in parallel)`,
    );
    print(
      `  tick                          ${outcome.status}: ${n.toLocaleString('en-US')} subscriptions in batches of ${TICK_BATCH}, ${outcome.status === 'done' ? outcome.queries : '?'} queries, ${sample.requestCount} upstream requests, ${tickSeconds.toFixed(1)} s real time`,
    );
    print(
      `  time to the last digest       ${hours.toFixed(2)} h for one Discord bot (bound ${n.toLocaleString('en-US')} ÷ 50/s = ${bound.toFixed(2)} h → ×${(hours / bound).toFixed(3)})`,
    );
    print(
      `  delivered / 429s              ${delivered.toLocaleString('en-US')} / ${discord.refused} (${((discord.refused / n) * 10_000).toFixed(1)} per 10,000 posts)`,
    );
    print(
      `  bots (tokens) for a deadline  ${[0.5, 1, 2, 4].map((d) => `${d} h: ${Math.ceil(hours / d)}`).join(' · ')}  (Discord's 50/s is per bot token)`,
    );
    print(
      `  simulation                    ${((performance.now() - simStarted) / 1000).toFixed(0)} s real time, peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (holds the ${n.toLocaleString('en-US')} queued ids)`,
    );
  } finally {
    clearInterval(sampler);
    let cursor = '0';
    do {
      const [nextCursor, keys] = await core.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await core.redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
    await core.close();
    await sample.close();
  }
}
