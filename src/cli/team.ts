/**
 * `toprank team forget <team>`: deletes everything toprank keeps of one team (a departing client, a
 * deletion request): its subscriptions and what their ids key, its watchlists and Slack installation
 * through their stores, then every key with the team in its name (src/keys.ts). Shared data stays.
 */
import type { Queue } from 'bullmq';
import { createRedisInstallationStore } from '../adapters/slack/redis-installation-store.js';
import { slackTeamId } from '../chat/team.js';
import { ToprankError } from '../errors.js';
import type { ScheduledCore } from '../jobs/scheduling.js';
import { alertJobId, deliveryStatusKey, digestDeliveryId, sentKey, teamKeyPatterns } from '../keys.js';
import { scanKeys } from '../redis-connection.js';
import { slotIdOf } from '../subscriptions/subscription.js';
import { requireTeam, subscriptionsOf } from './subscriptions.js';

export interface TeamCommandDeps {
  core: ScheduledCore;
  /** The delivery queue, whose jobs of the team's subscriptions go too. */
  deliver: Queue;
}

/** Runs `team <args>`; what it returns goes to standard output. */
export async function runTeamCommand(args: string[], deps: TeamCommandDeps): Promise<string> {
  const [action, id, ...extra] = args;
  if (action !== 'forget') {
    throw new ToprankError('unknown_command', { command: `team ${action ?? ''}`.trim() });
  }
  if (extra[0] !== undefined) {
    throw new ToprankError('unknown_flag', { option: extra[0], command: 'team forget', allowed: 'none' });
  }
  const team = requireTeam(id);
  const { core } = deps;
  const { store, schedules } = core.subscriptions;
  const subs = await subscriptionsOf(store, team);
  let jobs = 0;
  const keys = new Set<string>();
  for (const sub of subs) {
    await store.remove(sub.id);
    keys.add(deliveryStatusKey(core.prefix, sub.id));
    for (const deliveryId of [digestDeliveryId(sub.id, '*'), alertJobId(sub.id, '*')]) {
      for (const key of await scanKeys(core.redis, sentKey(core.prefix, deliveryId))) keys.add(key);
    }
    // A digest job carries several teams' subscriptions and passes over removed ones: it stays.
    jobs += await removeJobs(deps, alertJobId(sub.id, '*'));
  }
  for (const slotId of new Set(subs.map(slotIdOf))) await schedules.release(slotId);
  // Through the store, so the index of watching channels forgets them too.
  const { watchlists } = core.subscriptions;
  const watched = (await watchlists.listAll()).filter((w) => w.team === team);
  for (const w of watched) await watchlists.update(w.team, w.channel, () => undefined);
  const workspace = slackTeamId(team);
  const uninstalled = workspace
    ? await createRedisInstallationStore(core.redis, core.prefix).remove(workspace)
    : false;
  for (const pattern of teamKeyPatterns(core.prefix, team)) {
    for (const key of await scanKeys(core.redis, pattern)) keys.add(key);
  }
  const deleted = await deleteKeys(core, [...keys]);
  const installation = uninstalled ? ', its Slack installation' : '';
  return `Forgot ${team}: ${count(subs.length, 'subscription')}, ${count(watched.length, 'watchlist')}, ${count(jobs, 'delivery job')}${installation} and ${count(deleted, 'other key')}. Cached leaderboards are shared by every team and stay.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Removes every job of the delivery queue whose id matches `pattern`; BullMQ keys a job `<prefix>:<queue>:<id>`. */
async function removeJobs({ core, deliver }: TeamCommandDeps, pattern: string): Promise<number> {
  const base = `${core.prefix}:${deliver.name}:`;
  const ids = new Set(
    (await scanKeys(core.redis, `${base}${pattern}`)).map((k) => k.slice(base.length).split(':')[0]),
  );
  let removed = 0;
  for (const id of ids) if (id && (await deliver.remove(id)) === 1) removed += 1;
  return removed;
}

async function deleteKeys(core: ScheduledCore, keys: string[]): Promise<number> {
  let deleted = 0;
  // One hash tag for every key: a multi-key DEL stays in one cluster slot.
  for (let i = 0; i < keys.length; i += 500) deleted += await core.redis.del(...keys.slice(i, i + 500));
  return deleted;
}
