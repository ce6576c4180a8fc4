/**
 * /toprank-status: for this channel, each subscription with its next and last delivery and its
 * monthly price; the credits spent against each limit (this member and channel this hour, the team
 * and the operator today) and when they reset; whether KeyAPI answered lately. Anyone may run it; it
 * reads Redis only and costs no credit.
 */
import { describeTeam } from '../src/chat/team.js';
import type { Block, View } from '../src/chat/view.js';
import { type CreditUsage, describeReset } from '../src/keyapi/credit-budget.js';
import { describeDeliveryStatus } from '../src/subscriptions/delivery-status.js';
import { describeInstant, nextFireTime } from '../src/subscriptions/slot.js';
import { describeQuery, slotOf } from '../src/subscriptions/subscription.js';
import { monthlyPriceOf, monthlyTotal } from '../src/subscriptions/subscription-price.js';
import { askerOf, type CommandContext, defineCommand } from './define-command.js';

const at = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function usageWords(u: CreditUsage, reserve: number): string {
  const limit = u.limit > 0 ? `${u.spent} of ${u.limit}` : `${u.spent} (no limit)`;
  const kept =
    u.scope === 'daily' && u.limit > 0 && reserve > 0 ? `, ${reserve} kept for digests and alerts` : '';
  return `${limit}${kept} · resets ${describeReset(u.resetsAt)}`;
}

async function creditFields(ctx: CommandContext) {
  const { credits } = ctx.services;
  if (!credits) return [];
  const asker = askerOf(ctx);
  const usage = await credits.usage(asker);
  const label = {
    user: 'You, this hour',
    channel: 'This channel, this hour',
    team: `${describeTeam(asker.team)[0]?.toUpperCase()}${describeTeam(asker.team).slice(1)}, today`,
    daily: 'The operator, today',
  };
  return usage.map((u) => ({ label: label[u.scope], value: usageWords(u, credits.limits.digestReserve) }));
}

async function keyapiWords(ctx: CommandContext): Promise<string> {
  const health = await ctx.services.upstreamHealth?.read();
  if (!health?.lastOkAt && !health?.lastError) return 'no request sent yet';
  const ok = health.lastOkAt ? `answered ${at(health.lastOkAt)}` : 'no good answer yet';
  const error = health.lastError
    ? `; last error ${health.lastError.outcome} at ${at(health.lastError.at)}`
    : '; no error';
  return `${ok}${error}`;
}

export const toprankStatus = defineCommand({
  name: 'toprank-status',
  description: "This channel's deliveries and prices, and the credits spent against each limit",
  options: {},
  async run(_input, ctx): Promise<View> {
    const { store, deliveries } = ctx.services.subscriptions;
    const subs = await store.listByChannel(ctx.channel);
    const last = (await deliveries?.get(subs.map((s) => s.id))) ?? [];
    const team = askerOf(ctx).team;
    const teamTotal = monthlyTotal(await store.listByTeam(team));
    const blocks: Block[] = [
      {
        kind: 'table',
        columns: ['Id', 'Leaderboard', 'Next delivery', 'Last delivery', 'Credits a month'],
        rows: subs.map((sub, i) => {
          const slot = slotOf(sub);
          const active = sub.state.status === 'active';
          const paused =
            sub.state.status === 'paused'
              ? `paused since ${sub.state.at.slice(0, 10)}: ${sub.state.detail}`
              : '';
          return [
            sub.id,
            describeQuery(sub.query),
            active ? describeInstant(nextFireTime(slot, ctx.now()), slot.timezone) : '–',
            [paused, describeDeliveryStatus(last[i])].filter(Boolean).join('; last: '),
            active ? `≈ ${monthlyPriceOf(sub)}` : '0 (paused)',
          ];
        }),
        empty: 'No subscriptions in this channel. Add one with /toprank-subscribe.',
      },
      {
        kind: 'fields',
        fields: [
          {
            label: 'Monthly price',
            value: `this channel ≈ ${monthlyTotal(subs)}; ${describeTeam(team)} ≈ ${teamTotal}`,
          },
          ...(await creditFields(ctx)),
          { label: 'KeyAPI', value: await keyapiWords(ctx) },
        ],
      },
    ];
    return { title: 'toprank status of this channel', blocks, ephemeral: true };
  },
});
