// The recent log lines the Logs view and the log API show: the newest `keep` of each kind, oldest
// first, however many came before.
import { describe, expect, it } from 'vitest';
import { RecentLog } from '../../main/core/log-view/recent-log.js';

describe('the recent log lines', () => {
  it('keeps the newest lines of each kind, in order, whatever the number logged', () => {
    const log = new RecentLog(1000);
    const at = new Date('2026-12-02T10:00:00Z');
    for (let n = 1; n <= 2500; n++) log.add('relay', `relay ${n}`, at);
    log.add('audit', 'audit 1', at);
    const all = log.last('relay', 5000);
    expect(all.lines).toHaveLength(1000);
    expect(all.lines[0]).toBe('relay 1501');
    expect(all.lines.at(-1)).toBe('relay 2500');
    expect(all.entries[0]).toEqual({
      at: at.toISOString(),
      kind: 'relay',
      line: 'relay 1501',
      seq: 1501,
    });
    expect(log.last('relay', 3).lines).toEqual(['relay 2498', 'relay 2499', 'relay 2500']);
    expect(log.last('relay', 0).lines).toEqual([]);
    expect(log.last('audit', 10).lines).toEqual(['audit 1']);
    // one count over every kind: the audit line came after the 2500 relay lines
    expect(log.last('audit', 10).entries[0]?.seq).toBe(2501);
  });
});
