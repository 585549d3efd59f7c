// Per-recipient decisions: which rule wins, what the explanation says, and the "test this
// address" view of every rule.
import { describe, expect, test } from 'vitest';
import {
  explainRoute,
  modeRules,
  redirectBatches,
  routeEnvelope,
  routeRecipient,
  routingRulesSchema,
  type RouteInput,
  type RoutingRuleInput,
} from '../../main/core/routing-rules/index.js';

const load = (rules: RoutingRuleInput[]) => routingRulesSchema.parse(rules);

// Several projects on one Relaydesk: by SMTP user (HELO), by recipient (smtp4dev), a staging
// redirect and a blocked sender, then the implicit capture into inbox.
const projectRules = modeRules(
  'rules',
  load([
    { name: 'shop', match: { user: 'shop' }, action: { type: 'capture', mailbox: 'shop' } },
    {
      name: 'staging',
      match: { recipient: '*@x.example' },
      action: { type: 'redirect', to: 'qa@team.example' },
    },
    {
      name: 'no bounces to customers',
      match: { sender: '/^$/', recipient: '*@customer.example' },
      action: { type: 'reject', code: 550, text: 'No bounces here' },
    },
    { match: { sender: '*@billing.example', user: '/^billing-/' }, action: { type: 'relay' } },
  ]),
);

const input = (
  recipient: string,
  sender = 'app@app.example',
  user: string | null = null,
): RouteInput => ({
  recipient,
  sender,
  user,
});

