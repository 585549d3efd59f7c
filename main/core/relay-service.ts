// RelayService: the one facade over the relay. The HTTP routes, the WebSocket and (in the desktop
// app) the IPC handlers are thin adapters over these methods and events; none holds logic.
import { EventEmitter } from 'node:events';
import type {
  MessageDelivery,
  MessageDetail,
  MessagesPage,
  MessageSummary,
  RelaydeskInfo,
  RecipientState,
  RelaydeskEvent,
  LogLines,
  SettingsCheck,
  SettingsSaveResult,
  SettingsView,
  MessagePartContent,
  MailboxCount,
  QueueActionResult,
  QueueView,
  SmtpUserView,
  UpstreamPresetView,
  WebhookLogView,
} from '../../preload/api-contract.js';
import { isAuditLine, RecentLog } from './log-view/recent-log.js';
import {
  applyLiveSettings,
  checkSettingsChange,
  settingsView,
  withSavedSecrets,
} from './settings/settings-editor.js';
import { FileSettingsStore, type SettingsStore } from './settings/settings-store.js';
import { getPreset, presetIds } from './upstream/presets.js';
import { join } from 'node:path';
import {
  SmtpListener,
  type AcceptedMessage,
  type RecipientRefusal,
  type SmtpSecurity,
} from './listener/smtp-listener.js';
import { auditLine } from './policy/audit-line.js';
import type { AuthLockoutEntry } from './policy/auth-lockout.js';
import { UserStore } from './policy/user-store.js';
import { RotatingLog } from './logs/rotating-log.js';
import { LabelledCounter, renderPrometheusText } from './metrics/prometheus-text.js';
import { relayMetricFamilies } from './metrics/relay-metrics.js';
import { planDelivery, isRelayed } from './queue/delivery-plan.js';
import { DeliveryQueue, type DeliverFunction, type UpstreamPause } from './queue/delivery-queue.js';
import { buildDsn } from './queue/dsn.js';
import { messageStatus, settledAt } from './queue/recipient-state.js';
import {
  applyRedirect,
  explainRoute,
  modeRules,
  routeEnvelope,
  routeRecipient,
  type RouteExplanation,
  type RoutingRule,
} from './routing/index.js';
import { deliverToUpstream } from './upstream/delivery-attempt.js';
import { testUpstream, type ConnectionTestResult } from './upstream/connection-test.js';
import {
  createUpstreamSettingsSchema,
  describeSettingsError,
} from './upstream/upstream-settings.js';
import { MessageIndex } from './index/message-index.js';
import { openIndex } from './index/index-startup.js';
import { withEnvelopeBcc } from './message/envelope-bcc.js';
import { headerMap } from './message/header-fields.js';
import type { MessageRecord } from './message-record.js';
import { MessageParser, type ParsedPart } from './parse/message-parser.js';
import { toMessageDetail, toMessageSummary } from './message/mailpit-shapes.js';
import { selectForPruning } from './retention.js';
import { analyzeMessage, type RouteAnalysis } from './route/index.js';
import { parseSearchQuery } from './search/index.js';
import type { ListenAddress, Settings } from './settings/settings-schema.js';
import { Spool, type QuarantinedFile } from './spool/spool.js';
import { newMessageId } from './spool/message-id.js';
import { Chaos, ChaosError, triggersFromJson, type ChaosTriggers } from './chaos/chaos-triggers.js';
import { readHeaderFields } from './message/header-fields.js';
import { normalizeLineEndings } from './listener/line-endings.js';
import { autoTags, knownTags, tagCounts, type TaggedStore } from './tags/index.js';
import * as messageTags from './tags/index.js';
import {
  composeMessage,
  parseSendRequest,
  SendRequestError,
  httpReceivedStamp,
} from './send/index.js';
import { displayUrl, loadWebhookSecret, WebhookSender } from './webhooks/index.js';
import { deliveryPayload } from './webhooks/webhook-payloads.js';
import { dateHeaderTime, importedEnvelope } from './ingest/imported-message.js';
import { DnsResolver } from './dns/dns-resolver.js';
import { AddressChecker, type AddressCheck } from './address-check/address-checker.js';
import { RecipientCheck } from './address-check/recipient-check.js';
import { checkAuthentication, type MessageAuthCheck } from './authcheck/auth-check.js';
import { DkimSigning } from './signing/dkim-signing.js';
import { DkimKeyStore, type DkimKeyInfo } from './signing/key-store.js';
import { OwnerOnlyFileVault, type PrivateKeyVault } from './signing/key-vault.js';
import type { DkimKeyInput } from '../../preload/auth-contract.js';
import type { DkimDnsCheck } from './signing/dkim-record.js';
import { FilterControl, type FilterStatus } from './filter/filter-control.js';
import { SenderControlService, type QuotaUsage } from './sender-control/sender-control-service.js';
import type { WarmupStatus } from './sender-control/warmup.js';
import type { MessageDecisions, SuspensionEntry } from '../../preload/filter-contract.js';
import { checkSpam, type SpamCheckResult } from './checks/spam-check/index.js';
import { checkLinks, type LinkCheckResult } from './checks/link-check/index.js';
import { checkHtml, NoHtmlError, type HtmlCheckResult } from './checks/html-check/index.js';
import { Pop3Listener, pop3Listeners } from './pop3/pop3-listener.js';

export const relaydeskVersion = '0.1.0';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Settings given to a call (not the saved ones) are not valid; the message says which and why. */
export class SettingsInputError extends Error {
  override name = 'SettingsInputError';
}

export interface RuntimeStats {
  startedAt: number;
  accepted: number;
  acceptedBytes: number;
  deleted: number;
}

interface ServiceEvents {
  event: [RelaydeskEvent];
  log: [string];
}

export interface RelayServiceOptions {
  settings: Settings;
  /** Injectable clock, for retention and queue tests that must not wait in real time. */
  now?: () => number;
  /** The SMTP client that talks to the upstream (replaceable for failure-injection tests). */
  deliver?: DeliverFunction;
  /** Chaos's dice, 0–99 (replaceable so a test can make them certain). */
  chaosRoll?: () => number;
  /** Where DKIM private keys are kept; the desktop app passes its secrets layer. */
  keyVault?: PrivateKeyVault;
  /** Where settings saved from the GUI go; default `settings.json` in the data folder. */
  settingsStore?: SettingsStore;
  /** What the store holds now, when the caller already read it. */
  savedSettings?: Record<string, unknown>;
  /** Settings fixed by a flag or an environment variable for this run, with what sets them. */
  pinnedSettings?: Record<string, string>;
  /** Where saved settings are kept, in words (shown in the Settings view). */
  savedIn?: string;
}

/** How many recent relay log lines the API can show. */
const relayLogMemory = 1000;

