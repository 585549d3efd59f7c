// Routing rules (DESIGN.md "Relaying (the queue)"): an ordered list, decided per recipient, the
// first rule that matches wins. A rule matches on the recipient address, the envelope sender
// and the SMTP AUTH user; every condition it names must hold (AND), and a rule with none
// matches everything. This keeps projects apart the way smtp4dev's Mailboxes do (by recipient
// pattern) and HELO does (one inbox per SMTP user), and sends staging mail elsewhere.
//
// Validation messages name the field path (`rules[2].action.to`), the value and the fix; the
// indices are the rule's position in the array, counted from 0.
import { z } from 'zod';
import { parseAddressPattern, type AddressPattern } from './address-pattern.js';
import {
  DEFAULT_MAILBOX,
  routingActionSchema,
  type RoutingAction,
  type RoutingActionInput,
} from './routing-action.js';
import { CONTROL_CHARACTERS } from '../text/sanitise.js';
import { fieldError, objectError, show, slipsFirst } from './settings-errors.js';
import { ruleFilterSchema, type RuleFilter } from '../filter/filter-settings.js';

export interface RoutingMatch {
  recipient?: AddressPattern;
  sender?: AddressPattern;
  user?: AddressPattern;
}

export interface RoutingRule {
  name?: string;
  match: RoutingMatch;
  action: RoutingAction;
  /** Virus and attachment choices for this rule's recipients (main/core/filter). */
  filter?: RuleFilter;
}

/** A rule as a settings file or form writes it; patterns are plain strings. */
export interface RoutingRuleInput {
  name?: string;
  match?: { recipient?: string; sender?: string; user?: string };
  action: RoutingActionInput;
}

export type RoutingMode = 'capture' | 'relay' | 'rules';

const MATCH_KEYS = ['recipient', 'sender', 'user'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

const PATTERN_FIX = 'give a glob like *@example.com or a regex like /@example\\.com$/i';
const NAME_MAX = 100;

function patternSchema(field: string) {
  return z
    .string({
      error: (iss) =>
        `${field}: ${show(iss.input)} is not a pattern; ${PATTERN_FIX}, or leave the key out`,
    })
    .transform((source, ctx): AddressPattern => {
      const parsed = parseAddressPattern(source);
      if ('problem' in parsed) {
        ctx.addIssue({ code: 'custom', message: `${field}: ${show(source)} ${parsed.problem}` });
        return z.NEVER;
      }
      return parsed.pattern;
    });
}

function nameSchema(field: string) {
  return z
    .string({
      error: fieldError(field, 'a name', 'give a short text like "staging", or leave it out'),
    })
    .superRefine((name, ctx) => {
      const problem =
        name.trim() === ''
          ? `${field} is empty; give a short text like "staging", or leave it out`
          : CONTROL_CHARACTERS.test(name)
            ? `${field}: ${show(name)} contains control characters; use one line of plain text`
            : name.length > NAME_MAX
              ? `${field}: ${show(name)} is too long; use at most ${NAME_MAX} characters`
              : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

function ruleSchema(at: string) {
  const matchField = `${at}.match`;
  return z
    .strictObject(
      {
        name: nameSchema(`${at}.name`).optional(),
        match: z
          .strictObject(
            {
              recipient: patternSchema(`${matchField}.recipient`).optional(),
              sender: patternSchema(`${matchField}.sender`).optional(),
              user: patternSchema(`${matchField}.user`).optional(),
            },
            {
              error: objectError(
                matchField,
                'recipient, sender or user',
                '{"recipient": "*@example.com"}, or leave it out to match everything',
              ),
            },
          )
          .optional(),
        action: routingActionSchema(`${at}.action`),
        filter: ruleFilterSchema(`${at}.filter`).optional(),
      },
      {
        error: objectError(at, 'name, match, action and filter', '{"match": {…}, "action": {…}}'),
      },
    )
    .transform((value): RoutingRule => {
      const match: RoutingMatch = {};
      for (const key of MATCH_KEYS) {
        const pattern = value.match?.[key];
        if (pattern !== undefined) match[key] = pattern;
      }
      return {
        ...(value.name !== undefined ? { name: value.name } : {}),
        match,
        action: value.action,
        ...(value.filter !== undefined ? { filter: value.filter } : {}),
      };
    });
}

/**
 * Builds the schema with its messages rooted at `root`, so a settings file that nests the rules
 * elsewhere (`routing.rules`) still gets messages naming the right field. Every rule is checked,
 * and every problem reported, not just the first.
 */
export function createRoutingRulesSchema(root = 'rules') {
  return z.unknown().transform((input, ctx): RoutingRule[] => {
    if (!Array.isArray(input)) {
      ctx.addIssue({
        code: 'custom',
        message: `${root}: ${show(input)} is not a list; give an array of rules like [{"match": {"recipient": "*@example.com"}, "action": {"type": "relay"}}]`,
      });
      return z.NEVER;
    }
    const rules: RoutingRule[] = [];
    input.forEach((item: unknown, index) => {
      const result = ruleSchema(`${root}[${index}]`).safeParse(item);
      if (result.success) {
        rules.push(result.data);
      } else {
        for (const issue of slipsFirst(result.error.issues)) {
          ctx.addIssue({ code: 'custom', path: [index, ...issue.path], message: issue.message });
        }
      }
    });
    return rules.length === input.length ? rules : z.NEVER;
  });
}

export const routingRulesSchema = createRoutingRulesSchema();

/** What no rule caught in `rules` mode, and everything in `capture` mode, goes here. */
export const CAPTURE_EVERYTHING: RoutingRule = {
  name: 'capture everything',
  match: {},
  action: { type: 'capture', mailbox: DEFAULT_MAILBOX },
};

export const RELAY_EVERYTHING: RoutingRule = {
  name: 'relay everything',
  match: {},
  action: { type: 'relay' },
};

/**
 * The rules that are really applied. `capture` and `relay` are presets of one catch-all rule
 * and ignore the user's rules (which stay saved for when the mode goes back to `rules`).
 * `rules` appends a final "capture into inbox" catch-all: a recipient no rule names is kept for
 * inspection rather than relayed to a real person or refused, because a catcher that loses or
 * leaks mail over a missing rule is worse than one that holds on to it. A user who wants
 * "relay the rest" or "reject the rest" writes that as their own last rule, which wins first.
 */
export function modeRules(mode: RoutingMode, rules: readonly RoutingRule[]): RoutingRule[] {
  switch (mode) {
    case 'capture':
      return [CAPTURE_EVERYTHING];
    case 'relay':
      return [RELAY_EVERYTHING];
    case 'rules':
      return [...rules, { ...CAPTURE_EVERYTHING, name: 'capture what no rule matched' }];
  }
}
