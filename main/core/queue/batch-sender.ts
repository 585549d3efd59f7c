// One transaction with the upstream for one batch of a message's recipients: they are marked
// sending, the bytes are made (redirect header, sender rewriting, DKIM signature), the upstream is asked, and its
// answer is recorded for each recipient, with one log line per attempt once that is on disk. The
// connection is free for the next message as soon as the upstream has answered; the outcome is
// made durable meanwhile.
import { withContentEdits } from '../filter/content-rules.js';
import { withSpamStatus, withVirusStatus } from '../filter/virus-status-header.js';
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { endpointKey, type ConnectionPool } from '../upstream/connection-pool.js';
import type { LoginGate } from '../upstream/login-gate.js';
import type { DeliveryAttempt } from '../upstream/delivery-attempt.js';
import { localReply } from '../upstream/delivery-record.js';
import { ReportedFailure } from '../reported-failure.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import { attemptEvent, type MadeMessage, type SignedBy } from './attempt-record.js';
import type { Batch } from './delivery-batches.js';
import { crashPoint } from './crash-point.js';
import type { QueueOptions } from './queue-options.js';
import type { RecipientLedger } from './recipient-ledger.js';
import { keepsGreylistWait } from './recipient-state.js';
import { rewriteSender } from './sender-rewrite.js';
import { withMissingHeaders } from '../mail/missing-headers.js';
import { attemptLogRecord, replyWords } from './relay-log.js';
import { delayWarningReason, recipientsToWarn } from './delay-warning.js';

export type BatchSenderOptions = Pick<
  QueueOptions,
  | 'settings'
  | 'store'
  | 'deliver'
  | 'now'
  | 'log'
  | 'onAttempt'
  | 'onFailed'
  | 'onDelayed'
  | 'refreshUpstream'
  | 'holdAfterAttempt'
> & {
  /** An upstream-wide failure (AUTH rejected, TLS failure, refused): the queue pauses. */
  pause(pause: NonNullable<DeliveryAttempt['pauseUpstream']>): void;
  /**
   * An attempt in which the upstream took part in the transaction (whatever it said of the
   * recipients): it answers.
   */
  answered(upstream: DeliveryAttempt['upstream']): void;
  /** An attempt that failed for every recipient alike (refused, timed out, 4xx to MAIL FROM…). */
  failedUpstreamWide(): void;
};

/** A message as it goes to the upstream, and what was done to it on the way. */
interface BytesToSend extends MadeMessage {
  raw: Buffer;
  mailFrom: string;
}

export class BatchSender {
  /**
   * Messages on the wire, each with its transactions (a message of more than 50 recipients, or
   * with redirected ones, is several at once), so that a stop can abandon them all: one per
   * message left the others of a message on the wire, neither cancelled nor recorded, past the
   * stop's wait.
   */
  readonly inFlight = new Map<string, Set<AbortController>>();

  constructor(
    private readonly options: BatchSenderOptions,
    private readonly ledger: RecipientLedger,
    private readonly pool: ConnectionPool,
    private readonly logins: LoginGate,
  ) {}