describe('routeRecipient', () => {
  test.each<[string, RouteInput, number, string]>([
    [
      'SMTP user picks the mailbox',
      input('anyone@anywhere.example', 'a@b.example', 'shop'),
      0,
      'capture',
    ],
    [
      'user patterns are case-insensitive globs',
      input('anyone@anywhere.example', 'a@b.example', 'SHOP'),
      0,
      'capture',
    ],
    ['recipient glob', input('qa@x.example'), 1, 'redirect'],
    [
      'first match wins: the user rule comes before the recipient rule',
      input('qa@x.example', 'a@b.example', 'shop'),
      0,
      'capture',
    ],
    ['sender AND recipient: both hold', input('c@customer.example', ''), 2, 'reject'],
    [
      'sender AND recipient: only the recipient holds',
      input('c@customer.example', 'a@b.example'),
      4,
      'capture',
    ],
    [
      'sender AND user: both hold',
      input('c@d.example', 'inv@billing.example', 'billing-eu'),
      3,
      'relay',
    ],
    ['sender AND user: no user', input('c@d.example', 'inv@billing.example', null), 4, 'capture'],
    [
      'sender AND user: the wrong user',
      input('c@d.example', 'inv@billing.example', 'shop-billing-'),
      4,
      'capture',
    ],
    [
      'nothing matches: the implicit capture into inbox',
      input('someone@else.example'),
      4,
      'capture',
    ],
  ])('%s', (_title, route, ruleIndex, type) => {
    const decision = routeRecipient(projectRules, route);
    expect(decision.ruleIndex).toBe(ruleIndex);
    expect(decision.action.type).toBe(type);
  });

  test('explanation for a redirect, as the relay log and the API show it', () => {
    expect(routeRecipient(projectRules, input('qa@x.example'))).toEqual({
      action: { type: 'redirect', to: 'qa@team.example' },
      ruleIndex: 1,
      ruleName: 'staging',
      explanation:
        'rule 1 "staging" matched: recipient qa@x.example matches *@x.example; action: redirect to qa@team.example',
    });
  });

  test.each<[string, RouteInput, string]>([
    [
      'capture by SMTP user',
      input('a@b.example', 'c@d.example', 'shop'),
      'rule 0 "shop" matched: SMTP user shop matches shop; action: capture into mailbox "shop"',
    ],
    [
      'reject, with the null sender shown as <>',
      input('c@customer.example', ''),
      'rule 2 "no bounces to customers" matched: recipient c@customer.example matches *@customer.example and sender <> matches /^$/; action: reject with 550 5.7.1 No bounces here',
    ],
    [
      'an unnamed rule, two conditions',
      input('c@d.example', 'inv@billing.example', 'billing-eu'),
      'rule 3 matched: sender inv@billing.example matches *@billing.example and SMTP user billing-eu matches /^billing-/; action: relay to the recipient',
    ],
    [
      'the implicit last rule',
      input('someone@else.example'),
      'rule 4 "capture what no rule matched" matched: it has no conditions, so it matches everything; action: capture into mailbox "inbox"',
    ],
    [
      'characters JSON leaves raw (NEL, U+2028) are escaped too',
      input('a\u0085b\u2028c@x.example'),
      'rule 1 "staging" matched: recipient "a\\u0085b\\u2028c@x.example" matches *@x.example; action: redirect to qa@team.example',
    ],
    [
      'odd characters in an address are quoted, so they cannot break a log line',
      input('x\r\ny@x.example'),
      'rule 1 "staging" matched: recipient "x\\r\\ny@x.example" matches *@x.example; action: redirect to qa@team.example',
    ],
  ])('explanation: %s', (_title, route, explanation) => {
    expect(routeRecipient(projectRules, route).explanation).toBe(explanation);
  });

  test('no rules at all: captured into inbox, nothing lost', () => {
    expect(routeRecipient([], input('a@b.example'))).toEqual({
      action: { type: 'capture', mailbox: 'inbox' },
      ruleIndex: null,
      ruleName: null,
      explanation: 'there are no rules; action: capture into mailbox "inbox", so nothing is lost',
    });
  });

  test('rules that all miss, without the implicit rule: captured into inbox', () => {
    const rules = load([{ match: { recipient: '*@x.example' }, action: { type: 'relay' } }]);
    expect(routeRecipient(rules, input('a@b.example'))).toMatchObject({
      action: { type: 'capture', mailbox: 'inbox' },
      ruleIndex: null,
      explanation: 'no rule matched; action: capture into mailbox "inbox", so nothing is lost',
    });
  });

  test.each<['capture' | 'relay', 'capture' | 'relay']>([
    ['capture', 'capture'],
    ['relay', 'relay'],
  ])('mode %s decides every recipient the same way', (mode, type) => {
    const rules = modeRules(mode, load([{ action: { type: 'reject' } }]));
    for (const route of [
      input('a@b.example'),
      input('', '', ''),
      input('qa@x.example', 'a@b.example', 'shop'),
    ]) {
      expect(routeRecipient(rules, route)).toMatchObject({ ruleIndex: 0, action: { type } });
    }
  });

  test('a user rule may reject or relay the rest before the implicit capture', () => {
    const rules = modeRules('rules', load([{ name: 'the rest', action: { type: 'relay' } }]));
    expect(routeRecipient(rules, input('a@b.example'))).toMatchObject({
      ruleIndex: 0,
      action: { type: 'relay' },
    });
  });
});

