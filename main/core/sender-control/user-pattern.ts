// The SMTP user a quota counts or a suspension cuts off, as an admin writes it: the forms brought
// from Postfix's maps and from log lines (`@example.com`, `<bob@example.com>`) are globs that
// match no user name, so the quota would limit nobody and the suspension stop nobody, while the
// settings and the list of suspended senders said otherwise. They are refused with the form to use.

/**
 * Why `value` can match no SMTP user name, completing a sentence that begins with the field and
 * the value (`quotas[0].user: "@example.com" …`); null when it can. A regex (`/…/`) is taken as
 * written.
 */
export function userPatternProblem(value: string): string | null {
  if (value.startsWith('/')) return null;
  if (/^<.*>$/.test(value)) {
    return `is in angle brackets, which no user name has; give ${JSON.stringify(value.slice(1, -1) || '*@example.com')}`;
  }
  if (value.startsWith('@') && value.length > 1) {
    return `has nothing before the "@", so it matches no user name; give ${JSON.stringify(`*${value}`)} for every user of that domain`;
  }
  return null;
}
