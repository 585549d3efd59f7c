// Tag names as Mailpit allows them (config.ValidTagRegexp, tools.CleanTag): letters, digits,
// space, "-", "_", "." and "@", 1–100 characters. Other characters become spaces, runs of
// spaces one, so a tag from a header or an address never carries anything a search or a
// file name could trip on. Two tags that differ only in case are the same tag. Pure, and shared:
// the relay cleans tags by it, and the GUI's tag editor checks a name by it before saving.

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

/**
 * Why a tag typed by hand would not be saved as typed, with the fix; null when it would. The API
 * cleans such a name silently, as Mailpit's does; a person typing `bad,tag!` is told instead of
 * finding `bad tag` saved.
 */
export function typedTagProblem(typed: string): string | null {
  const name = typed.trim();
  if (name.length > 100) {
    return `Tag: ${JSON.stringify(name.slice(0, 20) + '…')} has ${name.length} characters; a tag has at most 100`;
  }
  const cleaned = cleanTag(name);
  if (cleaned === name) return null;
  const signs = [...new Set(name.match(invalidCharacters) ?? [])].map((c) => JSON.stringify(c));
  const fix =
    cleaned === ''
      ? 'use letters or digits'
      : `save it as ${JSON.stringify(cleaned)}, or add each part as a tag of its own`;
  const listed =
    signs.length > 1 ? `${signs.slice(0, -1).join(', ')} and ${signs[signs.length - 1]}` : signs[0];
  return signs.length > 0
    ? `Tag: ${JSON.stringify(name)} has ${listed}, which a tag cannot hold (${tagAlphabet} characters); ${fix}`
    : `Tag: ${JSON.stringify(name)} has runs of spaces; ${fix}`;
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
