// Sender control at the listener: suspended clients get `421 4.7.0` at connect, suspended
// users and senders `554 5.7.1` at MAIL, both with the administrator's reason; quotas are checked
// at MAIL and RCPT and counted when a message is accepted, which also feeds the anomaly alert.
import type { Envelope } from '../message-record.js';
import { AnomalyDetector, type AnomalyAlert } from './anomaly.js';
import { QuotaJournal } from './quota-journal.js';
import { SendingHistoryFile } from './sending-history.js';
import { QuotaLedger, type Quota, type QuotaArrival } from './quotas.js';
import {
  replyReason,
  suspensionCovers,
  SuspensionStore,
  type SenderIdentity,
  type Suspension,
} from './suspensions.js';

/**
 * What the client of an automatic pause is told. The pause's reason ("21 messages this hour …,
 * over 10 times its hourly median of 2") was the reply, which told a script on a stolen login
 * how far under the threshold to stay; the figures are for the administrator (audit log, alert,
 * Senders panel), as policyd-rate-limit answers a bare "rate limit reached".
 */
const automaticPauseReply = 'unusual sending volume; ask your mail administrator';

export interface SenderRefusal {
  code: number;
  /** The reply text, starting with its enhanced status code. */
  message: string;
  /** For the audit log. */
  reason: string;
}

export interface SenderControlSettings {
  dataDir: string;
  quotas: Quota[];
  anomalyFactor: number;
  anomalyMinMessages: number;
}

export class SenderControl {
  readonly suspensions: SuspensionStore;
  readonly quotas: QuotaLedger;
  private readonly anomaly: AnomalyDetector;
  private readonly history: SendingHistoryFile;
  /** Counts are saved only once the kept ones are read: a save before would drop them. */
  private historyLoaded = false;

  constructor(
    settings: SenderControlSettings,
    now: () => number,
    arrivals: ((since: number) => Iterable<QuotaArrival>) | null = null,
  ) {
    this.history = new SendingHistoryFile(settings.dataDir, (line) => this.log(line));
    this.suspensions = new SuspensionStore(settings.dataDir, now);
    this.quotas = new QuotaLedger(
      () => settings.quotas,
      now,
      new QuotaJournal(settings.dataDir, (line) => this.log(line)),
      arrivals,
    );
    this.anomaly = new AnomalyDetector(
      { factor: settings.anomalyFactor, minMessages: settings.anomalyMinMessages },
      now,
      (hourEnded) => {
        if (this.historyLoaded) this.history.schedule(() => this.anomaly.history(), hourEnded);
      },
    );
  }

  private log: (line: string) => void = () => undefined;

  async load(log: (line: string) => void): Promise<void> {
    this.log = log;
    await this.suspensions.load();
    await this.quotas.load();
    const kept = await this.history.load();
    if (kept) this.anomaly.restore(kept);
    this.historyLoaded = true;
  }

  /** Syncs the quota counters and the sending history to disk (at stop). */
  async close(): Promise<void> {
    await this.quotas.close();
    await this.history.close(this.historyLoaded ? this.anomaly.history() : null);
  }

  private suspended(entry: Suspension, code: number, enhanced: string): SenderRefusal {
    return {
      code,
      message: `${enhanced} ${entry.Kind === 'ip' || entry.Kind === 'cidr' ? 'Client' : entry.Kind === 'user' ? 'User' : 'Sender'} suspended: ${entry.Auto ? automaticPauseReply : replyReason(entry.Reason)}`,
      reason: `suspended ${entry.Kind} ${entry.Value} (${entry.ID}): ${entry.Reason}`,
    };
  }

  /** At connect: a suspended client IP or range is turned away. */
  checkClient(ip: string): SenderRefusal | null {
    const entry = this.suspensions.forClient(ip);
    return entry ? this.suspended(entry, 421, '4.7.0') : null;
  }

  /** At MAIL: suspensions of the client, the user and the sender, then the message quotas. */
  checkSender(input: {
    clientIp: string;
    user: string | null;
    sender: string;
  }): SenderRefusal | null {
    const entry = this.suspensions.forSender(input);
    if (entry) return this.suspended(entry, 554, '5.7.1');
    return this.quotas.checkMessage(input);
  }

  /** At RCPT: the recipients-per-day quota, counting those already accepted in this transaction. */
  checkRecipient(
    input: { clientIp: string; user: string | null },
    already: number,
  ): SenderRefusal | null {
    return this.quotas.checkRecipient(input, already);
  }

  /**
   * At end of DATA: the quotas checked again, counting messages still being stored; the
   * place is held until `done` (see QuotaLedger.reserve).
   */
  reserveQuota(envelope: Envelope): SenderRefusal | { done: () => void } {
    return this.quotas.reserve(
      { clientIp: envelope.clientIp, user: envelope.user },
      envelope.rcptTo.length,
    );
  }

  /** Counts an accepted message; returns an anomaly alert when its sender's volume jumped. */
  recordAccepted(envelope: Envelope): AnomalyAlert | null {
    const sender = { clientIp: envelope.clientIp, user: envelope.user };
    this.quotas.record(sender, envelope.rcptTo.length);
    return this.anomaly.record(sender);
  }

  /** Whether a queued message comes from what a suspension (listed or just lifted) covers. */
  covers(entry: Suspension, envelope: Envelope): boolean {
    return suspensionCovers(entry, identity(envelope));
  }

  /** The listed suspensions that cover a message's client, user or sender. */
  coveredBy(envelope: Envelope): Suspension[] {
    return this.suspensions.covering(identity(envelope));
  }

  /**
   * At end of DATA: a suspension made while the message was being sent (MAIL was checked
   * before it) refuses it as MAIL would now, instead of queueing mail from a suspended sender.
   */
  checkSuspended(envelope: Envelope): SenderRefusal | null {
    const entry = this.coveredBy(envelope)[0];
    return entry ? this.suspended(entry, 554, '5.7.1') : null;
  }
}

function identity(envelope: Envelope): SenderIdentity {
  return { clientIp: envelope.clientIp, user: envelope.user, sender: envelope.mailFrom };
}