export class RelayService extends EventEmitter<ServiceEvents> {
  readonly settings: Settings;
  private readonly spool: Spool;
  private readonly index = new MessageIndex();
  private readonly parser = new MessageParser({ workers: 1 });
  private readonly listener: SmtpListener;
  private readonly now: () => number;
  private retentionTimer: NodeJS.Timeout | null = null;
  private smtpAddress: ListenAddress | null = null;
  /** Where the HTTP API listens, once it does (set by whoever starts it). */
  httpListenAddress: ListenAddress | null = null;
  readonly stats: RuntimeStats;
  quarantined: QuarantinedFile[] = [];
  readonly queue: DeliveryQueue;
  private rules: RoutingRule[];
  /** The settings as saved: what runs now, plus saved changes that wait for a restart. */
  private savedTarget: Settings;
  private savedSettings: Record<string, unknown> | null;
  private readonly settingsStore: SettingsStore;
  private readonly pinned: Record<string, string>;
  private readonly savedIn: string;
  private settingsSaving: Promise<unknown> = Promise.resolve();
  /** The last relay and audit lines, for the Logs view. */
  private readonly recentLog = new RecentLog(relayLogMemory);
  /** Set once the spool is loaded: only then does a stop leave an index snapshot. */
  private started = false;
  /** SMTP users (AUTH); the CLI and the users API change the same file. */
  readonly users: UserStore;
  /** Virus scanning and the attachment policy, between acceptance and the queue. */
  readonly filter: FilterControl;
  /** Suspensions, quotas, warm-up caps and the anomaly alert. */
  readonly senders: SenderControlService;
  /** For /metrics: recipients' outcomes after each attempt, and MIME parse failures. */
  private readonly deliveryOutcomes = new LabelledCounter();
  /** relay.log (one line per attempt) and audit.log (smtp-audit and http-audit lines). */
  private readonly relayLogFile: RotatingLog;
  private readonly auditLogFile: RotatingLog;
  private parseFailures = 0;
  /** Failures on purpose at MAIL, RCPT and AUTH (main/core/chaos). */
  readonly chaos: Chaos;
  private webhooks: WebhookSender | null = null;
  /** The DNS of every check (DKIM records, SPF/DMARC, recipient domains). */
  readonly dns: DnsResolver;
  readonly dkim: DkimSigning;
  private readonly recipientCheck: RecipientCheck;
  /** The optional POP3 listeners (--pop3, --pop3s), serving the messages kept here. */
  readonly pop3: Pop3Listener;

  constructor(options: RelayServiceOptions) {
    super();
    // every audit line, whoever writes it (the SMTP listener, the HTTP basic auth), also goes
    // to audit.log
    this.on('log', (line) => {
      if (!isAuditLine(line)) return;
      const at = new Date(this.now());
      this.publish({ Type: 'log', Data: this.recentLog.add('audit', line, at) });
      void this.auditLogFile.append(`${at.toISOString()} ${line}`);
    });
    this.settings = options.settings;
    this.now = options.now ?? Date.now;
    this.spool = new Spool(this.settings.dataDir);
    this.stats = { startedAt: this.now(), accepted: 0, acceptedBytes: 0, deleted: 0 };
    this.rules = modeRules(this.settings.mode, this.settings.rules);
    this.savedTarget = { ...this.settings, rateLimit: { ...this.settings.rateLimit } };
    const store = options.settingsStore ?? new FileSettingsStore(this.settings.dataDir);
    this.settingsStore = store;
    this.savedSettings = options.savedSettings ?? null;
    this.pinned = options.pinnedSettings ?? {};
    this.savedIn =
      options.savedIn ?? (store instanceof FileSettingsStore ? store.path : 'the settings store');
    this.users = new UserStore(this.settings.dataDir);
    this.filter = new FilterControl(this.settings, this.rules, this.parser, this.now, (line) =>
      this.log(line),
    );
    this.senders = new SenderControlService(this.settings, this.now, {
      records: () => this.index.relayedOldestFirst(),
      hold: (ids, reason) => this.queue.hold(ids, reason),
      release: (ids) => this.queue.release(ids),
      publish: (event) => this.publish(event),
      log: (line) => this.log(line),
    });
    const rotation = { maxBytes: this.settings.logMaxSize, keep: this.settings.logKeep };
    const logFileError = (message: string): void => this.log(`log: ${message}`);
    this.relayLogFile = new RotatingLog(
      join(this.settings.dataDir, 'relay.log'),
      rotation,
      logFileError,
    );
    this.auditLogFile = new RotatingLog(
      join(this.settings.dataDir, 'audit.log'),
      rotation,
      logFileError,
    );
    this.chaos = new Chaos(
      this.settings.enableChaos || this.settings.chaosTriggers !== null,
      this.settings.chaosTriggers,
      options.chaosRoll,
    );
    this.dns = new DnsResolver({ servers: this.settings.dnsServers });
    this.dkim = new DkimSigning(
      new DkimKeyStore(
        join(this.settings.dataDir, 'dkim'),
        options.keyVault ?? new OwnerOnlyFileVault(join(this.settings.dataDir, 'dkim', 'private')),
      ),
      this.dns,
      (line) => this.log(line),
    );
    this.recipientCheck = new RecipientCheck(new AddressChecker(this.dns), this.settings, (line) =>
      this.log(line),
    );
    this.listener = new SmtpListener(
      this.settings,
      {
        accept: (message) => this.accept(message),
        checkRecipient: (input) => this.checkRecipient(input),
        recipientAction: (input) => routeRecipient(this.rules, input).action.type,
        chaos: (stage) => this.chaos.fire(stage),
        validateRecipient: (input) => this.recipientCheck.atRcpt(input),
        log: (line) => this.log(line),
        senderCheck: this.senders.control,
      },
      { users: this.users },
    );
    this.pop3 = new Pop3Listener(
      this.settings,
      {
        entries: (mailbox) =>
          [...this.index.oldestFirst()]
            .filter((r) => mailbox === null || r.mailbox === mailbox)
            .map((r) => ({ id: r.id, size: r.size })),
        raw: (id) => this.spool.readRaw(this.record(id).id),
        markRead: (id) => this.setRead([id], true),
        remove: async (ids) => void (await this.deleteMessages(ids)),
      },
      this.users,
      (line) => this.log(line),
    );
    this.queue = new DeliveryQueue({
      settings: this.settings,
      store: {
        records: () => this.index.relayedOldestFirst(),
        get: (id) => this.index.get(id),
        save: (record) => this.saveRecord(record),
        raw: (id) => this.spool.readRaw(id),
        redirectBody: (raw, originals) => applyRedirect(raw, originals),
        sign: (raw) => this.dkim.sign(raw, new Date(this.now())),
      },
      deliver: options.deliver ?? deliverToUpstream,
      now: this.now,
      publish: (event) => this.publish(event),
      log: (line) => this.logRelay(line),
      gate: (recipients, now) => this.senders.warmupGate(recipients, now),
      onAttempt: (recipient) => this.deliveryOutcomes.add({ state: recipient.state }),
      onFailed: (record, failed) =>
        void this.reportFailure(
          record.id,
          failed.map((r) => r.address),
        ),
    });
  }

