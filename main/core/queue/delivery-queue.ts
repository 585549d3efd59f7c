// The relay queue: finds recipients that are due, sends them through the upstream in
// transactions of at most 50 recipients over at most `relayConnections` connections, under the
// rate limit, and records each attempt. An upstream-wide failure (AUTH rejected, TLS failure,
// connection refused) pauses the queue instead of bouncing every recipient; it resumes on a
// retry by hand or a successful connection test.
import { CallerError, NotFoundError } from '../caller-error.js';
import type {
  DeliveryAttemptView,
  MessageStatus,
  RelaydeskEvent,
} from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import type { Settings } from '../settings/settings-schema.js';
import { ConnectionPool } from '../upstream/connection-pool.js';
import type {
  DeliveryAttempt,
  DeliveryEnvelope,
  DeliveryOptions,
  MessageSource,
} from '../upstream/delivery-attempt.js';
import { nextAttemptAt, type RetrySchedule } from '../upstream/retry-schedule.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import { attemptLogLine } from './relay-log.js';
import { RateLimiter } from './rate-limiter.js';
import { isDue, isFinal, messageStatus, transition } from './recipient-state.js';

/** RFC 5321 §4.5.3.1.8 requires servers to take 100; 50 is what Postfix and cloud relays use. */
export const maxRecipientsPerTransaction = 50;

export type DeliverFunction = (
  settings: UpstreamSettings,
  envelope: DeliveryEnvelope,
  message: MessageSource,
  options?: DeliveryOptions,
) => Promise<DeliveryAttempt>;

/** What the queue needs from the spool and the index. */
export interface QueueStore {
  records(): Iterable<MessageRecord>;
  get(id: string): MessageRecord | undefined;
  save(record: MessageRecord): Promise<void>;
  raw(id: string): Promise<Buffer>;
  /** The bytes to send for one redirect target (e.g. with X-Original-To added). */
  redirectBody(raw: Buffer, originals: string[]): Buffer;
  /** DKIM-signs the bytes about to be sent, after every other change; names the keys used. */
  sign?(raw: Buffer): Promise<{ raw: Buffer; signatures: SignedBy }>;
}

type SignedBy = NonNullable<DeliveryAttemptView['signedBy']>;

export interface QueueOptions {
  settings: Pick<
    Settings,
    | 'relay'
    | 'relayConnections'
    | 'retryMinutes'
    | 'retryThenEveryMinutes'
    | 'lifetimeHours'
    | 'rateLimit'
  >;
  store: QueueStore;
  deliver: DeliverFunction;
  now: () => number;
  publish(event: RelaydeskEvent): void;
  log(line: string): void;
  /** Called for each recipient after an attempt, in its new state (for the metrics). */
  onAttempt?(recipient: RecipientDelivery): void;
  /** Called when recipients reach a final failure (for DSNs). */
  onFailed?(record: MessageRecord, recipients: RecipientDelivery[]): void;
  /** May hold a batch back until a later time (the upstream's warm-up cap), with the reason. */
  gate?(recipients: number, now: number): { until: number; reason: string } | null;
}

export interface UpstreamPause {
  reason: string;
  fix: string;
  since: string;
  /** Paused by the user: only the user resumes it (not a wake-up or the network coming back). */
  byHand?: boolean;
}

interface Batch {
  id: string;
  /** Indexes into the record's delivery list. */
  indexes: number[];
  deliverTo: string[];
  redirectOriginals: string[] | null;
}

export class QueueError extends CallerError {
  override name = 'QueueError';
}

export class DeliveryQueue {
  private active = 0;
  private readonly inFlight = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private rerun = false;
  private readonly limiter: RateLimiter;
  /** Open sessions kept between transactions; busy and idle together within relayConnections. */
  private readonly pool: ConnectionPool;
  paused: UpstreamPause | null = null;

  constructor(private readonly options: QueueOptions) {
    this.limiter = new RateLimiter(options.settings.rateLimit);
    this.pool = new ConnectionPool({ maxOpen: () => options.settings.relayConnections });
  }

  get schedule(): RetrySchedule {
    const s = this.options.settings;
    return {
      delaysMs: s.retryMinutes.map((m) => m * 60_000),
      thenEveryMs: s.retryThenEveryMinutes * 60_000,
      lifetimeMs: s.lifetimeHours * 3_600_000,
    };
  }

  /** At start: a recipient that was being sent when the app died is sent again (at-least-once). */
  async recover(): Promise<void> {
    const at = new Date(this.options.now());
    for (const record of this.options.store.records()) {
      if (!record.delivery?.some((r) => r.state === 'sending')) continue;
      record.delivery = record.delivery.map((r) =>
        r.state === 'sending'
          ? transition(r, 'pending', at, 'Relaydesk stopped while sending; sending again')
          : r,
      );
      await this.options.store.save(record);
    }
  }

