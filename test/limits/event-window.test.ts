// The one sliding window (main/core/limits/event-window.ts) behind the listener's messages per
// minute and the upstream rate limits.
import { describe, expect, test } from 'vitest';
import { EventWindow } from '../../main/core/limits/event-window.js';

describe('EventWindow', () => {
  test('an event counts until the span has passed since it, exactly', () => {
    const window = new EventWindow();
    window.record(1_000);
    window.record(1_500);
    expect(window.count(1_999, 1_000)).toBe(2);
    expect(window.count(2_000, 1_000)).toBe(1);
    expect(window.count(2_500, 1_000)).toBe(0);
  });

  test('waitMs: until the event that must leave for one more to fit has left', () => {
    const window = new EventWindow();
    for (const time of [0, 100, 200]) window.record(time);
    expect(window.waitMs(300, 1_000, 4)).toBe(0);
    expect(window.waitMs(300, 1_000, 3)).toBe(700);
    expect(window.waitMs(300, 1_000, 2)).toBe(800);
  });

  test('forgetBefore drops what left the window and keeps the rest', () => {
    const window = new EventWindow();
    for (const time of [0, 100, 200]) window.record(time);
    window.forgetBefore(1_150, 1_000);
    expect(window.count(1_150, 10_000)).toBe(1);
  });
});
