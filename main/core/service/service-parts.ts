// The parts of the relay that the service's feature modules share. The facade (relay-service.ts)
// builds them once; a feature module gets them and exposes methods, never the parts themselves.
import type { RestartOffer } from './restart-offer.js';
import type { EventEmitter } from 'node:events';
import type { RecipientCheck } from '../address-check/recipient-check.js';
import type { Chaos } from '../chaos/chaos-triggers.js';
import type { DnsResolver } from '../dns/dns-resolver.js';
import type { FilterControl } from '../filter/filter-control.js';
import type { HtmlChecker } from '../checks/html-check/html-checker.js';
import type { SmtpListener } from '../listener/smtp-listener.js';
import type { LogRecord } from '../logs/log-record.js';
import type { RelayLog } from '../logs/relay-log.js';
import type { LabelledCounter } from '../metrics/prometheus-text.js';
import type { UserStore } from '../policy/user-store.js';
import type { Pop3Listener } from '../pop3/pop3-listener.js';
import type { ListenerStatus } from '../listener-status/listener-status.js';
import type { DeliveryJournal } from '../queue/delivery-journal.js';
import type { DeliveryQueue } from '../queue/delivery-queue.js';
import type { RelayPasswordFile } from '../secrets/relay-password-file.js';
import type { Retention } from '../retention.js';
import type { SenderControlService } from '../sender-control/sender-control-service.js';
import type { ListenAddress, Settings } from '../settings/settings-schema.js';
import type { DkimSigning } from '../signing/dkim-signing.js';
import type { MessageArrival } from './message-arrival.js';
import type { MessageStore } from './message-store.js';
import type { RecipientRules } from './recipient-rules.js';
import type { RecordBuilder } from './record-builder.js';
import type { ServiceEvent } from './service-event.js';
import type { SettingsKeeper } from './settings-keeper.js';

export interface ServiceEvents {
  /** A change adapters pass on: the WebSocket, webhooks, the desktop window and tray. */
  event: [ServiceEvent];
  /** Every log record, formatted as the line the console and the log files show. */
  log: [string];
  /** The same, as the record it was made from. */
  record: [LogRecord];
}

/** What changes while the service runs and is shown by the info and metrics calls. */
export interface ServiceRuntime {
  smtpAddress: ListenAddress | null;
  httpAddress: ListenAddress | null;
  /** MIME parse failures (kept raw), for /metrics. */
  parseFailures: number;
  /** Recipients' outcomes after each attempt, for /metrics. */
  deliveryOutcomes: LabelledCounter;
}

export interface ServiceParts {
  settings: Settings;
  now: () => number;
  /** The service itself as an event source (waits and webhooks follow its events). */
  events: EventEmitter<ServiceEvents>;
  /** A line or a record for the service's log (a plain line is an `info` note). */
  log: (entry: string | LogRecord) => void;
  runtime: ServiceRuntime;
  store: MessageStore;
  rules: RecipientRules;
  builder: RecordBuilder;
  arrival: MessageArrival;
  retention: Retention;
  relayLog: RelayLog;
  saved: SettingsKeeper;
  /** The restart its owner offers (see restart-offer.ts). */
  restart: RestartOffer;
  listener: SmtpListener;
  pop3: Pop3Listener;
  listenerStatus: ListenerStatus;
  queue: DeliveryQueue;
  /** The upstream password file, watched for changes; null without --relay-password-file. */
  passwordFile: RelayPasswordFile | null;
  journal: DeliveryJournal;
  users: UserStore;
  filter: FilterControl;
  senders: SenderControlService;
  chaos: Chaos;
  dns: DnsResolver;
  dkim: DkimSigning;
  recipientCheck: RecipientCheck;
  /** The HTML check's worker thread, started by the first check. */
  htmlChecker: HtmlChecker;
}
