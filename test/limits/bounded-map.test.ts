// The one bounded map (main/core/limits/bounded-map.ts) behind per-client state: AUTH failures,
// message counters, cached address verdicts.
import { describe, expect, test } from 'vitest';
import { BoundedMap } from '../../main/core/limits/bounded-map.js';

describe('BoundedMap', () => {
  test('forgets the least recently written key past its size', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.set('a', 3); // rewritten: now the newest
    map.set('c', 4);
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.get('a')).toBe(3);
  });

  test('reading does not keep a key alive', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.has('a')).toBe(false);
    expect(map.size).toBe(2);
  });

  test('a flood of distinct keys stays at the size', () => {
    const map = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) map.set(i, i);
    expect(map.size).toBe(100);
    expect(map.has(9_999)).toBe(true);
    expect(map.has(9_899)).toBe(false);
  });
});
