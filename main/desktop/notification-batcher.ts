// Which native notifications to show, decided from the relay's events without Electron: new
// mail is batched ("12 new messages" rather than twelve), a bounced recipient and an upstream
// that pauses itself are told once each, a recipient still waiting past the threshold once, and
// an anomaly alert (a sender's volume jumped, perhaps paused by it) each time it fires.
// Each notice says what a click opens; each kind can be turned off in the settings.
import type {
  ListenersView,
  MessageSummary,
  SenderControlEvent,
} from '../../preload/api-contract.js';
import type { DesktopView } from '../../preload/desktop-contract.js';
import { arrivalSender } from '../../preload/arrival-sender.js';
import { shownMailText } from '../../preload/mail-text.js';
import { onScreen } from '../../preload/setting-names.js';
import type { MessageRecord } from '../core/message-record.js';
import type { ServiceEvent } from '../core/relay-service.js';
import type { Settings } from '../core/settings/settings-schema.js';
import { toMessageSummary } from '../server/mailpit/mailpit-shapes.js';

export type NoticeKind =
  'new-mail' | 'bounced' | 'delayed' | 'upstream-paused' | 'sender-alert' | 'listener-failed';

export interface DesktopNotice {
  kind: NoticeKind;
  title: string;
  body: string;
  /** What a click on the notification opens. */
  open: DesktopView;
}

export type NoticeSettings = Pick<
  Settings,
  | 'notifyNewMail'
  | 'notifyBounced'
  | 'notifyDelayed'
  | 'notifyUpstreamPaused'
  | 'notifySenderAlert'
  | 'notifyDelayedAfterMinutes'
>;

// a listener that could not start is always told: without it no mail arrives at all
const settingOf: Partial<Record<NoticeKind, keyof NoticeSettings>> = {
  'new-mail': 'notifyNewMail',
  bounced: 'notifyBounced',
  delayed: 'notifyDelayed',
  'upstream-paused': 'notifyUpstreamPaused',
  'sender-alert': 'notifySenderAlert',
};

export function noticeAllowed(kind: NoticeKind, settings: NoticeSettings): boolean {
  const setting = settingOf[kind];
  return setting === undefined || settings[setting] === true;
}

/** One notice per listener that could not start (a port taken…), not told of yet. */
export function listenerNotices(
  view: ListenersView,
  told: Set<string>,
  pinned: Readonly<Record<string, string>> = {},
): DesktopNotice[] {
  const notices: DesktopNotice[] = [];
  for (const failed of view.listeners) {
    const problem = failed.problem;
    if (failed.state !== 'failed' || !problem) continue;
    const key = `listener|${failed.listener}|${problem.at}`;
    if (told.has(key)) continue;
    told.add(key);
    notices.push({
      kind: 'listener-failed',
      title: `${failed.listener.toUpperCase()} could not start`,
      // a notice of the desktop window: settings named by the Settings screen's boxes
      body: onScreen(`${problem.reason}: ${problem.fix}.`, pinned),
      open:
        failed.listener === 'smtp' || failed.listener === 'smtps'
          ? { view: 'settings', section: 'listener' }
          : { view: 'settings' },
    });
  }
  return notices;
}

/** A scan without a From header by its envelope sender, as the list and the window's notices. */
function sender(summary: MessageSummary): string {
  return arrivalSender(summary);
}

/** One notice for the messages that arrived in one batch window. */
export function newMailNotice(batch: readonly MessageSummary[]): DesktopNotice | null {
  const last = batch.at(-1);
  if (!last) return null;
  if (batch.length === 1) {
    return {
      kind: 'new-mail',
      title: `New message from ${sender(last)}`,
      body: shownMailText(last.Subject) || '(no subject)',
      open: { view: 'message', id: last.ID },
    };
  }
  const senders = [...new Set(batch.map(sender))];
  const from =
    senders.length <= 2
      ? senders.join(' and ')
      : `${senders.slice(0, 2).join(', ')} and ${senders.length - 2} more`;
  return {
    kind: 'new-mail',
    title: `${batch.length} new messages`,
    body: `From ${from}`,
    open: { view: 'inbox' },
  };
}