  /** A state change: the index first (it answers the next question), then the sidecar. */
  private saveRecord(record: MessageRecord): Promise<void> {
    this.index.update(record);
    return this.spool.update(record);
  }

  private logRelay(line: string): void {
    this.log(line);
    void this.relayLogFile.append(`${new Date(this.now()).toISOString()} ${line}`);
    this.publish({ Type: 'log', Data: this.recentLog.add('relay', line, new Date(this.now())) });
  }

  private checkRecipient(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RecipientRefusal | null {
    const decision = routeRecipient(this.rules, input);
    if (decision.action.type !== 'reject') return null;
    return {
      code: decision.action.code,
      message: `${decision.action.enhanced} ${decision.action.text}`,
    };
  }

  /** Which rule decides for an address, and why (the "test this address" call). */
  explainRoute(input: {
    recipient: string;
    sender: string;
    user: string | null;
  }): RouteExplanation {
    return explainRoute(this.rules, input);
  }

  private log(line: string): void {
    this.emit('log', line);
  }

  private publish(event: RelaydeskEvent): void {
    this.emit('event', event);
  }

  /** Opens the spool, rebuilds the index, then starts the SMTP listener. */
  async start(): Promise<{ smtp: ListenAddress }> {
    await this.spool.open();
    await this.dkim.keys.load(this.settings.dkim);
    const opened = await openIndex(this.index, this.spool);
    this.quarantined = opened.quarantined;
    for (const q of opened.quarantined)
      this.log(`spool: moved ${q.file} to quarantine: ${q.reason}`);
    this.started = true;
    this.log(opened.summary);
    await this.queue.recover();
    await this.senders.load();
    await this.applyRetention();
    await this.startWebhooks();
    if (this.chaos.enabled) this.log(this.chaos.describe());
    this.smtpAddress = await this.listener.start();
    try {
      await this.pop3.start();
    } catch (err) {
      await this.listener.close();
      throw err;
    }
    this.queue.kick();
    this.retentionTimer = setInterval(() => void this.applyRetention(), 60 * 60 * 1000);
    this.retentionTimer.unref();
    return { smtp: this.smtpAddress };
  }

  private closingListener: Promise<void> | null = null;

  /** Refuses new SMTP connections at once; resolves when messages being received are stored. */
  stopAccepting(): Promise<void> {
    this.closingListener ??= Promise.all([this.listener.close(), this.pop3.close()]).then(
      () => undefined,
    );
    return this.closingListener;
  }

  /** Stops taking mail, lets messages being received finish, then releases everything. */
  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.webhooks?.stop();
    await this.stopAccepting();
    await this.queue.stop();
    this.senders.stop();
    await this.parser.close();
    if (this.started) this.index.close();
    // the last audit lines (sessions closed by the stop) are on disk before we say we stopped
    await Promise.all([this.relayLogFile.flush(), this.auditLogFile.flush()]);
  }

  // --- pausing (tray and menu) ----------------------------------------------------------------

  get receivingPaused(): boolean {
    return this.listener.receivingPaused;
  }

  /** New SMTP connections get `421 4.3.2` until resumed; sessions already open finish. */
  pauseReceiving(): { paused: boolean } {
    return this.setReceivingPaused(true);
  }

  resumeReceiving(): { paused: boolean } {
    return this.setReceivingPaused(false);
  }

  private setReceivingPaused(paused: boolean): { paused: boolean } {
    if (this.listener.receivingPaused !== paused) {
      this.listener.receivingPaused = paused;
      this.log(paused ? 'smtp: receiving paused' : 'smtp: receiving resumed');
      this.publish({ Type: 'receiving', Data: { paused } });
    }
    return { paused };
  }

  /** Why relaying is paused (by hand, or an upstream-wide failure), or null. */
  get relayPause(): UpstreamPause | null {
    return this.queue.paused;
  }

  get smtpListenAddress(): ListenAddress | null {
    return this.smtpAddress;
  }

  /** (Address, user) pairs locked out of SMTP AUTH after repeated failures. */
  authLockouts(): AuthLockoutEntry[] {
    return this.listener.authLockouts.locked();
  }

  /** Lifts AUTH lockouts: one pair, every user of an address, or all (nothing given). */
  releaseAuthLockouts(address?: string, user?: string): AuthLockoutEntry[] {
    const released = this.listener.authLockouts.release(address, user);
    for (const entry of released) {
      this.log(
        auditLine('auth', {
          result: 'released',
          client: entry.Address,
          user: entry.User,
          reason: 'lockout released by hand',
        }),
      );
    }
    return released;
  }

  /** STARTTLS, the implicit-TLS listener and the certificate fingerprint, for the info API. */
  get smtpSecurity(): SmtpSecurity {
    return this.listener.security;
  }

  private async makeRecord(message: AcceptedMessage, captureInto?: string): Promise<MessageRecord> {
    const summary = withEnvelopeBcc(
      await this.parser.summarize(message.raw),
      message.envelope.rcptTo,
    );
    if (summary.parseError) {
      this.parseFailures++;
      this.log(`${message.id}: MIME not readable, kept raw: ${summary.parseError}`);
    }
    const decisions =
      captureInto === undefined
        ? routeEnvelope(this.rules, {
            mailFrom: message.envelope.mailFrom,
            rcptTo: message.envelope.rcptTo,
            user: message.envelope.user,
          })
        : message.envelope.rcptTo.map((recipient) => ({
            recipient,
            action: { type: 'capture' as const, mailbox: captureInto },
            ruleIndex: null,
            ruleName: null,
            explanation: `imported into ${captureInto}`,
          }));
    const plan = planDelivery(decisions, message.receivedAt);
    const tags = autoTags(
      {
        from: summary.from,
        to: summary.to,
        cc: summary.cc,
        bcc: summary.bcc,
        rcptTo: message.envelope.rcptTo,
        xTags: readHeaderFields(message.raw)
          .filter((f) => f.name.toLowerCase() === 'x-tags')
          .map((f) => f.value),
        user: message.envelope.user,
        ruleTags: decisions.flatMap((d) => ('tags' in d.action ? (d.action.tags ?? []) : [])),
      },
      this.settings,
      () => knownTags(this.index.tagged()),
    );
    const addressChecks = this.recipientCheck.verdicts([
      ...(this.settings.addressCheckSender && message.envelope.mailFrom
        ? [message.envelope.mailFrom]
        : []),
      ...decisions.filter((d) => d.action.type === 'relay').map((d) => d.recipient),
    ]);
    return {
      id: message.id,
      mailbox: plan.mailbox,
      receivedAt: message.receivedAt.toISOString(),
      size: message.raw.length,
      read: false,
      tags,
      envelope: message.envelope,
      summary,
      notes: message.notes,
      ...(plan.delivery ? { delivery: plan.delivery } : {}),
      ...(addressChecks.length > 0 ? { addressChecks } : {}),
    };
  }

