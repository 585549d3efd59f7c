// Keeps authenticated upstream sessions open between transactions, as Postfix's connection cache
// and nodemailer's pool do: the next message to the same upstream skips connect, greeting, EHLO,
// TLS and AUTH, and starts with RSET (RFC 5321 §4.1.1.5) when the session may need it.
//
// Rules:
// - Sessions are keyed by the whole endpoint (host, port, security, user and a digest of the rest:
//   password, TLS policy, EHLO name), so credentials are never mixed and a settings change never
//   reuses a session set up under the old ones.
// - An idle session is checked with RSET when taken; if that fails (the upstream timed it out,
//   replied 421, the socket went away), it is closed and a fresh one opened, and the delivery
//   never sees it as a failure. A session taken again within `freshMs` of a transaction that
//   ended with the upstream's final reply to the message is not checked: it is in its initial
//   state already (RFC 5321 §4.1.1.4), a close is seen by its end event, and an RSET would cost
//   a round trip per message. If it turns out gone before MAIL FROM is answered, the delivery
//   is tried again at once with a checked session (deliverToUpstream).
// - An idle session is closed (QUIT) after `idleMs`, as soon as the upstream closes it or says
//   421, and after `maxTransactions` uses.
// - Busy and idle sessions together stay within `maxOpen` (the queue's relayConnections): before
//   a new session is opened, idle ones of other endpoints are closed to make room. The pool never
//   waits for a busy one; limiting the number of deliveries at once is the caller's job.
// - Idle sessions neither keep timers nor sockets referenced, so they never keep the process up.
import { createHash } from 'node:crypto';
import type { TranscriptRecorder } from './transcript.js';
import {
  endSession,
  registerSecrets,
  type NodemailerLikeError,
  type UpstreamSession,
} from './upstream-session.js';
import type { UpstreamEndpoint } from './upstream-settings.js';

export interface ConnectionPoolOptions {
  /** Busy and idle sessions together, all endpoints (the queue passes relayConnections). */
  maxOpen?: number | (() => number);
  /** Idle sessions kept per endpoint; defaults to maxOpen. */
  maxIdle?: number;
  /**
   * How long an unused session stays open. 5 s: Postfix uses 2 s (smtp_connection_cache_time_limit)
   * for a busy MTA with many destinations; a desktop relay talks to one smart host and an app
   * sends in bursts a few seconds apart, which 5 s still covers, while staying far below the
   * server-side idle limits (RFC 5321 §4.5.3.2.7 asks servers for 5 min) and not holding one of
   * the few connections many providers allow per account for long.
   */
  idleMs?: number;
  /** Transactions per session before it is closed (Postfix smtp_connection_reuse_count_limit). */
  maxTransactions?: number;
  /** How long the RSET check of an idle session may take before it is given up. */
  checkMs?: number;
  /** How long after a clean transaction a session is taken again without the RSET check. */
  freshMs?: number;
  now?: () => number;
}

export const defaultPoolOptions = {
  maxOpen: 2,
  idleMs: 5_000,
  maxTransactions: 100,
  checkMs: 10_000,
  freshMs: 2_000,
} as const;

interface Entry {
  readonly session: UpstreamSession;
  readonly key: string;
  readonly openedAt: number;
  /** Transactions this session has been handed out for. */
  uses: number;
  idleSince: number;
  /** The last transaction ended with the final reply to the message: nothing to RSET. */
  clean: boolean;
  timer: NodeJS.Timeout | null;
  onEnd: (() => void) | null;
}

/** What a delivery got from the pool. */
export interface Lease {
  session: UpstreamSession;
  /** True when the session was already open. */
  reused: boolean;
  /** False for a session reused without the RSET check (see freshMs). */
  checked: boolean;
}

/** The pool key of an endpoint: readable where it may be, a digest where secrets are involved. */
export function endpointKey(endpoint: UpstreamEndpoint): string {
  const { fallback: _ignored, ...rest } = endpoint as UpstreamEndpoint & { fallback?: unknown };
  const digest = createHash('sha256').update(canonical(rest)).digest('base64url').slice(0, 16);
  const user = endpoint.auth?.user ?? '';
  return `${endpoint.host}|${endpoint.port}|${endpoint.security}|${user}|${digest}`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1);

