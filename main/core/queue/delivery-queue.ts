// The relay queue: finds recipients that are due, sends them through the upstream in
// transactions of at most 50 recipients over at most `relayConnections` connections, under the
// rate limit, and records each attempt. An upstream-wide failure (AUTH rejected, TLS failure,
// connection refused) pauses the queue instead of bouncing every recipient; it resumes on a
// retry by hand or a successful connection test. This file schedules and takes the actions by
// hand; one transaction is batch-sender.ts, a state change recipient-ledger.ts.
import { answeredBeforeNote, upstreamKey } from './upstream-answered.js';
import { NotFoundError } from '../caller-error.js';
import { isHeldInQuarantine } from '../filter/quarantine-release.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { ConnectionPool } from '../upstream/connection-pool.js';
import { LoginGate } from '../upstream/login-gate.js';
import type { DeliveryAttempt } from '../upstream/delivery-attempt.js';
import { BatchSender } from './batch-sender.js';
import { dueBatches, type Batch } from './delivery-batches.js';
import type { DeliveryEvent } from './delivery-transition.js';
import { DueList } from './due-list.js';
import { QueueError } from './queue-error.js';
import type { DeliverFunction, QueueOptions, QueueStore, UpstreamPause } from './queue-options.js';
import { RateLimiter, type RateLimitHold } from './rate-limiter.js';
import { RecipientLedger } from './recipient-ledger.js';
import { resentDelivery } from './resend.js';
import type { RetrySchedule } from './retry-schedule.js';
import { keepsGreylistWait, waitsForUpstream } from './recipient-state.js';
import { UpstreamProbe } from './upstream-probe.js';

export { maxRecipientsPerTransaction } from './delivery-batches.js';

const HAND_PAUSE_FIX = 'resume the upstream when it should be used again';

/** Deferred for an upstream-wide failure, and its retry time is still to come. */
function waitsForUpstreamNow(r: RecipientDelivery, now: number): boolean {
  return waitsForUpstream(r) && r.nextAttemptAt !== null && Date.parse(r.nextAttemptAt) > now;
}

export { QueueError };
export type { DeliverFunction, QueueOptions, QueueStore, UpstreamPause };

export class DeliveryQueue {
  /** Transactions with the upstream under way (each holds one of relayConnections). */
  private active = 0;
  /**
   * Attempts the upstream has answered whose outcome is not on disk yet. The connection is free
   * for the next message meanwhile; at most relayConnections wait, so a crash sends again at
   * most twice relayConnections messages (the ones on the wire and these).
   */
  private settling = 0;
  /** Messages with work, kept as states change (see due-list.ts). */
  private readonly due = new DueList();
  /** Set when the due list must be read again from the store (at start, settings changed). */
  private rescan = true;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private rerun = false;
  /** Callers of idle() waiting for the queue to go quiet. */
  private quietWaiters: Array<() => void> = [];
  private readonly limiter: RateLimiter;
  /** Open sessions kept between transactions; busy and idle together within relayConnections. */
  private readonly pool: ConnectionPool;
  /** One login at a time per credentials; none after a refusal until the queue resumes. */
  private readonly logins = new LoginGate();
  private readonly ledger: RecipientLedger;
  private readonly sender: BatchSender;
  /**
   * Whether recipients may be deferred for an upstream-wide failure, to be made due when the
   * upstream answers again (releaseWaiting). True at start, for what an earlier run deferred.
   */
  private upstreamWaiters = true;
  paused: UpstreamPause | null = null;
  /** While paused because nothing answered: when the upstream is tried again. */
  private probe: UpstreamProbe | null = null;
  /** When the upstream last took part in a transaction with the current settings. */
  private lastAnsweredAt: number | null = null;

  constructor(private readonly options: QueueOptions) {
    this.limiter = new RateLimiter(options.settings.rateLimit);
    this.pool = new ConnectionPool({ maxOpen: () => options.settings.relayConnections });
    this.ledger = new RecipientLedger(options, this.due);
    this.sender = new BatchSender(
      {
        ...options,
        pause: (pause) => this.pauseUpstream(pause),
        answered: (upstream) => {
          this.lastAnsweredAt = options.now();
          options.answeredFile?.save(upstreamKey(options.settings.relay), this.lastAnsweredAt);
          if (this.paused?.unreachable && !this.paused.byHand)
            this.resume('the upstream answered again');
          if (this.upstreamWaiters) void this.releaseWaiting(upstream);
        },
        failedUpstreamWide: () => {
          this.upstreamWaiters = true;
        },
      },
      this.ledger,
      this.pool,
      this.logins,
    );
  }

