// Address patterns for routing rules: what a rule's `recipient`, `sender` and `user` hold.
//
// Two forms, told apart by the first character:
// - A glob (`*@example.com`, `*.staging.example`, `qa+?@example.com`). `*` is any run of
//   characters, `?` exactly one character; every other character stands for itself. `*` crosses
//   everything, `@` and `.` included, because a shell-like rule ("`*` stops at `.`") would make
//   `*.staging.example` miss `qa@app.staging.example`, which is what people mean by it. A glob is
//   matched against the whole value and case-insensitively: domains are case-insensitive, and
//   nobody routes `QA@` apart from `qa@` on a test relay. `*` alone also matches the null sender
//   (`<>`, an empty string). There are no character classes or escapes, so an address with a
//   literal `*` or `?` needs a regex.
// - A regex written `/…/flags` (smtp4dev and Mailpit accept regexes too). It follows JavaScript
//   semantics exactly: it is searched, not anchored (`/example\.com/` also matches
//   `a@example.com.evil.test`; write `/@example\.com$/`), and it is case-sensitive unless it
//   carries the `i` flag. Flags `g` and `y` are refused: they make `RegExp#test` remember where
//   the previous match ended, so the same address would match one time and not the next.
//
// Patterns are compiled once, when the settings are loaded; a bad one is a settings error.

import { CONTROL_CHARACTERS } from '../text/sanitise.js';

export interface AddressPattern {
  /** The pattern as the user wrote it, for explanations and for saving the settings back. */
  readonly source: string;
  readonly kind: 'glob' | 'regex';
  /** Compiled form; never has the `g` or `y` flag, so `test` keeps no state between calls. */
  readonly regex: RegExp;
}

export type PatternParse = { pattern: AddressPattern } | { problem: string };

/** Flags that change what a regex matches, not how often: all safe to reuse. */
const ALLOWED_FLAGS = new Set(['i', 'm', 's', 'u', 'v']);
const REGEX_FORM = /^\/([\s\S]*)\/([a-z]*)$/i;
const GLOB_EXAMPLE = 'write a glob like *@example.com';

function globToRegex(glob: string): RegExp {
  let body = '';
  for (const char of glob) {
    if (char === '*') body += '.*';
    else if (char === '?') body += '.';
    else body += char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  // `s`: `*` and `?` also match line breaks, so no odd input slips past a catch-all `*`.
  // `u`: `?` is one code point, so an emoji counts as one character.
  return new RegExp(`^${body}$`, 'isu');
}

function regexPattern(source: string, body: string, flags: string): PatternParse {
  for (const flag of flags) {
    if (flag === 'g' || flag === 'y') {
      return {
        problem: `uses flag "${flag}", which makes a regex remember its last match; drop it (flags i, m, s, u and v are fine)`,
      };
    }
    if (!ALLOWED_FLAGS.has(flag)) {
      return { problem: `has an unknown flag "${flag}"; use only i, m, s, u or v` };
    }
  }
  if (new Set(flags).size !== flags.length) {
    return { problem: 'repeats a flag; give each flag once, e.g. /…/i' };
  }
  if (body === '') {
    return { problem: `is an empty regex; give something between the slashes, or ${GLOB_EXAMPLE}` };
  }
  try {
    return { pattern: { source, kind: 'regex', regex: new RegExp(body, flags) } };
  } catch (err) {
    // V8's message names what is wrong ("Unterminated group"), which is the useful part.
    const reason = err instanceof Error ? err.message : String(err);
    return {
      problem: `is not a valid regex (${reason}); fix the regex, or ${GLOB_EXAMPLE}`,
    };
  }
}

/**
 * Compiles a pattern, or says what is wrong with it. The problem text completes a sentence that
 * begins with the field path and the pattern, e.g. `rules[0].match.recipient: "/(/" is not …`.
 */
export function parseAddressPattern(source: string): PatternParse {
  if (source === '') {
    return { problem: `is empty; ${GLOB_EXAMPLE} or a regex like /@example\\.com$/i` };
  }
  if (CONTROL_CHARACTERS.test(source)) {
    return { problem: 'contains control characters (a line break?); remove them' };
  }
  if (source.trim() !== source) {
    // A pasted " *@example.com" would never match anything, silently.
    return { problem: 'has spaces at the start or end; remove them' };
  }
  if (source.startsWith('/')) {
    const form = REGEX_FORM.exec(source);
    if (!form) {
      return {
        problem: `starts like a regex but does not end with "/" and flags; write /…/ or /…/i, or ${GLOB_EXAMPLE}`,
      };
    }
    return regexPattern(source, form[1] ?? '', form[2] ?? '');
  }
  return { pattern: { source, kind: 'glob', regex: globToRegex(source) } };
}

/** Whether the value matches; a null value (no SMTP user) matches no pattern, not even `*`. */
export function matchesPattern(pattern: AddressPattern, value: string | null): boolean {
  return value !== null && pattern.regex.test(value);
}
