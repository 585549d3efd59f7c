// The state of each listener Relaydesk starts besides the HTTP API (SMTP, SMTPS, POP3, POP3S),
// as the API, the events and the GUI see it. A listener that could not start (port in use,
// no permission, an address this machine does not have) is kept here with the reason and the
// fix, while the rest of the app keeps running. Types only.

export type ListenerName = 'smtp' | 'smtps' | 'pop3' | 'pop3s';

export interface ListenerProblemView {
  /** The system's error code: EADDRINUSE, EACCES, EADDRNOTAVAIL… */
  code: string;
  /** What went wrong, in plain words, naming the address. */
  reason: string;
  /** What to do about it. */
  fix: string;
  /** When it failed (RFC 3339). */
  at: string;
}

export interface ListenerStatusView {
  listener: ListenerName;
  /** The flag that sets its address (`--smtp`…), as in the settings tables. */
  flag: string;
  /** HOST:PORT as configured. */
  address: string;
  /** `not-started`: it was not tried, because another part of the same listener failed first. */
  state: 'listening' | 'failed' | 'not-started';
  /** HOST:PORT it is bound to (the real port when 0 was configured), when listening. */
  listeningOn: string | null;
  /**
   * HOST:PORT of its loopback twin: `[::1]:1025` beside `127.0.0.1:1025` (and the other way
   * round), so a client told `localhost` reaches it whichever address it tries first. Null when
   * there is none; optional: older relays do not send it.
   */
  alsoListeningOn?: string | null;
  problem: ListenerProblemView | null;
}

/** GET /api/v1/listeners, and the `listeners` event. */
export interface ListenersView {
  listeners: ListenerStatusView[];
  /**
   * The disk holding the data folder is full: the listeners are up, but every new message gets
   * `452 4.3.1` until there is room again (then null). Optional: older relays do not send it.
   */
  diskFull?: ListenerProblemView | null;
  /**
   * clamd does not answer: every new message gets `451 4.7.0` (clamdUnavailable defer) or is
   * taken unscanned (accept) until it does (then null). Optional: older relays do not send it.
   */
  scannerDown?: ScannerDownView | null;
}

/** clamd does not answer, with what that does to new mail. */
export interface ScannerDownView extends ListenerProblemView {
  /**
   * The clamdUnavailable setting: `defer` refuses each new message with 451 4.7.0, `accept`
   * takes it unscanned, tagged not-scanned. Optional: older relays do not send it.
   */
  clamdUnavailable?: 'defer' | 'accept';
  /**
   * Whether any new mail is refused meanwhile: clamdUnavailable defer, or a routing rule's
   * filter that says defer where the setting says accept. Without it (older relays) the window
   * takes it that mail is refused, as it did.
   */
  refusesMail?: boolean;
}
