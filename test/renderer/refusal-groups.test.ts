// The HTML screenshot's note groups the proxy's refusals by reason: each reason once, its
// addresses under it, in the order the reasons first came.
import { describe, expect, it } from 'vitest';
import {
  refusalGroups,
  refusalsSaid,
  refusedCount,
} from '../../renderer/src/message/refusal-groups.js';

/** The proxy's words after the host for a private address. */
const isPrivate = 'is a private, loopback or link-local address (a setting allows it)';

describe('refusalGroups', () => {
  it('puts the addresses of one reason under it, each reason once', () => {
    const groups = refusalGroups([
      `http://10.0.0.5/a.png refused: 10.0.0.5 ${isPrivate}`,
      'http://cdn.example/b.png failed: the server answered 404',
      `http://10.0.0.5/c.png refused: 10.0.0.5 ${isPrivate}`,
      // the screenshot keeps each refusal once, but a repeat must not list an address twice
      `http://10.0.0.5/a.png refused: 10.0.0.5 ${isPrivate}`,
    ]);
    expect(groups).toEqual([
      {
        reason: `Refused: its host ${isPrivate}`,
        addresses: ['http://10.0.0.5/a.png', 'http://10.0.0.5/c.png'],
      },
      { reason: 'Failed: the server answered 404', addresses: ['http://cdn.example/b.png'] },
    ]);
    expect(refusedCount(groups)).toBe(3);
    expect(refusalsSaid(groups)).toBe(
      `Refused: its host ${isPrivate} (2 addresses). Failed: the server answered 404 (http://cdn.example/b.png).`,
    );
  });

  it('says a private address once for all its hosts, the IP a name led to beside its address', () => {
    const words =
      'is a private, loopback or link-local address, and a message must not make Relaydesk reach this machine (ticking “…” allows it)';
    const groups = refusalGroups([
      `http://127.0.0.1:8080/a.png refused: 127.0.0.1 ${words}`,
      `http://10.0.0.5/b.png refused: 10.0.0.5 ${words}`,
      `http://intranet.example/c.png refused: intranet.example (10.0.0.7) ${words}`,
      // a host the words do not start with stays in its own words
      `http://cdn.example/d.png refused: 10.0.0.8 ${words}`,
    ]);
    expect(groups).toEqual([
      {
        reason: `Refused: its host ${words}`,
        addresses: [
          'http://127.0.0.1:8080/a.png',
          'http://10.0.0.5/b.png',
          'http://intranet.example/c.png (10.0.0.7)',
        ],
      },
      { reason: `Refused: 10.0.0.8 ${words}`, addresses: ['http://cdn.example/d.png'] },
    ]);
  });

  it('keeps words not in the proxy’s form whole, as a reason without addresses', () => {
    const groups = refusalGroups(['Failed to fetch']);
    expect(groups).toEqual([{ reason: 'Failed to fetch', addresses: [] }]);
    expect(refusedCount(groups)).toBe(1);
    expect(refusalsSaid(groups)).toBe('Failed to fetch.');
  });
});
