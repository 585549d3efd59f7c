// The routing rules in force (the mode's preset or the user's rules), replaced when settings
// are saved, and the questions the listener, the Send API and the GUI ask of them.
import type { RecipientRefusal } from '../listener/smtp-listener.js';
import {
  explainRoute,
  modeRules,
  routeEnvelope,
  routeRecipient,
  type RecipientDecision,
  type RouteExplanation,
  type RouteInput,
  type RoutingAction,
  type RoutingRule,
} from '../routing-rules/index.js';
import type { Envelope } from '../message-record.js';
import type { Settings } from '../settings/settings-schema.js';

export class RecipientRules {
  current: RoutingRule[];

  constructor(settings: Pick<Settings, 'mode' | 'rules'>) {
    this.current = modeRules(settings.mode, settings.rules);
  }

  /** After a settings save: the mode or the rules may have changed. */
  reload(settings: Pick<Settings, 'mode' | 'rules'>): void {
    this.current = modeRules(settings.mode, settings.rules);
  }

  action(input: RouteInput): RoutingAction['type'] {
    return routeRecipient(this.current, input).action.type;
  }

  /** The SMTP reply for a recipient the rules reject, or null. */
  refusal(input: RouteInput): RecipientRefusal | null {
    const decision = routeRecipient(this.current, input);
    if (decision.action.type !== 'reject') return null;
    return {
      code: decision.action.code,
      message: `${decision.action.enhanced} ${decision.action.text}`,
    };
  }

  decide(envelope: Pick<Envelope, 'mailFrom' | 'rcptTo' | 'user'>): RecipientDecision[] {
    return routeEnvelope(this.current, envelope);
  }

  explain(input: RouteInput): RouteExplanation {
    return explainRoute(this.current, input);
  }
}
