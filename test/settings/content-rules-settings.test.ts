// The content rules' setting (header_checks / body_checks) from the flag, the environment and the
// settings file, and every mistake an admin makes in it refused with the entry, the field, the
// value and the fix; and what the rules do to one message, line by line.
import { describe, expect, it } from 'vitest';
import {
  inspectContent,
  nestedQuantifier,
  parseContentRules,
  withContentEdits,
} from '../../main/core/filter/content-rules.js';
import { settingFields } from '../../main/core/settings/settings-schema.js';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';

describe('the contentRules setting', () => {
  it('is read from --content-rules, RELAYDESK_CONTENT_RULES and the settings file', () => {
    const rule = { where: 'header', match: '^Subject: x', flags: 'i', action: 'warn' };
    const fromFlag = resolveSettings({
      env: {},
      flags: { '--content-rules': JSON.stringify([rule]) },
    });
    expect(fromFlag.contentRules).toMatchObject([rule]);
    expect(fromFlag.contentRules[0]?.pattern.test('subject: X')).toBe(true);
    const fromEnv = resolveSettings({ env: { RELAYDESK_CONTENT_RULES: JSON.stringify([rule]) } });
    expect(fromEnv.contentRules).toHaveLength(1);
    expect(
      resolveSettings({ env: {}, overrides: { contentRules: [rule] } }).contentRules,
    ).toHaveLength(1);
    expect(resolveSettings({ env: {} }).contentRules).toEqual([]);
  });

  const mistakes: Array<[string, unknown, string]> = [
    [
      'a bad regular expression',
      { where: 'header', match: '^Subject: (free', action: 'reject', text: 'no' },
      'contentRules[0].match: "^Subject: (free" is not a valid regular expression (Unterminated group); fix it, or write a character such as "(" or "[" as "\\\\(" to match it as it is',
    ],
    [
      'an unknown action',
      { where: 'header', match: '^Subject: x', action: 'drop' },
      'contentRules[0].action: "drop" is not valid; use "reject", "discard", "hold", "warn", "ignore", "replace", "prepend"',
    ],
    [
      'reject without its text',
      { where: 'header', match: '^Subject: x', action: 'reject' },
      'contentRules[0].text is missing; "reject" needs it: give the reply the client gets after "550 5.7.1", such as "no lotteries here"',
    ],
    [
      'replace without its text',
      { where: 'header', match: '^X-Mailer:', action: 'replace' },
      'contentRules[0].text is missing; "replace" needs it: give the header to put in its place, such as "X-Office-Rule: matched"',
    ],
    [
      'prepend of a header that is no header',
      { where: 'header', match: '^Subject:', action: 'prepend', text: 'hello' },
      'contentRules[0].text: "hello" is not a header; give "Name: value", such as "X-Office-Rule: matched"',
    ],
    [
      'an unknown where',
      { where: 'headers', match: 'x', action: 'warn' },
      'contentRules[0].where: "headers" is not valid; use "header" (each header, as "Name: value") or "body" (each body line)',
    ],
    [
      'a flag other than i',
      { where: 'body', match: 'x', flags: 'g', action: 'warn' },
      'contentRules[0].flags: "g" is not valid; use "i" (ignore case, as Postfix\'s regexp tables do by default) or leave it out',
    ],
    [
      'a nested repeat (catastrophic backtracking)',
      { where: 'body', match: '^(a+)+$', action: 'warn' },
      'contentRules[0].match: "^(a+)+$" repeats a group that itself repeats (such as "(a+)+"), which can take exponential time on a crafted line; write it without the nested repeat (e.g. "(a+)+" as "a+")',
    ],
    [
      "a rule without its match (zod's own words came out before)",
      { where: 'body', action: 'warn' },
      'contentRules[0].match is missing; give a regular expression such as "^Subject: .*lottery"',
    ],
    [
      'a rule without where or action',
      { match: 'x' },
      'contentRules[0].where is missing; give "header" (each header, as "Name: value") or "body" (each body line)\ncontentRules[0].action is missing; use "reject", "discard", "hold", "warn", "ignore", "replace", "prepend"',
    ],
    [
      'a misspelt field',
      { where: 'body', mach: 'x', action: 'warn' },
      'contentRules[0].mach: unknown field "mach"; did you mean "match"?',
    ],
  ];
  for (const [what, rule, message] of mistakes) {
    it(`refuses ${what}, naming the entry, the field, the value and the fix`, () => {
      expect(() => resolveSettings({ env: {}, overrides: { contentRules: [rule] } })).toThrow(
        message,
      );
    });
  }

  // the example an admin copies from the Settings box or the README's table must itself be valid
  it("gives an example (the box's placeholder) that is valid JSON and a valid rule", () => {
    const field = settingFields.find((f) => f.key === 'contentRules');
    const placeholder = field?.input.kind === 'json' ? field.input.placeholder : '';
    const [rule] = parseContentRules(placeholder);
    expect(rule?.pattern.test('Received: from pc7 (pc7 [192.168.1.23]) by files')).toBe(true);
  });

  it('names the entry by its index, every entry at once', () => {
    expect(() =>
      parseContentRules([
        { where: 'header', match: '^Subject: ok', action: 'warn' },
        { where: 'header', match: '[', action: 'warn' },
        { where: 'body', match: 'x', action: 'bounce' },
      ]),
    ).toThrow(
      /^contentRules\[1\]\.match: "\[" is not a valid regular expression .*\ncontentRules\[2\]\.action: "bounce" is not valid; /,
    );
  });

  it('names the flag or the variable it was given in, before the entry and field', () => {
    const bad = JSON.stringify([{ where: 'head', match: 'x', action: 'warn' }, { where: 'body' }]);
    const refusal = (given: Parameters<typeof resolveSettings>[0]): string[] => {
      try {
        resolveSettings(given);
      } catch (err) {
        return (err as Error).message.split('\n');
      }
      return [];
    };
    const lines = [
      'contentRules[0].where: "head" is not valid; use "header" (each header, as "Name: value") or "body" (each body line)',
      'contentRules[1].action is missing; use "reject", "discard", "hold", "warn", "ignore", "replace", "prepend"',
      'contentRules[1].match is missing; give a regular expression such as "^Subject: .*lottery"',
    ];
    expect(refusal({ env: {}, flags: { '--content-rules': bad } })).toEqual(
      lines.map((line) => `--content-rules: ${line}`),
    );
    expect(refusal({ env: { RELAYDESK_CONTENT_RULES: bad } })).toEqual(
      lines.map((line) => `RELAYDESK_CONTENT_RULES: ${line}`),
    );
  });

  it('says where JSON text is broken, by line and column', () => {
    expect(() => parseContentRules('[{"where": "body", "match": "x", "action": "warn",}]')).toThrow(
      'contentRules: not valid JSON at line 1, column 50: found "," before "}"; remove the trailing comma; give [{"where": "header", "match": "^Subject: .*lottery", "flags": "i", "action": "reject", "text": "no lotteries here"}], or "off"',
    );
  });

  it('finds nested repeats, and lets ordinary patterns through', () => {
    for (const bad of ['(a+)+', '(\\w*x)*', '((ab)+c)+', '(?:a.*){2,}'])
      expect(nestedQuantifier(bad), bad).toBe(true);
    for (const good of [
      '^Received: from .*\\[192\\.168\\.',
      '(ab)+',
      '^(Re|Fwd): .*',
      '[(]+a+',
      '(a+){2}',
    ])
      expect(nestedQuantifier(good), good).toBe(false);
  });
});

