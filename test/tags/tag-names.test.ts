// Tag names and plus addressing, as Mailpit reads them (tools.CleanTag, addressPlusRe), and
// Mailpit's --chaos-triggers form: the pure rules, table by table.
import { describe, expect, it } from 'vitest';
import { parseChaosTriggers } from '../../main/core/chaos/chaos-triggers.js';
import { cleanTag, normalizeTags, plusAddressTags, titleCase } from '../../main/core/tags/index.js';
import { typedTagProblem } from '../../main/core/tags/tag-name.js';

describe('tag names', () => {
  it.each([
    ['urgent!', 'urgent'],
    ['  two   words ', 'two words'],
    ['a/b\\c', 'a b c'],
    ['ok-_.@x', 'ok-_.@x'],
    ['✓', ''],
    ['x'.repeat(150), 'x'.repeat(100)],
  ])('cleans %j to %j', (raw, clean) => expect(cleanTag(raw)).toBe(clean));

  it('keeps one spelling per tag, the one already in use, sorted', () => {
    expect(normalizeTags(['b', 'A', 'a', '!!', ''])).toEqual(['A', 'b']);
    expect(normalizeTags(['signup'], new Map([['signup', 'SignUp']]))).toEqual(['SignUp']);
  });

  it('title-cases like Mailpit (first letters up, the rest as given)', () => {
    expect(titleCase('new signup-flow')).toBe('New Signup-Flow');
    expect(titleCase('iOS')).toBe('IOS');
  });
});

describe('plus addressing', () => {
  it.each([
    ['user+signup@example.com', ['signup']],
    ['a+b+c@example.com', ['b', 'c']],
    ['+only@example.com', ['only']],
    ['plain@example.com', []],
    ['user+@example.com', []],
    ['no-at-sign+x', []],
  ])('%s gives %j', (address, tags) => expect(plusAddressTags(address)).toEqual(tags));
});

describe('--chaos-triggers', () => {
  it('reads Mailpit’s form, case-insensitive keys and aliases', () => {
    expect(parseChaosTriggers('sender:451:50, recipients:550:5,AUTH:535:100')).toEqual({
      Sender: { ErrorCode: 451, Probability: 50 },
      Recipient: { ErrorCode: 550, Probability: 5 },
      Authentication: { ErrorCode: 535, Probability: 100 },
    });
  });

  it.each(['Sender:451', 'Sender:399:5', 'Sender:451:101', 'Helo:451:5', 'Sender:451:x'])(
    'refuses %j',
    (raw) => expect(parseChaosTriggers(raw)).toBeUndefined(),
  );
});

describe('a tag typed in the GUI', () => {
  it.each(['signup', 'needs review', 'ok-_.@x', '  padded  '])('is saved as typed: %j', (typed) =>
    expect(typedTagProblem(typed)).toBeNull(),
  );

  it.each([
    ['bad,tag!', 'has "," and "!", which a tag cannot hold', 'save it as "bad tag"'],
    ['a/b', 'has "/", which a tag cannot hold', 'save it as "a b"'],
    ['two  words', 'has runs of spaces', 'save it as "two words"'],
    ['!!!', 'has "!", which a tag cannot hold', 'use letters or digits'],
  ])('%j is refused: it %s; the fix: %s', (typed, why, fix) => {
    const problem = typedTagProblem(typed) ?? '';
    expect(problem).toContain(`Tag: ${JSON.stringify(typed)} ${why}`);
    expect(problem).toContain(fix);
  });
});