  private async accept(message: AcceptedMessage, captureInto?: string): Promise<void> {
    // the raw file is written while the worker parses; both are on disk before the 250
    const made = this.makeRecord(message, captureInto);
    const record = this.filter.enabled
      ? await this.filter.store(this.spool, message, made)
      : await this.spool.storeWhile(message.id, message.raw, made).then(() => made);
    this.index.add(record);
    void this.senders.accepted(record);
    this.stats.accepted++;
    this.stats.acceptedBytes += record.size;
    this.log(
      `${record.id}: from=<${record.envelope.mailFrom}>, size=${record.size}, nrcpt=${record.envelope.rcptTo.length}, client=${record.envelope.clientIp}` +
        (record.notes.length ? `, notes=${record.notes.join('; ')}` : ''),
    );
    this.publish({ Type: 'new', Data: toMessageSummary(record) });
    this.publishStats();
    if (record.delivery) this.queue.kick();
    // pruning is not part of accepting: a slow disk must not hold the 250. Only the count can
    // be exceeded by an arrival (age is checked hourly), and only once the list is that long.
    const max = this.settings.maxMessages;
    if (max > 0 && this.index.size > max) this.pruneAtCap();
  }

  private pruneAtCapScheduled = false;

  /**
   * At the cap every arrival makes one message too many. One pass serves a burst of arrivals,
   * and when no message is planned for relaying (relayed mail counts apart) it removes the
   * oldest directly instead of walking the whole index, which cost a third of the throughput.
   */
  private pruneAtCap(): void {
    if (this.pruneAtCapScheduled) return;
    this.pruneAtCapScheduled = true;
    setImmediate(() => {
      this.pruneAtCapScheduled = false;
      const pass =
        this.index.withDelivery > 0
          ? this.applyRetention()
          : this.pruneOldest(this.index.size - this.settings.maxMessages);
      pass.catch((err: Error) => this.log(`retention: could not prune: ${err.message}`));
    });
  }

  private async pruneOldest(excess: number): Promise<void> {
    if (this.settings.maxMessages <= 0 || excess <= 0) return;
    const removed = await this.deleteMessages(this.index.oldestIds(excess));
    if (removed.length > 0) this.log(`retention: pruned ${removed.length} message(s)`);
  }

  /** Stores a message Relaydesk itself wrote (a DSN): captured, and relayed when `relayTo`. */
  private async storeOwnMessage(
    raw: Buffer,
    mailbox: string,
    relayTo: string | null,
  ): Promise<string> {
    const receivedAt = new Date(this.now());
    const id = newMessageId(receivedAt.getTime());
    const summary = await this.parser.summarize(raw);
    const envelope = {
      mailFrom: '',
      rcptTo: relayTo ? [relayTo] : [],
      clientIp: '127.0.0.1',
      clientHostname: null,
      helo: this.settings.hostname,
      user: null,
      tls: null,
      smtpUtf8: false,
      eightBitMime: false,
    };
    const record: MessageRecord = {
      id,
      mailbox,
      receivedAt: receivedAt.toISOString(),
      size: raw.length,
      read: false,
      tags: [],
      envelope,
      summary,
      notes: [],
      ...(relayTo
        ? {
            delivery: planDelivery(
              [
                {
                  recipient: relayTo,
                  action: { type: 'relay' },
                  ruleIndex: null,
                  ruleName: null,
                  explanation: 'delivery status notification to the sender',
                },
              ],
              receivedAt,
            ).delivery,
          }
        : {}),
    };
    await this.spool.store(record, raw);
    this.index.add(record);
    this.publish({ Type: 'new', Data: toMessageSummary(record) });
    this.publishStats();
    if (record.delivery) this.queue.kick();
    return id;
  }

  /**
   * RFC 3464 report of recipients that failed for good. Off by default (the GUI shows failures);
   * when on it goes to the envelope sender, never to the null sender (a DSN about a DSN could
   * loop), and it is always captured so the user sees what was sent.
   */
  private async reportFailure(id: string, addresses: string[]): Promise<void> {
    if (!this.settings.dsn) return;
    const record = this.index.get(id);
    if (!record?.delivery) return;
    const failed = record.delivery.filter((r) => addresses.includes(r.address));
    try {
      const raw = await this.spool.readRaw(id);
      const dsn = buildDsn({
        record,
        failed,
        raw,
        reportingHost: this.settings.hostname,
        now: new Date(this.now()),
      });
      const sender = record.envelope.mailFrom;
      const dsnId = await this.storeOwnMessage(dsn, 'dsn', sender === '' ? null : sender);
      this.log(`${id}: sender non-delivery notification: ${dsnId}`);
    } catch (err) {
      this.log(`${id}: could not write a delivery status notification: ${(err as Error).message}`);
    }
  }

  private publishStats(): void {
    this.publish({
      Type: 'stats',
      Data: { Total: this.index.size, Unread: this.index.unread, Version: relaydeskVersion },
    });
  }

  async applyRetention(): Promise<void> {
    // captured mail is pruned by count and age; relayed mail some days after it settled
    const doomed = selectForPruning(
      this.index.oldestFirst({ capturedOnly: true }),
      this.index.capturedCount,
      {
        maxMessages: this.settings.maxMessages,
        maxAgeDays: this.settings.maxAgeDays,
        now: this.now(),
      },
    );
    const keepRelayedMs = this.settings.relayRetentionDays * 24 * 3_600_000;
    for (const record of this.index.relayedOldestFirst()) {
      if (!isRelayed(record)) continue;
      const settled = settledAt(record.delivery);
      if (settled !== null && settled + keepRelayedMs <= this.now()) doomed.push(record.id);
    }
    if (doomed.length > 0) {
      await this.deleteMessages(doomed);
      this.log(`retention: pruned ${doomed.length} message(s)`);
    }
  }

  // --- relaying ------------------------------------------------------------------------------

  delivery(id: string): MessageDelivery {
    const record = this.record(id);
    const recipients = (
      record.delivery ??
      record.envelope.rcptTo.map((address) => ({
        address,
        deliverTo: address,
        state: 'captured' as const,
        route: `captured into ${record.mailbox}`,
        nextAttemptAt: null,
        firstAttemptAt: null,
        attempts: [],
        history: [
          {
            state: 'captured' as const,
            at: record.receivedAt,
            reason: `captured into ${record.mailbox}`,
          },
        ],
      }))
    ).map(({ firstAttemptAt: _first, ...view }) => {
      const check = record.addressChecks?.find(
        (c) => c.address.toLowerCase() === view.address.toLowerCase(),
      );
      return check
        ? { ...view, addressCheck: { verdict: check.verdict, reason: check.reason } }
        : view;
    });
    return { ID: record.id, status: messageStatus(record.delivery), recipients };
  }