/** Recipients of a message that bounced or expired and were not told of yet (keys `id|address`). */
export function bouncedNotices(record: MessageRecord, told: Set<string>): DesktopNotice[] {
  const notices: DesktopNotice[] = [];
  for (const r of record.delivery ?? []) {
    if (r.state !== 'bounced' && r.state !== 'expired') continue;
    const key = `${record.id}|${r.address}`;
    if (told.has(key)) continue;
    told.add(key);
    const reply = r.attempts.at(-1)?.reply;
    const why = reply
      ? [reply.code, reply.enhanced, reply.text].filter((x) => x !== null && x !== '').join(' ')
      : (r.history.at(-1)?.reason ?? r.state);
    notices.push({
      kind: 'bounced',
      title: r.state === 'bounced' ? `${r.address} bounced` : `${r.address} expired`,
      body: `${record.summary.subject || '(no subject)'}: ${why}`,
      open: { view: 'message', id: record.id },
    });
  }
  return notices;
}

/**
 * The anomaly alert: a sender sent far more than usual this hour. When the alert paused it, a
 * click opens the suspended senders, where one click lifts the pause and sends on what it held.
 */
export function senderAlertNotice(event: SenderControlEvent): DesktopNotice | null {
  if (event.Action !== 'alert') return null;
  const paused = event.Suspension;
  return {
    kind: 'sender-alert',
    title: paused
      ? `Sender paused: ${paused.Kind} ${paused.Value}`
      : 'Unusual volume from a sender',
    body: paused ? `${event.Text}. Review it to release.` : event.Text,
    open: { view: 'senders' },
  };
}

/**
 * Recipients still not delivered `thresholdMinutes` after their message arrived, not told of
 * yet: one notice for all of them.
 */
export function delayedNotice(
  records: Iterable<MessageRecord>,
  now: number,
  thresholdMinutes: number,
  told: Set<string>,
): DesktopNotice | null {
  const late: Array<{ record: MessageRecord; address: string }> = [];
  for (const record of records) {
    if (Date.parse(record.receivedAt) + thresholdMinutes * 60_000 > now) continue;
    for (const r of record.delivery ?? []) {
      if (r.state !== 'deferred' && r.state !== 'pending' && r.state !== 'sending') continue;
      const key = `${record.id}|${r.address}`;
      if (told.has(key)) continue;
      told.add(key);
      late.push({ record, address: r.address });
    }
  }
  const first = late[0];
  if (!first) return null;
  const after =
    thresholdMinutes >= 120 ? `${Math.round(thresholdMinutes / 60)} h` : `${thresholdMinutes} min`;
  return late.length === 1
    ? {
        kind: 'delayed',
        title: `Mail to ${first.address} delayed`,
        body: `Not delivered after ${after}: ${first.record.summary.subject || '(no subject)'}`,
        open: { view: 'message', id: first.record.id },
      }
    : {
        kind: 'delayed',
        title: `${late.length} recipients delayed`,
        body: `Not delivered after ${after}; see the queue`,
        open: { view: 'queue' },
      };
}

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Collects arrivals for `windowMs` after the first one, then hands over the whole batch. */
export class NewMailBatcher {
  private batch: MessageSummary[] = [];
  private timer: unknown = null;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (notice: DesktopNotice) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  add(summary: MessageSummary): void {
    this.batch.push(summary);
    this.timer ??= this.timers.set(() => this.flush(), this.windowMs);
  }

  /** Drops what is gathered without a notice (at quit). */
  cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.batch = [];
  }

  flush(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const notice = newMailNotice(this.batch);
    this.batch = [];
    if (notice) this.emit(notice);
  }
}

