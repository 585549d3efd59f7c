// The relay queue: finds recipients that are due, sends them through the upstream in
// transactions of at most 50 recipients over at most `relayConnections` connections, under the
// rate limit, and records each attempt. An upstream-wide failure (AUTH rejected, TLS failure,
// connection refused) pauses the queue instead of bouncing every recipient; it resumes on a
// retry by hand or a successful connection test.
import { NotFoundError } from '../caller-error.js';
import type { MessageStatus, RecipientState } from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { ConnectionPool } from '../upstream/connection-pool.js';
import type { DeliveryAttempt } from '../upstream/delivery-attempt.js';
import { attemptEvent, type SignedBy } from './attempt-record.js';
import { dueBatches, nextWakeUp, type Batch } from './delivery-batches.js';
import { allows, applyDelivery, type DeliveryEvent } from './delivery-transition.js';
import { QueueError } from './queue-error.js';
import type { DeliverFunction, QueueOptions, QueueStore, UpstreamPause } from './queue-options.js';
import { attemptLogRecord } from './relay-log.js';
import { RateLimiter } from './rate-limiter.js';
import { messageStatus } from './recipient-state.js';
import { resentDelivery } from './resend.js';
import { retryScheduleOf, type RetrySchedule } from './retry-schedule.js';

export { maxRecipientsPerTransaction } from './delivery-batches.js';

export { QueueError };
export type { DeliverFunction, QueueOptions, QueueStore, UpstreamPause };

export class DeliveryQueue {
  private active = 0;
  private readonly inFlight = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private rerun = false;
  /** Callers of idle() waiting for the queue to go quiet. */
  private quietWaiters: Array<() => void> = [];
  private readonly limiter: RateLimiter;
  /** Open sessions kept between transactions; busy and idle together within relayConnections. */
  private readonly pool: ConnectionPool;
  paused: UpstreamPause | null = null;

  constructor(private readonly options: QueueOptions) {
    this.limiter = new RateLimiter(options.settings.rateLimit);
    this.pool = new ConnectionPool({ maxOpen: () => options.settings.relayConnections });
  }

  get schedule(): RetrySchedule {
    return retryScheduleOf(this.options.settings);
  }

  /** At start: a recipient that was being sent when the app died is sent again (at-least-once). */
  async recover(): Promise<void> {
    const event = {
      type: 'interrupt',
      reason: 'Relaydesk stopped while sending; sending again',
    } as const;
    for (const record of this.options.store.records()) {
      if (!record.delivery?.some((r) => r.state === 'sending')) continue;
      await this.update(record.id, (list) => this.applyWhere(list, event));
    }
  }

