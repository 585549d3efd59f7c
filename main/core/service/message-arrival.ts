// How a message gets in: over SMTP (the listener hands it over), through the Send API, by an
// import, or written by Relaydesk itself (a delivery status notification). Each way builds its
// record with the one record builder, stores it, lists it and tells the queue.
import { basename } from 'node:path';
import { MessageDiscard, MessageRefusal } from '../filter/message-refusal.js';
import type { SendMessageAnswer } from '../../../preload/api-contract.js';
import type { AcceptedMessage } from '../listener/smtp-listener.js';
import { countReceivedHeaders, normalizeLineEndings } from '../listener/line-endings.js';
import { localReceivedStamp } from '../mail/local-received-stamp.js';
import { maxReceivedHeaders } from '../listener/listener-contract.js';
import type { DroppedMessage } from '../maildrop/drop-file.js';
import type { DropRefusal, RefusedRecipient, TakeOutcome } from '../maildrop/maildrop-pickup.js';
import { isStorageFull } from '../spool/storage-full.js';
import { dateHeaderTime, importedEnvelope } from '../ingest/imported-message.js';
import type { MessageRecord } from '../message-record.js';
import { buildDelayDsn, buildDsn, renderDsn } from '../queue/dsn.js';
import { retryScheduleOf } from '../queue/retry-schedule.js';
import { refusalReport } from '../maildrop/refusal-notice.js';
import { DEFAULT_MAILBOX } from '../routing-rules/routing-action.js';
import { reportingHostName } from '../queue/reporting-host.js';
import { note } from '../logs/log-record.js';
import type { RecipientDecision } from '../routing-rules/index.js';
import {
  composeMessage,
  httpReceivedStamp,
  parseSendRequest,
  SendRequestError,
} from '../send/index.js';
import { IncomingFile } from '../spool/incoming-file.js';
import { newMessageId } from '../spool/message-id.js';
import type { ServiceParts } from './service-parts.js';
import { capturedInto, notificationTo } from './record-builder.js';
import { ArrivingMessageIds, messageIdOf } from './duplicate-ids.js';
import type {
  DiscardedMessage,
  DuplicateMessage,
  FilteredMessage,
} from '../listener/listener-contract.js';

/** Who called the Send API. */
export interface SendClient {
  ip: string;
  user: string | null;
  /** Whether the caller proved who it is (a password) or is on this machine. */
  trusted: boolean;
}

export class MessageArrival {
  /** Message-IDs being stored now, for --ignore-duplicate-ids. */
  private readonly arriving = new ArrivingMessageIds();

  constructor(private readonly parts: ServiceParts) {}

  /**
   * Takes a message in; resolves once it is on disk (the listener answers 250 then), or at once
   * with the stored message it duplicates when duplicates are ignored.
   */
  async accept(
    message: AcceptedMessage,
    captureInto?: string,
    /** The SMTP listener writes the message's one audit line itself, with the filter's verdict. */
    options: { listenerAudits?: boolean } = {},
  ): Promise<DuplicateMessage | FilteredMessage | DiscardedMessage | void> {
    let quota: { done: () => void } | null = null;
    let messageId = '';
    if (captureInto === undefined && this.parts.settings.ignoreDuplicateIds) {
      // checked before the quotas and the routing rules, as Mailpit checks before relaying:
      // a duplicate is neither counted, relayed nor stored
      messageId = messageIdOf(message.raw);
      const duplicateOf =
        this.arriving.get(messageId) ?? this.parts.store.index.idOfMessageId(messageId);
      if (duplicateOf !== undefined) {
        this.parts.store.stats.ignored++;
        this.parts.log(
          note(
            duplicateOf,
            `a message with the same Message-ID <${messageId}> from ${message.envelope.clientIp} was not stored again (duplicates are ignored)`,
          ),
        );
        return { duplicateOf };
      }
    }
    if (captureInto === undefined) {
      const { control } = this.parts.senders;
      const refusal = control.checkSuspended(message.envelope);
      const reserved = refusal ?? control.reserveQuota(message.envelope);
      if ('code' in reserved)
        throw new MessageRefusal(reserved.code, reserved.message, reserved.reason);
      quota = reserved;
    }
    const counted = (): void => quota?.done();
    // a copy arriving while this one is stored is a duplicate of it
    const arrived = this.arriving.hold(messageId, message.id);
    try {
      const { filter } = await this.stored(message, captureInto, counted, !options.listenerAudits);
      if (filter && filter.action !== 'accepted') {
        return { filtered: { action: filter.action, scan: filter.scan, reasons: filter.reasons } };
      }
    } catch (err) {
      // a content rule's discard: accepted as any message is, and nothing of it kept
      if (err instanceof MessageDiscard) {
        return { discarded: { reason: err.reason, rule: err.rule } };
      }
      throw err;
    } finally {
      // not stored after all (refused by the filter, disk full): its place is free again
      counted();
      arrived();
    }
  }

