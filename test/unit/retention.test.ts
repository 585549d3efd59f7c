import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../main/core/message-record.js';
import { selectForPruning } from '../../main/core/retention.js';

const day = 24 * 3600 * 1000;
const now = Date.parse('2026-11-28T12:00:00Z');
const records = [10, 8, 3, 1, 0].map(
  (age, i) =>
    ({ id: `m${i}`, receivedAt: new Date(now - age * day).toISOString() }) as MessageRecord,
);

describe('retention', () => {
  it('prunes the oldest beyond the count', () => {
    expect(selectForPruning(records, 5, { maxMessages: 3, maxAgeDays: 0, now })).toEqual([
      'm0',
      'm1',
    ]);
  });
  it('prunes messages older than the age', () => {
    expect(selectForPruning(records, 5, { maxMessages: 0, maxAgeDays: 7, now })).toEqual([
      'm0',
      'm1',
    ]);
    expect(selectForPruning(records, 5, { maxMessages: 0, maxAgeDays: 2, now })).toEqual([
      'm0',
      'm1',
      'm2',
    ]);
  });
  it('keeps everything with both limits off', () => {
    expect(selectForPruning(records, 5, { maxMessages: 0, maxAgeDays: 0, now })).toEqual([]);
  });
});
