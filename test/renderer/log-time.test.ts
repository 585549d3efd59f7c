// The Logs view's times: since the view also holds the lines written before the last start, a
// line from an earlier day shows its date, where today's show the clock alone.
import { describe, expect, it } from 'vitest';
import { logTime } from '../../renderer/src/logs/log-lines.js';

describe("a log line's time", () => {
  const now = new Date(2026, 11, 4, 9, 30, 0);
  it("shows today's lines by the clock and an earlier day's with the date", () => {
    const today = new Date(2026, 11, 4, 8, 5, 7);
    expect(logTime(today.toISOString(), now)).toBe(today.toLocaleTimeString());
    const yesterday = new Date(2026, 11, 3, 23, 59, 58);
    const shown = logTime(yesterday.toISOString(), now);
    expect(shown).not.toBe(yesterday.toLocaleTimeString());
    expect(shown).toContain('3');
    expect(shown).toContain('58');
    expect(logTime('not a time', now)).toBe('not a time');
  });
});
