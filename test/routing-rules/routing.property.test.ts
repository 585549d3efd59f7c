// Property tests: whatever the client sends, routing answers without throwing, a catch-all
// always catches, and a redirect never touches the message it wraps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applyRedirect,
  explainRoute,
  modeRules,
  parseAddressPattern,
  routeRecipient,
  routingRulesSchema,
  type RoutingRule,
} from '../../main/core/routing-rules/index.js';

const fragments = [
  '*',
  '?',
  '@',
  '.',
  '/',
  '^',
  '$',
  '(',
  ')',
  '[',
  ']',
  '\\',
  'qa',
  'example',
  'com',
  '\r\n',
  ' ',
  'é',
  '😀',
  '+',
];
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join('')),
);

// Patterns from arbitrary text; the ones the schema refuses are dropped, so every rule is one
// a user could really have saved.
const pattern = fc
  .oneof(
    text,
    text.map((body) => `/${body}/i`),
  )
  .filter((source) => !('problem' in parseAddressPattern(source)));
const ruleInput = fc.record(
  {
    match: fc.record({ recipient: pattern, sender: pattern, user: pattern }, { requiredKeys: [] }),
    action: fc.constantFrom(
      { type: 'relay' },
      { type: 'capture' },
      { type: 'reject' },
      { type: 'redirect', to: 'qa@team.example' },
    ),
  },
  { requiredKeys: ['action'] },
);
const rules = fc
  .array(ruleInput, { maxLength: 6 })
  .map((inputs) => routingRulesSchema.parse(inputs));
const routeInput = fc.record({ recipient: text, sender: text, user: fc.option(text) });

describe('routing properties', () => {
  test('routeRecipient and explainRoute never throw and agree', () => {
    fc.assert(
      fc.property(rules, routeInput, (ruleList, input) => {
        const decision = routeRecipient(ruleList, input);
        const explained = explainRoute(ruleList, input);
        expect(explained.decision).toEqual(decision);
        const firstMatch = explained.rules.findIndex((rule) => rule.matched);
        expect(decision.ruleIndex).toBe(firstMatch === -1 ? null : firstMatch);
        expect(explained.rules.filter((rule) => rule.chosen).length).toBe(
          firstMatch === -1 ? 0 : 1,
        );
        expect(decision.explanation).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 500 },
    );
  });

  test('a catch-all rule always matches: no conditions, or * on recipient and sender', () => {
    const catchAlls: RoutingRule[][] = [
      routingRulesSchema.parse([{ action: { type: 'relay' } }]),
      routingRulesSchema.parse([
        { match: { recipient: '*', sender: '*' }, action: { type: 'relay' } },
      ]),
      routingRulesSchema.parse([{ match: { recipient: '/(?:)/' }, action: { type: 'relay' } }]),
    ];
    fc.assert(
      fc.property(rules, routeInput, fc.constantFrom(...catchAlls), (before, input, catchAll) => {
        const decision = routeRecipient([...before, ...catchAll], input);
        expect(decision.ruleIndex).not.toBeNull();
        expect(decision.ruleIndex).toBeLessThanOrEqual(before.length);
        // In rules mode the implicit last rule is such a catch-all.
        expect(routeRecipient(modeRules('rules', before), input).ruleIndex).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  test('applyRedirect keeps the message byte for byte and adds only X-Original-To lines', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(text, { maxLength: 5 }),
        (bytes, recipients) => {
          const raw = Buffer.from(bytes);
          const result = applyRedirect(raw, recipients);
          expect(result.subarray(result.length - raw.length).equals(raw)).toBe(true);
          const added = result.subarray(0, result.length - raw.length).toString('utf8');
          if (added === '') return;
          expect(added.endsWith('\r\n')).toBe(true);
          for (const line of added.slice(0, -2).split('\r\n')) {
            expect(line).toMatch(/^X-Original-To: [^\r\n]+$/);
            expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(998);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
