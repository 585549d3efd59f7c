import { describe, expect, it } from 'vitest';
import { isMessageId, newMessageId } from '../../main/core/spool/message-id.js';

describe('message IDs', () => {
  it('are unique, well formed and in arrival order, many in one millisecond', () => {
    const now = Date.now();
    // more than the random bytes drawn at once, so the pool is refilled on the way
    const ids = Array.from({ length: 3000 }, () => newMessageId(now));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isMessageId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    const later = newMessageId(now + 1);
    expect(later > (ids.at(-1) as string)).toBe(true);
    // the random part differs between IDs (not one value repeated from a stale pool)
    expect(new Set(ids.map((id) => id.slice(12))).size).toBe(ids.length);
  });
});