  /** `counted` is called as soon as the quotas count the message as accepted. */
  private async stored(
    message: AcceptedMessage,
    captureInto: string | undefined,
    counted: () => void,
    auditFilter: boolean,
  ): Promise<MessageRecord> {
    const { store, filter, settings } = this.parts;
    const decisions =
      captureInto === undefined
        ? this.parts.rules.decide(message.envelope)
        : capturedInto(message.envelope.rcptTo, captureInto);
    // the raw file is written while the worker parses, and the record's intake committed to
    // the journal meanwhile; all are on disk, and the record listed, before the 250
    const { builder } = this.parts;
    const intake = builder.intake(message, decisions, { fromOutside: true });
    const made = builder.complete(intake, message.raw);
    // a small message to relay: its bytes, taken before storing lets go of them, are what the
    // queue sends
    const { raw } = message;
    const toRelay = !intake.record.delivery
      ? null
      : raw instanceof IncomingFile
        ? raw.bytes
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const record = filter.enabled
      ? await filter.store(store.spool, message, made, auditFilter)
      : await store.spool.storeWhile(message.id, message.raw, made, intake).then(() => made);
    store.index.add(record);
    if (record.delivery && toRelay) store.arrivalBytes.keep(record.id, toRelay);
    // suspended while it was being stored: held now, before the queue hears of it (see
    // holdIfSuspended); only mail from outside was checked at end of DATA
    const held = captureInto === undefined ? this.parts.senders.holdIfSuspended(record) : null;
    void this.parts.senders.accepted(record);
    // in the same turn as the count above: never counted twice, nor nowhere
    counted();
    store.stats.accepted++;
    store.stats.acceptedBytes += record.size;
    this.parts.log({
      level: 'info',
      event: 'message',
      id: record.id,
      fields: {
        from: `<${record.envelope.mailFrom}>`,
        size: record.size,
        nrcpt: record.envelope.rcptTo.length,
        client: record.envelope.clientIp,
        notes: record.notes.length ? record.notes.join('; ') : undefined,
      },
    });
    this.listed(record);
    // the 250 waits for the hold to be on disk: a crash before it would relay the message
    if (held) await held;
    // pruning is not part of accepting: a slow disk must not hold the 250
    if (settings.maxMessages > 0 && store.index.size > settings.maxMessages)
      this.parts.retention.pruneAtCap();
    return record;
  }

  private listed(record: MessageRecord): void {
    this.parts.store.publish({ Type: 'listed', Data: record });
    this.parts.store.publishCounts();
    if (record.delivery) this.parts.queue.kick(record.id);
  }

  /**
   * RFC 3464 report of recipients that failed for good. Off by default (the GUI shows failures);
   * when on it goes to the envelope sender and is always captured so the user sees what was sent;
   * none is made about a report that failed (it would go to the null sender, and could loop).
   */
  async reportFailure(id: string, addresses: string[]): Promise<void> {
    const { settings, store } = this.parts;
    if (!settings.dsn) return;
    const record = store.index.get(id);
    if (!record?.delivery) return;
    if (record.envelope.mailFrom === '') {
      // a report about a report would go to nobody (RFC 5321 §4.5.5, RFC 3464 §2); the failed
      // report's own Delivery tab already shows why
      this.parts.log(
        note(id, 'a bounce report could not be delivered; no report is made about it'),
      );
      return;
    }
    const failed = record.delivery.filter((r) => addresses.includes(r.address));
    try {
      const receivedAt = new Date(this.parts.now());
      const raw = buildDsn({
        record,
        failed,
        raw: await store.spool.readRaw(id),
        reportingHost: reportingHostName(settings.hostname, settings.relay?.heloName),
        now: receivedAt,
      });
      const sender = record.envelope.mailFrom;
      const dsnId = await this.storeOwn(
        raw,
        receivedAt,
        sender === '' ? [] : [notificationTo(sender)],
      );
      this.parts.log(note(id, `sender non-delivery notification: ${dsnId}`));
    } catch (err) {
      this.parts.log(
        note(
          id,
          `could not write a delivery status notification: ${(err as Error).message}`,
          'error',
        ),
      );
    }
  }

