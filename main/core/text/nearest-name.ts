// "Did you mean …?" for a mistyped name (a flag, a settings key, a group): the known name a
// keyboard slip away from what was typed. A long list of every name, alone, leaves the admin to
// spot `--clamd-unavailable` among ninety flags by eye.

/**
 * Edits from one name to the other, case-insensitively: a letter added, dropped or changed, or
 * two neighbours swapped (`execuatble`), each one edit (optimal string alignment distance).
 */
export function editDistance(typed: string, known: string): number {
  const a = typed.toLowerCase();
  const b = known.toLowerCase();
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i += 1) {
    for (let j = 0; j <= b.length; j += 1) {
      let best = Math.max(i, j);
      if (i > 0 && j > 0) {
        const same = a[i - 1] === b[j - 1];
        best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (same ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, at(i - 2, j - 2) + 1);
        }
      }
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The one known name within two edits of what was typed (one edit for names of up to four
 * letters, where two would reach unrelated words), or null when none or several are that close.
 */
export function nearestName(typed: string, known: readonly string[]): string | null {
  const limit = typed.replace(/^-+/, '').length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  let tie = false;
  for (const name of known) {
    if (name === typed) continue;
    const distance = editDistance(typed, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) tie = true;
  }
  return best !== null && !tie ? best : null;
}
