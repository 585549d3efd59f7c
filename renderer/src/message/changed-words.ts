// Within a changed line, the words that changed: a minified HTML email is one long line, and
// "this line changed" says nothing there; the colour change or the new query string is what the
// reader looks for.
import { diffWordsWithSpace } from 'diff';

export interface LineSegment {
  text: string;
  /** Removed from the older line, or added in the newer one. */
  changed: boolean;
}

export interface DiffRow {
  kind: 'same' | 'removed' | 'added';
  segments: LineSegment[];
}

/** Past this the words of a line are not compared (the cost grows with length × edits). */
const comparedLineChars = 20_000;

/**
 * A hunk's lines (' ', '-', '+' first) as rows, each removed line paired with the added line at
 * the same place of the run that follows it, their changed words marked. Pure.
 */
export function diffRows(lines: readonly string[]): DiffRow[] {
  const rows: DiffRow[] = lines.map((line) => ({
    kind: line[0] === '-' ? 'removed' : line[0] === '+' ? 'added' : 'same',
    segments: [{ text: line.slice(1), changed: false }],
  }));
  for (let at = 0; at < rows.length;) {
    if (rows[at]?.kind !== 'removed') {
      at += 1;
      continue;
    }
    let removedEnd = at;
    while (rows[removedEnd]?.kind === 'removed') removedEnd += 1;
    let addedEnd = removedEnd;
    while (rows[addedEnd]?.kind === 'added') addedEnd += 1;
    const pairs = Math.min(removedEnd - at, addedEnd - removedEnd);
    for (let i = 0; i < pairs; i += 1) {
      const older = rows[at + i] as DiffRow;
      const newer = rows[removedEnd + i] as DiffRow;
      const marked = changedWords(older.segments[0]?.text ?? '', newer.segments[0]?.text ?? '');
      if (marked) {
        older.segments = shortened(marked[0]);
        newer.segments = shortened(marked[1]);
      }
    }
    at = addedEnd;
  }
  return rows;
}

/** Unchanged text kept on each side of a change in a long line; the rest is an ellipsis. */
const contextChars = 60;

/**
 * A long line's unchanged stretches cut to their ends next to a change: a minified email's one
 * line of 30 KB showed whole on both sides, with two words marked somewhere in it.
 */
function shortened(parts: LineSegment[]): LineSegment[] {
  // a side's unchanged text comes in pieces where the other side's additions were
  const segments: LineSegment[] = [];
  for (const part of parts) {
    const previous = segments.at(-1);
    if (previous && previous.changed === part.changed) previous.text += part.text;
    else segments.push({ ...part });
  }
  const length = segments.reduce((n, segment) => n + segment.text.length, 0);
  if (length <= 4 * contextChars) return segments;
  return segments.map((segment, index) => {
    const { text } = segment;
    if (segment.changed || text.length <= 2 * contextChars + 5) return segment;
    const first = index === 0;
    const last = index === segments.length - 1;
    const head = first ? '' : text.slice(0, contextChars);
    const tail = last ? '' : text.slice(-contextChars);
    return { text: `${head}…${tail}`, changed: false };
  });
}

function changedWords(older: string, newer: string): [LineSegment[], LineSegment[]] | null {
  if (older.length > comparedLineChars || newer.length > comparedLineChars) return null;
  const changes = diffWordsWithSpace(older, newer, { maxEditLength: 200 });
  if (!changes) return null;
  const same = changes
    .filter((c) => !c.added && !c.removed)
    .reduce((n, c) => n + c.value.length, 0);
  // two lines with next to nothing in common: marking every word would only be noise
  if (same < Math.min(older.length, newer.length) / 3) return null;
  return [
    changes.filter((c) => !c.added).map((c) => ({ text: c.value, changed: c.removed })),
    changes.filter((c) => !c.removed).map((c) => ({ text: c.value, changed: c.added })),
  ];
}
