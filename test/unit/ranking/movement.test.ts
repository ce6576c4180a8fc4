import { describe, expect, it } from 'vitest';
import { formatMovement, movementOf } from '../../../src/ranking/movement.js';

const previous = new Map([
  ['6633792625097490438', 4],
  ['b', 1],
  ['c', 2],
]);

describe('movementOf', () => {
  it('says up 3 when a creator climbs from 4th to 1st', () => {
    expect(movementOf('6633792625097490438', 1, previous)).toEqual({ kind: 'up', places: 3 });
  });

  it('says down 2 when a creator falls from 1st to 3rd', () => {
    expect(movementOf('b', 3, previous)).toEqual({ kind: 'down', places: 2 });
  });

  it('says same when the rank did not change', () => {
    expect(movementOf('c', 2, previous)).toEqual({ kind: 'same' });
  });

  it('says new when the creator was not in the previous ranking', () => {
    expect(movementOf('6633792625097490439', 2, previous)).toEqual({ kind: 'new' });
  });
});

describe('formatMovement', () => {
  it('writes ▲3, ▼2, 🆕, = and – for no comparison', () => {
    expect(formatMovement({ kind: 'up', places: 3 })).toBe('▲3');
    expect(formatMovement({ kind: 'down', places: 2 })).toBe('▼2');
    expect(formatMovement({ kind: 'new' })).toBe('🆕');
    expect(formatMovement({ kind: 'same' })).toBe('=');
    expect(formatMovement(undefined)).toBe('–');
  });
});
