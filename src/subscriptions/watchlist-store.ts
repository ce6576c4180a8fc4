/**
 * Watchlists in Redis: one JSON record per (team, channel), validated when read, and an index of every
 * watching channel for the watch check. A change is a compare-and-set (one Lua script), retried when
 * another change came first, so two commands in one channel never lose each other's creators.
 */
import { watchlistKey, watchlistsKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { type Watchlist, watchlistSchema } from './watchlist.js';

export interface WatchlistStore {
  get(team: string, channel: string): Promise<Watchlist | undefined>;
  /** The watchlists of these channels, in their order (undefined where none), read with one MGET. */
  getMany(channels: readonly { team: string; channel: string }[]): Promise<(Watchlist | undefined)[]>;
  /**
   * Applies `change` to the channel's watchlist (undefined when it has none) and stores what it
   * returns; a list with no creators, or undefined, removes it. Returns what was stored.
   */
  update(
    team: string,
    channel: string,
    change: (current: Watchlist | undefined) => Watchlist | undefined,
  ): Promise<Watchlist | undefined>;
  /**
   * One step of a scan over every watchlist, of every team: about `count` a step, from `cursor` ('0' to
   * start) to the returned one ('0' after the last), so the watch check never holds them all.
   */
  scan(cursor: string, count: number): Promise<{ cursor: string; lists: Watchlist[] }>;
  /** Every watchlist, of every team (`toprank team forget` picks a team's; commands never do). */
  listAll(): Promise<Watchlist[]>;
}

// KEYS: the record, the index. ARGV: the record as read ('' for none), the new one ('' to remove), the member.
const casScript = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[3])
end
return 1`;

const CAS_RETRIES = 20;

export function createRedisWatchlistStore(redis: RedisClient, prefix: string): WatchlistStore {
  const read = (raw: string | null) => (raw === null ? undefined : watchlistSchema.parse(JSON.parse(raw)));
  const getMany: WatchlistStore['getMany'] = async (channels) => {
    if (channels.length === 0) return [];
    const raws = await redis.mget(
      ...channels.map(({ team, channel }) => watchlistKey(prefix, team, channel)),
    );
    return raws.map(read);
  };
  /** The watchlists of these index members, in their order, read with one MGET. */
  const readMembers = async (members: string[]) => {
    const channels = members.map((member) => {
      const [team, channel] = JSON.parse(member) as [string, string];
      return { team, channel };
    });
    const lists: Watchlist[] = [];
    const gone: string[] = [];
    for (const [i, list] of (await getMany(channels)).entries()) {
      if (list) lists.push(list);
      else gone.push(members[i] as string);
    }
    // Gone with their team (`toprank team forget` deletes the team's keys): let the index forget them too.
    if (gone.length > 0) await redis.srem(watchlistsKey(prefix), ...gone);
    return lists;
  };
  return {
    async get(team, channel) {
      return read(await redis.get(watchlistKey(prefix, team, channel)));
    },
    getMany,
    async update(team, channel, change) {
      const key = watchlistKey(prefix, team, channel);
      for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
        const raw = await redis.get(key);
        const next = change(read(raw));
        const stored = next && next.creators.length > 0 ? watchlistSchema.parse(next) : undefined;
        const member = JSON.stringify([team, channel]);
        const text = stored ? JSON.stringify(stored) : '';
        const done = await redis.eval(casScript, 2, key, watchlistsKey(prefix), raw ?? '', text, member);
        if (done === 1) return stored;
      }
      throw new Error(`watchlist of ${channel} kept changing: not updated`);
    },
    async scan(cursor, count) {
      const [next, members] = await redis.sscan(watchlistsKey(prefix), cursor, 'COUNT', count);
      return { cursor: next, lists: await readMembers(members) };
    },
    async listAll() {
      return readMembers((await redis.smembers(watchlistsKey(prefix))).sort());
    },
  };
}
