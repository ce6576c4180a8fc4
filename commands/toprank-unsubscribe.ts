/**
 * /toprank-unsubscribe: removes one of this channel's subscriptions (autocompleted) or `all`, and
 * lets a slot's scheduler go when its last subscription leaves. For who may manage the channel, and
 * for whoever created the one subscription removed (authorize).
 */
import { z } from 'zod';
import { noticeView } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import { slotIdOf, subscriptionIdSchema } from '../src/subscriptions/subscription.js';
import { defineCommand, type OptionSpec } from './define-command.js';

const subscriptionOption = {
  description: 'The subscription to remove (see /toprank-subscriptions), or all',
  type: 'string',
  schema: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.union([z.literal('all'), subscriptionIdSchema]),
  ),
  allowed: 'a subscription id from /toprank-subscriptions, or all',
  example: 'all',
  autocomplete: 'subscription',
  required: true,
  positional: true,
} satisfies OptionSpec;

export const toprankUnsubscribe = defineCommand({
  name: 'toprank-unsubscribe',
  description: 'Remove a subscription from this channel, or all of them',
  manageChannel: true,
  options: { subscription: subscriptionOption },
  async ownerOf(input, ctx) {
    if (input.subscription === 'all') return undefined;
    const sub = await ctx.services.subscriptions.store.get(input.subscription);
    return sub?.channel === ctx.channel ? sub.createdBy : undefined;
  },
  async run(input, ctx) {
    const { store, schedules } = ctx.services.subscriptions;
    const mine = await store.listByChannel(ctx.channel);
    const targets = input.subscription === 'all' ? mine : mine.filter((s) => s.id === input.subscription);
    if (targets.length === 0) {
      if (input.subscription === 'all') throw new ToprankError('no_subscriptions');
      throw new ToprankError('subscription_not_found', { subscriptionId: input.subscription });
    }
    const removed: string[] = [];
    for (const sub of targets) if (await store.remove(sub.id)) removed.push(sub.id);
    for (const slot of new Set(targets.map(slotIdOf))) await schedules.release(slot);
    const ids = removed.map((id) => `\`${id}\``).join(', ');
    return noticeView(
      'info',
      `Unsubscribed ${removed.length === 1 ? ids : `${removed.length} subscriptions: ${ids}`}.`,
      false,
    );
  },
});
