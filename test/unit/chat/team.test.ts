import { describe, expect, it } from 'vitest';
import { discordTeam, parseTeamRef, slackTeam } from '../../../src/chat/team.js';

describe('parseTeamRef', () => {
  it('reads a team as stored, or its bare id, whose shape tells the platform', () => {
    expect(parseTeamRef('slack:T0123ABCD')).toBe(slackTeam('T0123ABCD'));
    expect(parseTeamRef(' T0123ABCD ')).toBe('slack:T0123ABCD');
    expect(parseTeamRef('discord:1150000000000000100')).toBe(discordTeam('1150000000000000100', 'u'));
    expect(parseTeamRef('1150000000000000100')).toBe('discord:1150000000000000100');
  });

  it('refuses what is neither, and a platform with the other one’s id', () => {
    for (const text of ['agency-a', 'slack:1150000000000000100', 'discord:T0123ABCD', 'T0', '']) {
      expect(parseTeamRef(text)).toBeUndefined();
    }
  });
});