/** JSON with object keys sorted at every level, so equal settings give equal keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function socketOf(session: UpstreamSession): { ref(): unknown; unref(): unknown } | null {
  const socket = session.connection._socket;
  return socket ? socket : null;
}

export class ConnectionPool {
  private readonly idle = new Map<string, Entry[]>();
  private readonly busy = new Map<UpstreamSession, Entry>();
  private opening = 0;
  private closed = false;
  private readonly ending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: ConnectionPoolOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private get maxOpen(): number {
    const { maxOpen } = this.options;
    const value = typeof maxOpen === 'function' ? maxOpen() : maxOpen;
    return Number.isFinite(value) ? Math.max(1, value as number) : defaultPoolOptions.maxOpen;
  }

  private get maxIdle(): number {
    return this.options.maxIdle ?? this.maxOpen;
  }

  private get idleMs(): number {
    return this.options.idleMs ?? defaultPoolOptions.idleMs;
  }

  private get maxTransactions(): number {
    return this.options.maxTransactions ?? defaultPoolOptions.maxTransactions;
  }

  /** Counts for tests and diagnostics. */
  get stats(): { idle: number; busy: number } {
    let idle = 0;
    for (const list of this.idle.values()) idle += list.length;
    return { idle, busy: this.busy.size + this.opening };
  }

  /**
   * A session for `endpoint`: an idle one that answers RSET, or else a new one from `open`. The
   * transcript gets a note when a session is reused, and its RSET exchange. `open`'s failures
   * (UpstreamSessionError) go to the caller unchanged.
   */
  async acquire(
    endpoint: UpstreamEndpoint,
    transcript: TranscriptRecorder,
    open: () => Promise<UpstreamSession>,
    signal?: AbortSignal,
    /** Check any idle session with RSET, however fresh (a retry after a fresh one failed). */
    alwaysCheck = false,
  ): Promise<Lease> {
    const key = endpointKey(endpoint);
    if (!this.closed) {
      let entry: Entry | undefined;
      while (!signal?.aborted && (entry = this.takeIdle(key))) {
        this.busy.set(entry.session, entry);
        const idleFor = this.now() - entry.idleSince;
        const freshMs = this.options.freshMs ?? defaultPoolOptions.freshMs;
        if (!alwaysCheck && entry.clean && idleFor < freshMs) {
          this.lend(entry, transcript, 'the last transaction on it ended cleanly: no RSET');
          entry.uses++;
          return { session: entry.session, reused: true, checked: false };
        }
        if (await this.check(entry, transcript, signal)) {
          entry.uses++;
          return { session: entry.session, reused: true, checked: true };
        }
        this.busy.delete(entry.session);
        await this.end(entry.session);
      }
    }
    await this.makeRoom();
    this.opening++;
    let session: UpstreamSession;
    try {
      session = await open();
    } finally {
      this.opening--;
    }
    const at = this.now();
    this.busy.set(session, {
      session,
      key,
      openedAt: at,
      uses: 1,
      idleSince: at,
      clean: false,
      timer: null,
      onEnd: null,
    });
    return { session, reused: false, checked: true };
  }

  /**
   * Gives a session back after a delivery. `reusable` is the caller's verdict (the transaction
   * ended cleanly or with a refusal of the message or its recipients, no 421, no broken
   * connection); the pool adds its own limits. `clean`: the transaction ended with the final
   * reply to the message, so the next one needs no RSET first. A session not kept is QUIT, into
   * the transcript of the attempt that used it.
   */
  async release(
    session: UpstreamSession,
    reusable: boolean,
    transcript?: TranscriptRecorder,
    clean = false,
  ): Promise<void> {
    const entry = this.busy.get(session);
    this.busy.delete(session);
    const keep =
      entry &&
      reusable &&
      !this.closed &&
      !session.connection.destroyed &&
      entry.uses < this.maxTransactions &&
      (this.idle.get(entry.key)?.length ?? 0) < this.maxIdle &&
      this.stats.busy + this.stats.idle < this.maxOpen;
    if (!keep || !entry) {
      if (
        entry &&
        reusable &&
        entry.uses >= this.maxTransactions &&
        !session.connection.destroyed
      ) {
        transcript?.note(
          `closing the connection after ${entry.uses} transactions (the most one connection is used for)`,
        );
      }
      await this.end(session);
      return;
    }
    transcript?.note(
      `keeping the connection open for the next message (idle for ${seconds(this.idleMs)} s at most)`,
    );
    session.useTranscript(null);
    entry.idleSince = this.now();
    entry.clean = clean;
    entry.onEnd = () => this.drop(entry);
    session.connection.once('end', entry.onEnd);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.drop(entry);
      void this.end(session);
    }, this.idleMs);
    entry.timer.unref();
    socketOf(session)?.unref();
    const list = this.idle.get(entry.key) ?? [];
    list.push(entry);
    this.idle.set(entry.key, list);
  }

  /** QUITs every idle session; sessions still busy are closed when they come back. */
  async close(): Promise<void> {
    this.closed = true;
    for (const list of [...this.idle.values()]) {
      for (const entry of [...list]) {
        this.drop(entry);
        void this.end(entry.session);
      }
    }
    while (this.ending.size > 0) await Promise.all([...this.ending]);
  }

  /** The most recently used idle session of `key` (the others may then time out), detached. */
  private takeIdle(key: string): Entry | undefined {
    const list = this.idle.get(key);
    const entry = list?.pop();
    if (!entry) return undefined;
    this.detach(entry);
    if (list?.length === 0) this.idle.delete(key);
    if (entry.session.connection.destroyed) return this.takeIdle(key);
    return entry;
  }

  /** Removes an idle entry (timer, listener, list) without closing it. */
  private drop(entry: Entry): void {
    this.detach(entry);
    const list = this.idle.get(entry.key);
    if (!list) return;
    const index = list.indexOf(entry);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.idle.delete(entry.key);
  }

  private detach(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.onEnd) entry.session.connection.off('end', entry.onEnd);
    entry.onEnd = null;
  }

  /** Closes idle sessions, oldest first, until one more session fits in maxOpen. */
  private async makeRoom(): Promise<void> {
    const closing: Array<Promise<void>> = [];
    for (;;) {
      const { idle, busy } = this.stats;
      if (idle === 0 || idle + busy < this.maxOpen) break;
      let oldest: Entry | undefined;
      for (const list of this.idle.values()) {
        for (const entry of list) if (!oldest || entry.idleSince < oldest.idleSince) oldest = entry;
      }
      if (!oldest) break;
      this.drop(oldest);
      closing.push(this.end(oldest.session));
    }
    await Promise.all(closing);
  }

  /** RSET on an idle session, logged into the attempt's transcript. */
  private async check(
    entry: Entry,
    transcript: TranscriptRecorder,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const { session } = entry;
    this.lend(entry, transcript);
    const error = await reset(session, this.options.checkMs ?? defaultPoolOptions.checkMs, signal);
    if (!error) return true;
    transcript.note(`the reused connection failed its check (${error}); opening a new one`);
    return false;
  }

  /** Hands an idle session to an attempt: its transcript gets the session's notes from now. */
  private lend(entry: Entry, transcript: TranscriptRecorder, why?: string): void {
    const { session } = entry;
    const { endpoint } = session;
    const idleFor = seconds(this.now() - entry.idleSince);
    const how = [
      session.tls ? `${session.tls.version}` : 'no TLS',
      session.authMechanism && endpoint.auth
        ? `authenticated as ${endpoint.auth.user} with ${session.authMechanism}`
        : null,
    ]
      .filter(Boolean)
      .join(', ');
    transcript.note(
      `reusing the open connection to ${endpoint.host}:${endpoint.port} (${how}; transaction ${entry.uses + 1} on it, idle for ${idleFor} s${why ? `; ${why}` : ''})`,
    );
    registerSecrets(transcript, endpoint.auth);
    if (session.ip) transcript.remoteAddress ??= session.ip;
    socketOf(session)?.ref();
    session.useTranscript(transcript);
  }

  private end(session: UpstreamSession): Promise<void> {
    const done = endSession(session).finally(() => this.ending.delete(done));
    this.ending.add(done);
    return done;
  }
}

/** RSET; resolves with why it failed, or null. Closing the connection settles it too. */
function reset(
  session: UpstreamSession,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  const { connection } = session;
  if (connection.destroyed) return Promise.resolve('the connection was closed');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (why: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (why) connection.close();
      resolve(why);
    };
    const onEnd = () =>
      settle(session.lastError()?.message ?? 'the upstream closed the connection');
    const onAbort = () => settle('attempt cancelled');
    const timer = setTimeout(() => settle(`no answer to RSET within ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    connection.once('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      connection.reset((err) => settle(err ? (err as NodemailerLikeError).message : null));
    } catch (err) {
      settle((err as Error).message);
    }
  });
}
