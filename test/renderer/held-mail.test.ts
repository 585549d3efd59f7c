// The count and senders a held-mail confirm names (Queue view's "Cancel all held…", a
// suspension's "Lift and release…" and "Cancel held…"), and which messages a suspension holds.
import { describe, expect, it } from 'vitest';
import type { QueuedMessage, QueueView } from '../../preload/api-contract.js';
import { heldMessages, heldWhose } from '../../renderer/src/queue/held-mail.js';

function message(id: string, sender: string, why: string, state = 'held'): QueuedMessage {
  return {
    ID: id,
    sender,
    recipients: [{ state, why }],
  } as unknown as QueuedMessage;
}

describe('held mail in a confirm', () => {
  it('names the senders, the most first, and counts those past three', () => {
    const list = [
      ...Array.from({ length: 31 }, (_, i) => message(`p${i}`, 'printer@office.example', '')),
      message('b1', 'bob@office.example', ''),
      message('b2', 'bob@office.example', ''),
      message('a1', 'ann@office.example', ''),
      message('n1', '', ''),
      message('z1', 'zed@office.example', ''),
    ];
    expect(heldWhose(list)).toBe(
      '36 messages held: 31 from printer@office.example, 2 from bob@office.example, 1 from the null sender <> and 2 from 2 other senders',
    );
    expect(heldWhose(list.slice(31, 33))).toBe('2 messages held, all from bob@office.example');
  });

  it('picks the messages a suspension held by its ID, not those held by hand or waiting', () => {
    const queue = {
      messages: [
        message('s', 'x@a.example', 'held: user printer suspended (abc123): burst'),
        message('o', 'x@a.example', 'held: user other suspended (def456): burst'),
        message('h', 'x@a.example', 'held by hand'),
        message('w', 'x@a.example', 'held: user printer suspended (abc123): burst', 'deferred'),
      ],
    } as unknown as QueueView;
    expect(heldMessages(queue, { ID: 'abc123' }).map((m) => m.ID)).toEqual(['s']);
    expect(heldMessages(queue).map((m) => m.ID)).toEqual(['s', 'o', 'h']);
  });
});