  /**
   * Sends a batch; resolves when the upstream has answered, with the storing of the outcome
   * (null when nothing was sent), so that the connection takes the next message meanwhile.
   */
  async send(batch: Batch): Promise<Promise<void> | null> {
    const relay = this.options.settings.relay;
    if (!relay) return null;
    const abort = new AbortController();
    const aborts = this.inFlight.get(batch.id) ?? new Set<AbortController>();
    aborts.add(abort);
    this.inFlight.set(batch.id, aborts);
    try {
      const inBatch = (_: RecipientDelivery, i: number): boolean => batch.indexes.includes(i);
      // `sending` is passing: the index is written for the outcome (it rolls up to `queued`
      // alike), and after a crash it is pending again either way
      const started = this.ledger.change(
        batch.id,
        (list) => this.ledger.applyWhere(list, { type: 'start' }, inBatch),
        true,
      );
      if (!started) return null;
      const { record } = started;
      // Sending does not wait for `sending` to be on disk: a crash before it is leaves the
      // recipient pending there, and pending is sent again after a restart just as an
      // interrupted `sending` is (at-least-once either way). The outcome waits for it, as the
      // journal writes changes in order.
      started.saved.catch((err: Error) =>
        this.options.log(`${batch.id}: the sending state was not stored: ${err.message}`),
      );
      const attemptedAt = new Date(this.options.now());
      let made: BytesToSend;
      try {
        made = await this.made(batch, record.envelope.mailFrom);
      } catch (err) {
        // the bytes could not be made (the .eml unreadable or gone, the signing failed): a failed
        // attempt that never left this machine, so the recipients are deferred with the reason and
        // retried on the schedule; a throw here left them `sending` until the next start
        this.options.log(`${batch.id}: could not be made for sending: ${(err as Error).message}`);
        const attempt = notMade(batch, relay, err as Error, attemptedAt, this.options.now());
        return this.settle(batch, attempt, { signedBy: [], sentAs: null }, relay, record);
      }
      let upstream = relay;
      let attempt: DeliveryAttempt;
      try {
        await this.options.refreshUpstream?.();
        upstream = this.options.settings.relay ?? relay;
        attempt = await this.options.deliver(
          upstream,
          { mailFrom: made.mailFrom, rcptTo: batch.deliverTo },
          made.raw,
          {
            signal: abort.signal,
            now: () => new Date(this.options.now()),
            pool: this.pool,
            logins: this.logins,
          },
        );
      } catch (err) {
        // an attempt reports the upstream's failures in its result; a throw is a fault of
        // Relaydesk's own (or of the SMTP client under it), which used to leave the recipients
        // `sending`, never retried, until the next start. Deferred instead, and sent again on the
        // schedule: at least once, as after a broken connection
        const words = `Relaydesk failed unexpectedly (${(err as Error).message})`;
        this.options.log(`${batch.id}: ${words}`);
        const failure = new Error(words);
        attempt = notMade(batch, upstream, failure, attemptedAt, this.options.now());
      }
      crashPoint('upstream-answered');
      // settle() applies the outcome before its first await: the message is no longer in flight
      const settled = this.settle(batch, attempt, made, upstream, record);
      if (!abort.signal.aborted) return settled;
      // Relaydesk is stopping (stop() cancels what is in flight): the cancelled attempt is no
      // failure of the upstream, so what it left deferred is due at the next start rather than
      // at a retry time (minutes to an hour) after it
      return settled.then(() => this.dueAtNextStart(batch));
    } finally {
      aborts.delete(abort);
      if (aborts.size === 0) this.inFlight.delete(batch.id);
    }
  }

  /**
   * The bytes as sent: the content rules' changes, the redirect header, the sender rewritten, the missing Date and
   * Message-ID, the virus mark of a tagged message, the DKIM signature.
   */
  private async made(batch: Batch, mailFrom: string): Promise<BytesToSend> {
    const { store } = this.options;
    let raw = await store.raw(batch.id);
    const record = store.get(batch.id);
    // the content rules' ignore, replace and prepend, first: their offsets are of the message
    // as stored (Postfix's header_checks change the message before anything else sees it)
    if (record) raw = withContentEdits(raw, record.filter?.edits);
    if (batch.redirectOriginals) raw = store.redirectBody(raw, batch.redirectOriginals);
    const rewritten = rewriteSender(this.options.settings.senderRewrite, mailFrom, raw);
    raw = rewritten.raw;
    let added: string[] = [];
    if (this.options.settings.addMissingHeaders && record) {
      // before the signature, which then covers them
      ({ raw, added } = withMissingHeaders(raw, {
        id: record.id,
        receivedAt: new Date(record.receivedAt),
        hostname: this.options.settings.hostname,
      }));
    }
    // a message passed on with a virus or as spam (action "tag") says so to its recipient,
    // before the signature, which then covers the mark
    if (record) {
      raw = withVirusStatus(raw, record.filter, this.options.settings.hostname).raw;
      raw = withSpamStatus(raw, record.filter).raw;
    }
    let signedBy: SignedBy = [];
    let unsigned: string | undefined;
    if (store.sign) ({ raw, signatures: signedBy, unsigned } = await store.sign(raw));
    return {
      raw,
      mailFrom: rewritten.mailFrom,
      signedBy,
      sentAs: rewritten.sentAs,
      ...(unsigned ? { unsigned } : {}),
      ...(added.length > 0 ? { added } : {}),
    };
  }