  /**
   * RFC 3464 delay warning (`Action: delayed`) of recipients still deferred past
   * delayWarningHours: the queue has marked them warned (on disk) before this is called, so it is
   * made once per message. Captured under `dsn` and relayed to the sender, as a failure report is.
   */
  async reportDelay(id: string, addresses: string[]): Promise<void> {
    const { settings, store } = this.parts;
    const record = store.index.get(id);
    if (!record?.delivery || record.envelope.mailFrom === '') return;
    const delayed = record.delivery.filter((r) => addresses.includes(r.address));
    try {
      const receivedAt = new Date(this.parts.now());
      const raw = buildDelayDsn({
        record,
        delayed,
        raw: await store.spool.readRaw(id),
        reportingHost: reportingHostName(settings.hostname, settings.relay?.heloName),
        now: receivedAt,
        waitedHours: (receivedAt.getTime() - Date.parse(record.receivedAt)) / 3_600_000,
        lifetimeMs: retryScheduleOf(settings).lifetimeMs,
      });
      const dsnId = await this.storeOwn(raw, receivedAt, [
        notificationTo(record.envelope.mailFrom),
      ]);
      this.parts.log(note(id, `sender delay notification: ${dsnId}`));
    } catch (err) {
      this.parts.log(
        note(id, `could not write a delay warning: ${(err as Error).message}`, 'error'),
      );
    }
  }

  /**
   * The notice of a message sendmail left that will not be delivered (refused at pickup, or a
   * file that cannot be read): listed in the Inbox, never relayed, whatever the `dsn` setting
   * says. sendmail exited 0, so only this tells anyone; its sender is a local address
   * (`www-data@host`) that no upstream would deliver, and mail of this machine's own users is
   * the user's to see. Resolves with the notice's ID.
   */
  async noticeOfRefusedDrop(refusal: DropRefusal): Promise<string> {
    const { settings } = this.parts;
    const receivedAt = new Date(this.parts.now());
    const queueId = refusal.takenAs ?? (refusal.keptAt ? basename(refusal.keptAt) : 'unknown');
    const report = refusalReport({
      refusal,
      queueId,
      reportingHost: reportingHostName(settings.hostname, settings.relay?.heloName),
      now: receivedAt,
    });
    const sender = report.sender;
    const decisions: RecipientDecision[] = (sender === '' ? [] : [sender]).map((recipient) => ({
      recipient,
      action: { type: 'capture', mailbox: DEFAULT_MAILBOX },
      ruleIndex: null,
      ruleName: null,
      explanation: 'notice of mail sendmail left that was not delivered: kept here, never relayed',
    }));
    return this.storeOwn(normalizeLineEndings(renderDsn(report)).data, receivedAt, decisions, {
      mailbox: DEFAULT_MAILBOX,
      notes: [
        refusal.keptAt
          ? `notice of a message sendmail left that was not taken in (kept as ${refusal.keptAt})`
          : `notice of recipients refused of a message sendmail left (taken in as ${refusal.takenAs})`,
      ],
    });
  }

  /**
   * Stores a message Relaydesk itself wrote: listed under `dsn` (or `listing.mailbox`), relayed
   * by `decisions`.
   */
  private async storeOwn(
    raw: Buffer,
    receivedAt: Date,
    decisions: RecipientDecision[],
    listing: { mailbox: string; notes: string[] } = { mailbox: 'dsn', notes: [] },
  ): Promise<string> {
    const id = newMessageId(receivedAt.getTime());
    const { hostname } = this.parts.settings;
    const rcptTo = decisions.map((d) => d.recipient);
    // stamped as Postfix stamps its own reports: without it the route view found no Received
    // field and told the user to paste the header from their mail program
    const stamp = localReceivedStamp({ hostname, uid: null, id, rcptTo, date: receivedAt });
    const stamped = Buffer.concat([Buffer.from(stamp, 'utf8'), raw]);
    const message: AcceptedMessage = {
      id,
      receivedAt,
      raw: stamped,
      notes: listing.notes,
      envelope: {
        mailFrom: '',
        rcptTo,
        clientIp: '127.0.0.1',
        clientHostname: null,
        helo: hostname,
        user: null,
        tls: null,
        smtpUtf8: false,
        eightBitMime: false,
        origin: 'relaydesk',
      },
    };
    const record = await this.parts.builder.build(message, decisions, {
      fromOutside: false,
      mailbox: listing.mailbox,
    });
    await this.parts.store.spool.store(record, stamped);
    this.parts.store.index.add(record);
    this.listed(record);
    return id;
  }

