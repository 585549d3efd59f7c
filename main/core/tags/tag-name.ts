// Tag names as Mailpit allows them (config.ValidTagRegexp, tools.CleanTag): letters, digits,
// space, "-", "_", "." and "@", 1–100 characters. Other characters become spaces, runs of
// spaces one, so a tag from a header or an address never carries anything a search or a
// file name could trip on. Two tags that differ only in case are the same tag.

const invalidCharacters = /[^a-zA-Z0-9\- _.@]/g;
const validTag = /^[a-zA-Z0-9\- _.@]{1,100}$/;

export const tagAlphabet = 'letters, digits, spaces, "-", "_", "." and "@", at most 100';

/** Mailpit's CleanTag: invalid characters to spaces, spaces squeezed, trimmed, cut to 100. */
export function cleanTag(raw: string): string {
  return raw.replace(invalidCharacters, ' ').replace(/\s+/g, ' ').trim().slice(0, 100).trim();
}

export function isValidTag(name: string): boolean {
  return validTag.test(name);
}

/** Mailpit's --tags-title-case: the first letter of each word upper case, the rest as given. */
export function titleCase(tag: string): string {
  return tag.replace(
    /(^|[\s\-_.@])([a-z])/g,
    (_m, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

/**
 * Cleaned, valid, unique (case-insensitively, the first spelling wins) and sorted, as Mailpit
 * stores a message's tags. `known` maps lower-case names to the spelling already in use, so a
 * new "signup" joins an existing "Signup" instead of becoming a second tag.
 */
export function normalizeTags(
  raw: Iterable<string>,
  known?: ReadonlyMap<string, string>,
): string[] {
  const seen = new Map<string, string>();
  for (const item of raw) {
    const tag = cleanTag(item);
    if (!isValidTag(tag)) continue;
    const key = tag.toLowerCase();
    if (!seen.has(key)) seen.set(key, known?.get(key) ?? tag);
  }
  return [...seen.values()].sort();
}
