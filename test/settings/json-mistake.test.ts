// The hand-edited settings file's usual JSON mistakes, each found at its line and column with the
// fix in words (the CLI tests in cli/startup-errors show the whole message from a real start).
import { describe, expect, it } from 'vitest';
import { findJsonMistake, parseJsonText } from '../../main/core/settings/json-mistake.js';

describe('findJsonMistake', () => {
  const cases: Array<
    [string, string, { line: number; column: number; found: string; fix: RegExp }]
  > = [
    [
      'a trailing comma in an object',
      '{\n  "maxMessages": 10,\n}\n',
      { line: 2, column: 20, found: '"," before "}"', fix: /^remove the trailing comma$/ },
    ],
    [
      'a trailing comma in a list',
      '{"allowIp": ["10.0.0.0/8",\n ]}',
      { line: 1, column: 26, found: '"," before "]"', fix: /^remove the trailing comma$/ },
    ],
    [
      'a line comment',
      '{\n  // the office relay\n  "mode": "relay"\n}',
      { line: 2, column: 3, found: 'a comment ("//")', fix: /^remove the comment/ },
    ],
    [
      'a block comment after a value',
      '{"mode": "capture" /* for now */}',
      { line: 1, column: 20, found: 'a comment ("/*")', fix: /^remove the comment/ },
    ],
    [
      'a missing closing quote',
      '{\n  "hostname": "relay.example.com,\n  "maxMessages": 10\n}',
      {
        line: 2,
        column: 15,
        found: 'a string that is never closed (the end of the line comes first)',
        fix: /missing double quote/,
      },
    ],
    [
      'a missing opening quote of a name',
      '{\n  maxMessages": 10\n}',
      {
        line: 2,
        column: 3,
        found: 'the name maxMessages without quotes',
        fix: /^put it in double quotes: "maxMessages"$/,
      },
    ],
    [
      'single quotes',
      "{'mode': 'relay'}",
      { line: 1, column: 2, found: 'a single quote', fix: /double quotes/ },
    ],
    [
      'a missing comma between settings',
      '{\n  "mode": "capture"\n  "maxMessages": 10\n}',
      {
        line: 3,
        column: 3,
        found: '"maxMessages" with no comma before it',
        fix: /^add a comma between two settings/,
      },
    ],
    [
      'a file cut short',
      '{"mode": "capture"',
      { line: 1, column: 19, found: 'the end of the file', fix: /close it with "}"/ },
    ],
    ['Python words', '{"dsn": True}', { line: 1, column: 9, found: '"True"', fix: /lower case/ }],
    [
      'a Windows path with single backslashes',
      '{"tlsCert": "C:\\certs\\relay.pem"}',
      { line: 1, column: 16, found: 'the escape "\\\\c"', fix: /C:\/folder/ },
    ],
    ['an empty file', '  \n', { line: 2, column: 1, found: 'an empty file', fix: /\{\}/ }],
    [
      'CRLF line ends',
      '{\r\n"a": 1,\r\n}',
      { line: 2, column: 7, found: '"," before "}"', fix: /trailing comma/ },
    ],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      expect(() => JSON.parse(text)).toThrow();
      const got = findJsonMistake(text);
      expect(got).toMatchObject({ line: want.line, column: want.column, found: want.found });
      expect(got?.fix).toMatch(want.fix);
    });
  }

  it('finds nothing in valid JSON', () => {
    expect(findJsonMistake('{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"], "b": {}}')).toBeNull();
  });
});

describe('parseJsonText', () => {
  it('says line, column, what was found and the fix in one sentence', () => {
    expect(parseJsonText('{\n  "maxMessages": 10,\n}')).toEqual({
      ok: false,
      problem:
        'not valid JSON at line 2, column 20: found "," before "}"; remove the trailing comma',
    });
  });

  it('reads a file that starts with a byte-order mark (Notepad writes one)', () => {
    expect(parseJsonText('\uFEFF{"maxMessages": 10}')).toEqual({
      ok: true,
      value: { maxMessages: 10 },
    });
  });
});
