/**
 * Autocomplete suggestions from local data only: the region list, categories seen in cached pages.
 * Never a paid upstream call per keystroke. Platforms cap the list (Discord: 25 choices).
 */
import { describeQuery } from '../src/subscriptions/subscription.js';
import type { AutocompleteSource, CommandContext } from './define-command.js';

export interface Suggestion {
  name: string;
  value: string;
}

const MAX_SUGGESTIONS = 25;

/** Suggestions for what the user has typed so far; `options` holds the other options already given. */
export async function suggest(
  source: AutocompleteSource,
  typed: string,
  options: Record<string, unknown>,
  ctx: CommandContext,
): Promise<Suggestion[]> {
  const needle = typed.trim().toLowerCase();
  const matches = (s: Suggestion) =>
    s.name.toLowerCase().includes(needle) || s.value.toLowerCase().startsWith(needle);
  let all: Suggestion[] = [];
  if (source === 'region') {
    all = ctx.services.regions.list.map((r) => ({ name: `${r.code} · ${r.name}`, value: r.code }));
  } else if (source === 'category') {
    const region = typeof options.region === 'string' ? options.region.toUpperCase() : 'US';
    all = (await ctx.services.categories(region)).map((c) => ({ name: c, value: c }));
  } else if (source === 'subscription') {
    const subs = await ctx.services.subscriptions.store.listByChannel(ctx.channel);
    all = [
      { name: 'all · every subscription in this channel', value: 'all' },
      ...subs.map((s) => ({
        name: `${s.id} · ${describeQuery(s.query)} at ${s.time}`.slice(0, 100),
        value: s.id,
      })),
    ];
  }
  return all.filter(matches).slice(0, MAX_SUGGESTIONS);
}