  /** Looks for due work soon (after the current turn), coalescing many calls into one run. */
  kick(): void {
    if (this.stopped) return this.noticeQuiet();
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
      this.noticeQuiet();
    });
  }

  private get quiet(): boolean {
    return this.running === null && this.active === 0;
  }

  private noticeQuiet(): void {
    if (!this.quiet) return;
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when no delivery is running and nothing due is left to start. */
  idle(): Promise<void> {
    if (this.quiet) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  /** Starts every due batch that fits in the free connections, then plans the next wake-up. */
  async runDue(): Promise<void> {
    if (this.stopped || !this.options.settings.relay) return;
    if (this.paused) return this.planWakeUp();
    const now = this.options.now();
    for (const batch of this.nextBatches(now)) {
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
          this.noticeQuiet();
        });
    }
    this.planWakeUp();
  }

  /** The due batches of the oldest message with due work that is not being sent. */
  private nextBatches(now: number): Batch[] {
    for (const record of this.options.store.records()) {
      if (!record.delivery || this.inFlight.has(record.id)) continue;
      const batches = dueBatches(record, now);
      // one message at a time keeps the sidecar writes of a message in order
      if (batches.length > 0) return batches;
    }
    return [];
  }

  /** Defers a batch to when its gate opens; the recipient's history says why and until when. */
  private async holdBack(batch: Batch, gated: { until: number; reason: string }): Promise<void> {
    const event = { type: 'gate', until: new Date(gated.until), reason: gated.reason } as const;
    const record = await this.update(batch.id, (list) =>
      this.applyWhere(list, event, (_, i) => batch.indexes.includes(i)),
    );
    const expired = batch.indexes
      .map((i) => record?.delivery?.[i])
      .filter((r) => r?.state === 'expired');
    if (record && expired.length > 0)
      this.options.onFailed?.(record, expired as RecipientDelivery[]);
  }

  private planWakeUp(at?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const next = this.paused
      ? (at ?? Infinity)
      : nextWakeUp(this.options.store.records(), this.options.now(), at);
    if (next === Infinity) return;
    // timers are capped so that a clock step (sleep, NTP) is noticed within the hour
    const delay = Math.min(Math.max(0, next - this.options.now()), 3_600_000);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  /** Applies one event to the recipients it is allowed for (and `which` picks), at `now`. */
  private applyWhere(
    list: RecipientDelivery[],
    event: DeliveryEvent | ((r: RecipientDelivery, index: number) => DeliveryEvent),
    which: (r: RecipientDelivery, index: number) => boolean = () => true,
  ): RecipientDelivery[] {
    const now = new Date(this.options.now());
    return list.map((r, i) => {
      if (!which(r, i)) return r;
      const e = typeof event === 'function' ? event(r, i) : event;
      return allows(r.state, e.type) ? applyDelivery(r, e, now, this.schedule) : r;
    });
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
      const inBatch = (_: RecipientDelivery, i: number): boolean => batch.indexes.includes(i);
      const record = await this.update(batch.id, (list) =>
        this.applyWhere(list, { type: 'start' }, inBatch),
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

  private async settle(batch: Batch, attempt: DeliveryAttempt, signedBy: SignedBy): Promise<void> {
    const record = await this.update(batch.id, (list) =>
      this.applyWhere(
        list,
        (r) => attemptEvent(attempt, r.deliverTo, signedBy),
        (r, i) => batch.indexes.includes(i) && r.state === 'sending',
      ),
    );
    if (!record?.delivery) return;
    const failed: RecipientDelivery[] = [];
    for (const i of batch.indexes) {
      const r = record.delivery[i];
      const last = r?.attempts[r.attempts.length - 1];
      if (!r || !last) continue;
      this.options.onAttempt?.(r);
      // the service keeps it for the Logs view and publishes it as a `log` event
      this.options.log(attemptLogRecord(record, r, last));
      if (r.state === 'bounced' || r.state === 'expired') failed.push(r);
    }
    if (attempt.pauseUpstream && !this.paused) {
      this.paused = {
        ...attempt.pauseUpstream,
        since: new Date(this.options.now()).toISOString(),
      };
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

  /** Applies a by-hand action to every recipient of `ids` it is allowed for. */
  private async changeAll(
    ids: string[],
    event: Exclude<DeliveryEvent, { type: 'attempt' | 'gate' | 'start' }>,
    onlyFrom?: RecipientState,
  ): Promise<string[]> {
    const changed: string[] = [];
    for (const id of ids) {
      const record = await this.update(id, (list) =>
        this.applyWhere(list, event, (r) => onlyFrom === undefined || r.state === onlyFrom),
      );
      if (record) changed.push(id);
    }
    this.kick();
    return changed;
  }

  hold(ids: string[], reason = 'held by hand'): Promise<string[]> {
    return this.changeAll(ids, { type: 'hold', reason });
  }

  release(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, { type: 'release', reason: 'released by hand' });
  }

  /** Cancels what has not been sent: such recipients are never tried again (resend can). */
  cancel(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, { type: 'cancel', reason: 'cancelled by hand' });
  }

  /** "Retry now": due at once; also lifts a pause, as a user who retries expects. */
  retry(ids: string[]): Promise<string[]> {
    this.resume('retry by hand');
    return this.changeAll(ids, { type: 'retry', reason: 'retry by hand' });
  }

  /** Retry everything waiting (network back, wake from sleep). */
  retryAll(why: string): Promise<string[]> {
    if (!this.paused?.byHand) this.resume(why);
    const ids = [...this.options.store.records()]
      .filter((record) => record.delivery?.some((r) => r.state === 'deferred'))
      .map((record) => record.id);
    return this.changeAll(ids, { type: 'retry', reason: why }, 'deferred');
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
    const list = resentDelivery(record, to, new Date(this.options.now()), this.schedule);
    await this.update(id, () => list);
    this.kick();
  }

  /** Stops scheduling; deliveries in flight are abandoned and sent again after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const abort of this.inFlight.values()) abort.abort();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, 5000))),
    ]);
    clearTimeout(timeout);
    await this.pool.close();
  }
}