describe('the rules on one message', () => {
  const message = Buffer.from(
    [
      'Received: from pc1 (pc1 [192.168.0.9])',
      '\tby files.office.lan; Sun, 6 Dec 2026 10:00:00 +0000',
      'Subject: hello',
      'X-Mailer: Old',
      '',
      'line one',
      'secret line',
      '',
    ].join('\r\n'),
  );

  it('matches a folded header unfolded, first rule wins per line, and edits the copy sent on', async () => {
    const rules = parseContentRules([
      { where: 'header', match: '^Received: from pc1 .*by files', action: 'ignore' },
      { where: 'header', match: '^Received:', action: 'warn' },
      { where: 'header', match: '^X-Mailer: Old$', action: 'replace', text: 'X-Mailer: New' },
      { where: 'header', match: '^Subject:', action: 'prepend', text: 'X-Seen: 1' },
      { where: 'body', match: '^secret', action: 'replace', text: 'redacted' },
    ]);
    const found = await inspectContent(rules, message);
    expect(found.stop).toBeNull();
    expect(found.reasons).toHaveLength(4);
    expect(found.reasons[0]).toMatch(
      /^content rule 0 .* matched "Received: from pc1 \(pc1 \[192\.168\.0\.9\]\) by files" in the Received header/,
    );
    expect(withContentEdits(message, found.edits).toString()).toBe(
      ['X-Seen: 1', 'Subject: hello', 'X-Mailer: New', '', 'line one', 'redacted', ''].join('\r\n'),
    );
  });

  it('stops at the first reject or discard', async () => {
    const rules = parseContentRules([
      { where: 'header', match: '^Subject:', action: 'warn' },
      { where: 'body', match: '^line', action: 'discard' },
      { where: 'body', match: '^secret', action: 'reject', text: 'no' },
    ]);
    const found = await inspectContent(rules, message);
    expect(found.stop).toMatchObject({ action: 'discard', rule: 1 });
  });
});