  /** Messages with work left (not every recipient final), optionally with a recipient in `state`. */
  queued(state?: RecipientState): MessageRecord[] {
    return this.index.relayedOldestFirst().filter((record) => {
      if (!record.delivery) return false;
      if (state) return record.delivery.some((r) => r.state === state);
      return (
        messageStatus(record.delivery) === 'queued' || messageStatus(record.delivery) === 'held'
      );
    });
  }

  /** The queue as the API and the GUI show it: what waits, why, and when it is tried next. */
  queueView(state?: RecipientState): QueueView {
    return {
      upstream: this.upstreamState(),
      messages: this.queued(state).map((record) => ({
        ...toMessageSummary(record),
        status: messageStatus(record.delivery),
        recipients: (record.delivery ?? []).map((r) => ({
          address: r.address,
          deliverTo: r.deliverTo,
          state: r.state,
          nextAttemptAt: r.nextAttemptAt,
          attempts: r.attempts.length,
          lastReply: r.attempts.at(-1)?.reply ?? null,
          why: r.history.at(-1)?.reason ?? '',
        })),
      })),
    };
  }

  /** Mailboxes with their counts, by name. */
  mailboxes(): MailboxCount[] {
    return this.index.mailboxes();
  }

  /**
   * Runs the connection test against the saved upstream, or against `candidate` settings
   * (validated as the settings file would be). A successful test of the saved upstream lifts
   * a pause.
   */
  async testRelay(candidate?: unknown): Promise<ConnectionTestResult> {
    let endpoint = this.settings.relay;
    if (candidate !== undefined) {
      // a form testing the saved upstream's password sends none (it never sees it)
      const parsed = createUpstreamSettingsSchema('relay').safeParse(
        withSavedSecrets(candidate, this.savedTarget.relay),
      );
      if (!parsed.success) throw new SettingsInputError(describeSettingsError(parsed.error));
      endpoint = parsed.data;
    }
    if (!endpoint)
      throw new SettingsInputError('no upstream is configured; give the relay settings to test');
    const result = await testUpstream(endpoint);
    if (result.ok && candidate === undefined) this.queue.resume('connection test succeeded');
    return result;
  }

  // --- DKIM, authentication and address checks ----------------------------------------------

  /** The DKIM keys with the DNS record each needs. */
  dkimKeys(): Promise<DkimKeyInfo[]> {
    return this.dkim.keys.list();
  }

  /** Generates a key (RSA-2048 or Ed25519), or imports `privateKey` (PEM), as an active selector. */
  addDkimKey(input: DkimKeyInput): Promise<DkimKeyInfo> {
    return this.dkim.keys.add(input);
  }

  /** Turns a selector's signing on or off (rotation: retire the old one after the overlap). */
  setDkimKeyActive(domain: string, selector: string, active: boolean): Promise<DkimKeyInfo> {
    return this.dkim.keys.setActive(domain, selector, active);
  }

  removeDkimKey(domain: string, selector: string): Promise<void> {
    return this.dkim.keys.remove(domain, selector);
  }

  /** "Check DNS": is the selector's record published, and is it this key? */
  checkDkimDns(domain: string, selector: string): Promise<DkimDnsCheck> {
    return this.dkim.checkDns(domain, selector);
  }

  /** DKIM, SPF, DMARC and ARC of a message, as its receiver would judge them. */
  async authCheck(id: string): Promise<MessageAuthCheck> {
    const record = this.record(id);
    return checkAuthentication(this.dns, {
      id: record.id,
      raw: await this.spool.readRaw(record.id),
      clientIp: record.envelope.clientIp,
      helo: record.envelope.helo,
      sender: record.envelope.mailFrom,
      hostname: this.settings.hostname,
    });
  }

  /** Checks addresses as the relay would before sending (syntax, DNS, typos). */
  checkAddresses(addresses: string[]): Promise<AddressCheck[]> {
    return Promise.all(addresses.map((a) => this.recipientCheck.check(a)));
  }

  // --- queue actions (the IDs may include Mailpit's `latest`) -------------------------------

  /** The records' real IDs; a NotFoundError for an unknown one before anything changes. */
  private knownIds(ids: string[]): string[] {
    return ids.map((id) => this.record(id).id);
  }

  async holdMessages(ids: string[]): Promise<QueueActionResult> {
    return { IDs: await this.queue.hold(this.knownIds(ids)) };
  }

  async releaseMessages(ids: string[]): Promise<QueueActionResult> {
    return { IDs: await this.queue.release(this.knownIds(ids)) };
  }

  /** "Retry now"; with no IDs, everything deferred. */
  async retryMessages(ids: string[]): Promise<QueueActionResult> {
    const known = this.knownIds(ids);
    return {
      IDs: known.length
        ? await this.queue.retry(known)
        : await this.queue.retryAll('retry by hand'),
    };
  }

  /** Sends again: to `to` when given, else to the recipients that bounced, expired or were cancelled. */
  async resendMessages(ids: string[], to: string[] | null): Promise<QueueActionResult> {
    const known = this.knownIds(ids);
    for (const id of known) await this.queue.resend(id, to && to.length > 0 ? to : null);
    return { IDs: known };
  }

  async cancelMessages(ids: string[]): Promise<QueueActionResult> {
    return { IDs: await this.queue.cancel(this.knownIds(ids)) };
  }

  /** Retries everything deferred at once (the network is back, the machine woke up). */
  retryDeferred(why: string): Promise<string[]> {
    return this.queue.retryAll(why);
  }

  pauseUpstream(reason = 'paused by hand'): QueueView['upstream'] {
    this.queue.pause(reason);
    return this.upstreamState();
  }

  resumeUpstream(): QueueView['upstream'] {
    this.queue.resume('resumed by hand');
    return this.upstreamState();
  }

  private upstreamState(): QueueView['upstream'] {
    return { configured: this.settings.relay !== null, paused: this.queue.paused };
  }

  upstreamPresets(sesRegion?: string): UpstreamPresetView[] {
    return presetIds.map((id) => getPreset(id, sesRegion ? { sesRegion } : {}));
  }

  // --- settings ------------------------------------------------------------------------------

  /** The settings as saved (secrets only said to be set), which are pinned, which wait for a restart. */
  settingsView(): SettingsView {
    return settingsView(this.savedTarget, this.settings, this.pinned, this.savedIn);
  }

  /** Checks a change without saving it: every wrong field with its value and what is allowed. */
  checkSettings(change: unknown): SettingsCheck {
    const checked = checkSettingsChange(this.savedTarget, change, {
      pinned: this.pinned,
      userCount: this.users.count,
    });
    return checked.errors.length > 0
      ? { ok: false, errors: checked.errors, restartNeeded: checked.restartNeeded }
      : { ok: true, errors: [], restartNeeded: checked.restartNeeded };
  }

