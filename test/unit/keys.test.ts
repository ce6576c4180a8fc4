/**
 * Every id and Redis key format, pinned: a change here is a change of what is already stored in Redis
 * and BullMQ (a renamed sent marker or delivery id would post digests twice after an upgrade).
 */
import { describe, expect, it } from 'vitest';
import {
  ALERT_SCHEDULER_ID,
  alertCheckJobId,
  alertingSubscriptionsKey,
  alertJobId,
  alertsCheckedKey,
  categoriesKey,
  channelQueryKey,
  channelSubscriptionsKey,
  creditsKey,
  deliveryNonce,
  digestDeliveryId,
  digestsJobId,
  liveSlotsKey,
  paceKey,
  pageKey,
  schedulerIdOf,
  sentKey,
  slotIdOfScheduler,
  slotSubscriptionsKey,
  snapshotKey,
  subscriptionKey,
  tickDoneKey,
  tickJobId,
  tickStartedKey,
} from '../../src/keys.js';

const p = '{toprank}';

describe('BullMQ ids', () => {
  it('names each job by what it does', () => {
    expect(alertJobId('k3v9qa', '2026-11-24')).toBe('alert-k3v9qa-2026-11-24');
    expect(schedulerIdOf('week-0900-UTC')).toBe('digest-week-0900-UTC');
    expect(tickJobId('week-0900-UTC', 1763974800000)).toBe('tick-week-0900-UTC-1763974800000');
    expect(alertCheckJobId('2026-11-24')).toBe('alert-check-2026-11-24');
    expect(ALERT_SCHEDULER_ID).toBe('alert-check');
  });

  it('names a delivery job by the digests it carries: the same ones, the same job', () => {
    const id = digestsJobId('week-2026-11-16', ['k3v9qa', 'm2x8pb']);
    expect(id).toMatch(/^digests-week-2026-11-16-[0-9a-f]{16}$/);
    expect(digestsJobId('week-2026-11-16', ['k3v9qa', 'm2x8pb'])).toBe(id);
    expect(digestsJobId('week-2026-11-16', ['k3v9qa'])).not.toBe(id);
    expect(digestsJobId('week-2026-11-23', ['k3v9qa', 'm2x8pb'])).not.toBe(id);
  });

  it('reads the slot back from its scheduler id, and nothing from another scheduler', () => {
    expect(slotIdOfScheduler(schedulerIdOf('day-0030-America/Santiago'))).toBe('day-0030-America/Santiago');
    expect(slotIdOfScheduler(ALERT_SCHEDULER_ID)).toBeUndefined();
  });

  it('refuses an id with a colon, which BullMQ would reject later', () => {
    expect(() => digestDeliveryId('a:b', 'week-2026-11-16')).toThrow(/may not contain ':'/);
  });
});

describe('delivery ids', () => {
  it('name one digest of one subscription for one period', () => {
    expect(digestDeliveryId('k3v9qa', 'week-2026-11-16')).toBe('deliver-k3v9qa-week-2026-11-16');
  });

  it('become a Discord nonce of 25 characters, the same every time', () => {
    const nonce = deliveryNonce('deliver-k3v9qa-week-2026-11-16');
    expect(nonce).toMatch(/^[0-9a-f]{25}$/);
    expect(deliveryNonce('deliver-k3v9qa-week-2026-11-16')).toBe(nonce);
    expect(deliveryNonce('deliver-k3v9qa-week-2026-11-23')).not.toBe(nonce);
  });
});

describe('Redis keys', () => {
  it('keep every key under the one hash-tagged prefix', () => {
    expect(tickStartedKey(p, 'week-0900-UTC', 'week-2026-11-16')).toBe(
      '{toprank}:tick-started:week-0900-UTC:week-2026-11-16',
    );
    expect(tickDoneKey(p, 'week-0900-UTC', 'week-2026-11-16')).toBe(
      '{toprank}:tick-done:week-0900-UTC:week-2026-11-16',
    );
    expect(sentKey(p, 'alert-k3v9qa-2026-11-24')).toBe('{toprank}:sent:alert-k3v9qa-2026-11-24');
    expect(alertsCheckedKey(p, 'abc123', '2026-11-24')).toBe('{toprank}:alerts-checked:abc123:2026-11-24');
    expect(snapshotKey(p, 'abc123', 'day-2026-11-24')).toBe('{toprank}:snap:abc123:day-2026-11-24');
    expect(categoriesKey(p, 'US')).toBe('{toprank}:categories:US');
    expect(creditsKey(p, '2026-11-24')).toBe('{toprank}:credits:2026-11-24');
    expect(paceKey(p, 'discord')).toBe('{toprank}:pace:discord');
    expect(subscriptionKey(p, 'k3v9qa')).toBe('{toprank}:sub:k3v9qa');
    expect(channelSubscriptionsKey(p, 'slack:T1:C1')).toBe('{toprank}:subs:channel:slack:T1:C1');
    expect(slotSubscriptionsKey(p, 'week-0900-UTC')).toBe('{toprank}:subs:slot:week-0900-UTC');
    expect(liveSlotsKey(p)).toBe('{toprank}:subs:slots');
    expect(alertingSubscriptionsKey(p)).toBe('{toprank}:subs:alerting');
    expect(channelQueryKey(p, 'discord:7', 'abc123')).toBe('{toprank}:subs:query:discord:7:abc123');
  });

  it('key a page by every request parameter, with free-text filters encoded', () => {
    const request = { region: 'US', rankType: 2, rankField: 1, date: '2026-11-16', pageSize: 10, pageNum: 3 };
    expect(pageKey(p, request)).toBe('{toprank}:page:US:2:1:2026-11-16:10:3::');
    expect(pageKey(p, { ...request, category: 'Home:Garden', productCategoryId: '601450' })).toBe(
      '{toprank}:page:US:2:1:2026-11-16:10:3:Home%3AGarden:601450',
    );
  });
});
