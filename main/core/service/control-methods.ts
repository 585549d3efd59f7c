// The facade's calls over the running relay: pausing receiving, the listeners' addresses and
// security, the routing rules' answer for an address, the settings, and the logs.
import type { RoutingExplanationView } from '../../../preload/relay-contract.js';
import type {
  LogLines,
  SmtpSessionsDeleted,
  SmtpSessionsView,
  SmtpSessionTranscript,
  SettingsCheck,
  SettingsSaveResult,
  SettingsView,
} from '../../../preload/api-contract.js';
import type { RestartAnswer } from '../../../preload/settings-contract.js';
import type { SmtpSecurity } from '../listener/smtp-listener.js';
import type { RouteExplanation } from '../routing-rules/index.js';
import { rewrittenEnvelopeSender } from '../queue/sender-rewrite.js';
import type { ListenAddress } from '../settings/settings-schema.js';
import { note, type LogRecord } from '../logs/log-record.js';
import { writeListeningFile } from '../maildrop/listening-file.js';
import { CallerError, NotFoundError } from '../caller-error.js';
import type { ServiceParts } from './service-parts.js';
import type { RestartHandler } from './restart-offer.js';

type SentEnvelope = NonNullable<RoutingExplanationView['sentAs']>;

export function controlMethods({
  listener,
  pop3,
  rules,
  saved,
  settings,
  relayLog,
  runtime,
  store,
  log,
  restart,
}: ServiceParts) {
  const setReceivingPaused = (paused: boolean): { paused: boolean } => {
    if (listener.receivingPaused !== paused) {
      listener.receivingPaused = paused;
      log(note('smtp', paused ? 'receiving paused' : 'receiving resumed'));
      store.publish({ Type: 'receiving', Data: { paused } });
    }
    return { paused };
  };
  return {
    get receivingPaused(): boolean {
      return listener.receivingPaused;
    },

    /** New SMTP connections get `421 4.3.2` until resumed; sessions already open finish. */
    pauseReceiving: (): { paused: boolean } => setReceivingPaused(true),

    resumeReceiving: (): { paused: boolean } => setReceivingPaused(false),

    get smtpListenAddress(): ListenAddress | null {
      return runtime.smtpAddress;
    },

    /** STARTTLS, the implicit-TLS listener and the certificate fingerprint, for the info API. */
    get smtpSecurity(): SmtpSecurity {
      return listener.security;
    },

    /** Where the POP3 listeners listen (empty when none is configured). */
    pop3Addresses: () => pop3.addresses,

    /**
     * Where the HTTP API listens, once whoever starts it says so: for the info API, and in the
     * data folder's listening.json for `relaydesk queue` and the other commands that call it.
     * Resolves once written, so a command run after the ready line finds it (and a test that
     * lists the folder at once meets no temporary file).
     */
    httpListening(address: ListenAddress): Promise<void> {
      runtime.httpAddress = address;
      const smtp = runtime.smtpAddress;
      if (!smtp) return Promise.resolve();
      return writeListeningFile(settings.dataDir, { smtp, http: address }).catch((err: Error) =>
        log(
          note('maildrop', `could not record the API address for the CLI: ${err.message}`, 'warn'),
        ),
      );
    },

    /** Which rule decides for an address, and why (the "test this address" call). */
    explainRoute: (input: {
      recipient: string;
      sender: string;
      user: string | null;
    }): RouteExplanation & { sentAs: SentEnvelope | null } => {
      const explained = rules.explain(input);
      const upstream = ['relay', 'redirect'].includes(explained.decision.action.type);
      return {
        ...explained,
        // what a "Send as" rule makes of the sender for the upstream, when it goes there
        sentAs: upstream ? rewrittenEnvelopeSender(settings.senderRewrite, input.sender) : null,
      };
    },

    /** The settings as saved (secrets only said to be set), which are pinned, which wait for a restart. */
    settingsView: (): SettingsView => saved.view(),

    /** Whoever started the service offers to restart it (see restart-offer.ts). */
    offerRestart: (handler: RestartHandler): void => restart.offer(handler),

    /** Restarts to apply what waits for a restart, once the answer is sent. */
    restart: (): RestartAnswer => {
      const waiting = saved.view().restartPending;
      log(
        note(
          'settings',
          `restarting to apply ${waiting.length ? waiting.join(', ') : 'the saved settings (none waits for it)'}`,
        ),
      );
      return restart.request(saved.target.http, waiting);
    },

    /** Checks a change without saving it: every wrong field with its value and what is allowed. */
    checkSettings: (change: unknown): SettingsCheck => saved.check(change),

    /**
     * Saves a change when all of it is valid, else changes nothing. Rules, retention, limits and
     * the upstream apply at once; the listeners' addresses and TLS after a restart.
     */
    saveSettings: (change: unknown): Promise<SettingsSaveResult> => saved.save(change),

    relayLogLines: (limit: number): LogLines => relayLog.lines('relay', limit),

    auditLogLines: (limit: number): LogLines => relayLog.lines('audit', limit),

    serviceLogLines: (limit: number): LogLines => relayLog.lines('service', limit),

    /** The last SMTP sessions, newest first, open ones among them. */
    smtpSessions: (limit: number): SmtpSessionsView => ({
      sessions: listener.transcripts.list(limit),
      kept: listener.transcripts.keep,
    }),

    /** One SMTP session's conversation, while it is kept. */
    smtpSession: (id: string): SmtpSessionTranscript => {
      const session = listener.transcripts.get(id);
      if (!session) {
        throw new NotFoundError(
          `SMTP session ${id} is not kept: Relaydesk keeps the conversation of the last ${listener.transcripts.keep} sessions since it started, in memory (GET /api/v1/smtp/sessions lists them)`,
        );
      }
      return session.transcript();
    },

    /** Forgets every ended session, or the one named: a new run of tests starts a clean list. */
    deleteSmtpSessions: (id?: string): SmtpSessionsDeleted => {
      if (id === undefined) return listener.transcripts.deleteEnded();
      const session = listener.transcripts.get(id);
      if (!session) {
        throw new NotFoundError(
          `SMTP session ${id} is not kept (deleted already, or more than ${listener.transcripts.keep} sessions ago); GET /api/v1/smtp/sessions lists the kept ones`,
        );
      }
      if (session.endedAt === null) {
        throw new CallerError(
          `SMTP session ${id} is still open: its client is connected. Delete it once it ends (the client's QUIT, or Relaydesk's timeout)`,
        );
      }
      return listener.transcripts.deleteEnded(id);
    },

    /** A line or record for the service's log from an adapter (HTTP audit lines, errors). */
    logLine: (entry: string | LogRecord): void => log(entry),
  };
}

export type ControlMethods = ReturnType<typeof controlMethods>;