  /** Looks for due work soon (after the current turn), coalescing many calls into one run. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.runDue().finally(() => {
      this.running = null;
      if (this.rerun) {
        this.rerun = false;
        this.kick();
      }
    });
  }

  /** Waits until no delivery is running and nothing due is left to start. */
  async idle(): Promise<void> {
    while (this.running || this.active > 0) {
      await (this.running ?? new Promise((r) => setTimeout(r, 10)));
    }
  }

  /** Starts every due batch that fits in the free connections, then plans the next wake-up. */
  async runDue(): Promise<void> {
    if (this.stopped || !this.options.settings.relay) return;
    if (this.paused) return this.planWakeUp();
    const now = this.options.now();
    for (const batch of this.dueBatches(now)) {
      if (this.active >= this.options.settings.relayConnections) break;
      const wait = this.limiter.waitMs(now);
      if (wait > 0) {
        this.planWakeUp(now + wait);
        return;
      }
      const gated = this.options.gate?.(batch.indexes.length, now);
      if (gated) {
        await this.holdBack(batch, gated);
        continue;
      }
      this.limiter.record(now);
      this.active++;
      void this.send(batch)
        .catch((err: Error) =>
          this.options.log(`${batch.id}: delivery failed unexpectedly: ${err.message}`),
        )
        .finally(() => {
          this.active--;
          this.kick();
        });
    }
    this.planWakeUp();
  }

  private *dueBatches(now: number): Generator<Batch> {
    for (const record of this.options.store.records()) {
      if (!record.delivery || this.inFlight.has(record.id)) continue;
      const due = record.delivery
        .map((r, index) => ({ r, index }))
        .filter(({ r }) => isDue(r, now));
      if (due.length === 0) continue;
      // a redirected recipient goes to its target with the original addresses in a header, so
      // each target is a transaction of its own; the rest go together, 50 at a time
      const direct = due.filter(({ r }) => r.deliverTo === r.address);
      const redirected = new Map<string, typeof due>();
      for (const item of due.filter(({ r }) => r.deliverTo !== r.address)) {
        redirected.set(item.r.deliverTo, [...(redirected.get(item.r.deliverTo) ?? []), item]);
      }
      for (let i = 0; i < direct.length; i += maxRecipientsPerTransaction) {
        const slice = direct.slice(i, i + maxRecipientsPerTransaction);
        yield {
          id: record.id,
          indexes: slice.map((d) => d.index),
          deliverTo: slice.map((d) => d.r.deliverTo),
          redirectOriginals: null,
        };
      }
      for (const [target, items] of redirected) {
        yield {
          id: record.id,
          indexes: items.map((d) => d.index),
          deliverTo: [target],
          redirectOriginals: items.map((d) => d.r.address),
        };
      }
      // one batch per message at a time keeps the sidecar writes of a message in order
      break;
    }
  }

  /** Defers a batch to when its gate opens; the recipient's history says why and until when. */
  private async holdBack(batch: Batch, gated: { until: number; reason: string }): Promise<void> {
    const at = new Date(this.options.now());
    const until = new Date(gated.until).toISOString();
    await this.update(batch.id, (list) =>
      list.map((r, i) =>
        batch.indexes.includes(i)
          ? transition(r, 'deferred', at, gated.reason, { nextAttemptAt: until })
          : r,
      ),
    );
  }

