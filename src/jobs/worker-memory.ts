/**
 * The memory policy of a worker process. Fan-out allocates fast (a tick queues thousands of jobs a
 * second, each delivery builds its request) and V8 grows its heap with the allocation rate, to several
 * times what is live: a worker grew by over 100 MB at 100,000 subscriptions, nearly all of it garbage
 * not yet collected. With V8's --optimize-for-size the heap stays near its live size, for a little
 * more collector time (docs/scaling.md has both figures). Set once, at start, by `start --role worker`.
 */
import { setFlagsFromString } from 'node:v8';

export function favorMemoryOverSpeed(): void {
  setFlagsFromString('--optimize-for-size');
}