  /** When the upstream last took part in a transaction with the settings in use, if known. */
  get answeredAt(): number | null {
    return this.lastAnsweredAt;
  }

  get schedule(): RetrySchedule {
    return this.ledger.schedule;
  }

  private get inFlight(): Map<string, Set<AbortController>> {
    return this.sender.inFlight;
  }

  /**
   * At start: a recipient that was being sent when the app died is sent again (at-least-once).
   * The start then holds what must not go (suspended senders) and calls probeAtStart.
   */
  async recover(): Promise<void> {
    // what an earlier run knew of the upstream: a pause now can still say the settings worked
    this.lastAnsweredAt ??=
      (await this.options.answeredFile?.load(upstreamKey(this.options.settings.relay))) ?? null;
    // a pause by hand holds until resumed, not until the next restart
    const kept = await this.options.handPauseFile?.load();
    if (kept && !this.paused) {
      const fix = HAND_PAUSE_FIX;
      this.paused = { reason: kept.reason, fix, since: kept.since, byHand: true };
      this.options.log(
        `upstream paused by hand since ${kept.since}, kept across the restart: ${kept.reason} (${fix})`,
      );
    }
    const event = {
      type: 'interrupt',
      reason: 'Relaydesk stopped while sending; sending again',
    } as const;
    for (const record of this.options.store.records()) {
      if (!record.delivery?.some((r) => r.state === 'sending')) continue;
      await this.ledger.update(record.id, (list) => this.ledger.applyWhere(list, event));
    }
  }

  /**
   * A start says nothing of the upstream (a laptop offline overnight is often back online, a
   * crash-looping app is not), so what waits for the upstream is not all made due: that would be
   * a failed connection per message while it is still down. One message, the oldest, is tried at
   * once instead; if the upstream takes it, releaseWaiting makes the rest due, through the pool.
   */
  async probeAtStart(): Promise<void> {
    const now = this.options.now();
    const oldest = this.oldestWaiting(now);
    if (!oldest) return;
    const reason = 'Relaydesk started: tried at once to see whether the upstream answers again';
    await this.ledger.update(oldest.id, (list) =>
      this.ledger.applyWhere(list, { type: 'retry', reason }, (r) => waitsForUpstreamNow(r, now)),
    );
    this.options.log(`${oldest.id}: ${reason}`);
  }

  /**
   * The upstream took part in a transaction after an upstream-wide failure (refused, timed out,
   * 421, a 4xx to MAIL FROM): what that failure deferred is due now, not at its retry time (up
   * to an hour), as an admin whose server came back expects. Recipients refused for themselves
   * (greylisting, a full mailbox) keep their retry times, held ones stay held; the released ones
   * go through the pool and the rate limit as any pending mail does.
   */
  private async releaseWaiting(upstream: DeliveryAttempt['upstream']): Promise<void> {
    this.upstreamWaiters = false;
    const now = this.options.now();
    const event = {
      type: 'upstream-back',
      reason: `upstream ${upstream.host}:${upstream.port} answers again: due now, not at the retry time`,
    } as const;
    const saves: Array<Promise<void>> = [];
    for (const record of [...this.options.store.records()]) {
      if (!record.delivery?.some((r) => waitsForUpstreamNow(r, now))) continue;
      // changed together: the journal writes the whole release in one group commit
      const changed = this.ledger.change(record.id, (list) =>
        this.ledger.applyWhere(list, event, (r) => waitsForUpstreamNow(r, now)),
      );
      if (changed) saves.push(changed.saved);
    }
    if (saves.length === 0) return;
    this.options.log(
      `upstream ${upstream.host}:${upstream.port} answers again: ${saves.length} deferred message${saves.length === 1 ? '' : 's'} due now`,
    );
    this.soon();
    await Promise.all(saves).catch((err: Error) =>
      this.options.log(`the release of deferred mail was not stored: ${err.message}`),
    );
  }

