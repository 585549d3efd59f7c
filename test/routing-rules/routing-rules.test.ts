// The routing rules as settings: what loads, with which defaults, every message for what does
// not, and the mode presets.
import { describe, expect, test } from 'vitest';
import {
  CAPTURE_EVERYTHING,
  RELAY_EVERYTHING,
  createRoutingRulesSchema,
  modeRules,
  routingRulesSchema,
  type RoutingRule,
} from '../../main/core/routing-rules/index.js';

function messagesFor(input: unknown): string[] {
  const result = routingRulesSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

/** Plain data for comparing: the compiled regex left out. */
function plain(rules: RoutingRule[]) {
  return rules.map((rule) => ({
    ...rule,
    match: Object.fromEntries(
      Object.entries(rule.match).map(([key, pattern]) => [
        key,
        `${pattern.kind} ${pattern.source}`,
      ]),
    ),
  }));
}

describe('loading rules', () => {
  test('every action, with its defaults filled in', () => {
    const rules = routingRulesSchema.parse([
      {
        name: 'project A',
        match: { user: 'proj-a' },
        action: { type: 'capture', mailbox: 'proj-a' },
      },
      { match: { recipient: '*@x.example' }, action: { type: 'capture' } },
      {
        name: 'staging',
        match: { recipient: '/@staging\\.example$/i' },
        action: { type: 'redirect', to: 'qa@team.example' },
      },
      { match: { sender: '*@spam.example' }, action: { type: 'reject' } },
      { match: { user: 'x' }, action: { type: 'reject', code: 450 } },
      { action: { type: 'reject', code: 554, enhanced: '5.7.0', text: 'No mail for you' } },
      { match: {}, action: { type: 'relay' } },
    ]);
    expect(plain(rules)).toEqual([
      {
        name: 'project A',
        match: { user: 'glob proj-a' },
        action: { type: 'capture', mailbox: 'proj-a' },
      },
      { match: { recipient: 'glob *@x.example' }, action: { type: 'capture', mailbox: 'inbox' } },
      {
        name: 'staging',
        match: { recipient: 'regex /@staging\\.example$/i' },
        action: { type: 'redirect', to: 'qa@team.example' },
      },
      {
        match: { sender: 'glob *@spam.example' },
        action: {
          type: 'reject',
          code: 550,
          enhanced: '5.7.1',
          text: 'Recipient address rejected by routing rule',
        },
      },
      {
        match: { user: 'glob x' },
        action: {
          type: 'reject',
          code: 450,
          enhanced: '4.7.1',
          text: 'Recipient address rejected by routing rule',
        },
      },
      {
        match: {},
        action: { type: 'reject', code: 554, enhanced: '5.7.0', text: 'No mail for you' },
      },
      { match: {}, action: { type: 'relay' } },
    ]);
  });

  test('an empty list is fine (the mode adds the catch-all)', () => {
    expect(routingRulesSchema.parse([])).toEqual([]);
  });

  test.each(['a', 'proj-a', 'Project_1.v2', 'x'.repeat(64), '.hidden', '-'])(
    'mailbox name %j is accepted',
    (mailbox) => {
      expect(
        routingRulesSchema.parse([{ action: { type: 'capture', mailbox } }])[0]?.action,
      ).toEqual({
        type: 'capture',
        mailbox,
      });
    },
  );

  test.each([
    'qa@team.example',
    'qa+tag@staging.example',
    'qa@localhost',
    'qa@bücher.example',
    'ü@x.example',
  ])('redirect target %j is accepted', (to) => {
    expect(routingRulesSchema.parse([{ action: { type: 'redirect', to } }])[0]?.action).toEqual({
      type: 'redirect',
      to,
    });
  });

  test('a nested root names the right field', () => {
    const result = createRoutingRulesSchema('routing.rules').safeParse([
      { action: { type: 'redirect', to: 'bob' } },
    ]);
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([
      'routing.rules[0].action.to: "bob" is not an email address; use a full address like qa@example.com',
    ]);
  });

  test('every problem is reported, each with its path', () => {
    const result = routingRulesSchema.safeParse([
      { action: { type: 'relay' } },
      { match: { recipient: '/(/' }, action: { type: 'capture', mailbox: '' } },
      { action: { type: 'redirect', to: 'bob' } },
    ]);
    expect(result.success).toBe(false);
    expect(result.success ? [] : result.error.issues.map((issue) => issue.path)).toEqual([
      [1, 'match', 'recipient'],
      [1, 'action', 'mailbox'],
      [2, 'action', 'to'],
    ]);
  });
});

describe('validation messages', () => {
  const mailboxFix = 'use 1–64 letters, digits, "-", "_" or ".", e.g. "project-a"';
  const patternFix = 'give a glob like *@example.com or a regex like /@example\\.com$/i';
  const actionShape =
    '{"type": "capture"}, {"type": "relay"}, {"type": "redirect", "to": "qa@example.com"} or {"type": "reject"}';
  const codeFix = 'use a 4xx (try again later) or 5xx (permanent) code such as 550';

  test.each<[string, unknown, string]>([
    // the list and the rule
    [
      'not a list',
      { match: {} },
      'rules: {"match":{}} is not a list; give an array of rules like [{"match": {"recipient": "*@example.com"}, "action": {"type": "relay"}}]',
    ],
    [
      'rule not an object',
      ['relay'],
      'rules[0] is not an object; give {"match": {…}, "action": {…}}',
    ],
    [
      'unknown rule field',
      [{ action: { type: 'relay' }, actions: [] }],
      'rules[0].actions: unknown field "actions"; did you mean "action"?',
    ],
    ['action missing', [{ match: {} }], `rules[0].action is missing; give ${actionShape}`],
    // name
    [
      'name not text',
      [{ name: 3, action: { type: 'relay' } }],
      'rules[0].name: 3 is not a name; give a short text like "staging", or leave it out',
    ],
    [
      'name empty',
      [{ name: ' ', action: { type: 'relay' } }],
      'rules[0].name is empty; give a short text like "staging", or leave it out',
    ],
    [
      'name with a line break',
      [{ name: 'a\nb', action: { type: 'relay' } }],
      'rules[0].name: "a\\nb" contains control characters; use one line of plain text',
    ],
    [
      'name too long',
      [{ name: 'n'.repeat(101), action: { type: 'relay' } }],
      `rules[0].name: "${'n'.repeat(76)}… is too long; use at most 100 characters`,
    ],
    // match
    [
      'match not an object',
      [{ match: '*@x', action: { type: 'relay' } }],
      'rules[0].match is not an object; give {"recipient": "*@example.com"}, or leave it out to match everything',
    ],
    [
      'misspelt match key (would otherwise match everything)',
      [{ match: { recipent: '*@x' }, action: { type: 'relay' } }],
      'rules[0].match.recipent: unknown field "recipent"; did you mean "recipient"?',
    ],
    [
      'pattern not text',
      [{ match: { sender: 5 }, action: { type: 'relay' } }],
      `rules[0].match.sender: 5 is not a pattern; ${patternFix}, or leave the key out`,
    ],
    [
      'empty pattern',
      [{ match: { user: '' }, action: { type: 'relay' } }],
      'rules[0].match.user: "" is empty; write a glob like *@example.com or a regex like /@example\\.com$/i',
    ],
    [
      'bad regex names the rule index and the pattern',
      [
        { action: { type: 'relay' } },
        { match: { recipient: '/qa(/i' }, action: { type: 'relay' } },
      ],
      'rules[1].match.recipient: "/qa(/i" is not a valid regex (Invalid regular expression: /qa(/i: Unterminated group); fix the regex, or write a glob like *@example.com',
    ],
    [
      'stateful regex flag',
      [{ match: { recipient: '/qa/g' }, action: { type: 'relay' } }],
      'rules[0].match.recipient: "/qa/g" uses flag "g", which makes a regex remember its last match; drop it (flags i, m, s, u and v are fine)',
    ],
    [
      'unclosed regex',
      [{ match: { recipient: '/qa' }, action: { type: 'relay' } }],
      'rules[0].match.recipient: "/qa" starts like a regex but does not end with "/" and flags; write /…/ or /…/i, or write a glob like *@example.com',
    ],
    [
      'pattern with spaces',
      [{ match: { recipient: '*@x.example ' }, action: { type: 'relay' } }],
      'rules[0].match.recipient: "*@x.example " has spaces at the start or end; remove them',
    ],
    // action
    [
      'action not an object',
      [{ action: 'relay' }],
      `rules[0].action is not an object; give ${actionShape}`,
    ],
    [
      'action type missing',
      [{ action: { mailbox: 'a' } }],
      'rules[0].action.type is missing; use "capture", "relay", "redirect" or "reject"',
    ],
    [
      'unknown action',
      [{ action: { type: 'drop' } }],
      'rules[0].action.type: "drop" is not an action; use "capture", "relay", "redirect" or "reject"',
    ],
    [
      'capture with an unknown field',
      [{ action: { type: 'capture', folder: 'a' } }],
      'rules[0].action: unknown field "folder"; use type and mailbox',
    ],
    [
      'mailbox not text',
      [{ action: { type: 'capture', mailbox: 7 } }],
      `rules[0].action.mailbox: 7 is not a mailbox name; ${mailboxFix}`,
    ],
    [
      'mailbox empty',
      [{ action: { type: 'capture', mailbox: '' } }],
      `rules[0].action.mailbox: "" is not a mailbox name; ${mailboxFix}`,
    ],
    [
      'mailbox with a slash',
      [{ action: { type: 'capture', mailbox: 'a/b' } }],
      `rules[0].action.mailbox: "a/b" is not a mailbox name; ${mailboxFix}`,
    ],
    [
      'mailbox with a space',
      [{ action: { type: 'capture', mailbox: 'project a' } }],
      `rules[0].action.mailbox: "project a" is not a mailbox name; ${mailboxFix}`,
    ],
    [
      'mailbox too long',
      [{ action: { type: 'capture', mailbox: 'm'.repeat(65) } }],
      `rules[0].action.mailbox: "${'m'.repeat(65)}" is not a mailbox name; ${mailboxFix}`,
    ],
    [
      'mailbox of dots',
      [{ action: { type: 'capture', mailbox: '..' } }],
      'rules[0].action.mailbox: ".." is not a mailbox name; it needs a letter, digit, "-" or "_" (names made only of dots are reserved)',
    ],
    [
      'relay with a target',
      [{ action: { type: 'relay', to: 'qa@x.example' } }],
      'rules[0].action: unknown field "to"; use only type (a relay goes to the real recipients)',
    ],
    [
      'redirect without a target',
      [{ action: { type: 'redirect' } }],
      'rules[0].action.to is missing; a redirect needs the address to send to, like qa@example.com',
    ],
    [
      'redirect to a bare name',
      [
        { action: { type: 'relay' } },
        { action: { type: 'relay' } },
        { action: { type: 'redirect', to: 'bob' } },
      ],
      'rules[2].action.to: "bob" is not an email address; use a full address like qa@example.com',
    ],
    [
      'redirect to a display-name form',
      [{ action: { type: 'redirect', to: 'QA <qa@x.example>' } }],
      'rules[0].action.to: "QA <qa@x.example>" is not an email address; use a full address like qa@example.com',
    ],
    [
      'redirect to an address with a line break',
      [{ action: { type: 'redirect', to: 'qa@x.example\r\nBcc: a@b.example' } }],
      'rules[0].action.to: "qa@x.example\\r\\nBcc: a@b.example" is not an email address; use a full address like qa@example.com',
    ],
    [
      'redirect to a list',
      [{ action: { type: 'redirect', to: ['qa@x.example'] } }],
      'rules[0].action.to: ["qa@x.example"] is not an email address; use a full address like qa@example.com',
    ],
    [
      'redirect with an unknown field',
      [{ action: { type: 'redirect', to: 'qa@x.example', cc: 'b@x.example' } }],
      'rules[0].action: unknown field "cc"; use type and to',
    ],
    [
      'reject code not a number',
      [{ action: { type: 'reject', code: '550' } }],
      `rules[0].action.code: "550" is not an SMTP reply code; ${codeFix}`,
    ],
    [
      'reject code not whole',
      [{ action: { type: 'reject', code: 550.5 } }],
      `rules[0].action.code: 550.5 is not an SMTP reply code; ${codeFix}`,
    ],
    [
      'reject code 250',
      [{ action: { type: 'reject', code: 250 } }],
      `rules[0].action.code: 250 is not a 4xx or 5xx reply code; ${codeFix}`,
    ],
    [
      'reject code 600',
      [{ action: { type: 'reject', code: 600 } }],
      `rules[0].action.code: 600 is not a 4xx or 5xx reply code; ${codeFix}`,
    ],
    [
      'enhanced code not text',
      [{ action: { type: 'reject', enhanced: 571 } }],
      'rules[0].action.enhanced: 571 is not an enhanced status code; use the form 5.7.1 (RFC 3463), or leave it out',
    ],
    [
      'enhanced code malformed',
      [{ action: { type: 'reject', code: 450, enhanced: '4.7' } }],
      'rules[0].action.enhanced: "4.7" is not an enhanced status code; use the form 4.7.1 (RFC 3463), or leave it out',
    ],
    [
      'enhanced code of the wrong class',
      [{ action: { type: 'reject', code: 450, enhanced: '5.7.1' } }],
      'rules[0].action.enhanced: "5.7.1" does not agree with code 450; an enhanced code starts with the same digit as the reply code (4.x.x)',
    ],
    [
      'reject text not text',
      [{ action: { type: 'reject', text: 1 } }],
      'rules[0].action.text: 1 is not text; give a short reason, or leave it out',
    ],
    [
      'reject text empty',
      [{ action: { type: 'reject', text: '' } }],
      'rules[0].action.text is empty; give a short reason, or leave it out',
    ],
    [
      'reject text with a line break (would split the SMTP reply)',
      [{ action: { type: 'reject', text: 'no\r\n250 ok' } }],
      'rules[0].action.text: "no\\r\\n250 ok" is not usable in an SMTP reply; use up to 400 printable ASCII characters on one line',
    ],
    [
      'reject text not ASCII',
      [{ action: { type: 'reject', text: 'refusé' } }],
      'rules[0].action.text: "refusé" is not usable in an SMTP reply; use up to 400 printable ASCII characters on one line',
    ],
    [
      'reject with an unknown field',
      [{ action: { type: 'reject', reply: 'x' } }],
      'rules[0].action: unknown field "reply"; use type, code, enhanced and text',
    ],
  ])('%s', (_title, input, message) => {
    expect(messagesFor(input)).toEqual([message]);
  });
});

describe('modes', () => {
  const userRules = routingRulesSchema.parse([
    {
      name: 'staging',
      match: { recipient: '*@staging.example' },
      action: { type: 'redirect', to: 'qa@team.example' },
    },
  ]);

  test('capture: one rule capturing everything into inbox; the user rules are set aside', () => {
    expect(modeRules('capture', userRules)).toEqual([
      { name: 'capture everything', match: {}, action: { type: 'capture', mailbox: 'inbox' } },
    ]);
  });

  test('relay: one rule relaying everything', () => {
    expect(modeRules('relay', userRules)).toEqual([
      { name: 'relay everything', match: {}, action: { type: 'relay' } },
    ]);
  });

  test('rules: the user rules, then an implicit capture into inbox', () => {
    const rules = modeRules('rules', userRules);
    expect(rules.slice(0, 1)).toEqual(userRules);
    expect(rules[1]).toEqual({
      name: 'capture what no rule matched',
      match: {},
      action: { type: 'capture', mailbox: 'inbox' },
    });
    expect(modeRules('rules', [])).toHaveLength(1);
  });

  test('the presets are not changed by a caller that edits the returned list', () => {
    modeRules('capture', []).push(RELAY_EVERYTHING);
    expect(modeRules('capture', [])).toEqual([CAPTURE_EVERYTHING]);
  });
});
