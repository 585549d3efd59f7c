// Routing rules: which recipients are captured (and into which mailbox), relayed, redirected
// or rejected, and why. Pure functions: no I/O, and no envelope makes them throw.
export {
  matchesPattern,
  parseAddressPattern,
  type AddressPattern,
  type PatternParse,
} from './address-pattern.js';
export {
  DEFAULT_MAILBOX,
  DEFAULT_REJECT_TEXT,
  describeAction,
  isPlainAddress,
  routingActionSchema,
  type RoutingAction,
  type RoutingActionInput,
} from './routing-action.js';
export {
  CAPTURE_EVERYTHING,
  RELAY_EVERYTHING,
  createRoutingRulesSchema,
  modeRules,
  routingRulesSchema,
  type MatchKey,
  type RoutingMatch,
  type RoutingMode,
  type RoutingRule,
  type RoutingRuleInput,
} from './routing-rules.js';
export {
  explainRoute,
  redirectBatches,
  routeEnvelope,
  routeRecipient,
  type RecipientDecision,
  type RedirectBatch,
  type RouteDecision,
  type RouteExplanation,
  type RouteInput,
  type RuleVerdict,
} from './recipient-routing.js';
export { applyRedirect, originalToFields } from './original-to-header.js';
