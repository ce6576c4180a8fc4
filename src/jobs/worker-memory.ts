/**
 * The memory policy of a worker process. Fan-out allocates fast (a tick queues thousands of jobs a
 * second, each delivery builds its request) and V8 grows its heap with the allocation rate, to several
 * times what is live: a worker grew by over 100 MB at 100,000 subscriptions, nearly all of it garbage
 * not yet collected. Fixing V8's heap growing factor at 1.2 keeps the heap near its live size for a few
 * more collections, and leaves the compiler alone (--optimize-for-size, tried first, also kept memory
 * flat but made every delivery slower; docs/scaling.md has the figures). Set once, at start, by
 * `start --role worker`.
 */
import { setFlagsFromString } from 'node:v8';

export function keepHeapNearLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=20');
}
