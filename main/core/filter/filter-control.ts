// The filter stage as RelayService uses it: stores a message through the spool's inspected path
// (raw file, scan, then sidecar), writes the decision to the audit log, and reports the
// scanner's state for the API.
import type { FilterStatus } from '../../../preload/filter-contract.js';
import type { AcceptedMessage } from '../listener/smtp-listener.js';
import type { MessageRecord } from '../message-record.js';
import type { MessageParser } from '../parse/message-parser.js';
import { auditLine } from '../policy/audit-line.js';
import type { RoutingRule } from '../routing-rules/index.js';
import type { Spool } from '../spool/spool.js';
import { describeClamdAddress } from './clamd-client.js';
import { applyVerdict, MessageFilter, type FilterSettings } from './message-filter.js';

export type { FilterStatus };

export class FilterControl {
  private readonly filter: MessageFilter;

  constructor(
    private readonly settings: FilterSettings,
    rules: () => readonly RoutingRule[],
    parser: MessageParser,
    now: () => number,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.filter = new MessageFilter(settings, rules, parser, now);
  }

  get enabled(): boolean {
    return this.filter.enabled;
  }

  /**
   * Scans and inspects one message while its raw file is written and synced, and stores the
   * record with the verdict; when it is refused (a MessageRefusal), nothing is renamed into
   * place, so nothing was stored. Scanning in parallel with the fsync keeps the cost per small
   * message at about the scan alone (bench/filter-scan.js).
   */
  async store(
    spool: Spool,
    message: AcceptedMessage,
    made: Promise<MessageRecord>,
  ): Promise<MessageRecord> {
    const inspected = this.filter
      .inspect({ record: made, raw: message.raw })
      .then(async (verdict) => applyVerdict(await made, verdict));
    await spool.storeWhile(message.id, message.raw, inspected);
    const record = await inspected;
    const verdict = record.filter;
    if (verdict && verdict.action !== 'accepted') {
      this.log(
        auditLine('message', {
          result: verdict.action,
          id: record.id,
          client: record.envelope.clientIp,
          from: `<${record.envelope.mailFrom}>`,
          scan: verdict.scan,
          reason: verdict.reasons.join('; '),
        }),
      );
    }
    return record;
  }

  async status(): Promise<FilterStatus> {
    const scanner = this.filter.scanner;
    return {
      clamd: this.settings.clamd ? describeClamdAddress(this.settings.clamd) : null,
      clamdReachable: scanner ? await scanner.ping() : null,
      virusAction: this.settings.virusAction,
      clamdUnavailable: this.settings.clamdUnavailable,
      attachments: this.settings.attachments,
    };
  }
}