  /**
   * Mailpit's POST /api/v1/send: builds the message and takes it in as if it had come over SMTP
   * from `client`, through the same routing rules (so it may be relayed). Resolves with its ID
   * once it is on disk, or, when a content rule discarded it, with the ID it had and the rule:
   * Mailpit always stores, so its `{ID}` alone said a message was there that was not.
   */
  async send(body: unknown, client: SendClient): Promise<SendMessageAnswer> {
    const { settings, rules } = this.parts;
    const request = parseSendRequest(body);
    const composed = await composeMessage(request);
    if (composed.rcptTo.length > settings.maxRecipients) {
      throw new SendRequestError(
        `To: ${composed.rcptTo.length} recipients; at most ${settings.maxRecipients} per message`,
      );
    }
    for (const recipient of composed.rcptTo) {
      const input = { recipient, sender: composed.mailFrom, user: client.user };
      const refusal = rules.refusal(input);
      if (refusal) {
        throw new SendRequestError(
          `${recipient}: refused by the routing rules (${refusal.code} ${refusal.message})`,
        );
      }
      // never an open relay: as on SMTP, only a trusted caller may have mail sent on
      const action = rules.action(input);
      if (!client.trusted && (action === 'relay' || action === 'redirect')) {
        throw new SendRequestError(
          `${recipient}: relay access denied: the routing rules relay this address and ${client.ip} gave no password; use the Send API's or the UI's password`,
        );
      }
    }
    const receivedAt = new Date(this.parts.now());
    const id = newMessageId(receivedAt.getTime());
    const stamp = httpReceivedStamp({
      clientIp: client.ip,
      hostname: settings.hostname,
      id,
      rcptTo: composed.rcptTo,
      date: receivedAt,
    });
    const raw = Buffer.concat([Buffer.from(stamp, 'utf8'), composed.raw]);
    if (raw.length > settings.maxSize) {
      throw new SendRequestError(
        `body: the message would be ${raw.length} bytes; the size limit is ${settings.maxSize} bytes`,
      );
    }
    const outcome = await this.acceptOrExplain({
      id,
      receivedAt,
      raw,
      notes: ['submitted through the Send API'],
      envelope: {
        mailFrom: composed.mailFrom,
        rcptTo: composed.rcptTo,
        clientIp: client.ip,
        clientHostname: null,
        helo: 'relaydesk-send-api',
        user: client.user,
        tls: null,
        smtpUtf8: false,
        eightBitMime: false,
      },
    });
    // a duplicate ignored: the ID of the message stored with that Message-ID (Mailpit's is "")
    if (outcome && 'duplicateOf' in outcome) return { ID: outcome.duplicateOf };
    // discarded: 200 as SMTP's 250, with the ID of the audit line, saying that it was not kept
    if (outcome && 'discarded' in outcome) {
      return {
        ID: id,
        Discarded: { Rule: outcome.discarded.rule, Reason: outcome.discarded.reason },
      };
    }
    return { ID: id };
  }

  /**
   * A Send API message refused as SMTP would refuse it at end of DATA (a virus, an attachment,
   * a suspended sender, the scanner down) is the caller's answer, not an internal error.
   */
  private async acceptOrExplain(
    message: AcceptedMessage,
  ): Promise<DuplicateMessage | DiscardedMessage | null> {
    try {
      const outcome = await this.accept(message);
      return outcome && ('duplicateOf' in outcome || 'discarded' in outcome) ? outcome : null;
    } catch (err) {
      if (!(err instanceof MessageRefusal)) throw err;
      throw new SendRequestError(`message refused: ${err.responseCode} ${err.reply}`);
    }
  }