  private async dueAtNextStart(batch: Batch): Promise<void> {
    await this.ledger.update(batch.id, (list) =>
      this.ledger.applyWhere(
        list,
        {
          type: 'retry',
          reason: 'Relaydesk stopped during the attempt; sent again at the next start',
        },
        (r, i) => batch.indexes.includes(i) && r.state === 'deferred',
      ),
    );
  }

  private async settle(
    batch: Batch,
    attempt: DeliveryAttempt,
    made: MadeMessage,
    upstream: UpstreamSettings,
    started: MessageRecord,
  ): Promise<void> {
    const inBatch = (i: number) => batch.indexes.includes(i);
    // The settings were replaced while this attempt was on the wire (another host, a password put
    // right): what it says is no news of the upstream in use now. upstreamChanged() made the
    // waiting mail due before this attempt ended; its deferral waited for its retry time (up to
    // an hour) as if the change had not come, and its answer let a pause say the new settings
    // had taken mail ("nothing needs changing here").
    const current = sameUpstream(upstream, this.options.settings.relay);
    // set inside the change below (TypeScript would narrow a plain `let` to null after it)
    const held: { after: { reason: string; stored(): void } | null } = { after: null };
    const changed = this.ledger.change(batch.id, (list) => {
      const tried = this.ledger.applyWhere(
        list,
        (r) => attemptEvent(attempt, r.deliverTo, made),
        (r, i) => inBatch(i) && r.state === 'sending',
      );
      const deferred = (r: RecipientDelivery, i: number) => inBatch(i) && r.state === 'deferred';
      const stored = this.options.store.get(batch.id);
      if (!stored || !tried.some(deferred)) return tried;
      // held in the same change as the deferral: no moment on disk where it waits to be retried
      held.after = this.options.holdAfterAttempt?.(stored) ?? null;
      if (held.after)
        return this.ledger.applyWhere(tried, { type: 'hold', reason: held.after.reason }, deferred);
      if (current) return tried;
      // as upstreamChanged() does for what waited (retryAll: a greylisting wait is kept)
      const now = this.options.now();
      return this.ledger.applyWhere(
        tried,
        {
          type: 'retry',
          reason:
            'the upstream settings changed during the attempt: tried again now with the new ones',
        },
        (r, i) => deferred(r, i) && !keepsGreylistWait(r, now),
      );
    });
    if (!changed) {
      this.logDeleted(batch, attempt, made, started);
      return;
    }
    if (!changed.record.delivery) return;
    const { record } = changed;
    const delivery = changed.record.delivery;
    const tried: Array<{ r: RecipientDelivery; last: DeliveryAttemptView }> = [];
    for (const i of batch.indexes) {
      const r = delivery[i];
      const last = r?.attempts[r.attempts.length - 1];
      if (r && last) tried.push({ r, last });
    }
    // What the attempt says of the upstream is decided in the same step as the recipients'
    // outcome, before their save: in between, the API showed them deferred with no pause, and
    // the queue started mail waiting for a connection against a host it knew to be down.
    if (attempt.upstreamWide) this.options.failedUpstreamWide();
    if (attempt.pauseUpstream) {
      // refused with settings that were replaced meanwhile (a password file put right while
      // this login was on the wire): the pause would wait for a change that already came
      if (current) this.options.pause(attempt.pauseUpstream);
    } else if (current && !attempt.upstreamWide && !attempt.notSent)
      this.options.answered(attempt.upstream);
    try {
      await changed.saved;
    } catch (err) {
      // (a full disk) the upstream answered, but the answer is not on disk: said with the answer,
      // since the outcome in view is not what the next start finds. It read "delivery failed
      // unexpectedly" for mail the upstream had taken.
      const answers = tried.map(({ r, last }) => `${r.deliverTo}: ${replyWords(last)}`);
      this.options.log(
        `${batch.id}: the outcome of the attempt (${answers.join('; ')}) could not be stored (${(err as Error).message}): after a restart it is tried again, so a recipient the upstream took may get it twice`,
      );
      return;
    }
    // Logged once the outcome is on disk: a line written before, then a kill -9, claimed a
    // delivery (status=sent) the queue did not know of after the restart, and sent again.
    // The service keeps each line for the Logs view and publishes it as a `log` event.
    for (const { r, last } of tried)
      this.options.log(attemptLogRecord(record, r, last, attempt.notConnected));
    for (const { r } of tried) this.options.onAttempt?.(r);
    held.after?.stored();
    const failed = tried
      .map(({ r }) => r)
      .filter((r) => r.state === 'bounced' || r.state === 'expired');
    if (failed.length > 0) this.options.onFailed?.(record, failed);
    await this.warnOfDelay(batch.id);
  }