  /**
   * Saves a change when all of it is valid, else changes nothing. Rules, retention, limits and
   * the upstream apply at once; the listeners' addresses and TLS after a restart.
   */
  saveSettings(change: unknown): Promise<SettingsSaveResult> {
    // one save at a time: each checks against what the previous one saved
    const saving = this.settingsSaving.then(() => this.saveSettingsNow(change));
    this.settingsSaving = saving.catch(() => undefined);
    return saving;
  }

  private async saveSettingsNow(change: unknown): Promise<SettingsSaveResult> {
    const checked = checkSettingsChange(this.savedTarget, change, {
      pinned: this.pinned,
      userCount: this.users.count,
    });
    const { errors, restartNeeded } = checked;
    if (errors.length > 0) return { ok: false, errors, restartNeeded };
    const changed = Object.keys(checked.saved);
    if (changed.length > 0) {
      const saved = {
        ...(this.savedSettings ?? (await this.settingsStore.read())),
        ...checked.saved,
      };
      await this.settingsStore.write(saved);
      this.savedSettings = saved;
      this.savedTarget = checked.next;
      applyLiveSettings(this.settings, checked.next);
      this.rules = modeRules(this.settings.mode, this.settings.rules);
      this.listener.refreshPolicy();
      // an audit line: who may send, and where mail goes, may have changed
      this.log(
        `settings-audit event=save changed=${changed.join(',')}${restartNeeded.length ? ` after-restart=${restartNeeded.join(',')}` : ''}`,
      );
      this.queue.kick();
      void this.applyRetention();
    }
    return { ok: true, errors: [], restartNeeded, settings: this.settingsView() };
  }

  // --- logs ----------------------------------------------------------------------------------

  relayLogLines(limit: number): LogLines {
    return this.recentLog.last('relay', limit);
  }

  auditLogLines(limit: number): LogLines {
    return this.recentLog.last('audit', limit);
  }

  // --- SMTP users (the same file as `relaydesk user …`; the listener uses a change at once) ----

  listUsers(): Promise<SmtpUserView[]> {
    return this.users.list();
  }

  private async user(name: string): Promise<SmtpUserView> {
    const user = (await this.users.list()).find((u) => u.name === name);
    if (!user) throw new NotFoundError(`SMTP user ${JSON.stringify(name)} not found`);
    return user;
  }

  async addUser(name: string, password: string): Promise<SmtpUserView> {
    await this.users.set(name, password, 'add');
    return this.user(name);
  }

  async changeUserPassword(name: string, password: string): Promise<SmtpUserView> {
    await this.users.set(name, password, 'change');
    return this.user(name);
  }

  removeUser(name: string): Promise<void> {
    return this.users.remove(name);
  }

  // --- content filter and sender control ---------------------------------------------------

  /** Suspended client IPs, CIDRs, SMTP users and senders. */
  suspensions(): SuspensionEntry[] {
    return this.senders.list();
  }

  /** Suspends at once (`{Kind, Value, Reason}`); what the sender has queued is held. */
  suspend(input: unknown): Promise<SuspensionEntry & { Held: string[] }> {
    return this.senders.suspend(input);
  }

  /** Lifts a suspension; `release` also sends on what it held. */
  unsuspend(id: string, release = false): Promise<SuspensionEntry & { Released: string[] }> {
    return this.senders.unsuspend(id, release);
  }

  quotaUsage(): QuotaUsage {
    return this.senders.quotaUsage();
  }

  warmupStatus(): { warmup: WarmupStatus | null } {
    return { warmup: this.senders.warmupStatus() };
  }

  filterStatus(): Promise<FilterStatus> {
    return this.filter.status();
  }

  /** Quarantined messages (kept, never relayed), newest first. */
  quarantine(start: number, limit: number): MessagesPage {
    return this.page(start, limit, 'tag:quarantined');
  }

  /** The filter's decision on a message, and why any recipient is held or delayed. */
  messageDecisions(id: string): MessageDecisions {
    const record = this.record(id);
    const waiting: MessageDecisions['Recipients'] = [];
    for (const r of record.delivery ?? []) {
      if (r.state !== 'held' && r.state !== 'deferred') continue;
      waiting.push({
        Address: r.address,
        State: r.state,
        Why: r.history.at(-1)?.reason ?? '',
        NextAttemptAt: r.nextAttemptAt,
      });
    }
    return {
      ID: record.id,
      Mailbox: record.mailbox,
      Filter: record.filter ?? null,
      Notes: record.notes,
      Recipients: waiting,
    };
  }

  // --- queries -------------------------------------------------------------------------------

  /** A record by ID, or the newest for `latest` (Mailpit's alias). */
  record(id: string): MessageRecord {
    const record = id === 'latest' ? this.index.latest() : this.index.get(id);
    if (!record) throw new NotFoundError(`message ${JSON.stringify(id)} not found`);
    return record;
  }

  /** `timeZone` is Mailpit's `tz`: how dates in `before:`/`after:` are read. */
  list(start: number, limit: number, query?: string, timeZone?: string) {
    const filter = query && query.trim() !== '' ? parseSearchQuery(query, { timeZone }) : null;
    return this.index.page(start, limit, filter);
  }

  /** A page of the list in Mailpit's shape, newest first, optionally filtered by a search. */
  page(start: number, limit: number, query?: string, timeZone?: string): MessagesPage {
    const found = this.list(start, limit, query, timeZone);
    const tags = new Set<string>();
    for (const record of found.records) for (const tag of record.tags) tags.add(tag);
    return {
      total: this.index.size,
      unread: this.index.unread,
      count: found.records.length,
      messages_count: found.total,
      messages_unread: found.unread,
      start,
      tags: [...tags].sort(),
      messages: found.records.map(toMessageSummary),
    };
  }

  info(): RelaydeskInfo {
    const smtp = this.smtpAddress;
    const http = this.httpListenAddress ?? this.settings.http;
    const size = this.index.totalBytes();
    return {
      Version: relaydeskVersion,
      Database: this.settings.dataDir,
      DatabaseSize: size,
      Messages: this.index.size,
      Unread: this.index.unread,
      Tags: tagCounts(this.index.tagged()),
      Chaos: {
        Enabled: this.chaos.enabled,
        Active: this.chaos.active,
        Triggers: this.chaos.triggers,
      },
      RuntimeStats: {
        Uptime: Math.round((this.now() - this.stats.startedAt) / 1000),
        Memory: process.memoryUsage().rss,
        MessagesDeleted: this.stats.deleted,
        SMTPAccepted: this.stats.accepted,
        SMTPAcceptedSize: this.stats.acceptedBytes,
        // Mailpit counts refused messages: MAIL and DATA refusals (a refused recipient is not one)
        SMTPRejected: this.listener.counters.refused.total(
          (l) => l.stage === 'mail' || l.stage === 'message',
        ),
        SMTPIgnored: 0,
      },
      Listeners: {
        smtp: smtp ? `${smtp.host}:${smtp.port}` : '',
        http: `${http.host}:${http.port}`,
        ...pop3Listeners(this.pop3.addresses),
      },
      SMTPSecurity: this.listener.infoSecurity(),
      SMTPSessions: this.listener.openSessions(),
    };
  }