describe('routeEnvelope', () => {
  test('one decision per recipient, in RCPT order, with the envelope sender and user', () => {
    const decisions = routeEnvelope(projectRules, {
      mailFrom: '',
      rcptTo: ['qa@x.example', 'c@customer.example', 'p@y.example', 'dev@x.example'],
      user: null,
    });
    expect(decisions.map((d) => [d.recipient, d.ruleIndex, d.action.type])).toEqual([
      ['qa@x.example', 1, 'redirect'],
      ['c@customer.example', 2, 'reject'],
      ['p@y.example', 4, 'capture'],
      ['dev@x.example', 1, 'redirect'],
    ]);

    expect(redirectBatches(decisions)).toEqual([
      { to: 'qa@team.example', originalRecipients: ['qa@x.example', 'dev@x.example'] },
    ]);
  });

  test('the SMTP user applies to every recipient', () => {
    const decisions = routeEnvelope(projectRules, {
      mailFrom: 'a@b.example',
      rcptTo: ['qa@x.example', 'p@y.example'],
      user: 'shop',
    });
    expect(decisions.map((d) => d.action)).toEqual([
      { type: 'capture', mailbox: 'shop' },
      { type: 'capture', mailbox: 'shop' },
    ]);
    expect(redirectBatches(decisions)).toEqual([]);
  });

  test('redirects to different targets go in separate batches', () => {
    const rules = load([
      {
        match: { recipient: '*@a.example' },
        action: { type: 'redirect', to: 'qa-a@team.example' },
      },
      {
        match: { recipient: '*@b.example' },
        action: { type: 'redirect', to: 'qa-b@team.example' },
      },
    ]);
    const decisions = routeEnvelope(rules, {
      mailFrom: 'x@y.example',
      rcptTo: ['1@a.example', '2@b.example', '3@a.example'],
      user: null,
    });
    expect(redirectBatches(decisions)).toEqual([
      { to: 'qa-a@team.example', originalRecipients: ['1@a.example', '3@a.example'] },
      { to: 'qa-b@team.example', originalRecipients: ['2@b.example'] },
    ]);
  });

  test('no recipients, no decisions', () => {
    expect(
      routeEnvelope(projectRules, { mailFrom: 'a@b.example', rcptTo: [], user: null }),
    ).toEqual([]);
  });
});

describe('explainRoute ("test this address")', () => {
  test('every rule, whether and why it matched; the first match is chosen, later ones are shadowed', () => {
    const result = explainRoute(projectRules, input('qa@x.example', 'a@b.example', 'shop'));
    expect(result.decision).toEqual(
      routeRecipient(projectRules, input('qa@x.example', 'a@b.example', 'shop')),
    );
    expect(result.rules).toEqual([
      {
        index: 0,
        name: 'shop',
        matched: true,
        chosen: true,
        reasons: ['SMTP user shop matches shop'],
      },
      {
        index: 1,
        name: 'staging',
        matched: true,
        chosen: false,
        reasons: ['recipient qa@x.example matches *@x.example'],
      },
      {
        index: 2,
        name: 'no bounces to customers',
        matched: false,
        chosen: false,
        reasons: [
          'recipient qa@x.example does not match *@customer.example',
          'sender a@b.example does not match /^$/',
        ],
      },
      {
        index: 3,
        name: null,
        matched: false,
        chosen: false,
        reasons: [
          'sender a@b.example does not match *@billing.example',
          'SMTP user shop does not match /^billing-/',
        ],
      },
      {
        index: 4,
        name: 'capture what no rule matched',
        matched: true,
        chosen: false,
        reasons: ['it has no conditions, so it matches everything'],
      },
    ]);
  });

  test('every condition is reported, even after the first one fails', () => {
    const result = explainRoute(projectRules, input('c@d.example', 'x@y.example', null));
    expect(result.rules[3]).toEqual({
      index: 3,
      name: null,
      matched: false,
      chosen: false,
      reasons: [
        'sender x@y.example does not match *@billing.example',
        'no SMTP user (the client did not authenticate), so SMTP user /^billing-/ cannot match',
      ],
    });
    expect(result.decision.ruleIndex).toBe(4);
  });

  test('a user omitted from the input counts as no user', () => {
    const result = explainRoute(projectRules, { recipient: 'a@b.example', sender: 'c@d.example' });
    expect(result.rules[0]?.reasons).toEqual([
      'no SMTP user (the client did not authenticate), so SMTP user shop cannot match',
    ]);
  });

  test('no rules: the fallback decision and an empty list', () => {
    expect(explainRoute([], input('a@b.example'))).toEqual({
      decision: routeRecipient([], input('a@b.example')),
      rules: [],
    });
  });

  test('the result is plain JSON for the API', () => {
    const result = explainRoute(projectRules, input('qa@x.example'));
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
