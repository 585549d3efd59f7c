// Globs and regexes as routing rules use them: what matches, and what is refused and why.
import { describe, expect, test } from 'vitest';
import {
  matchesPattern,
  parseAddressPattern,
} from '../../main/core/routing-rules/address-pattern.js';

function compile(source: string) {
  const parsed = parseAddressPattern(source);
  if ('problem' in parsed) throw new Error(`${source} ${parsed.problem}`);
  return parsed.pattern;
}

function problemOf(source: string): string {
  const parsed = parseAddressPattern(source);
  return 'problem' in parsed ? parsed.problem : 'no problem';
}

describe('globs', () => {
  test.each([
    // pattern, value, matches
    ['*@example.com', 'qa@example.com', true],
    ['*@example.com', 'QA@Example.COM', true], // case-insensitive
    ['*@example.com', 'qa@sub.example.com', false], // whole address, not a suffix search
    ['*@example.com', 'qa@example.com.evil.test', false],
    ['*@example.com', '@example.com', true], // `*` may be empty
    ['*.staging.example', 'qa@app.staging.example', true], // `*` crosses `@` and `.`
    ['*.staging.example', 'qa@staging.example', false],
    ['qa+?@example.com', 'qa+1@example.com', true],
    ['qa+?@example.com', 'qa+12@example.com', false], // `?` is exactly one character
    ['qa+?@example.com', 'qa+@example.com', false],
    ['qa+?@example.com', 'qa+é@example.com', true],
    ['qa+?@example.com', 'qa+😀@example.com', true], // one code point, not one UTF-16 unit
    ['qa@example.com', 'qa@example.com', true],
    ['qa@example.com', 'qa@exampleXcom', false], // `.` is a dot, not "any character"
    ['a(b)|c[d]{1}^$\\@x', 'a(b)|c[d]{1}^$\\@x', true], // regex syntax is literal in a glob
    ['a(b)|c[d]{1}^$\\@x', 'ab@x', false],
    ['*', 'anything at all', true],
    ['*', '', true],
    ['*', 'line\r\nbreak', true], // a catch-all is a catch-all
    ['proj-*', 'proj-a', true], // SMTP user names are matched the same way
    ['proj-*', 'other', false],
  ])('%s against %j → %s', (source, value, expected) => {
    expect(matchesPattern(compile(source), value)).toBe(expected);
  });
});

describe('regexes', () => {
  test.each([
    // unanchored: a regex is searched, like RegExp#test, Mailpit and smtp4dev
    ['/example\\.com/', 'a@example.com.evil.test', true],
    ['/@example\\.com$/', 'a@example.com.evil.test', false],
    ['/@example\\.com$/', 'a@example.com', true],
    ['/^qa/', 'xqa@example.com', false],
    ['/^qa/', 'qa@example.com', true],
    // case-sensitive unless flagged
    ['/@example\\.com$/', 'a@EXAMPLE.com', false],
    ['/@example\\.com$/i', 'a@EXAMPLE.com', true],
    ['/^a.b$/', 'a\nb', false],
    ['/^a.b$/s', 'a\nb', true],
    ['/^b$/', 'a\nb', false],
    ['/^b$/m', 'a\nb', true],
    ['/^.@x$/', '😀@x', false],
    ['/^.@x$/u', '😀@x', true],
    ['/^[\\p{L}--[a-z]]@x$/v', 'É@x', true],
    ['/a/b/', 'xa/by', true], // the last slash ends the body
  ])('%s against %j → %s', (source, value, expected) => {
    const pattern = compile(source);
    expect(pattern.kind).toBe('regex');
    expect(matchesPattern(pattern, value)).toBe(expected);
  });

  test('matching is stateless: the same address matches every time', () => {
    const pattern = compile('/qa/i');
    expect([1, 2, 3].map(() => matchesPattern(pattern, 'qa@example.com'))).toEqual([
      true,
      true,
      true,
    ]);
  });

  test('the source is kept as written, for explanations and saving back', () => {
    expect(compile('/@X\\.example$/i').source).toBe('/@X\\.example$/i');
    expect(compile('*@x.example')).toMatchObject({ source: '*@x.example', kind: 'glob' });
  });
});

test('no SMTP user matches no user pattern, not even *', () => {
  expect(matchesPattern(compile('*'), null)).toBe(false);
  expect(matchesPattern(compile('/.*/'), null)).toBe(false);
});

describe('refused patterns', () => {
  test.each([
    ['', 'is empty; write a glob like *@example.com or a regex like /@example\\.com$/i'],
    [' *@example.com', 'has spaces at the start or end; remove them'],
    ['*@example.com\r\n', 'contains control characters (a line break?); remove them'],
    [
      '/@example.com',
      'starts like a regex but does not end with "/" and flags; write /…/ or /…/i, or write a glob like *@example.com',
    ],
    [
      '//',
      'is an empty regex; give something between the slashes, or write a glob like *@example.com',
    ],
    [
      '/qa(/',
      'is not a valid regex (Invalid regular expression: /qa(/: Unterminated group); fix the regex, or write a glob like *@example.com',
    ],
    [
      '/qa/g',
      'uses flag "g", which makes a regex remember its last match; drop it (flags i, m, s, u and v are fine)',
    ],
    [
      '/qa/y',
      'uses flag "y", which makes a regex remember its last match; drop it (flags i, m, s, u and v are fine)',
    ],
    ['/qa/x', 'has an unknown flag "x"; use only i, m, s, u or v'],
    ['/qa/I', 'has an unknown flag "I"; use only i, m, s, u or v'],
    ['/qa/ii', 'repeats a flag; give each flag once, e.g. /…/i'],
  ])('%j: %s', (source, problem) => {
    expect(problemOf(source)).toBe(problem);
  });
});
