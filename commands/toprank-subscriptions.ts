/**
 * /toprank-subscriptions: lists this channel's subscriptions with their query, schedule, next
 * delivery in the subscription's own zone, alerts, and state (paused ones say why).
 */
import type { View } from '../src/chat/view.js';
import { ToprankError } from '../src/errors.js';
import { describeInstant, describeSlot, nextFireTime } from '../src/subscriptions/slot.js';
import { describeQuery, type Subscription, slotOf } from '../src/subscriptions/subscription.js';
import { defineCommand } from './define-command.js';

function stateWords(sub: Subscription): string {
  if (sub.state.status === 'active') return 'active';
  return `paused since ${sub.state.at.slice(0, 10)}: ${sub.state.detail}`;
}

export const toprankSubscriptions = defineCommand({
  name: 'toprank-subscriptions',
  description: "List this channel's subscriptions and their next delivery",
  options: {},
  async run(_input, ctx): Promise<View> {
    const subs = await ctx.services.subscriptions.store.listByChannel(ctx.channel);
    if (subs.length === 0) throw new ToprankError('no_subscriptions');
    return {
      title: `Subscriptions in this channel (${subs.length})`,
      blocks: [
        {
          kind: 'table',
          columns: ['Id', 'Leaderboard', 'Schedule', 'Next delivery', 'Alerts', 'State'],
          rows: subs.map((sub) => {
            const slot = slotOf(sub);
            const active = sub.state.status === 'active';
            return [
              sub.id,
              describeQuery(sub.query),
              describeSlot(slot),
              active ? describeInstant(nextFireTime(slot, ctx.now()), slot.timezone) : '–',
              sub.alerts
                ? `on (climbs ≥ ${sub.alertClimb}${sub.quiet ? `; quiet ${sub.quiet.from}–${sub.quiet.to}` : ''})`
                : 'off',
              stateWords(sub),
            ];
          }),
          empty: 'No subscriptions.',
        },
      ],
      ephemeral: true,
    };
  },
});
