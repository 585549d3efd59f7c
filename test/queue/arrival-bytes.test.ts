// The bytes of small messages to relay, kept from their arrival: bounded by bytes with the oldest
// going first, large messages never kept, and a message's bytes dropped once it needs them no more.
import { describe, expect, it } from 'vitest';
import { ArrivalBytes, keptBytesAtMost } from '../../main/core/queue/arrival-bytes.js';

const message = (kib: number, fill = 'a'): Buffer => Buffer.alloc(kib * 1024, fill);

describe('bytes kept from arrival for the queue', () => {
  it('gives back the very bytes kept, until forgotten', () => {
    const kept = new ArrivalBytes();
    const raw = message(2);
    kept.keep('m1', raw);
    expect(kept.get('m1')).toBe(raw);
    kept.forget('m1');
    expect(kept.get('m1')).toBeUndefined();
    expect(kept.size).toEqual({ messages: 0, bytes: 0 });
    kept.forget('never kept');
  });

  it('lets the oldest go once the bound is passed, and never keeps a large message', () => {
    const kept = new ArrivalBytes(100 * 1024);
    for (let n = 1; n <= 6; n++) kept.keep(`m${n}`, message(20));
    // 120 KiB asked, 100 kept: the first went
    expect(kept.get('m1')).toBeUndefined();
    expect(kept.get('m2')).toBeDefined();
    expect(kept.size).toEqual({ messages: 5, bytes: 100 * 1024 });
    kept.keep('large', message(65));
    expect(kept.get('large')).toBeUndefined();
    expect(kept.size.messages).toBe(5);
  });

  it('counts a message kept twice once', () => {
    const kept = new ArrivalBytes();
    kept.keep('m1', message(4, 'a'));
    const second = message(8, 'b');
    kept.keep('m1', second);
    expect(kept.get('m1')).toBe(second);
    expect(kept.size).toEqual({ messages: 1, bytes: 8 * 1024 });
    expect(keptBytesAtMost).toBeGreaterThanOrEqual(1024 * 1024);
  });
});
