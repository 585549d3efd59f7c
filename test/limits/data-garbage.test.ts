// A large DATA's chunks are collected as they go (main/core/load/data-garbage.ts): a minor
// collection after every 4 MiB the listener takes, with V8's own `gc`, which no other code sees.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { collectEvery, DataGarbage, dataGarbage } from '../../main/core/load/data-garbage.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

describe('DataGarbage', () => {
  test('collects once per 4 MiB taken, across chunks and messages, and makes its collector at the first', () => {
    let made = 0;
    let collected = 0;
    const garbage = new DataGarbage(() => {
      made++;
      return () => void collected++;
    });
    const mib = 1024 * 1024;
    for (let i = 0; i < 3; i++) garbage.taken(mib);
    expect(made).toBe(0);
    garbage.taken(mib);
    expect([made, collected, garbage.made]).toEqual([1, 1, 1]);
    for (let i = 0; i < 7; i++) garbage.taken(mib + 1);
    expect(collected).toBe(2);
    expect(made).toBe(1);
  });

  test('without a collector (a runtime that refuses) it only counts', () => {
    const garbage = new DataGarbage(() => null);
    for (let i = 0; i < 3; i++) garbage.taken(collectEvery);
    expect(garbage.made).toBe(0);
  });
});

describe('a large message over SMTP', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({ maxSize: 30 * 1024 * 1024 });
  });
  afterAll(async () => relay?.dispose());

  test('is collected every 4 MiB while it arrives, with V8’s own collector, exposed to nobody', async () => {
    const before = dataGarbage().made;
    // 9 MiB of body lines
    const line = `${'x'.repeat(998)}\r\n`;
    const text = line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));
    await relay.transport().sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: 'nine MiB',
      text,
    });
    expect(dataGarbage().made - before).toBeGreaterThanOrEqual(2);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const page = await relay.api<MessagesPage>('/api/v1/messages');
    expect(page.messages[0]?.Subject).toBe('nine MiB');
    expect(page.messages[0]?.Size).toBeGreaterThan(9 * 1024 * 1024);
  });
});
