/**
 * Who is asking for the upstream requests about to be sent: a member's interactive command (with its
 * channel and team) or scheduled work (digests, alerts, the operator's CLI). Carried with Node's
 * AsyncLocalStorage from where a command starts to the client's beforeRequest hook, so no layer in
 * between (ranking, cache, single-flight) has to pass it along. Imports nothing of the project.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Spender =
  | { kind: 'interactive'; user: string; channel: string; team: string }
  | { kind: 'scheduled' };

const storage = new AsyncLocalStorage<Spender>();

/** Runs `work` with every upstream request it causes charged to `spender`. */
export function spendAs<T>(spender: Spender, work: () => Promise<T>): Promise<T> {
  return storage.run(spender, work);
}

/**
 * The spender of the current request. Outside any command it is scheduled work: digests, alerts and the
 * operator's own CLI draw on the whole daily cap, reserve included.
 */
export function currentSpender(): Spender {
  return storage.getStore() ?? { kind: 'scheduled' };
}
