// One builder for every record the service stores: mail received over SMTP, through the Send API
// or an import, and the delivery status notifications Relaydesk writes itself. The callers
// differ only in the routing decisions they bring and whether the mail came from outside.
import type { AcceptedMessage } from '../listener/smtp-listener.js';
import type { MessageRecord } from '../message-record.js';
import { withEnvelopeBcc } from '../message/envelope-bcc.js';
import { readHeaderFields } from '../message/header-fields.js';
import { parseMailDate } from '../mail/mail-date.js';
import type { MessageParser } from '../parse/message-parser.js';
import { planDelivery } from '../queue/delivery-plan.js';
import type { RecipientDecision } from '../routing-rules/index.js';
import { sourceHead, sourceSize, type MessageSource } from '../spool/message-source.js';
import type { Settings } from '../settings/settings-schema.js';
import { autoTags } from '../tags/index.js';
import type { RecipientCheck } from '../address-check/recipient-check.js';

export interface RecordBuilderParts {
  settings: Settings;
  parser: MessageParser;
  recipientCheck: RecipientCheck;
  /** Lower-case name → the spelling in use, so automatic tags join existing ones. */
  knownTags: () => ReadonlyMap<string, string>;
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

/**
 * What a record is before its MIME parse: everything the envelope and the routing rules decide.
 * The arrivals journal commits it as the message arrives, so the 250 does not wait for the parse
 * to reach the disk; after a crash the record is completed from it and the .eml.
 */
export interface RecordIntake {
  record: Omit<MessageRecord, 'summary' | 'tags'>;
  /** Tags the routing rules gave (the others come from the parse). */
  ruleTags: string[];
  /** Mail from outside is tagged (X-Tags, rules, plus addresses). */
  fromOutside: boolean;
}

/** An intake as the arrivals journal gives it back after a crash (our own JSON, checked). */
export function readRecordIntake(value: unknown): RecordIntake {
  const intake = value as Partial<RecordIntake> | null;
  const record = intake?.record as Partial<MessageRecord> | undefined;
  if (
    typeof record?.id !== 'string' ||
    !Array.isArray(record.envelope?.rcptTo) ||
    !Array.isArray(intake?.ruleTags) ||
    typeof intake.fromOutside !== 'boolean'
  ) {
    throw new Error(
      'the journal line is not a record intake (id, envelope, ruleTags, fromOutside)',
    );
  }
  return intake as RecordIntake;
}

export class RecordBuilder {
  constructor(private readonly parts: RecordBuilderParts) {}

  async build(
    message: AcceptedMessage,
    decisions: RecipientDecision[],
    origin: RecordOrigin,
  ): Promise<MessageRecord> {
    return this.complete(this.intake(message, decisions, origin), message.raw);
  }

  /** The record's part that needs no parse (synchronous: nothing waits for a worker). */
  intake(
    message: AcceptedMessage,
    decisions: RecipientDecision[],
    origin: RecordOrigin,
  ): RecordIntake {
    const { settings } = this.parts;
    const plan = planDelivery(decisions, message.receivedAt);
    const addressChecks = origin.fromOutside
      ? this.parts.recipientCheck.verdicts([
          ...(settings.addressCheckSender && message.envelope.mailFrom
            ? [message.envelope.mailFrom]
            : []),
          ...decisions.filter((d) => d.action.type === 'relay').map((d) => d.recipient),
        ])
      : [];
    return {
      record: {
        id: message.id,
        mailbox: origin.mailbox ?? plan.mailbox,
        receivedAt: this.listedAt(message, origin, Boolean(plan.delivery)).toISOString(),
        size: sourceSize(message.raw),
        read: false,
        envelope: message.envelope,
        notes: message.notes,
        ...(plan.delivery ? { delivery: plan.delivery } : {}),
        ...(addressChecks.length > 0 ? { addressChecks } : {}),
      },
      ruleTags: decisions.flatMap((d) => ('tags' in d.action ? (d.action.tags ?? []) : [])),
      fromOutside: origin.fromOutside,
    };
  }

  /**
   * When the message counts as received: now, or with --use-message-dates its Date header's time,
   * as Mailpit stores it (the list's Created, `before:`/`after:`, the age limit). Only for mail
   * that is captured: the queue's delay warnings and lifetime count from the real arrival of mail
   * it delivers. The Received stamp keeps the real arrival either way.
   */
  private listedAt(message: AcceptedMessage, origin: RecordOrigin, delivered: boolean): Date {
    if (!this.parts.settings.useMessageDates || !origin.fromOutside || delivered) {
      return message.receivedAt;
    }
    const field = readHeaderFields(sourceHead(message.raw)).find(
      (f) => f.name.toLowerCase() === 'date',
    );
    const date = field ? parseMailDate(field.value) : null;
    return date ? new Date(date.epochMs) : message.receivedAt;
  }

  /**
   * The whole record: the intake with the parse's summary and the tags it gives. `recovering`:
   * at start, before the index is open, tags are not matched to the spelling of those in use.
   */
  async complete(
    intake: RecordIntake,
    raw: MessageSource,
    recovering = false,
  ): Promise<MessageRecord> {
    const { settings } = this.parts;
    const { record } = intake;
    const summary = withEnvelopeBcc(await this.parts.parser.summarize(raw), record.envelope.rcptTo);
    if (summary.parseError) this.parts.onParseFailure(record.id, summary.parseError);
    const tags = intake.fromOutside
      ? autoTags(
          {
            from: summary.from,
            to: summary.to,
            cc: summary.cc,
            bcc: summary.bcc,
            rcptTo: record.envelope.rcptTo,
            xTags: readHeaderFields(sourceHead(raw))
              .filter((f) => f.name.toLowerCase() === 'x-tags')
              .map((f) => f.value),
            user: record.envelope.user,
            ruleTags: intake.ruleTags,
          },
          settings,
          () => (recovering ? new Map<string, string>() : this.parts.knownTags()),
        )
      : [];
    // the fields in the order a sidecar always had them
    return {
      id: record.id,
      mailbox: record.mailbox,
      receivedAt: record.receivedAt,
      size: record.size,
      read: record.read,
      tags,
      envelope: record.envelope,
      summary,
      notes: record.notes,
      ...(record.delivery ? { delivery: record.delivery } : {}),
      ...(record.addressChecks ? { addressChecks: record.addressChecks } : {}),
    };
  }
}
