// The words that changed within a changed line of the Compare dialog: a minified HTML email is
// one long line, and only the changed words tell the reader what changed.
import { describe, expect, it } from 'vitest';
import { diffRows, type DiffRow } from '../../renderer/src/message/changed-words.js';

const marked = (row: DiffRow | undefined) =>
  (row?.segments ?? []).filter((s) => s.changed).map((s) => s.text);
const whole = (row: DiffRow | undefined) => (row?.segments ?? []).map((s) => s.text).join('');

describe('changed words in a compared line', () => {
  it('marks only the words that changed in a long minified line', () => {
    const html = (colour: string, query: string) =>
      `<table><tr><td style="padding:0"><a href="https://app.example/reset?${query}" style="background:${colour};color:#fff">Reset password</a></td></tr></table>`.repeat(
        3,
      );
    const rows = diffRows([
      ' <!doctype html>',
      `-${html('#06c', 't=abc')}`,
      `+${html('#0a7', 't=abc&utm=mail')}`,
      ' </html>',
    ]);
    expect(rows.map((r) => r.kind)).toEqual(['same', 'removed', 'added', 'same']);
    // the long line cut to the changes with their surroundings, not shown whole on both sides
    expect(whole(rows[1]).length).toBeLessThan(html('#06c', 't=abc').length);
    expect(whole(rows[1])).toContain('…');
    expect(whole(rows[1])).toContain('style="background:#06c;color:#fff">Reset');
    expect(new Set(marked(rows[1]))).toEqual(new Set(['06c']));
    expect(marked(rows[2]).join(' ')).toMatch(/0a7/);
    expect(marked(rows[2]).join('')).toContain('utm');
    expect(marked(rows[2]).join('')).not.toContain('Reset');
  });

  it('keeps a short changed line whole', () => {
    const rows = diffRows(['-Total: 10 EUR, paid by card', '+Total: 12 EUR, paid by card']);
    expect(whole(rows[0])).toBe('Total: 10 EUR, paid by card');
    expect(whole(rows[1])).toBe('Total: 12 EUR, paid by card');
  });

  it('pairs a run of removed lines with the added run after it, in order', () => {
    const rows = diffRows([
      '-Total: 10 EUR',
      '-Paid by card',
      '+Total: 12 EUR',
      '+Paid by transfer',
    ]);
    expect(marked(rows[0])).toEqual(['10']);
    expect(marked(rows[2])).toEqual(['12']);
    expect(marked(rows[1])).toEqual(['card']);
    expect(marked(rows[3])).toEqual(['transfer']);
  });

  it('marks nothing in lines with next to nothing in common, or with no partner', () => {
    const rows = diffRows(['-Hello Ada', '+Totally different words here', '+an extra line']);
    expect(marked(rows[0])).toEqual([]);
    expect(marked(rows[1])).toEqual([]);
    expect(marked(rows[2])).toEqual([]);
    expect(whole(rows[1])).toBe('Totally different words here');
  });
});
