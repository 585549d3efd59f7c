// Deciding what happens to each recipient, and saying why. Pure functions over the rules and
// the envelope (Mailpit keeps the relay *decision* apart from the SMTP client in the same way):
// the listener asks at RCPT time (to reject), the spool and queue take the decisions as they are,
// and the "test this address" API shows the same reasoning the relay used.
//
// No input makes these throw: the addresses are the client's words and may be anything.
import type { Envelope } from '../../../preload/api-contract.js';
import { matchesPattern, type AddressPattern } from './address-pattern.js';
import { DEFAULT_MAILBOX, describeAction, type RoutingAction } from './routing-action.js';
import { CONTROL_CHARACTERS, quoted } from '../text/sanitise.js';
import type { MatchKey, RoutingRule } from './routing-rules.js';

export interface RouteInput {
  recipient: string;
  /** The envelope sender; `''` is the null sender `<>` of bounces. */
  sender: string;
  /** The SMTP AUTH user, or null when the client did not authenticate. */
  user?: string | null;
}

export interface RouteDecision {
  action: RoutingAction;
  /** Position of the deciding rule in the rules given (from 0), or null when none matched. */
  ruleIndex: number | null;
  ruleName: string | null;
  /** One sentence for people: which rule, which conditions held, what happens. */
  explanation: string;
}

export interface RecipientDecision extends RouteDecision {
  recipient: string;
}

export interface RuleVerdict {
  index: number;
  name: string | null;
  matched: boolean;
  /** The first rule that matched: the one that decides. Later matches are shadowed by it. */
  chosen: boolean;
  /** One reason per condition, in the order recipient, sender, user. */
  reasons: string[];
}

export interface RouteExplanation {
  decision: RouteDecision;
  rules: RuleVerdict[];
}

const CONDITIONS: readonly { key: MatchKey; label: string }[] = [
  { key: 'recipient', label: 'recipient' },
  { key: 'sender', label: 'sender' },
  { key: 'user', label: 'SMTP user' },
];

// Bare in a sentence only without spaces, quotes or controls; `\s` covers U+2028 and U+2029.
const isOrdinaryValue = (value: string): boolean =>
  value !== '' && !/[\s"]/.test(value) && !CONTROL_CHARACTERS.test(value);

const MATCHES_EVERYTHING = 'it has no conditions, so it matches everything';

/**
 * A client-supplied value as it appears in a sentence: bare when it is an ordinary address,
 * JSON-quoted when it holds spaces, quotes or control characters (so a CR/LF in an address
 * cannot break a log line), and `<>` for the null sender.
 */
function showValue(value: string): string {
  if (value === '') return '<>';
  const cut = value.length > 200 ? `${value.slice(0, 197)}…` : value;
  return isOrdinaryValue(cut) ? cut : quoted(cut);
}

function conditionReason(
  label: string,
  pattern: AddressPattern,
  value: string | null,
  matched: boolean,
): string {
  if (value === null) {
    return `no SMTP user (the client did not authenticate), so ${label} ${pattern.source} cannot match`;
  }
  return `${label} ${showValue(value)} ${matched ? 'matches' : 'does not match'} ${pattern.source}`;
}

interface RuleCheck {
  matched: boolean;
  reasons: string[];
}

/** Checks every condition of a rule (not stopping at the first miss, so all reasons show). */
function checkRule(rule: RoutingRule, input: RouteInput): RuleCheck {
  const values: Record<MatchKey, string | null> = {
    recipient: input.recipient,
    sender: input.sender,
    user: input.user ?? null,
  };
  let matched = true;
  const reasons: string[] = [];
  for (const { key, label } of CONDITIONS) {
    const pattern = rule.match[key];
    if (pattern === undefined) continue;
    const value = values[key];
    const holds = matchesPattern(pattern, value);
    matched &&= holds;
    reasons.push(conditionReason(label, pattern, value, holds));
  }
  return { matched, reasons: reasons.length === 0 ? [MATCHES_EVERYTHING] : reasons };
}

function ruleTitle(index: number, rule: RoutingRule): string {
  return rule.name === undefined ? `rule ${index}` : `rule ${index} ${JSON.stringify(rule.name)}`;
}

function decide(index: number, rule: RoutingRule, check: RuleCheck): RouteDecision {
  return {
    action: rule.action,
    ruleIndex: index,
    ruleName: rule.name ?? null,
    explanation: `${ruleTitle(index, rule)} matched: ${check.reasons.join(' and ')}; action: ${describeAction(rule.action)}`,
  };
}

/**
 * Without any rule to decide (an empty list, which modeRules never returns) the recipient is
 * captured: holding mail is the one outcome that neither loses nor leaks it.
 */
function fallbackDecision(ruleCount: number): RouteDecision {
  const action: RoutingAction = { type: 'capture', mailbox: DEFAULT_MAILBOX };
  return {
    action,
    ruleIndex: null,
    ruleName: null,
    explanation: `${ruleCount === 0 ? 'there are no rules' : 'no rule matched'}; action: ${describeAction(action)}, so nothing is lost`,
  };
}

/** The first rule that matches decides (first match wins, as in Postfix access maps). */
export function routeRecipient(rules: readonly RoutingRule[], input: RouteInput): RouteDecision {
  for (const [index, rule] of rules.entries()) {
    const check = checkRule(rule, input);
    if (check.matched) return decide(index, rule, check);
  }
  return fallbackDecision(rules.length);
}

/** One decision per RCPT TO, in the envelope's order. */
export function routeEnvelope(
  rules: readonly RoutingRule[],
  envelope: Pick<Envelope, 'mailFrom' | 'rcptTo' | 'user'>,
): RecipientDecision[] {
  return envelope.rcptTo.map((recipient) => ({
    recipient,
    ...routeRecipient(rules, { recipient, sender: envelope.mailFrom, user: envelope.user }),
  }));
}

/** For "test this address": the decision, and every rule with whether and why it matched. */
export function explainRoute(rules: readonly RoutingRule[], input: RouteInput): RouteExplanation {
  let decision: RouteDecision | null = null;
  const verdicts: RuleVerdict[] = [];
  for (const [index, rule] of rules.entries()) {
    const check = checkRule(rule, input);
    const chosen = check.matched && decision === null;
    if (chosen) decision = decide(index, rule, check);
    verdicts.push({
      index,
      name: rule.name ?? null,
      matched: check.matched,
      chosen,
      reasons: check.reasons,
    });
  }
  return { decision: decision ?? fallbackDecision(rules.length), rules: verdicts };
}

export interface RedirectBatch {
  /** The fixed address the copy goes to. */
  to: string;
  /** The real recipients it stands for, for X-Original-To (see applyRedirect). */
  originalRecipients: string[];
}

/**
 * Redirected recipients grouped by target: one copy per target address, not one per original
 * recipient, so a staging inbox gets each message once with all the X-Original-To fields.
 */
export function redirectBatches(decisions: readonly RecipientDecision[]): RedirectBatch[] {
  const batches = new Map<string, RedirectBatch>();
  for (const decision of decisions) {
    if (decision.action.type !== 'redirect') continue;
    const batch = batches.get(decision.action.to) ?? {
      to: decision.action.to,
      originalRecipients: [],
    };
    batch.originalRecipients.push(decision.recipient);
    batches.set(batch.to, batch);
  }
  return [...batches.values()];
}
