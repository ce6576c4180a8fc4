/**
 * /toprank-unwatch: removes creators from this channel's watchlist by handle (the latest one seen, or
 * the one typed when watching), or `all`. For who may manage the channel (authorize).
 */
import { teamOf } from '../src/chat/team.js';
import { noticeView } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import { handleKey, type WatchedCreator } from '../src/subscriptions/watchlist.js';
import { defineCommand } from './define-command.js';
import { unwatchCreatorOption } from './watch-options.js';

export const toprankUnwatch = defineCommand({
  name: 'toprank-unwatch',
  description: 'Stop watching creators in this channel (handles, or all)',
  manageChannel: true,
  options: { creator: unwatchCreatorOption },
  async run(input, ctx) {
    const store = ctx.services.subscriptions.watchlists;
    const team = teamOf(ctx.channel, ctx.team);
    const current = await store.get(team, ctx.channel);
    if (!current) throw new ToprankError('no_watches');
    const matches = (c: WatchedCreator, wanted: string[]) => wanted.includes(handleKey(c.handle));
    const wanted = input.creator === 'all' ? undefined : input.creator.map(handleKey);
    const missing = wanted?.filter((h) => !current.creators.some((c) => matches(c, [h]))) ?? [];
    if (wanted && missing.length === wanted.length) {
      throw new ToprankError('watch_not_found', { value: missing.map((h) => `@${h}`).join(', ') });
    }
    let removed: WatchedCreator[] = [];
    await store.update(team, ctx.channel, (list) => {
      if (!list) return undefined;
      removed = wanted ? list.creators.filter((c) => matches(c, wanted)) : list.creators;
      return { ...list, creators: list.creators.filter((c) => !removed.includes(c)) };
    });
    const names = [...new Set(removed.map((c) => `@${c.handle}`))].join(', ');
    const notWatched =
      missing.length > 0 ? ` Not watched here: ${missing.map((h) => `@${h}`).join(', ')}.` : '';
    return noticeView('info', `Stopped watching ${names}.${notWatched}`, false);
  },
});
