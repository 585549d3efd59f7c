// The HTML check's figures for the platforms chosen, worked out as Mailpit's HTML Check tab
// works them out from its API's answer: each feature's support counted again over the client
// versions of those platforms, and the total the worst feature weighted by its share of the
// document's nodes, pseudo-classes and at-rules (`:hover`, `@media`) at a twentieth, since one
// rule in a stylesheet says nothing of how much of the message it styles.
import type { HtmlCheck, HtmlWarning } from './check-results';

/** A check's warnings and total, for the platforms chosen. */
export interface ScoredHtmlCheck {
  Warnings: HtmlWarning[];
  Total: HtmlCheck['Total'];
}

const pseudoClassOrAtRule = (title: string): boolean => /^[:@]/.test(title);

function rescore(warning: HtmlWarning, counts: (platform: string) => boolean): HtmlWarning | null {
  // a feature no client supports (<script>) carries no client results: it always counts
  if (warning.Results.length === 0) return warning;
  const results = warning.Results.filter((r) => counts(r.Platform));
  if (results.length === 0) return null;
  const tally = { yes: 0, partial: 0, no: 0 };
  for (const r of results) tally[r.Support]++;
  // fully supported on every platform chosen: nothing to warn of there
  if (tally.partial + tally.no === 0) return null;
  return {
    ...warning,
    Results: results,
    Score: {
      Found: warning.Score.Found,
      Supported: (tally.yes / results.length) * 100,
      Partial: (tally.partial / results.length) * 100,
      Unsupported: (tally.no / results.length) * 100,
    },
  };
}

export function scoreForPlatforms(
  check: HtmlCheck,
  counts: (platform: string) => boolean,
): ScoredHtmlCheck {
  const nodes = Math.max(check.Total.Nodes, 1);
  const weight = (w: HtmlWarning): number =>
    pseudoClassOrAtRule(w.Title) ? 0.05 : Math.min(1, w.Score.Found / nodes);
  const warnings = check.Warnings.map((w) => rescore(w, counts)).filter(
    (w): w is HtmlWarning => w !== null,
  );
  let partial = 0;
  let unsupported = 0;
  for (const w of warnings) {
    partial = Math.max(partial, w.Score.Partial * weight(w));
    unsupported = Math.max(unsupported, w.Score.Unsupported * weight(w));
  }
  if (partial + unsupported > 100) partial = 100 - unsupported;
  warnings.sort(
    (a, b) =>
      (b.Score.Unsupported + b.Score.Partial) * weight(b) -
        (a.Score.Unsupported + a.Score.Partial) * weight(a) || a.Slug.localeCompare(b.Slug),
  );
  return {
    Warnings: warnings,
    Total: {
      ...check.Total,
      Supported: 100 - partial - unsupported,
      Partial: partial,
      Unsupported: unsupported,
    },
  };
}