  /** The Prometheus text of `/metrics`. */
  metricsText(): string {
    const spoolBytes = this.index.totalBytes();
    const queueByState: Record<string, number> = {};
    for (const record of this.index.relayedOldestFirst()) {
      for (const r of record.delivery ?? [])
        queueByState[r.state] = (queueByState[r.state] ?? 0) + 1;
    }
    const counters = this.listener.counters;
    return renderPrometheusText(
      relayMetricFamilies({
        messages: this.index.size,
        unread: this.index.unread,
        spoolBytes,
        deleted: this.stats.deleted,
        accepted: this.stats.accepted,
        acceptedBytes: this.stats.acceptedBytes,
        uptimeSeconds: Math.round((this.now() - this.stats.startedAt) / 1000),
        memoryBytes: process.memoryUsage().rss,
        openSessions: this.listener.openSessions().Listeners,
        sessions: counters.sessions.samples(),
        refused: counters.refused.samples(),
        authFailures: counters.authFailures.samples(),
        authLockouts: this.listener.authLockouts.locked().length,
        serverClosed: counters.serverClosed.samples(),
        deliveryOutcomes: this.deliveryOutcomes.samples(),
        queueByState,
        parseFailures: this.parseFailures,
      }),
    );
  }

  /** Every ID matching a search (for deletes and bulk read changes). */
  idsMatching(query: string, timeZone?: string): string[] {
    return this.list(0, Number.MAX_SAFE_INTEGER, query, timeZone).records.map((r) => r.id);
  }

  get total(): number {
    return this.index.size;
  }

  get unread(): number {
    return this.index.unread;
  }

  records(): Iterable<MessageRecord> {
    return this.index.oldestFirst();
  }

  summary(record: MessageRecord): MessageSummary {
    return toMessageSummary(record);
  }

  async raw(id: string): Promise<Buffer> {
    const record = this.record(id);
    return this.spool.readRaw(record.id);
  }

  async headers(id: string): Promise<Record<string, string[]>> {
    return headerMap(await this.raw(id));
  }

  /** The full message as Mailpit returns it. Opening a message marks it read, as in Mailpit. */
  async detail(id: string, options: { markRead?: boolean } = {}): Promise<MessageDetail> {
    const record = this.record(id);
    const raw = await this.spool.readRaw(record.id);
    let detail: MessageDetail;
    try {
      detail = toMessageDetail(record, await this.parser.detail(raw));
    } catch (err) {
      detail = toMessageDetail(record, null, (err as Error).message);
    }
    if (options.markRead !== false) await this.setRead([record.id], true);
    return { ...detail, Read: true };
  }

  /** The route the message took, from its Received chain, and its envelope checked. */
  async route(id: string): Promise<RouteAnalysis> {
    const record = this.record(id);
    return analyzeMessage(await this.spool.readRaw(record.id), record.envelope);
  }

  /** Pasted headers or a whole .eml, analysed like a stored message's route; nothing is stored. */
  analyzeHeaders(text: string | Buffer): RouteAnalysis {
    return analyzeMessage(text, null);
  }

  /** An attachment with its name and type, as the contract carries it. */
  async partContent(id: string, partId: string): Promise<MessagePartContent> {
    const part = await this.part(id, partId);
    return {
      FileName: part.fileName,
      ContentType: part.contentType,
      Data: new Uint8Array(part.content),
    };
  }

  async part(id: string, partId: string): Promise<ParsedPart> {
    const record = this.record(id);
    const part = await this.parser.part(await this.spool.readRaw(record.id), partId);
    if (!part)
      throw new NotFoundError(`message ${record.id} has no part ${JSON.stringify(partId)}`);
    return part;
  }

  // --- checks (main/core/checks) --------------------------------------------------------------

  /** The message as SpamAssassin scores it; `Error` says why when spamd is not available. */
  async spamCheck(id: string): Promise<SpamCheckResult> {
    const record = this.record(id);
    return checkSpam(this.settings.spamassassin, await this.spool.readRaw(record.id));
  }

  /** The HTML and text bodies; a message mailparser cannot read is scanned as its raw source. */
  private async bodies(id: string): Promise<{ html: string; text: string }> {
    const raw = await this.spool.readRaw(this.record(id).id);
    try {
      const detail = await this.parser.detail(raw);
      return { html: detail.html, text: detail.text };
    } catch {
      return { html: '', text: raw.toString('utf8') };
    }
  }

  /** How well email clients support the message's HTML and CSS (caniemail.com's data). */
  async htmlCheck(id: string): Promise<HtmlCheckResult> {
    const { html } = await this.bodies(id);
    if (html.trim() === '') throw new NoHtmlError(`message ${this.record(id).id} has no HTML part`);
    return checkHtml(html);
  }

  /**
   * Every link and image URL of the message with its HTTP status (HEAD; GET too when `get` or
   * the linkCheckGet setting allows it). `follow` follows redirects to http(s) URLs.
   */
  async linkCheck(
    id: string,
    options: { follow?: boolean; get?: boolean } = {},
  ): Promise<LinkCheckResult> {
    const { html, text } = await this.bodies(id);
    return checkLinks(html, text, {
      follow: options.follow ?? false,
      useGet: options.get ?? this.settings.linkCheckGet,
      timeoutMs: this.settings.linkCheckTimeoutMs,
      allowInternal: this.settings.allowInternalHttpRequests,
      userAgent: `Relaydesk/${relaydeskVersion} (link check)`,
    });
  }

  // --- changes -------------------------------------------------------------------------------

  async setRead(ids: string[], read: boolean): Promise<void> {
    for (const id of ids) {
      const record = this.index.get(id);
      if (!record || !this.index.setRead(record, read)) continue;
      await this.spool.update(record);
      this.publish({ Type: 'update', Data: { ID: id, Read: read } });
    }
    this.publishStats();
  }

  async deleteMessages(ids: string[]): Promise<string[]> {
    const removed = this.index.remove(ids);
    for (const id of removed) await this.spool.remove(id);
    this.stats.deleted += removed.length;
    if (removed.length > 0) {
      this.publish({ Type: 'delete', Data: { IDs: removed } });
      this.publishStats();
    }
    return removed;
  }

