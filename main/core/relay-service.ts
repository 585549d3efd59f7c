// RelayService: the one facade over the relay. The HTTP routes, the WebSocket and (in the desktop
// app) the IPC handlers are thin adapters over its methods and events; none holds logic, and none
// reaches its parts. This file builds the parts and starts and stops them; each feature area's
// calls live in their own module under service/ and are attached here.
import { HandPauseFile } from './queue/hand-pause-file.js';
import { UpstreamAnsweredFile } from './queue/upstream-answered.js';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { AddressChecker } from './address-check/address-checker.js';
import { RecipientCheck } from './address-check/recipient-check.js';
import { Chaos } from './chaos/chaos-triggers.js';
import { DnsResolver } from './dns/dns-resolver.js';
import { FilterControl } from './filter/filter-control.js';
import { SmtpListener } from './listener/smtp-listener.js';
import { MaildropPickup } from './maildrop/maildrop-pickup.js';
import { formatLogLine, note, type LogRecord } from './logs/log-record.js';
import { RelayLog } from './logs/relay-log.js';
import { LabelledCounter } from './metrics/prometheus-text.js';
import { UserStore } from './policy/user-store.js';
import { Pop3Listener } from './pop3/pop3-listener.js';
import { ListenerStatus } from './listener-status/listener-status.js';
import { DeliveryQueue, type DeliverFunction } from './queue/delivery-queue.js';
import { DeliveryJournal } from './queue/delivery-journal.js';
import { queueStore } from './queue/queue-store.js';
import { openIndex } from './index/index-startup.js';
import { BodyTextRefill } from './index/body-text-refill.js';
import { bodyTextReader } from './service/body-text-reader.js';
import { HtmlChecker } from './checks/html-check/html-checker.js';
import { Retention } from './retention.js';
import { RelayPasswordFile } from './secrets/relay-password-file.js';
import { SenderControlService } from './sender-control/sender-control-service.js';
import type { ListenAddress, Settings } from './settings/settings-schema.js';
import type { SettingsStore } from './settings/settings-store.js';
import { DkimKeyStore } from './signing/key-store.js';
import { DkimSigning } from './signing/dkim-signing.js';
import { removeListeningFile, writeListeningFile } from './maildrop/listening-file.js';
import { OwnerOnlyFileVault, type PrivateKeyVault } from './signing/key-vault.js';
import { deliverToUpstream } from './upstream/delivery-attempt.js';
import { loadWebhookSecret, type WebhookSender } from './webhooks/index.js';
import {
  checkMethods,
  signingMethods,
  type CheckMethods,
  type SigningMethods,
} from './service/check-methods.js';
import { RestartOffer } from './service/restart-offer.js';
import { controlMethods, type ControlMethods } from './service/control-methods.js';
import { MessageArrival } from './service/message-arrival.js';
import { messageMethods, type MessageMethods } from './service/message-methods.js';
import { MessageStore } from './service/message-store.js';
import { queueMethods, type QueueMethods } from './service/queue-methods.js';
import { RecipientRules } from './service/recipient-rules.js';
import { readRecordIntake, RecordBuilder } from './service/record-builder.js';
import { runtimeMethods, type RuntimeMethods } from './service/runtime-methods.js';
import { senderMethods, type SenderMethods } from './service/sender-methods.js';
import type { ServiceEvent } from './service/service-event.js';
import type { ServiceEvents, ServiceParts } from './service/service-parts.js';
import { SettingsKeeper } from './service/settings-keeper.js';
import { startWebhooks, toolkitMethods, type ToolkitMethods } from './service/toolkit-methods.js';

export { relaydeskVersion, type RuntimeStats } from './service/message-store.js';
export { NotFoundError, SettingsInputError } from './service/service-errors.js';
export type { SendClient } from './service/message-arrival.js';
export type { MessageListed, ServiceEvent } from './service/service-event.js';

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
  /**
   * The saved settings, when they are not those it runs with: a restart that could not start
   * with them runs with the earlier ones, and they still wait for a restart.
   */
  savedTarget?: Settings;
}