/** The part of RelayService the notifier reads. */
export interface NoticeSource {
  readonly settings: NoticeSettings;
  readonly relayPause: { byHand?: boolean } | null;
  record(id: string): MessageRecord;
  /** The records with recipients to relay: only they can be delayed. */
  workingRecords(): Iterable<MessageRecord>;
  /** Each listener's state (those that could not start are told at once). */
  listenerView?(): ListenersView;
  on(name: 'event', listener: (event: ServiceEvent) => void): unknown;
  off(name: 'event', listener: (event: ServiceEvent) => void): unknown;
}

export interface NotifierOptions {
  show(notice: DesktopNotice): void;
  /** Settings a flag or a variable pins for this run: a fix names their flag, not a box. */
  pinned?: Readonly<Record<string, string>>;
  /** How long arrivals are gathered into one notice. */
  batchMs?: number;
  /** How often waiting recipients are checked against the delay threshold. */
  delayCheckMs?: number;
  now?: () => number;
  timers?: Timers;
}

/** Turns the service's events into notices, each kind only when its setting is on. */
export class DesktopNotifier {
  private readonly told = new Set<string>();
  private readonly batcher: NewMailBatcher;
  private readonly listener = (event: ServiceEvent): void => this.onEvent(event);
  private delayTimer: unknown = null;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(
    private readonly source: NoticeSource,
    private readonly options: NotifierOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? Date.now;
    this.batcher = new NewMailBatcher(options.batchMs ?? 2000, (n) => this.show(n), this.timers);
    source.on('event', this.listener);
    this.scheduleDelayCheck();
    // the listeners started before we were made: what failed then is told now
    const listeners = source.listenerView?.();
    if (listeners)
      for (const notice of listenerNotices(listeners, this.told, options.pinned)) this.show(notice);
  }

  private show(notice: DesktopNotice): void {
    if (noticeAllowed(notice.kind, this.source.settings)) this.options.show(notice);
  }

  private onEvent(event: ServiceEvent): void {
    if (event.Type === 'listed') {
      // the notice reads the list's summary (sender's name, subject), as the window shows it
      if (noticeAllowed('new-mail', this.source.settings))
        this.batcher.add(toMessageSummary(event.Data));
    } else if (
      event.Type === 'update' &&
      (event.Data.Status === 'failed' || event.Data.Status === 'partial')
    ) {
      let record: MessageRecord;
      try {
        record = this.source.record(event.Data.ID);
      } catch {
        return; // deleted meanwhile
      }
      for (const notice of bouncedNotices(record, this.told)) this.show(notice);
    } else if (
      event.Type === 'upstream' &&
      event.Data.paused &&
      // a probe of a pause already told about is no news
      event.Data.changed !== 'probe' &&
      !this.source.relayPause?.byHand
    ) {
      this.show({
        kind: 'upstream-paused',
        title: 'Relaying paused',
        body: onScreen(`${event.Data.reason}. ${event.Data.fix}`, this.options.pinned),
        open: { view: 'queue' },
      });
    } else if (event.Type === 'listeners') {
      for (const notice of listenerNotices(event.Data, this.told, this.options.pinned))
        this.show(notice);
    } else if (event.Type === 'sender') {
      const notice = senderAlertNotice(event.Data);
      if (notice) this.show(notice);
    }
  }

  /** Shows the new-mail notice for what arrived so far, without waiting for the batch window. */
  flushNewMail(): void {
    this.batcher.flush();
  }

  /** Checks waiting recipients against the threshold now (the timer calls it every minute). */
  checkDelays(): void {
    const notice = delayedNotice(
      this.source.workingRecords(),
      this.now(),
      this.source.settings.notifyDelayedAfterMinutes,
      this.told,
    );
    if (notice) this.show(notice);
  }

  private scheduleDelayCheck(): void {
    this.delayTimer = this.timers.set(() => {
      this.checkDelays();
      this.scheduleDelayCheck();
    }, this.options.delayCheckMs ?? 60_000);
  }

  dispose(): void {
    this.source.off('event', this.listener);
    this.batcher.cancel();
    if (this.delayTimer !== null) this.timers.clear(this.delayTimer);
  }
}