  /**
   * Looks for due work soon, coalescing many calls into one run: in the message `id` (a new
   * arrival), or without one in every message of the store (after start or a settings change).
   */
  kick(id?: string): void {
    if (id === undefined) this.rescan = true;
    else {
      const record = this.options.store.get(id);
      if (record?.delivery) this.due.note(record);
    }
    this.soon();
  }

  /** Runs runDue soon; a call while it runs makes it run once more afterwards. */
  private soon(): void {
    if (this.stopped) return this.noticeQuiet();
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.runDue().finally(() => {
      this.running = null;
      if (this.rerun) {
        this.rerun = false;
        this.soon();
      }
      this.noticeQuiet();
    });
  }

  private get quiet(): boolean {
    return this.running === null && this.active === 0 && this.settling === 0;
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

  /**
   * The rate limit that holds back mail due now, and for how long; null when none is held back
   * by it (a pause is its own story: GET /api/v1/queue says why).
   */
  rateLimitHold(): (RateLimitHold & { until: number }) | null {
    if (this.paused || !this.options.settings.relay) return null;
    const now = this.options.now();
    const hold = this.limiter.holdAt(now);
    if (!hold || !this.due.readyAt(now).some((id) => !this.inFlight.has(id))) return null;
    return { ...hold, until: now + hold.waitMs };
  }

  /** Starts every due batch that fits in the free connections, then plans the next wake-up. */
  async runDue(): Promise<void> {
    if (this.stopped || !this.options.settings.relay) return;
    if (this.rescan) {
      this.rescan = false;
      this.due.rebuild(this.options.store.records());
    }
    const now = this.options.now();
    // paused because nothing answered: one batch, the first due, tries the upstream again
    if (this.paused) {
      if (!this.probes(now)) return this.planWakeUp();
      // held back by the rate limit, it is no probe: it goes (and counts) when the limit allows
      const wait = this.limiter.waitMs(now);
      if (wait > 0) return this.planWakeUp(now + wait);
      if (!(await this.readyProbe(now))) return this.planWakeUp();
    }
    const max = this.paused ? 1 : this.options.settings.relayConnections;
    // a message is looked at once per run: held back or started, it is not due again in this run
    const seen = new Set<string>();
    while (this.active < max && this.settling < max) {
      const batches = this.nextBatches(now, seen);
      if (batches.length === 0) break;
      for (const batch of batches) {
        if (this.active >= max || this.settling >= max) break;
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
        if (this.paused) this.probeStarted(now, batch.id);
        this.active++;
        void this.sender
          .send(batch)
          .then((settling) => settling && this.trackOutcome(batch.id, settling))
          .catch((err: Error) =>
            this.options.log(`${batch.id}: delivery failed unexpectedly: ${err.message}`),
          )
          .finally(() => {
            this.active--;
            // a probe that failed: the next one waits from its end (a connection may time out)
            if (this.paused) this.probe?.ended(this.options.now());
            this.soon();
            this.noticeQuiet();
          });
      }
    }
    this.planWakeUp();
  }

  /** The due batches of the oldest message with due work that is not being sent. */
  private nextBatches(now: number, seen: Set<string>): Batch[] {
    const gone: string[] = [];
    const misfiled: MessageRecord[] = [];
    let found: Batch[] = [];
    for (const id of this.due.readyAt(now)) {
      if (seen.has(id) || this.inFlight.has(id)) continue;
      const record = this.options.store.get(id);
      if (!record?.delivery) {
        gone.push(id);
        continue;
      }
      const batches = dueBatches(record, now);
      // one message at a time keeps the state changes of a message in order
      if (batches.length > 0) {
        seen.add(id);
        found = batches;
        break;
      }
      misfiled.push(record);
    }
    for (const id of gone) this.due.forget(id);
    for (const record of misfiled) this.due.note(record);
    return found;
  }

  /** Defers a batch to when its gate opens; the recipient's history says why and until when. */
  private async holdBack(batch: Batch, gated: { until: number; reason: string }): Promise<void> {
    const event = { type: 'gate', until: new Date(gated.until), reason: gated.reason } as const;
    const record = await this.ledger.update(batch.id, (list) =>
      this.ledger.applyWhere(list, event, (_, i) => batch.indexes.includes(i)),
    );
    const expired = batch.indexes
      .map((i) => record?.delivery?.[i])
      .filter((r) => r?.state === 'expired');
    if (record && expired.length > 0)
      this.options.onFailed?.(record, expired as RecipientDelivery[]);
  }

  /**
   * Whether a paused queue tries the upstream now: only a pause because nothing answered (not one
   * by hand, nor a rejected login or certificate), when its probe is due (upstream-probe.ts: on a
   * schedule of its own of at most 5 minutes, sooner for new mail or a retry time come, never
   * twice within a minute), and one attempt at a time. An attempt that fails again defers its
   * recipients to their next retry time; one that reaches the upstream lifts the pause
   * (`answered`) and what waits goes; expiry is reached as without a pause.
   */
  private probes(now: number): boolean {
    const pause = this.paused;
    if (!pause?.unreachable || pause.byHand) return false;
    return this.active === 0 && this.settling === 0 && this.probeAt() <= now;
  }

  /** When the paused upstream is tried next (Infinity when not paused so, or nothing waits). */
  private probeAt(): number {
    if (!this.probe) return Infinity;
    return this.probe.nextAt({
      any: this.due.size > 0,
      ready: this.due.hasReady,
      retryAt: this.due.wakeAt(),
    });
  }

  /**
   * Readies a probe: the message that goes first (new mail, or one whose retry time came) or,
   * when none may go yet, the oldest one waiting for the upstream, made due early. False when
   * nothing waits for the upstream to try with.
   */
  private async readyProbe(now: number): Promise<boolean> {
    const probe = this.probe as UpstreamProbe;
    if (this.due.readyAt(now).length > 0) return true;
    const oldest = this.oldestWaiting(now);
    if (!oldest) {
      probe.ended(now);
      return false;
    }
    const reason = `probe ${probe.count + 1} of the paused upstream: tried early to see whether it answers again`;
    await this.ledger.update(oldest.id, (list) =>
      this.ledger.applyWhere(list, { type: 'retry', reason }, (r) => waitsForUpstreamNow(r, now)),
    );
    return true;
  }

  /**
   * A probe's connection is being tried (past the rate limit and the warm-up gate): only now
   * does it count, with one log line per probe, none per arrival. The Queue view says so until
   * it ends.
   */
  private probeStarted(now: number, id: string): void {
    const probe = this.probe;
    if (!probe || !this.paused) return;
    const number = probe.started(now);
    const relay = this.options.settings.relay;
    const upstream = relay ? `${relay.host}:${relay.port}` : 'the upstream';
    const since = Math.round((now - Date.parse(this.paused.since)) / 60_000);
    const next = Math.round(
      (probe.nextAt({ any: true, ready: false, retryAt: Infinity }) - now) / 60_000,
    );
    this.options.log(
      `${id}: probe ${number} of upstream ${upstream}, paused ${since} min ago (nothing answered); the next in ${next} min if it still does not answer`,
    );
    this.showProbe({ probingSince: new Date(now).toISOString() });
  }

  /**
   * Sets what the pause says of its probes (one under way, or when the next is), and tells the
   * GUI when that changed: nothing else about the queue changes when a probe starts or fails
   * again (its message stays queued), so the view would keep saying "due now".
   */
  private showProbe(shown: Pick<UpstreamPause, 'probingSince' | 'nextProbeAt'>): void {
    const pause = this.paused;
    if (!pause) return;
    if (pause.probingSince === shown.probingSince && pause.nextProbeAt === shown.nextProbeAt)
      return;
    delete pause.probingSince;
    delete pause.nextProbeAt;
    Object.assign(pause, shown);
    this.options.publish({
      Type: 'upstream',
      Data: { paused: true, reason: pause.reason, fix: pause.fix, changed: 'probe' },
    });
  }

  /** The oldest message with a recipient deferred for an upstream-wide failure, still waiting. */
  private oldestWaiting(now: number): MessageRecord | null {
    let oldest: MessageRecord | null = null;
    for (const record of this.options.store.records()) {
      if (!record.delivery?.some((r) => waitsForUpstreamNow(r, now))) continue;
      if (!oldest || record.id < oldest.id) oldest = record;
    }
    return oldest;
  }

  private planWakeUp(at?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    // only waiting recipients need a timer: pending ones start when a connection frees up; while
    // paused, only a pause that ends by itself waits for them (probes), and not while one is out:
    // its end looks again
    const probing = this.active > 0 || this.settling > 0;
    let next = at ?? Infinity;
    if (!this.paused) next = Math.min(next, this.due.wakeAt());
    else if (this.probe && !this.paused.byHand && !probing) {
      // `at`: the rate limit holds the probe back until then
      const probeAt = Math.max(this.probeAt(), at ?? -Infinity);
      // the Queue view and `relaydesk queue` say when the upstream is tried next
      this.showProbe(probeAt === Infinity ? {} : { nextProbeAt: new Date(probeAt).toISOString() });
      next = probeAt;
    }
    if (next === Infinity) return;
    // timers are capped so that a clock step (sleep, NTP) is noticed within the hour
    const delay = Math.min(Math.max(0, next - this.options.now()), 3_600_000);
    this.timer = setTimeout(() => this.soon(), delay);
    this.timer.unref();
  }

  /** Counts an outcome being stored until it is, then looks for more work. */
  private trackOutcome(id: string, settling: Promise<void>): void {
    this.settling++;
    void settling
      .catch((err: Error) =>
        this.options.log(`${id}: delivery failed unexpectedly: ${err.message}`),
      )
      .finally(() => {
        this.settling--;
        this.soon();
        this.noticeQuiet();
      });
  }

  /** An upstream-wide failure: nothing more is sent until a test or a retry by hand resumes. */
  private pauseUpstream(pause: NonNullable<DeliveryAttempt['pauseUpstream']>): void {
    if (this.paused) {
      // a probe of an upstream that did not answer got through and was refused for a reason
      // that needs a person (a login, a certificate): the pause takes that reason, and probing
      // stops, since each probe would be one more failed login. Otherwise the first cause stays.
      const probed = this.paused.unreachable && !this.paused.byHand;
      if (!probed || pause.unreachable) return;
      this.paused = null;
    }
    const now = this.options.now();
    if (pause.unreachable && this.lastAnsweredAt !== null) {
      pause = { ...pause, fix: `${answeredBeforeNote(this.lastAnsweredAt)}${pause.fix}` };
    }
    this.paused = { ...pause, since: new Date(now).toISOString() };
    this.probe = pause.unreachable ? new UpstreamProbe(now) : null;
    this.options.log(`upstream paused: ${pause.reason} (${pause.fix})`);
    this.options.publish({ Type: 'upstream', Data: { paused: true, ...pause } });
  }

  /** Lifts a pause (after a successful test or a retry by hand). */
  resume(why: string): void {
    if (!this.paused) return;
    if (this.paused.byHand) this.options.handPauseFile?.save(null);
    this.paused = null;
    this.probe = null;
    // a rejected login held the others back for the pause; its end allows one more try
    this.logins.reopen();
    this.options.log(`upstream resumed: ${why}`);
    this.options.publish({ Type: 'upstream', Data: { paused: false, reason: why, fix: '' } });
    this.soon();
  }

  /**
   * New upstream settings (a password put right, another host) end a pause that was not by hand,
   * and what the old settings deferred is tried now: left to its retry time (a minute, then
   * five…), the fix would look as if it had done nothing.
   */
  upstreamChanged(): void {
    this.lastAnsweredAt = null;
    this.retryAll('the upstream settings changed').catch((err: unknown) =>
      this.options.log(`retry after the upstream settings changed: ${(err as Error).message}`),
    );
  }

  /** Pauses by hand: nothing is sent to the upstream until resumed (or retried by hand). */
  pause(reason: string): void {
    if (this.paused) return;
    const fix = HAND_PAUSE_FIX;
    const since = new Date(this.options.now()).toISOString();
    this.paused = { reason, fix, since, byHand: true };
    this.options.handPauseFile?.save({ reason, since });
    this.options.log(`upstream paused: ${reason} (${fix})`);
    this.options.publish({ Type: 'upstream', Data: { paused: true, reason, fix } });
  }

  /** Applies a by-hand action to every recipient of `ids` it is allowed for. */
  private async changeAll(
    ids: string[],
    event: Exclude<DeliveryEvent, { type: 'attempt' | 'gate' | 'start' }>,
    which?: (r: RecipientDelivery) => boolean,
  ): Promise<string[]> {
    const changed: string[] = [];
    for (const id of ids) {
      // only the messages it moved are answered: one whose last recipient was sent meanwhile
      // was not held, whatever was asked
      let moved = false;
      await this.ledger.update(id, (list) => {
        const next = this.ledger.applyWhere(list, event, which);
        moved = next.some((r, i) => r !== list[i]);
        return next;
      });
      if (moved) changed.push(id);
    }
    this.soon();
    return changed;
  }

  hold(ids: string[], reason = 'held by hand'): Promise<string[]> {
    return this.changeAll(ids, { type: 'hold', reason });
  }

  /** Keeps held recipients held, with the reason that holds them now. */
  rehold(ids: string[], reason: string): Promise<string[]> {
    return this.changeAll(ids, { type: 'rehold', reason });
  }

  release(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, { type: 'release', reason: 'released by hand' });
  }