  /**
   * Imports one message from an archive (`relaydesk ingest`): captured into `mailbox`, never
   * relayed, its bytes kept as they are (line endings made CRLF), received at `receivedAt`, else
   * at its Date header, else now.
   */
  async ingest(
    raw: Buffer,
    options: { receivedAt?: Date; mailbox?: string; clientIp: string; source?: string },
  ): Promise<string> {
    const { settings } = this.parts;
    if (raw.length === 0) throw new SendRequestError('body: the message is empty');
    if (raw.length > settings.maxSize) {
      throw new SendRequestError(
        `body: ${raw.length} bytes is over the size limit of ${settings.maxSize} bytes`,
      );
    }
    const repaired = normalizeLineEndings(raw).data;
    const receivedAt = options.receivedAt ?? dateHeaderTime(repaired) ?? new Date(this.parts.now());
    const id = newMessageId(receivedAt.getTime());
    await this.accept(
      {
        id,
        receivedAt,
        raw: repaired,
        notes: [`imported${options.source ? ` from ${options.source}` : ''}`],
        envelope: importedEnvelope(repaired, options.clientIp),
      },
      options.mailbox ?? 'inbox',
    );
    return id;
  }

  /**
   * A message `relaydesk sendmail` left in the drop folder while the relay could not take it:
   * taken in as if sendmail had submitted it over SMTP from this machine (the drop folder is
   * its user's own, mode 0700, so a local, trusted submission, as Postfix trusts its maildrop),
   * through the same routing rules, sender checks, filter and spool. Received now, under the ID
   * the pickup gave the file; the Received stamp is dated when sendmail was called.
   */
  async fromMaildrop(dropped: DroppedMessage): Promise<TakeOutcome> {
    const { settings, rules } = this.parts;
    const { envelope } = dropped;
    const notes = [
      `left by sendmail of local user ${envelope.user}${envelope.uid === null ? '' : ` (uid ${envelope.uid})`} at ${envelope.queuedAt} while the relay could not take it`,
    ];
    // LF line endings are what a pipe gives (nodemailer makes them CRLF on the SMTP path, with no
    // note): made CRLF here too, and not noted as the repair of a suspicious client
    const repair = normalizeLineEndings(dropped.raw);
    if (countReceivedHeaders(repair.data) > maxReceivedHeaders) {
      return {
        taken: false,
        permanent: true,
        status: '5.4.6',
        reason: `more than ${maxReceivedHeaders} Received headers (a mail loop?)`,
      };
    }
    // a recipient the rules reject is left out, as SMTP would refuse its RCPT
    const rcptTo: string[] = [];
    const refused: RefusedRecipient[] = [];
    for (const recipient of envelope.rcptTo) {
      const refusal = rules.refusal({ recipient, sender: envelope.mailFrom, user: null });
      if (refusal) {
        const reason = `${refusal.code} ${refusal.message}`;
        notes.push(`${recipient} refused by the routing rules: ${reason}`);
        refused.push({ address: recipient, reason: `refused by the routing rules: ${reason}` });
      } else rcptTo.push(recipient);
    }
    if (rcptTo.length === 0) {
      return {
        taken: false,
        permanent: true,
        reason: 'the routing rules refuse every recipient',
        recipients: refused,
      };
    }
    // listed when taken in (a wait begun after sendmail ran counts it, the list puts it with the
    // mail that came in then); sendmail's time is the stamp's, as Postfix's pickup dates its
    // Received line by the maildrop file
    const receivedAt = new Date(this.parts.now());
    const stamp = localReceivedStamp({
      hostname: settings.hostname,
      uid: envelope.uid,
      id: dropped.id,
      rcptTo,
      date: new Date(envelope.queuedAt),
    });
    const raw = Buffer.concat([Buffer.from(stamp, 'utf8'), repair.data]);
    if (raw.length > settings.maxSize) {
      return {
        taken: false,
        permanent: true,
        status: '5.3.4',
        reason: `${raw.length} bytes is over the size limit of ${settings.maxSize} bytes`,
      };
    }
    try {
      await this.accept({
        id: dropped.id,
        receivedAt,
        raw,
        notes,
        envelope: {
          mailFrom: envelope.mailFrom,
          rcptTo,
          clientIp: '127.0.0.1',
          clientHostname: null,
          helo: 'relaydesk-sendmail',
          user: null,
          tls: null,
          smtpUtf8: false,
          eightBitMime: false,
        },
      });
      return refused.length > 0 ? { taken: true, refused } : { taken: true };
    } catch (err) {
      if (err instanceof MessageRefusal) {
        const reason = `${err.responseCode} ${err.reply}`;
        return { taken: false, permanent: err.responseCode >= 500, reason };
      }
      const reason = isStorageFull(err) ? 'the disk is full' : (err as Error).message;
      return { taken: false, permanent: false, reason };
    }
  }
}