  private planWakeUp(at?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    let next = at ?? Infinity;
    if (!this.paused) {
      for (const record of this.options.store.records()) {
        for (const r of record.delivery ?? []) {
          if (r.state === 'deferred' && r.nextAttemptAt)
            next = Math.min(next, Date.parse(r.nextAttemptAt));
          if (r.state === 'pending') next = Math.min(next, this.options.now());
        }
      }
    }
    if (next === Infinity) return;
    // timers are capped so that a clock step (sleep, NTP) is noticed within the hour
    const delay = Math.min(Math.max(0, next - this.options.now()), 3_600_000);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  private async update(
    id: string,
    change: (recipients: RecipientDelivery[]) => RecipientDelivery[],
  ): Promise<MessageRecord | null> {
    const record = this.options.store.get(id);
    if (!record?.delivery) return null;
    const before = messageStatus(record.delivery);
    record.delivery = change(record.delivery);
    await this.options.store.save(record);
    const after = messageStatus(record.delivery);
    if (after !== before) this.publishStatus(id, after);
    return record;
  }

  private publishStatus(id: string, status: MessageStatus): void {
    // Mailpit's `update` event, with the delivery status added: clients that only know
    // Read/Tags ignore the extra field
    this.options.publish({ Type: 'update', Data: { ID: id, Status: status } });
  }

  private async send(batch: Batch): Promise<void> {
    const relay = this.options.settings.relay;
    if (!relay) return;
    const abort = new AbortController();
    this.inFlight.set(batch.id, abort);
    try {
      const startAt = new Date(this.options.now());
      const record = await this.update(batch.id, (list) =>
        list.map((r, i) =>
          batch.indexes.includes(i)
            ? transition(r, 'sending', startAt, `attempt ${r.attempts.length + 1}`, {
                firstAttemptAt: r.firstAttemptAt ?? startAt.toISOString(),
              })
            : r,
        ),
      );
      if (!record) return;
      let raw = await this.options.store.raw(batch.id);
      if (batch.redirectOriginals)
        raw = this.options.store.redirectBody(raw, batch.redirectOriginals);
      let signedBy: SignedBy = [];
      if (this.options.store.sign)
        ({ raw, signatures: signedBy } = await this.options.store.sign(raw));
      const attempt = await this.options.deliver(
        relay,
        { mailFrom: record.envelope.mailFrom, rcptTo: batch.deliverTo },
        raw,
        { signal: abort.signal, now: () => new Date(this.options.now()), pool: this.pool },
      );
      await this.settle(batch, attempt, signedBy);
    } finally {
      this.inFlight.delete(batch.id);
    }
  }

  private async settle(
    batch: Batch,
    attempt: DeliveryAttempt,
    signedBy: SignedBy = [],
  ): Promise<void> {
    const now = new Date(this.options.now());
    const failed: RecipientDelivery[] = [];
    const record = await this.update(batch.id, (list) =>
      list.map((r, i) => {
        if (!batch.indexes.includes(i) || r.state !== 'sending') return r;
        const result = attempt.recipients.find((x) => x.address === r.deliverTo);
        const reply = result?.reply ?? {
          code: null,
          enhanced: '4.4.0',
          text: 'no result for this recipient',
        };
        const withAttempt: RecipientDelivery = {
          ...r,
          attempts: [
            ...r.attempts,
            {
              startedAt: attempt.startedAt.toISOString(),
              endedAt: attempt.endedAt.toISOString(),
              upstream: attempt.upstream,
              tls: attempt.tls,
              authMechanism: attempt.authMechanism,
              reply: { code: reply.code, enhanced: reply.enhanced ?? null, text: reply.text },
              upstreamQueueId: result?.outcome === 'relayed' ? attempt.upstreamQueueId : null,
              transcript: attempt.transcript,
              ...(signedBy.length > 0 ? { signedBy } : {}),
            },
          ],
        };
        const reason = result?.reason ?? reply.text;
        let next: RecipientDelivery;
        if (result?.outcome === 'relayed')
          next = transition(withAttempt, 'relayed', now, reason, { nextAttemptAt: null });
        else if (result?.outcome === 'bounced')
          next = transition(withAttempt, 'bounced', now, reason, { nextAttemptAt: null });
        else {
          const first = Date.parse(withAttempt.firstAttemptAt ?? now.toISOString());
          const at = nextAttemptAt(withAttempt.attempts.length, first, now, this.schedule);
          next = at
            ? transition(withAttempt, 'deferred', now, reason, { nextAttemptAt: at.toISOString() })
            : transition(
                withAttempt,
                'expired',
                now,
                `lifetime of ${this.options.settings.lifetimeHours} h exceeded: ${reason}`,
                {
                  nextAttemptAt: null,
                },
              );
        }
        if (next.state === 'bounced' || next.state === 'expired') failed.push(next);
        return next;
      }),
    );
    if (!record) return;
    for (const r of record.delivery ?? []) {
      const last = r.attempts[r.attempts.length - 1];
      if (batch.indexes.includes(record.delivery?.indexOf(r) ?? -1) && last) {
        this.options.onAttempt?.(r);
        // the service keeps it for the Logs view and publishes it as a `log` event
        this.options.log(attemptLogLine(record, r, last));
      }
    }
    if (attempt.pauseUpstream && !this.paused) {
      this.paused = { ...attempt.pauseUpstream, since: now.toISOString() };
      this.options.log(
        `upstream paused: ${attempt.pauseUpstream.reason} (${attempt.pauseUpstream.fix})`,
      );
      this.options.publish({ Type: 'upstream', Data: { paused: true, ...attempt.pauseUpstream } });
    }
    if (failed.length > 0) this.options.onFailed?.(record, failed);
  }

  /** Lifts a pause (after a successful test or a retry by hand). */
  resume(why: string): void {
    if (!this.paused) return;
    this.paused = null;
    this.options.log(`upstream resumed: ${why}`);
    this.options.publish({ Type: 'upstream', Data: { paused: false, reason: why, fix: '' } });
    this.kick();
  }

  /** Pauses by hand: nothing is sent to the upstream until resumed (or retried by hand). */
  pause(reason: string): void {
    if (this.paused) return;
    const fix = 'resume the upstream when it should be used again';
    this.paused = { reason, fix, since: new Date(this.options.now()).toISOString(), byHand: true };
    this.options.log(`upstream paused: ${reason} (${fix})`);
    this.options.publish({ Type: 'upstream', Data: { paused: true, reason, fix } });
  }

  private async changeAll(
    ids: string[],
    change: (r: RecipientDelivery, at: Date) => RecipientDelivery,
  ): Promise<string[]> {
    const at = new Date(this.options.now());
    const changed: string[] = [];
    for (const id of ids) {
      const record = await this.update(id, (list) => list.map((r) => change(r, at)));
      if (record) changed.push(id);
    }
    this.kick();
    return changed;
  }

  hold(ids: string[], reason = 'held by hand'): Promise<string[]> {
    return this.changeAll(ids, (r, at) =>
      r.state === 'pending' || r.state === 'deferred' ? transition(r, 'held', at, reason) : r,
    );
  }

  release(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, (r, at) =>
      r.state === 'held'
        ? transition(r, 'pending', at, 'released by hand', { nextAttemptAt: null })
        : r,
    );
  }

