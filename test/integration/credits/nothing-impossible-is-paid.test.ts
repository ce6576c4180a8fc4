/**
 * Nothing that cannot exist is paid for: a region outside the TikTok Shop markets, a date in the
 * future and a week or month still under way are refused with their own sentence before any upstream
 * request, through the commands a member types; TOPRANK_EXTRA_REGIONS lets an operator add a market.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../../commands/index.js';
import { renderConsole } from '../../../src/adapters/console/render.js';
import { serveCraftedRankings } from '../../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { createTestCore, TEST_NOW, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('nothing that cannot exist is paid for', () => {
  let keyapi: FakeKeyApi;
  let t: TestCore;
  const ask = (command: string, text: string) => {
    const ctx: CommandContext = {
      channel: 'console:demo',
      user: { id: 'member' },
      services: t.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => TEST_NOW,
    };
    return runTextCommand(command, text, ctx).then(renderConsole);
  };

  beforeEach(async () => {
    keyapi = await startFakeKeyApi();
    serveCraftedRankings(keyapi, { 'day-2026-11-24': ['a', 'b'], 'day-2026-11-23': ['b', 'a'] });
    t = await createTestCore(keyapi.url, { env: { TOPRANK_EXTRA_REGIONS: 'kr, SA' } });
  });
  afterEach(async () => {
    await t.close();
    await keyapi.close();
  });

  it('refuses an unknown region, a future date and an unfinished week or month at no cost', async () => {
    expect(await ask('toprank', 'region:ZZ type:day')).toContain(
      '`ZZ` is not a TikTok Shop market toprank knows (US, GB, ID, TH, VN, MY, PH, SG, MX, BR, DE, FR, IT, ES, JP, KR, SA); nothing was requested. An operator can add one with TOPRANK_EXTRA_REGIONS.',
    );
    expect(await ask('toprank', 'region:US type:day date:2026-12-02')).toContain(
      '2026-12-02 is in the future, so it has no ranking; nothing was requested. Pick a date up to 2026-11-24.',
    );
    // Today (Wednesday 25 Nov) falls in the week of Monday 23 Nov, and in November.
    expect(await ask('toprank', 'region:US type:week date:2026-11-24')).toContain(
      'Week of Mon 23 Nov 2026 is not over yet (it ends 2026-11-29), so it has no ranking; nothing was requested. Pick an earlier date.',
    );
    expect(await ask('toprank', 'region:US type:month date:2026-11-02')).toContain(
      'Nov 2026 is not over yet (it ends 2026-11-30)',
    );
    expect(await ask('toprank', 'region:US type:day date:2026-11-25')).toContain('is not over yet');
    expect(await ask('toprank-subscribe', 'region:ZZ type:week')).toContain(
      '`ZZ` is not a TikTok Shop market',
    );
    expect(keyapi.requests).toHaveLength(0);
    expect(await t.core.subscriptions.store.listByChannel('console:demo')).toEqual([]);
  });

  it('accepts a market the operator added, and offers it in autocomplete', async () => {
    expect(await ask('toprank', 'region:KR type:day')).toContain('KR daily top');
    expect(keyapi.requests.length).toBeGreaterThan(0);
    expect(t.core.regions.list.map((r) => r.code)).toContain('SA');
  });
});
