// One builder for every record the service stores: mail received over SMTP, through the Send API
// or an import, and the delivery status notifications Relaydesk writes itself. The callers
// differ only in the routing decisions they bring and whether the mail came from outside.
import type { AcceptedMessage } from '../listener/smtp-listener.js';
import type { MessageRecord } from '../message-record.js';
import { withEnvelopeBcc } from '../message/envelope-bcc.js';
import { readHeaderFields } from '../message/header-fields.js';
import type { MessageParser } from '../parse/message-parser.js';
import { planDelivery } from '../queue/delivery-plan.js';
import type { RecipientDecision } from '../routing-rules/index.js';
import { sourceHead, sourceSize } from '../spool/message-source.js';
import type { Settings } from '../settings/settings-schema.js';
import { autoTags, knownTags } from '../tags/index.js';
import type { RecipientCheck } from '../address-check/recipient-check.js';

export interface RecordBuilderParts {
  settings: Settings;
  parser: MessageParser;
  recipientCheck: RecipientCheck;
  /** Every record kept, for the tags already in use. */
  records: () => Iterable<MessageRecord>;
  /** A message mailparser cannot read is kept raw; the caller counts and logs it. */
  onParseFailure: (id: string, error: string) => void;
}

export interface RecordOrigin {
  /** Mail from outside is tagged (X-Tags, rules, plus addresses) and its addresses checked. */
  fromOutside: boolean;
  /** Lists the record here instead of the mailbox its routing decisions name. */
  mailbox?: string;
}

/** Decisions for mail imported into a mailbox: captured there, never relayed. */
export function capturedInto(rcptTo: readonly string[], mailbox: string): RecipientDecision[] {
  return rcptTo.map((recipient) => ({
    recipient,
    action: { type: 'capture' as const, mailbox },
    ruleIndex: null,
    ruleName: null,
    explanation: `imported into ${mailbox}`,
  }));
}

/** The decision for a delivery status notification: relayed to the sender it reports to. */
export function notificationTo(sender: string): RecipientDecision {
  return {
    recipient: sender,
    action: { type: 'relay' },
    ruleIndex: null,
    ruleName: null,
    explanation: 'delivery status notification to the sender',
  };
}

export class RecordBuilder {
  constructor(private readonly parts: RecordBuilderParts) {}

  async build(
    message: AcceptedMessage,
    decisions: RecipientDecision[],
    origin: RecordOrigin,
  ): Promise<MessageRecord> {
    const { settings } = this.parts;
    const summary = withEnvelopeBcc(
      await this.parts.parser.summarize(message.raw),
      message.envelope.rcptTo,
    );
    if (summary.parseError) this.parts.onParseFailure(message.id, summary.parseError);
    const plan = planDelivery(decisions, message.receivedAt);
    const tags = origin.fromOutside
      ? autoTags(
          {
            from: summary.from,
            to: summary.to,
            cc: summary.cc,
            bcc: summary.bcc,
            rcptTo: message.envelope.rcptTo,
            xTags: readHeaderFields(sourceHead(message.raw))
              .filter((f) => f.name.toLowerCase() === 'x-tags')
              .map((f) => f.value),
            user: message.envelope.user,
            ruleTags: decisions.flatMap((d) => ('tags' in d.action ? (d.action.tags ?? []) : [])),
          },
          settings,
          () => knownTags(this.parts.records()),
        )
      : [];
    const addressChecks = origin.fromOutside
      ? this.parts.recipientCheck.verdicts([
          ...(settings.addressCheckSender && message.envelope.mailFrom
            ? [message.envelope.mailFrom]
            : []),
          ...decisions.filter((d) => d.action.type === 'relay').map((d) => d.recipient),
        ])
      : [];
    return {
      id: message.id,
      mailbox: origin.mailbox ?? plan.mailbox,
      receivedAt: message.receivedAt.toISOString(),
      size: sourceSize(message.raw),
      read: false,
      tags,
      envelope: message.envelope,
      summary,
      notes: message.notes,
      ...(plan.delivery ? { delivery: plan.delivery } : {}),
      ...(addressChecks.length > 0 ? { addressChecks } : {}),
    };
  }
}