// The calls of each feature area, attached to the facade in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface RelayService
  extends
    MessageMethods,
    QueueMethods,
    CheckMethods,
    SigningMethods,
    SenderMethods,
    ToolkitMethods,
    ControlMethods,
    RuntimeMethods {}

/** How long a relay nobody has sent to waits before loading mailparser anyway (warmParser). */
const parserWarmAfterMs = 10_000;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RelayService extends EventEmitter<ServiceEvents> {
  readonly settings: Settings;
  private readonly parts: ServiceParts;
  private webhooks: WebhookSender | null = null;
  /**
   * What the start has opened so far: a stop closes those, also after a start that failed part
   * way (a DKIM key, the index or a listener refused), so their files and descriptors are let go.
   */
  private readonly opened = { spool: false, index: false, journal: false };
  private closingListener: Promise<void> | null = null;
  /** The body text of messages the index took from their sidecars, read from their .eml. */
  private bodyTextRefill: BodyTextRefill | null = null;
  /** Takes in what `relaydesk sendmail` left in the drop folder while we could not take it. */
  private maildrop: MaildropPickup | null = null;
  private parserWarmTimer: NodeJS.Timeout | null = null;

  constructor(options: RelayServiceOptions) {
    super();
    const settings = options.settings;
    this.settings = settings;
    const now = options.now ?? Date.now;
    // the relay, audit and service logs' files and views take every record too (set below: they
    // report their own write failures through this log)
    let intoLogFiles = (_record: LogRecord, _line: string): void => undefined;
    const log = (entry: string | LogRecord): void => {
      const record = typeof entry === 'string' ? note('', entry) : entry;
      const line = formatLogLine(record);
      this.emit('record', record);
      this.emit('log', line);
      intoLogFiles(record, line);
    };
    const publish = (event: ServiceEvent): void => void this.emit('event', event);
    const store = new MessageStore(settings.dataDir, now, publish, (line) => log(line));
    const rules = new RecipientRules(settings);
    const runtime: ServiceParts['runtime'] = {
      smtpAddress: null,
      httpAddress: null,
      parseFailures: 0,
      deliveryOutcomes: new LabelledCounter(),
    };
    const relayLog = new RelayLog({
      dataDir: settings.dataDir,
      rotation: { maxBytes: settings.logMaxSize, keep: settings.logKeep },
      now,
      publish,
      log,
    });
    intoLogFiles = (record, line) => relayLog.noteRecord(record, line);
    const users = new UserStore(settings.dataDir, (line) => log(line));
    const dns = new DnsResolver({ servers: settings.dnsServers });
    const recipientCheck = new RecipientCheck(new AddressChecker(dns), settings, log);
    const filter = new FilterControl(
      settings,
      () => rules.current,
      store.parser,
      now,
      log,
      (key) => options.pinnedSettings?.[key],
    );
    // the parts below call one another through `parts`, which is complete before any call
    const parts = {} as ServiceParts;
    const senders = new SenderControlService(settings, now, {
      records: () => store.index.workingOldestFirst(),
      relayedRecords: () => store.index.relayedOldestFirst(),
      smtpArrivalsSince: (since) => store.index.smtpArrivalsSince(since),
      hold: (ids, reason) => parts.queue.hold(ids, reason),
      rehold: (ids, reason) => parts.queue.rehold(ids, reason),
      release: (ids) => parts.queue.release(ids),
      publish,
      log,
    });
    const chaos = new Chaos(
      settings.enableChaos || settings.chaosTriggers !== null,
      settings.chaosTriggers,
      options.chaosRoll,
    );
    const dkimDir = join(settings.dataDir, 'dkim');
    const dkim = new DkimSigning(
      new DkimKeyStore(
        dkimDir,
        options.keyVault ?? new OwnerOnlyFileVault(join(dkimDir, 'private')),
      ),
      dns,
      log,
    );
    const listener = new SmtpListener(
      settings,
      {
        accept: (message) => parts.arrival.accept(message, undefined, { listenerAudits: true }),
        checkRecipient: (input) => rules.refusal(input),
        recipientAction: (input) => rules.action(input),
        chaos: (stage) => chaos.fire(stage),
        validateRecipient: (input) => recipientCheck.atRcpt(input),
        log,
        senderCheck: senders.control,
        connected: () => this.warmParser(),
        storage: (full) => listenerStatus.storage(full),
        sessionChanged: (session) => publish({ Type: 'session', Data: session }),
      },
      { users },
    );
    const pop3 = new Pop3Listener(
      settings,
      {
        entries: (mailbox) =>
          [...store.index.oldestFirst()]
            // POP3 logins name mailboxes case-insensitively, as `mailbox:` searches them
            .filter((r) => mailbox === null || r.mailbox.toLowerCase() === mailbox.toLowerCase())
            .map((r) => ({ id: r.id, size: r.size })),
        mailboxNames: () => store.index.mailboxes().map((box) => box.Name),
        raw: (id) => store.raw(id),
        markRead: (id) => store.setRead([id], true),
        remove: (ids) => store.deleteMessages(ids, 'pop3'),
      },
      users,
      listener.authLockouts,
      log,
    );
    // delivery state changes, appended with group commit and folded into the sidecars later
    const journal = new DeliveryJournal({
      dataDir: settings.dataDir,
      current: (id) => store.index.get(id),
      writeSidecar: (record, folding) => store.spool.update(record, folding),
      indexSettled: () => store.index.settled(),
      index: (record, delivery) => store.index.update(record, delivery),
      unsynced: store.unsyncedDeliveries,
      log: (line) => log(line),
    });
    const listenerStatus = new ListenerStatus(settings, now, {
      publish: (view) => publish({ Type: 'listeners', Data: view }),
      log: (line) => log(line),
    });
    // --relay-password-file: read again when it changes, a change counting as new settings
    const passwordFile = settings.relayPasswordFile
      ? new RelayPasswordFile(settings.relayPasswordFile, {
          current: () => {
            const auth = settings.relay?.auth;
            return auth && 'password' in auth ? auth.password : null;
          },
          apply: (password) => {
            const relay = settings.relay;
            if (!relay?.auth || !('password' in relay.auth)) return;
            settings.relay = { ...relay, auth: { ...relay.auth, password } };
            parts.queue.upstreamChanged();
          },
          log: (line, level) => relayLog.relay(note('relay', line, level)),
        })
      : null;
    const queue = new DeliveryQueue({
      settings,
      answeredFile: new UpstreamAnsweredFile(
        join(settings.dataDir, 'upstream-answered.json'),
        (line) => log(line),
      ),
      handPauseFile: new HandPauseFile(join(settings.dataDir, 'relay-paused.json'), (line) =>
        log(line),
      ),
      ...(passwordFile ? { refreshUpstream: () => passwordFile.refresh() } : {}),
      store: queueStore(store, journal, dkim, now),
      deliver: options.deliver ?? deliverToUpstream,
      now,
      publish,
      log: (line) => relayLog.relay(line),
      gate: (recipients, at) => senders.warmupGate(recipients, at),
      holdAfterAttempt: (record) => senders.holdAfterAttempt(record),
      onAttempt: (recipient) => {
        runtime.deliveryOutcomes.add({ state: recipient.state });
        senders.attempted(recipient);
      },
      onFailed: (record, failed) =>
        void parts.arrival.reportFailure(
          record.id,
          failed.map((r) => r.address),
        ),
      onDelayed: (record, delayed) =>
        void parts.arrival.reportDelay(
          record.id,
          delayed.map((r) => r.address),
        ),
    });
    const retention = new Retention({
      settings,
      index: store.index,
      now,
      deleteMessages: (ids, cause) => store.deleteMessages(ids, cause),
      log,
    });
    const restart = new RestartOffer();
    const saved = new SettingsKeeper({
      settings,
      restartable: () => restart.available,
      ...(options.settingsStore ? { store: options.settingsStore } : {}),
      ...(options.savedSettings ? { saved: options.savedSettings } : {}),
      ...(options.pinnedSettings ? { pinned: options.pinnedSettings } : {}),
      ...(options.savedIn ? { savedIn: options.savedIn } : {}),
      ...(options.savedTarget ? { target: options.savedTarget } : {}),
      userCount: () => users.count,
      userNames: () => users.names,
      refreshUsers: () => users.refresh(),
      applied: (changed, restartNeeded) => {
        rules.reload(settings);
        listener.refreshPolicy();
        // clamdUnavailable and the rules' filters are in the words of a clamd-down notice
        filter.settingsChanged();
        // an audit line: who may send, and where mail goes, may have changed
        log({
          level: 'info',
          event: 'settings-audit',
          fields: {
            event: 'save',
            changed: changed.join(','),
            'after-restart': restartNeeded.length ? restartNeeded.join(',') : undefined,
          },
        });
        if (changed.includes('quotas')) senders.quotasSaved();
        if (changed.includes('relay')) queue.upstreamChanged();
        if (changed.some((key) => key.startsWith('webhook'))) void this.webhooksChanged();
        queue.kick();
        void retention.apply();
      },
    });
    const builder = new RecordBuilder({
      settings,
      parser: store.parser,
      recipientCheck,
      knownTags: () => store.index.tags().spellings,
      onParseFailure: (id, error) => {
        runtime.parseFailures++;
        log(note(id, `MIME not readable, kept raw: ${error}`, 'warn'));
      },
    });
    // after a crash, a message the journal has only by its intake is parsed again at start
    store.spool.completeArrivalsWith((intake, raw) =>
      builder.complete(readRecordIntake(intake), raw, true),
    );
    // the first check of an HTML message starts the worker; the log says what that load cost
    const htmlChecker = new HtmlChecker({
      onLoaded: (ms) =>
        log(note('html-check', `worker started: css-tree and caniemail's data loaded in ${ms} ms`)),
    });
    Object.assign(parts, {
      settings,
      passwordFile,
      htmlChecker,
      now,
      events: this,
      log,
      runtime,
      store,
      rules,
      builder,
      retention,
      relayLog,
      saved,
      restart,
      listener,
      pop3,
      listenerStatus,
      queue,
      journal,
      users,
      filter,
      senders,
      chaos,
      dns,
      dkim,
      recipientCheck,
    });
    parts.arrival = new MessageArrival(parts);
    this.parts = parts;
    const messages = messageMethods(parts);
    attach(this, messages);
    attach(this, queueMethods(parts));
    attach(this, checkMethods(parts));
    attach(this, signingMethods(parts));
    attach(this, senderMethods(parts, messages));
    attach(
      this,
      toolkitMethods(parts, () => this.webhooks),
    );
    attach(this, controlMethods(parts));
    attach(this, runtimeMethods(parts));
  }

  /**
   * Opens the spool, the index and the queue, then listens for SMTP and POP3. `beforeListening`
   * runs once all is open and before the SMTP port is: the HTTP API starts there, so a script
   * that waits for the SMTP port finds the API answering too.
   */
  async start({ beforeListening }: { beforeListening?: () => Promise<void> } = {}): Promise<{
    smtp: ListenAddress;
    /** The SMTP listener's loopback twin (listen-address.ts), or null. */
    smtpAlso: ListenAddress | null;
  }> {
    const { store, dkim, queue, journal, senders, retention, chaos, listener, pop3, log } =
      this.parts;
    this.parserWarmTimer = setTimeout(() => this.warmParser(), parserWarmAfterMs).unref();
    await store.spool.open();
    this.opened.spool = true;
    await dkim.keys.load(this.settings.dkim);
    // not awaited: a slow or unreachable DNS must not delay the start or hold any mail
    if (this.settings.dkim.length > 0) {
      void dkim
        .checkSettingsKeysAtStart(() => this.closingListener !== null)
        .catch((err: Error) => log(`dkim: the check of --dkim-key records failed: ${err.message}`));
    }
    const opened = await openIndex(store.index, store.spool);
    this.opened.index = true;
    store.quarantined = opened.quarantined;
    for (const q of opened.quarantined)
      log(note('spool', `moved ${q.file} to quarantine: ${q.reason}`, 'warn'));
    await journal.open((record) => store.saveRecord(record));
    this.opened.journal = true;
    log(opened.summary);
    await queue.recover();
    await senders.load();
    // before the queue sends anything, and before it picks the message it tries at once (its
    // smtp-audit line says what it held)
    await senders.holdUnheldAtStart();
    await queue.probeAtStart();
    this.sayQueueWithoutUpstream();
    await retention.apply();
    this.webhooks = await startWebhooks(this.parts);
    if (chaos.enabled) log(chaos.describe());
    await beforeListening?.();
    // a listener that cannot listen stops the start, or is shown with its fix (listenerFailure)
    const smtp = await this.parts.listenerStatus.start(listener, ['smtp', 'smtps'], (bound) => ({
      smtp: bound,
      smtps: listener.security.smtps,
    }));
    this.parts.runtime.smtpAddress = smtp;
    if (smtp) {
      const also = listener.alsoListeningOn;
      this.parts.listenerStatus.alsoListening('smtp', also.smtp);
      this.parts.listenerStatus.alsoListening('smtps', also.smtps);
    }
    try {
      await this.parts.listenerStatus.start(pop3, ['pop3', 'pop3s'], (bound) => ({ ...bound }));
    } catch (err) {
      await listener.close();
      throw err;
    }
    // for `relaydesk sendmail --data` without --smtp (listening-file.ts); a relay that cannot
    // write it still runs, and sendmail then keeps mail in the drop folder, as before
    if (smtp) {
      await writeListeningFile(this.settings.dataDir, { smtp }).catch((err: Error) =>
        log(
          note(
            'maildrop',
            `could not record the SMTP address for sendmail: ${err.message}`,
            'warn',
          ),
        ),
      );
    }
    queue.kick();
    retention.start();
    // a ping answered after a stop began says nothing: the log files are closing
    const filterLog = (level: 'warn' | 'info') => (line: string) => {
      if (!this.closingListener) log(note('filter', line, level));
    };
    this.parts.filter.watchScanner(filterLog('warn'), filterLog('info'), (down) =>
      this.parts.listenerStatus.scanner(down),
    );
    this.parts.passwordFile?.start();
    await this.startMaildrop();
    this.bodyTextRefill = new BodyTextRefill(
      store.index,
      bodyTextReader(store.spool, store.parser),
      (line, level) => log(note('index', line, level)),
    );
    void this.bodyTextRefill.start();
    return {
      smtp: smtp ?? this.settings.smtp,
      smtpAlso: smtp ? listener.alsoListeningOn.smtp : null,
    };
  }

  /**
   * The drop folder is read once now (mail left while the relay was stopped), then whenever a
   * file appears; paused with receiving, as mail from outside is.
   */
  private async startMaildrop(): Promise<void> {
    const { store, arrival, listener, log } = this.parts;
    const pickup = new MaildropPickup({
      dataDir: this.settings.dataDir,
      isStored: (id) => store.index.get(id) !== undefined,
      take: (dropped) => arrival.fromMaildrop(dropped),
      refused: async (refusal) => {
        const id = await arrival.noticeOfRefusedDrop(refusal);
        log(
          note(
            'maildrop',
            `non-delivery notice ${id} listed in the Inbox for ${refusal.keptAt ?? refusal.takenAs}`,
          ),
        );
      },
      paused: () => listener.receivingPaused,
      log: (line, level) => log(note('maildrop', line, level)),
    });
    this.maildrop = pickup;
    this.on('event', (event) => {
      if (event.Type === 'receiving' && !event.Data.paused) pickup.kick();
    });
    try {
      await pickup.start();
    } catch (err) {
      // the relay runs on without it; sendmail's drops wait for the next start
      log(note('maildrop', `not watching the drop folder: ${(err as Error).message}`, 'error'));
    }
  }

  /**
   * Has the arrivals' worker load mailparser (a few hundred ms of CPU on the other core) ahead of
   * the first message, once: when the first SMTP client connects, so its DATA finds it loaded or
   * loading, or when the relay has been up a while with nobody sending. Not at start: a relay just
   * started is busy with the GUI's first list paint, and one that is never sent to (a relay for
   * the API or the queue alone, a short-lived test relay) never needs it.
   */
  private warmParser(): void {
    if (this.parserWarmTimer === null || this.closingListener) return;
    clearTimeout(this.parserWarmTimer);
    this.parserWarmTimer = null;
    // a stop begun while it loads (a signal soon after the first client) gets no line about it
    this.parts.store.parser.warm((ms) => {
      if (!this.closingListener) this.parts.log(note('parser', `mailparser loaded in ${ms} ms`));
    });
  }

  /**
   * A start with mail queued for relaying and no upstream (an earlier run had --relay-host, this
   * one not): the queue does not run, so that mail would wait without a word in the log an admin
   * reads after a restart. Said once, as a warning with the fix.
   */
  private sayQueueWithoutUpstream(): void {
    if (this.settings.relay) return;
    const waiting = this.parts.store.index
      .workingOldestFirst()
      .filter((record) =>
        record.delivery?.some((r) => r.state === 'pending' || r.state === 'deferred'),
      ).length;
    if (waiting === 0) return;
    const messages = waiting === 1 ? '1 message waits' : `${waiting} messages wait`;
    this.parts.log(
      note(
        'queue',
        `${messages} to be relayed, but no upstream is set up: none is sent, nor given up on, until one is (Settings → Upstream, or --mode relay --relay-host HOST:PORT)`,
        'warn',
      ),
    );
  }

  /** Refuses new SMTP connections at once; resolves when messages being received are stored. */
  stopAccepting(): Promise<void> {
    this.closingListener ??= Promise.all([
      // first: a sendmail starting now keeps its message in the drop folder instead
      removeListeningFile(this.settings.dataDir),
      this.parts.listener.close(),
      this.parts.pop3.close(),
      this.maildrop?.stop(),
    ]).then(() => undefined);
    return this.closingListener;
  }

  /**
   * Webhook settings saved in Settings apply at once: the first URL added starts the sender,
   * later saves reconfigure it. A secret file that cannot be read changes nothing (webhooks
   * signed with the old secret, or none, rather than sent unsigned) and is logged with its fix.
   */
  private async webhooksChanged(): Promise<void> {
    const { settings, log } = this.parts;
    try {
      if (!this.webhooks) {
        this.webhooks = await startWebhooks(this.parts);
        return;
      }
      this.webhooks.reconfigure({
        urls: settings.webhookUrls,
        secret: await loadWebhookSecret(settings.webhookSecretFile, process.env),
        timeoutMs: settings.webhookTimeoutMs,
        retries: settings.webhookRetries,
        retryDelayMs: settings.webhookRetryDelayMs,
      });
    } catch (err) {
      log(
        note(
          'webhooks',
          `the saved webhook settings are not applied: ${(err as Error).message}`,
          'error',
        ),
      );
    }
  }

  /** Stops taking mail, lets messages being received finish, then releases everything. */
  async stop(): Promise<void> {
    const { retention, queue, journal, store, relayLog } = this.parts;
    if (this.parserWarmTimer) clearTimeout(this.parserWarmTimer);
    // checks in flight fail at once: nobody waits for them, and their worker ends with us
    const htmlChecks = this.parts.htmlChecker.close();
    retention.stop();
    this.parts.filter.stopWatchingScanner();
    this.parts.passwordFile?.stop();
    this.webhooks?.stop();
    await this.stopAccepting();
    await this.bodyTextRefill?.stop();
    await queue.stop();
    if (this.opened.journal) await journal.close();
    if (this.opened.spool) await store.spool.close();
    await this.parts.senders.stop();
    // the index's writes run in the parse worker: they are committed before it ends
    if (this.opened.index) store.index.close();
    await store.parser.close();
    await htmlChecks;
    // the last audit lines (sessions closed by the stop) are on disk before we say we stopped
    await relayLog.flush();
  }

  /** Runs retention now (count, age and relayed mail's keep time); also runs hourly. */
  applyRetention(): Promise<void> {
    return this.parts.retention.apply();
  }
}

/** Copies a feature area's calls onto the facade, getters as getters. */
function attach(service: RelayService, methods: object): void {
  Object.defineProperties(service, Object.getOwnPropertyDescriptors(methods));
}