  async deleteAll(): Promise<void> {
    const all = this.index.remove(this.index.oldestIds(this.index.size));
    for (const id of all) await this.spool.remove(id);
    this.stats.deleted += all.length;
    this.publish({ Type: 'delete', Data: null });
    this.publishStats();
  }

  /**
   * Resolves with the newest message matching `query` that is already there, or the first one
   * to arrive before the timeout; null at the timeout. Tests use it instead of polling.
   */
  waitFor(query: string, timeoutMs: number, signal?: AbortSignal): Promise<MessageRecord | null> {
    const filter = query.trim() === '' ? null : parseSearchQuery(query);
    const matches = (r: MessageRecord): boolean =>
      filter ? this.index.matches(r.id, filter) : true;
    const existing = this.index.page(0, 1, filter).records[0];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const finish = (record: MessageRecord | null): void => {
        clearTimeout(timer);
        this.off('event', onEvent);
        signal?.removeEventListener('abort', onAbort);
        resolve(record);
      };
      const onEvent = (event: RelaydeskEvent): void => {
        if (event.Type !== 'new') return;
        const record = this.index.get(event.Data.ID);
        if (record && matches(record)) finish(record);
      };
      const onAbort = (): void => finish(null);
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.on('event', onEvent);
      signal?.addEventListener('abort', onAbort);
    });
  }

  // --- the capture toolkit: tags, send API, chaos, webhooks, ingest ----------------------------

  private get taggedStore(): TaggedStore {
    return {
      records: () => this.index.oldestFirst(),
      get: (id) => this.index.get(id),
      save: (record) => this.saveRecord(record),
      publish: (event) => this.publish(event),
    };
  }

  /** Every tag in use, sorted (Mailpit's GET /api/v1/tags). */
  tags(): string[] {
    return messageTags.allTags(this.index.tagged());
  }

  /** Replaces the tags of messages; an empty list removes them (Mailpit's PUT /api/v1/tags). */
  setTags(ids: string[], tags: string[]): Promise<void> {
    return messageTags.setMessageTags(this.taggedStore, ids, tags);
  }

  renameTag(from: string, to: string): Promise<void> {
    return messageTags.renameTag(this.taggedStore, from, to);
  }

  deleteTag(tag: string): Promise<void> {
    return messageTags.deleteTag(this.taggedStore, tag);
  }

  /** Mailpit's GET /api/v1/chaos; a ChaosError when chaos is not enabled. */
  chaosTriggers(): ChaosTriggers {
    if (!this.chaos.enabled)
      throw new ChaosError('Chaos is not enabled; start Relaydesk with --enable-chaos');
    return this.chaos.triggers;
  }

  /** Mailpit's PUT /api/v1/chaos: triggers left out are reset to probability 0. */
  setChaosTriggers(body: unknown): ChaosTriggers {
    const triggers = this.chaos.set(triggersFromJson(body));
    this.log(this.chaos.describe());
    this.publish({ Type: 'chaos', Data: { Active: this.chaos.active, Triggers: triggers } });
    return triggers;
  }

  private async startWebhooks(): Promise<void> {
    if (this.settings.webhookUrls.length === 0) return;
    const webhooks = new WebhookSender({
      urls: this.settings.webhookUrls,
      secret: await loadWebhookSecret(this.settings.webhookSecretFile, process.env),
      timeoutMs: this.settings.webhookTimeoutMs,
      retries: this.settings.webhookRetries,
      retryDelayMs: this.settings.webhookRetryDelayMs,
      userAgent: `Relaydesk/${relaydeskVersion}`,
      log: (line) => this.log(line),
    });
    this.webhooks = webhooks;
    // from the events, so every way in (SMTP, the Send API, ingest, our own DSNs) is covered
    this.on('event', (event) => {
      if (event.Type === 'new') webhooks.enqueue('new', event.Data.ID, event.Data);
      else if (event.Type === 'update' && event.Data.Status !== undefined) {
        const record = this.index.get(event.Data.ID);
        if (record) webhooks.enqueue('delivery', record.id, deliveryPayload(record));
      }
    });
  }

  /** The webhook URLs and delivery log, newest first (empty when no --webhook-url is set). */
  webhookLog(): WebhookLogView {
    return {
      URLs: this.settings.webhookUrls.map(displayUrl),
      Deliveries: this.webhooks?.deliveries() ?? [],
    };
  }

  /**
   * Mailpit's POST /api/v1/send: builds the message and takes it in as if it had come over SMTP
   * from `client`, through the same routing rules (so it may be relayed). Resolves with its ID
   * once it is on disk.
   */
  async sendMessage(
    body: unknown,
    client: {
      ip: string;
      user: string | null;
      /** Whether the caller proved who it is (a password) or is on this machine. */
      trusted: boolean;
    },
  ): Promise<string> {
    const request = parseSendRequest(body);
    const composed = await composeMessage(request);
    if (composed.rcptTo.length > this.settings.maxRecipients) {
      throw new SendRequestError(
        `To: ${composed.rcptTo.length} recipients; at most ${this.settings.maxRecipients} per message`,
      );
    }
    for (const recipient of composed.rcptTo) {
      const refusal = this.checkRecipient({
        recipient,
        sender: composed.mailFrom,
        user: client.user,
      });
      if (refusal) {
        throw new SendRequestError(
          `${recipient}: refused by the routing rules (${refusal.code} ${refusal.message})`,
        );
      }
      // never an open relay: as on SMTP, only a trusted caller may have mail sent on
      const action = routeRecipient(this.rules, {
        recipient,
        sender: composed.mailFrom,
        user: client.user,
      }).action.type;
      if (!client.trusted && (action === 'relay' || action === 'redirect')) {
        throw new SendRequestError(
          `${recipient}: relay access denied: the routing rules relay this address and ${client.ip} gave no password; use the Send API's or the UI's password`,
        );
      }
    }
    const receivedAt = new Date(this.now());
    const id = newMessageId(receivedAt.getTime());
    const stamp = httpReceivedStamp({
      clientIp: client.ip,
      hostname: this.settings.hostname,
      id,
      rcptTo: composed.rcptTo,
      date: receivedAt,
    });
    const raw = Buffer.concat([Buffer.from(stamp, 'utf8'), composed.raw]);
    if (raw.length > this.settings.maxSize) {
      throw new SendRequestError(
        `body: the message would be ${raw.length} bytes; the size limit is ${this.settings.maxSize} bytes`,
      );
    }
    await this.accept({
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
    return id;
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
    if (raw.length === 0) throw new SendRequestError('body: the message is empty');
    if (raw.length > this.settings.maxSize) {
      throw new SendRequestError(
        `body: ${raw.length} bytes is over the size limit of ${this.settings.maxSize} bytes`,
      );
    }
    const repaired = normalizeLineEndings(raw).data;
    const receivedAt = options.receivedAt ?? dateHeaderTime(repaired) ?? new Date(this.now());
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
}
