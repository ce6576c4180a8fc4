/**
 * `toprank subscriptions export [file] [--team <team>]` and `toprank subscriptions import <file>`: every
 * subscription (or one team's) as one JSON line (its state included), and back, so a lost Redis is
 * recoverable. Import validates the whole file before it writes anything, skips what is already there,
 * and recreates schedulers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseTeamRef, type TeamRef, teamOf } from '../chat/team.js';
import { ToprankError } from '../errors.js';
import type { SubscriptionServices } from '../subscriptions/schedule-port.js';
import { type Subscription, slotIdOf, subscriptionSchema } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';

const USAGE = 'export [file] [--team <team>] or import <file>';

/** Runs `subscriptions <args>`; what it returns goes to standard output. */
export async function runSubscriptionsCommand(
  args: string[],
  services: SubscriptionServices,
): Promise<string> {
  const [sub, ...rest] = args;
  const command = `subscriptions ${sub ?? ''}`.trim();
  if (sub !== 'export' && sub !== 'import') throw new ToprankError('unknown_command', { command });
  const at = sub === 'export' ? rest.indexOf('--team') : -1;
  const team = at === -1 ? undefined : requireTeam(rest[at + 1]);
  const [file, ...extra] = at === -1 ? rest : rest.filter((_, i) => i !== at && i !== at + 1);
  const flag = [file, ...extra].find((a) => a?.startsWith('-')) ?? extra[0];
  if (flag !== undefined) {
    const allowed = sub === 'export' ? '--team <team>' : `none (${USAGE})`;
    throw new ToprankError('unknown_flag', { option: flag, command, allowed });
  }
  if (sub === 'export') return exportSubscriptions(services, file, team);
  if (file === undefined) {
    throw new ToprankError('invalid_option', {
      option: 'file',
      allowed: 'a file written by `toprank subscriptions export`',
    });
  }
  return importSubscriptions(services, file);
}

/** A team named on the command line, or the sentence saying what one looks like. */
export function requireTeam(text: string | undefined): TeamRef {
  const team = text === undefined ? undefined : parseTeamRef(text);
  if (team) return team;
  throw new ToprankError('invalid_option', {
    option: 'team',
    ...(text !== undefined && { value: text }),
    allowed: 'a Slack team id (slack:T0123ABCD) or a Discord server id (discord:1150000000000000100)',
  });
}

/**
 * Every subscription, oldest first, or a team's: those stored with it and older records whose channel
 * names it (a Slack channel names its workspace).
 */
export async function subscriptionsOf(store: SubscriptionStore, team?: TeamRef): Promise<Subscription[]> {
  // Every subscription is in exactly one slot.
  const subs: Subscription[] = [];
  for (const slotId of await store.listSlots()) subs.push(...(await store.listBySlot(slotId)));
  subs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return team === undefined ? subs : subs.filter((s) => teamOf(s.channel, s.team) === team);
}

async function exportSubscriptions(
  services: SubscriptionServices,
  file: string | undefined,
  team: TeamRef | undefined,
): Promise<string> {
  const subs = await subscriptionsOf(services.store, team);
  const lines = subs.map((s) => `${JSON.stringify(s)}\n`).join('');
  if (file === undefined) return lines.replace(/\n$/, '');
  await writeFile(file, lines);
  return `Exported ${subs.length} subscriptions to ${file}.`;
}

/** Every line of the file as a subscription, or the first bad line named (nothing is written). */
function parseLines(text: string, file: string): Subscription[] {
  const subs: Subscription[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const fail = (reason: string) =>
      new ToprankError('import_line_invalid', { value: file, line: index + 1, reason });
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw fail('not JSON');
    }
    const parsed = subscriptionSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail(`${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`);
    }
    subs.push(parsed.data);
  }
  return subs;
}

async function importSubscriptions(services: SubscriptionServices, file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ToprankError('invalid_option', {
      option: 'file',
      value: file,
      allowed: 'a readable file written by `toprank subscriptions export`',
    });
  }
  const subs = parseLines(text, file);
  const counts = { added: 0, there: 0, full: 0 };
  const renamed: string[] = [];
  for (const sub of subs) {
    const result = await services.store.add(sub, services.maxPerChannel);
    if (result.added) {
      counts.added += 1;
      // Its id was taken by another channel's subscription: it keeps working under a new one.
      if (result.subscription.id !== sub.id) renamed.push(`${sub.id} → ${result.subscription.id}`);
    } else if (result.reason === 'exists') counts.there += 1;
    else counts.full += 1;
  }
  // Also for subscriptions already there: a Redis restored without its schedulers gets them back.
  const slots = [...new Set(subs.map(slotIdOf))];
  for (const slotId of slots) await services.schedules.ensure(slotId);
  const lines = [
    `Imported ${counts.added} subscriptions from ${file}; ${counts.there} were already there, ${counts.full} refused (channel at its limit of ${services.maxPerChannel}). ${slots.length} delivery slots scheduled.`,
  ];
  if (renamed.length > 0) lines.push(`New ids (the old ones were taken): ${renamed.join(', ')}.`);
  return lines.join('\n');
}