  /** Cancels what has not been sent: such recipients are never tried again (resend can). */
  cancel(ids: string[]): Promise<string[]> {
    return this.changeAll(ids, { type: 'cancel', reason: 'cancelled by hand' });
  }

  /**
   * Cancels held recipients only (`postsuper -d ALL hold`): those `which` picks of them, in
   * these messages; their other recipients (sent, or still waiting) are left as they are.
   */
  cancelHeld(ids: string[], which: (r: RecipientDelivery) => boolean): Promise<string[]> {
    return this.changeAll(
      ids,
      { type: 'cancel', reason: 'cancelled by hand with the rest of the held mail' },
      (r) => r.state === 'held' && which(r),
    );
  }

  /** "Retry now": due at once; also lifts a pause, as a user who retries expects. */
  retry(ids: string[]): Promise<string[]> {
    this.resume('retry by hand');
    return this.changeAll(ids, { type: 'retry', reason: 'retry by hand' });
  }

  /**
   * Retry everything waiting (network back, wake from sleep), but what greylisting deferred: its
   * wait is the receiver's, and no network change shortens it. A flush by hand (`postqueue -f`,
   * "Retry all deferred") sends that too, as "Retry now" does: the admin asking has a reason (the
   * receiver's postmaster whitelisted the office), and Postfix's flush tries all deferred mail.
   */
  retryAll(why: string, { greylisted = false }: { greylisted?: boolean } = {}): Promise<string[]> {
    if (!this.paused?.byHand) this.resume(why);
    const now = this.options.now();
    const retried = (r: RecipientDelivery): boolean =>
      r.state === 'deferred' && (greylisted || !keepsGreylistWait(r, now));
    const ids = [...this.options.store.records()]
      .filter((record) => record.delivery?.some(retried))
      .map((record) => record.id);
    return this.changeAll(ids, { type: 'retry', reason: why }, retried);
  }