  /** Cancels what has not been sent: such recipients are never tried again (resend can). */
  cancel(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, (r, at) =>
      r.state === 'pending' || r.state === 'deferred' || r.state === 'held'
        ? transition(r, 'cancelled', at, 'cancelled by hand', { nextAttemptAt: null })
        : r,
    );
  }

  /** "Retry now": due at once; also lifts a pause, as a user who retries expects. */
  retry(ids: string[]): Promise<string[]> {
    this.resume('retry by hand');
    return this.changeAll(ids, (r, at) =>
      r.state === 'deferred' || r.state === 'pending'
        ? transition(r, 'pending', at, 'retry by hand', { nextAttemptAt: null })
        : r,
    );
  }

  /** Retry everything waiting (network back, wake from sleep). */
  retryAll(why: string): Promise<string[]> {
    if (!this.paused?.byHand) this.resume(why);
    const ids = [...this.options.store.records()]
      .filter((record) => record.delivery?.some((r) => r.state === 'deferred'))
      .map((record) => record.id);
    return this.changeAll(ids, (r, at) =>
      r.state === 'deferred' ? transition(r, 'pending', at, why, { nextAttemptAt: null }) : r,
    );
  }

  /**
   * Sends a message again: to `to` when given (e.g. a captured message released to someone),
   * else to its recipients that bounced, expired or were cancelled. A new lifetime starts.
   */
  async resend(id: string, to: string[] | null): Promise<void> {
    if (!this.options.settings.relay) {
      throw new QueueError(
        'no upstream is configured; set "relay" in the settings before resending',
      );
    }
    const record = this.options.store.get(id);
    if (!record) throw new NotFoundError(`message ${JSON.stringify(id)} not found`);
    if (record.filter?.action === 'quarantined') {
      throw new QueueError(
        `message ${id} is quarantined (${record.filter.reasons.join('; ')}); quarantined mail is never relayed`,
      );
    }
    const at = new Date(this.options.now());
    const fresh = (address: string): RecipientDelivery => ({
      address,
      deliverTo: address,
      state: 'pending',
      route: 'resent by hand',
      nextAttemptAt: null,
      firstAttemptAt: null,
      attempts: [],
      history: [{ state: 'pending', at: at.toISOString(), reason: 'resent by hand' }],
    });
    const list = [...(record.delivery ?? [])];
    const targets =
      to ??
      list
        .filter((r) => ['bounced', 'expired', 'cancelled'].includes(r.state))
        .map((r) => r.address);
    if (targets.length === 0) {
      throw new QueueError(
        `message ${id} has no bounced, expired or cancelled recipient; give "To" to resend it to other addresses`,
      );
    }
    for (const address of targets) {
      const index = list.findIndex((r) => r.address.toLowerCase() === address.toLowerCase());
      const existing = index >= 0 ? list[index] : undefined;
      if (existing && !isFinal(existing.state)) continue;
      if (existing && existing.state !== 'captured') {
        list[index] = transition(existing, 'pending', at, 'resent by hand', {
          nextAttemptAt: null,
          firstAttemptAt: null,
        });
      } else list.push(fresh(address));
    }
    await this.update(id, () => list);
    this.kick();
  }

  /** Stops scheduling; deliveries in flight are abandoned and sent again after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const abort of this.inFlight.values()) abort.abort();
    const deadline = Date.now() + 5000;
    while ((this.running || this.active > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.pool.close();
  }
}
