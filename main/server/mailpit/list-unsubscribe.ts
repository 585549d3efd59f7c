// Mailpit's check of a List-Unsubscribe header (internal/tools/listunsubscribeparser.go), rule for
// rule and with its error texts: clients written against Mailpit compare `Links` and `Errors`.
// Go's regexp flags are spelled out in JavaScript: `U` (ungreedy) as lazy quantifiers, `s` as
// [\s\S]; `m` anchors stay multiline as there.

export interface ListUnsubscribeResult {
  links: string[];
  /** '' when the header is valid; otherwise Mailpit's messages joined with ", ". */
  errors: string;
}

const linkRe = /<(.*?)>/g;
const joinsRe = />([\s\S]*?)</g;
const validJoinRe = /^\s*,\s*$/m;
const wrapperRe = /^<[\s\S]*>$/m;
const mailToRe = /^mailto:[a-zA-Z0-9]/;
const httpRe = /^https?:\/\/[a-zA-Z0-9]/i;
const commentRe = /\([\s\S]*?\)/g;

/**
 * Go's url.ParseRequestURI accepts an absolute URI; a link that passed the prefix checks above
 * fails it only when WHATWG URL parsing fails too, so the message is Go's for that case.
 */
function requestUriError(link: string): string | null {
  try {
    new URL(link);
    return null;
  } catch {
    return `parse "${link}": invalid URI for request`;
  }
}

export function parseListUnsubscribe(header: string): ListUnsubscribeResult {
  let v = header.trim();
  for (const comment of v.match(commentRe) ?? []) v = v.replaceAll(comment, '').trim();

  if (!/<.*?>/.test(v)) return { links: [], errors: `"${v}" no valid unsubscribe links found` };
  if (!wrapperRe.test(v)) return { links: [], errors: `"${v}" should be enclosed in <>` };

  const links: string[] = [];
  const errors: string[] = [];
  const matches = [...v.matchAll(linkRe)].map((m) => m[1] as string);
  if (matches.length > 2) {
    errors.push(`"${v}" should include a maximum of one email and one HTTP link`);
  } else {
    for (const join of v.matchAll(joinsRe)) {
      if (!validJoinRe.test(join[1] as string)) {
        return { links: [], errors: `"${v}" <> should be split with a comma and optional spaces` };
      }
    }
    let hasMailTo = false;
    let hasHttp = false;
    for (const link of matches) {
      if (/\s/.test(link)) {
        errors.push(`"${link}" should not contain spaces`);
        continue;
      }
      if (mailToRe.test(link)) {
        if (hasMailTo) {
          errors.push(`"${link}" should only contain one mailto:`);
          continue;
        }
        hasMailTo = true;
      } else if (httpRe.test(link)) {
        if (hasHttp) {
          errors.push(`"${link}" should only contain one HTTP link`);
          continue;
        }
        hasHttp = true;
      } else {
        errors.push(`"${link}" should start with either http(s):// or mailto:`);
        continue;
      }
      const invalid = requestUriError(link);
      if (invalid) {
        errors.push(invalid);
        continue;
      }
      links.push(link);
    }
  }
  return { links, errors: errors.join(', ') };
}