  /**
   * Sends a message again: to `to` when given (e.g. a captured message released to someone),
   * else to its recipients that bounced, expired or were cancelled. A new lifetime starts.
   */
  async resend(id: string, to: string[] | null): Promise<void> {
    if (!this.options.settings.relay) {
      throw new QueueError(
        'no upstream is configured ("relay" is not set): set one in Settings → Upstream, or start with --relay-host HOST:PORT, then release or resend',
      );
    }
    const record = this.options.store.get(id);
    if (!record) throw new NotFoundError(`message ${JSON.stringify(id)} not found`);
    // released by hand, it is mail like any other (the admin judged the verdict wrong)
    if (isHeldInQuarantine(record)) {
      throw new QueueError(
        `message ${id} is quarantined (${record.filter?.reasons.join('; ') ?? ''}); quarantined mail is never relayed unless released from the quarantine first (POST /api/v1/quarantine/${id}/release, relaydesk queue release ${id}, or Release in the Quarantine view)`,
      );
    }
    const list = resentDelivery(record, to, new Date(this.options.now()), this.schedule);
    await this.ledger.update(id, () => list, true);
    this.soon();
  }

  /** Stops scheduling; deliveries in flight are abandoned and sent again after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // said before the attempts' own lines ("the attempt was cancelled"), so those read as the
    // stop's doing, not the upstream's
    const cancelled = this.inFlight.size;
    if (cancelled > 0) {
      this.options.log(
        cancelled === 1
          ? 'stopping: the attempt of 1 message on the wire to the upstream is cancelled; it is sent again at the next start'
          : `stopping: the attempts of ${cancelled} messages on the wire to the upstream are cancelled; they are sent again at the next start`,
      );
    }
    for (const aborts of this.inFlight.values()) for (const abort of aborts) abort.abort();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, 5000))),
    ]);
    clearTimeout(timeout);
    await this.pool.close();
  }
}
