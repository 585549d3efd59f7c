// The HTML screenshot's note groups the proxy's refusals by reason: each reason once, its
// addresses under it, in the order the reasons first came.
import { describe, expect, it } from 'vitest';
import {
  refusalGroups,
  refusalsSaid,
  refusedCount,
} from '../../renderer/src/message/refusal-groups.js';

const privateWords = '10.0.0.5 is a private, loopback or link-local address (a setting allows it)';

describe('refusalGroups', () => {
  it('puts the addresses of one reason under it, each reason once', () => {
    const groups = refusalGroups([
      `http://10.0.0.5/a.png refused: ${privateWords}`,
      'http://cdn.example/b.png failed: the server answered 404',
      `http://10.0.0.5/c.png refused: ${privateWords}`,
      // the screenshot keeps each refusal once, but a repeat must not list an address twice
      `http://10.0.0.5/a.png refused: ${privateWords}`,
    ]);
    expect(groups).toEqual([
      {
        reason: `Refused: ${privateWords}`,
        addresses: ['http://10.0.0.5/a.png', 'http://10.0.0.5/c.png'],
      },
      { reason: 'Failed: the server answered 404', addresses: ['http://cdn.example/b.png'] },
    ]);
    expect(refusedCount(groups)).toBe(3);
    expect(refusalsSaid(groups)).toBe(
      `Refused: ${privateWords} (2 addresses). Failed: the server answered 404 (http://cdn.example/b.png).`,
    );
  });

  it('keeps words not in the proxy’s form whole, as a reason without addresses', () => {
    const groups = refusalGroups(['Failed to fetch']);
    expect(groups).toEqual([{ reason: 'Failed to fetch', addresses: [] }]);
    expect(refusedCount(groups)).toBe(1);
    expect(refusalsSaid(groups)).toBe('Failed to fetch.');
  });
});
