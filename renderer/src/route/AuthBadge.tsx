/**
 * One authentication result as a badge: `DKIM shop.example/s1 pass — why`, coloured by `tone`
 * (pass, fail, neutral, offline…). The Route tab's check and Analyze's DKIM row show theirs alike.
 */
export function AuthBadge({
  label,
  tone,
  word = tone,
  state = word,
  reason,
  title,
  testId,
}: {
  label: string;
  tone: string;
  /** The word after the label; the tone's own by default. */
  word?: string;
  /** `data-badge`, for tests and styles: the word by default. */
  state?: string;
  reason: string;
  title: string;
  testId: string;
}) {
  return (
    <li className={`auth-badge auth-${tone}`} data-testid={testId} data-badge={state} title={title}>
      {label} {word}
      <span className="auth-reason"> — {reason}</span>
    </li>
  );
}
