// What the GUI's batched event streams (the WebSocket's `batch=1` frames, the desktop window's
// IPC sends) must hold after a burst, whichever carried them.
import { expect } from 'vitest';
import type { RelaydeskEvent } from '../../preload/api-contract.js';

export function expectBurstBatched(heard: {
  /** The frames or sends, each a batch. */
  batches: readonly RelaydeskEvent[][];
  /** Every event as the listener got it. */
  events: readonly RelaydeskEvent[];
  /** The burst's message IDs as the store lists them, newest first. */
  listedIds: readonly string[];
  burst: number;
}): void {
  const { batches, events, listedIds, burst } = heard;
  // four events a message; far fewer batches (one send or frame per event before)
  expect(batches.length).toBeLessThan(burst);
  // in order: each message's `new` once, newest last, as the store lists them
  const news = events.filter((e) => e.Type === 'new');
  expect(news.map((e) => (e.Data as { ID: string }).ID)).toEqual([...listedIds].reverse());
  // of the counts, each batch holds its last only: the arrivals after it count from it
  for (const batch of batches) {
    expect(batch.filter((e) => e.Type === 'stats').length).toBeLessThanOrEqual(1);
  }
  // and they stay right when added up as the GUI does: the last stats, then what came after
  let total = 0;
  for (const event of events) {
    if (event.Type === 'stats') total = event.Data.Total;
    if (event.Type === 'new') total += 1;
  }
  expect(total).toBe(burst);
}