  /**
   * The message was deleted while this attempt was on the wire (the list's Delete, DELETE
   * /api/v1/messages, retention): nothing is kept of it, but the upstream may have taken it, and
   * that is said in the attempt's log lines as for any attempt. Without them a message the
   * upstream took left no trace at all: not in the list, not in the log.
   */
  private logDeleted(
    batch: Batch,
    attempt: DeliveryAttempt,
    made: MadeMessage,
    record: MessageRecord,
  ): void {
    const ended = this.ledger.applyWhere(
      record.delivery ?? [],
      (r) => attemptEvent(attempt, r.deliverTo, made),
      (r, i) => batch.indexes.includes(i) && r.state === 'sending',
    );
    for (const i of batch.indexes) {
      const r = ended[i];
      const last = r?.attempts.at(-1);
      if (r && last && r.state !== 'sending')
        this.options.log(attemptLogRecord(record, r, last, attempt.notConnected));
    }
    // said once, by the message's last transaction to end (over 50 recipients, each transaction
    // is an attempt of its own; this one still counts itself among those in flight)
    if ((this.inFlight.get(batch.id)?.size ?? 1) > 1) return;
    this.options.log(
      `${batch.id}: deleted while this attempt was on the wire: its outcome is logged above and not kept (nothing is tried again)`,
    );
  }

  /**
   * Marks the still-deferred recipients warned, once the message has waited past the delay
   * warning time, and has the report written once the mark is on disk: a crash in between loses
   * that warning (the failure report still comes) rather than sending it twice.
   */
  private async warnOfDelay(id: string): Promise<void> {
    const { settings, now } = this.options;
    const record = this.options.store.get(id);
    if (!record) return;
    const toWarn = new Set(recipientsToWarn(record, now(), settings));
    if (toWarn.size === 0) return;
    const waited = now() - Date.parse(record.receivedAt);
    const event = {
      type: 'delay-warning',
      reason: delayWarningReason(record.envelope.mailFrom, waited, settings.delayWarningHours),
    } as const;
    // checked and marked in the same turn: two batches of the message settling together warn once
    const changed = this.ledger.change(id, (list) =>
      this.ledger.applyWhere(list, event, (r) => toWarn.has(r)),
    );
    if (!changed?.record.delivery) return;
    await changed.saved;
    // the kill -9 test's: the mark on disk, the report not written yet
    crashPoint('delay-warning-marked');
    const warned = changed.record.delivery.filter((r) => r.delayWarnedAt !== undefined);
    this.options.onDelayed?.(changed.record, warned);
  }
}

/** Same host, port, TLS policy and credentials (the pool's key, which digests the secrets). */
function sameUpstream(used: UpstreamSettings, now: UpstreamSettings | null): boolean {
  return now !== null && endpointKey(used) === endpointKey(now);
}

/**
 * The attempt of a batch whose bytes could not be made: each recipient deferred with the reason
 * in the user's words (a ReportedFailure's, without the file's path), logged `relay=none`.
 */
function notMade(
  batch: Batch,
  upstream: UpstreamSettings,
  err: Error,
  startedAt: Date,
  endedAt: number,
): DeliveryAttempt {
  const words = err instanceof ReportedFailure ? err.userMessage : err.message;
  const reason = `not sent: ${words}`;
  return {
    startedAt,
    endedAt: new Date(endedAt),
    upstream: { host: upstream.host, ip: null, port: upstream.port },
    tls: null,
    authMechanism: null,
    recipients: batch.deliverTo.map((address) => ({
      address,
      outcome: 'deferred',
      reply: localReply('4.3.0', reason),
      reason,
    })),
    pauseUpstream: null,
    notSent: true,
    upstreamQueueId: null,
    transcript: '',
    unreachable: [],
    notConnected: { address: null, code: 'ELOCAL' },
  };
}
