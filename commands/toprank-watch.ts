/**
 * /toprank-watch: adds creators by handle to this channel's watchlist for one leaderboard (region,
 * type, by, depth) and states the price; with no `creator` it lists the watchlist with each creator's
 * latest rank. Also sets the channel's alert threshold and quiet hours. For who may manage the channel
 * (authorize), as on Discord the command is shown only to them.
 */
import { z } from 'zod';
import { teamOf } from '../src/chat/team.js';
import type { View } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import { watchPriceOf } from '../src/ranking/price.js';
import { DEFAULT_ALERT_CLIMB } from '../src/subscriptions/subscription.js';
import {
  boardHash,
  DEFAULT_WATCH_DEPTH,
  describeBoard,
  handleKey,
  MAX_WATCH_DEPTH,
  MAX_WATCHED_PER_CHANNEL,
  MIN_WATCH_DEPTH,
  type WatchBoard,
  type Watchlist,
} from '../src/subscriptions/watchlist.js';
import { alertClimbSchema, quietOption } from './alert-options.js';
import { defineCommand, type OptionSpec } from './define-command.js';
import { queryOptions, regionOption } from './query-options.js';
import { timezoneOption } from './toprank-subscribe.js';
import { watchCreatorOption } from './watch-options.js';
import { watchlistView } from './watchlist-view.js';

const depthOption = {
  description: `How deep to look for them, ${MIN_WATCH_DEPTH}–${MAX_WATCH_DEPTH} (default ${DEFAULT_WATCH_DEPTH}; costs depth ÷ 10 credits a check)`,
  type: 'integer',
  schema: z.coerce.number().int().min(MIN_WATCH_DEPTH).max(MAX_WATCH_DEPTH).default(DEFAULT_WATCH_DEPTH),
  allowed: `a whole number from ${MIN_WATCH_DEPTH} to ${MAX_WATCH_DEPTH}`,
  example: '50',
  min: MIN_WATCH_DEPTH,
  max: MAX_WATCH_DEPTH,
} satisfies OptionSpec;

const watchRegionOption = {
  ...regionOption,
  description: 'Region code of the leaderboard, e.g. US (needed with creator)',
  schema: regionOption.schema.optional(),
  required: false,
  positional: false,
} satisfies OptionSpec;

const watchClimbOption = {
  description: `Alert on moves of at least this many places, 1–50 (default ${DEFAULT_ALERT_CLIMB})`,
  type: 'integer',
  schema: alertClimbSchema.optional(),
  allowed: 'a whole number from 1 to 50',
  example: '5',
  min: 1,
  max: 50,
} satisfies OptionSpec;

export const toprankWatch = defineCommand({
  name: 'toprank-watch',
  description: "Watch creators by handle and hear when they move; alone, list this channel's watchlist",
  manageChannel: true,
  options: {
    creator: watchCreatorOption,
    region: watchRegionOption,
    type: queryOptions.type,
    by: queryOptions.by,
    depth: depthOption,
    alert_climb: watchClimbOption,
    quiet: quietOption,
    timezone: timezoneOption,
  },
  async run(input, ctx): Promise<View> {
    const store = ctx.services.subscriptions.watchlists;
    const team = teamOf(ctx.channel, ctx.team);
    const fresh = (): Watchlist => ({
      team,
      channel: ctx.channel,
      timezone: ctx.services.subscriptions.defaults.timezone,
      alertClimb: DEFAULT_ALERT_CLIMB,
      creators: [],
    });
    const settle = (list: Watchlist): Watchlist => {
      const timezone = input.timezone ?? list.timezone;
      const window = input.quiet === undefined ? list.quiet : (input.quiet ?? undefined);
      const { quiet: _quiet, ...rest } = list;
      return {
        ...rest,
        timezone,
        alertClimb: input.alert_climb ?? list.alertClimb,
        ...(window ? { quiet: { from: window.from, to: window.to, timezone } } : {}),
      };
    };
    if (!input.creator) {
      const changed = input.quiet !== undefined || input.alert_climb !== undefined || input.timezone;
      const list = changed
        ? await store.update(team, ctx.channel, (current) => current && settle(current))
        : await store.get(team, ctx.channel);
      if (!list) throw new ToprankError('no_watches');
      return watchlistView(list, changed ? 'Alert settings updated.' : undefined);
    }
    if (!input.region) {
      throw new ToprankError('invalid_option', { option: 'region', allowed: watchRegionOption.allowed });
    }
    ctx.services.regions.check(input.region);
    const board: WatchBoard = { region: input.region, type: input.type, by: input.by, depth: input.depth };
    const hash = boardHash(board);
    const wanted = [...new Set(input.creator.map(handleKey))];
    const already: string[] = [];
    const list = await store.update(team, ctx.channel, (current) => {
      const base = settle(current ?? fresh());
      const onBoard = base.creators
        .filter((c) => boardHash(c.board) === hash)
        .map((c) => handleKey(c.handle));
      const added = wanted.filter((h) => !onBoard.includes(h));
      already.splice(0, already.length, ...wanted.filter((h) => onBoard.includes(h)));
      const total = base.creators.length + added.length;
      if (total > MAX_WATCHED_PER_CHANNEL) {
        throw new ToprankError('watch_limit', {
          limit: MAX_WATCHED_PER_CHANNEL,
          value: String(base.creators.length),
        });
      }
      const at = ctx.now().toISOString();
      return {
        ...base,
        creators: [
          ...base.creators,
          ...added.map((handle) => ({ handle, board, addedBy: ctx.user.id, addedAt: at })),
        ],
      };
    });
    return watchlistView(list ?? fresh(), addedWords(board, wanted, already));
  },
});

function addedWords(board: WatchBoard, wanted: string[], already: string[]): string {
  const added = wanted.filter((h) => !already.includes(h));
  const names = (hs: string[]) => hs.map((h) => `@${h}`).join(', ');
  const price = watchPriceOf(board.depth, board.type);
  const parts = [
    added.length > 0 ? `Watching ${names(added)} on the ${describeBoard(board)}.` : '',
    already.length > 0 ? `Already watched here: ${names(already)}.` : '',
    `Price: ${price.words}; 0 extra while another channel watches the same leaderboard.`,
  ];
  return parts.filter(Boolean).join(' ');
}
