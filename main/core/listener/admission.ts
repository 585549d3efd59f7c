// Admission and the policy hooks of the SMTP listener: who may connect, authenticate, send and
// to whom, with the limits (connections, message rate, AUTH lockouts). The decisions are
// main/core/policy's; this applies them at each SMTP step and writes one audit line per refusal
// (and per connection and AUTH), counting refusals for /metrics.
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerSession,
} from 'smtp-server';
import {
  acceptsAnyCredentials,
  auditLine,
  AuthLockouts,
  clientTrust,
  connectionDecision,
  ConnectionCounter,
  mailDecision,
  recipientDecision,
  SlidingWindowCounter,
  type AllowRange,
  type AuditEvent,
  type AuditValue,
  type ClientTrust,
  type SessionStanding,
  type UserStore,
} from '../policy/index.js';
import { LabelledCounter } from '../metrics/prometheus-text.js';
import { refusalReason } from '../metrics/refusal-reason.js';
import type { ChaosStage } from '../chaos/chaos-triggers.js';
import { normalizeClientIp } from '../net/ip-address.js';
import type { ConnectionHooks } from './smtp-server-tuned.js';
import {
  sessionUser,
  SmtpRefusal,
  type ListenerEvents,
  type ListenerSettings,
} from './listener-contract.js';

/**
 * A connection looks at the users file again at most this often (whether users exist decides
 * if an untrusted client may connect to authenticate). Users added or removed by another process
 * (`relaydesk user`) count for new connections within this time; AUTH always reads them afresh.
 */
const usersRecheckMs = 1000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class SmtpAdmission {
  /** The parsed allowlist; set at start and when settings saved while running are taken over. */
  allowList: AllowRange[] = [];
  private readonly connections = new ConnectionCounter();
  private readonly messageRate = new SlidingWindowCounter(60_000);
  /** AUTH failures: slowed per client address, locked out per (address, user name). */
  readonly authLockouts: AuthLockouts;
  /** Paused by the user (tray, menu): new connections get a temporary refusal, so senders retry. */
  receivingPaused = false;
  /** Sessions holding a slot, by listener ("smtp", "smtps"): what /metrics and info show. */
  readonly openByListener = new Map<string, number>();
  /** For /metrics: what was refused (by stage and reason), AUTH failures, sessions. */
  readonly counters = {
    refused: new LabelledCounter(),
    authFailures: new LabelledCounter(),
    serverClosed: new LabelledCounter(),
    sessions: new LabelledCounter(),
  };

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
    private readonly users: UserStore,
  ) {
    this.authLockouts = new AuthLockouts({
      maxFailures: settings.authMaxFailures,
      baseDelayMs: settings.authFailureDelayMs,
      lockoutMs: settings.authLockoutMs,
    });
  }

  /** Open SMTP sessions in total and per listener (every listener started, zeros included). */
  openSessions(): { open: number; byListener: Record<string, number> } {
    const byListener: Record<string, number> = {};
    for (const [name, count] of this.openByListener) byListener[name] = count;
    return { open: this.connections.open, byListener };
  }

  audit(event: AuditEvent, fields: Record<string, AuditValue>): void {
    const reason = refusalReason(typeof fields.reason === 'string' ? fields.reason : undefined);
    if (fields.result === 'rejected') {
      if (event === 'auth') this.counters.authFailures.add({ reason });
      else this.counters.refused.add({ stage: event, reason });
    } else if (event === 'close') this.counters.serverClosed.add({ reason });
    this.events.log(auditLine(event, fields));
  }

  trustOf(remoteAddress: string | undefined): ClientTrust {
    return clientTrust(normalizeClientIp(remoteAddress), {
      trustLoopback: this.settings.trustLoopback,
      allowList: this.allowList,
    });
  }

  private standing(session: SMTPServerSession): SessionStanding {
    return {
      trust: this.trustOf(session.remoteAddress),
      user: sessionUser(session),
      secure: Boolean(session.secure),
    };
  }

  hooks(listener: string): ConnectionHooks {
    return {
      greetingDelayFor: (remote) =>
        this.trustOf(remote).trusted ? 0 : this.settings.greetingDelayMs,
      admit: (remote) => {
        const trust = this.trustOf(remote);
        const full = this.connections.admit(
          trust.ip,
          this.settings.maxConnections,
          trust.trusted ? null : this.settings.maxConnectionsPerIp,
        );
        if (!full) {
          this.openByListener.set(listener, (this.openByListener.get(listener) ?? 0) + 1);
          this.counters.sessions.add({ listener });
          return null;
        }
        const refusal =
          full === 'total'
            ? {
                code: 421,
                message: `4.3.2 Too many connections (at most ${this.settings.maxConnections}); try again in a moment`,
              }
            : {
                code: 421,
                message: `4.7.0 Too many connections from ${trust.ip} (at most ${this.settings.maxConnectionsPerIp}); try again later`,
              };
        this.audit('connect', {
          result: 'rejected',
          listener,
          client: trust.ip,
          reply: refusal.code,
          reason: full === 'total' ? 'connection limit' : 'per-client connection limit',
        });
        return refusal;
      },
      release: (remote) => {
        this.connections.release(this.trustOf(remote).ip);
        this.openByListener.set(
          listener,
          Math.max(0, (this.openByListener.get(listener) ?? 0) - 1),
        );
      },
      serverClosed: (remote, reply) =>
        this.audit('close', {
          result: 'closed',
          listener,
          client: this.trustOf(remote).ip,
          reply: 421,
          reason: reply,
        }),
    };
  }

  /** Mailpit's chaos replies: `451 Chaos sender error` and the like. */
  chaosReply(stage: ChaosStage, listener: string, session: SMTPServerSession): SmtpRefusal | null {
    const code = this.events.chaos?.(stage) ?? null;
    if (code === null) return null;
    this.audit(stage === 'Authentication' ? 'auth' : stage === 'Sender' ? 'mail' : 'rcpt', {
      result: 'rejected',
      listener,
      client: normalizeClientIp(session.remoteAddress),
      reply: code,
      reason: 'chaos',
    });
    return new SmtpRefusal(code, `Chaos ${stage.toLowerCase()} error`);
  }

  onConnect(
    listener: string,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const trust = this.trustOf(session.remoteAddress);
    if (this.receivingPaused) {
      // RFC 3463 4.3.2 "system not accepting network messages": a client queues and retries
      this.audit('connect', { result: 'rejected', listener, client: trust.ip, reply: 421 });
      callback(new SmtpRefusal(421, '4.3.2 Receiving is paused in Relaydesk; try again later'));
      return;
    }
    this.users.refreshIfOlder(usersRecheckMs).then(
      () => {
        const refusal =
          connectionDecision({ trust, usersExist: this.users.count > 0 }) ??
          this.events.senderCheck?.checkClient(trust.ip) ??
          null;
        this.audit('connect', {
          result: refusal ? 'rejected' : 'accepted',
          listener,
          client: trust.ip,
          trusted: trust.reason ?? 'no',
          reply: refusal?.code,
          reason: refusal?.reason,
        });
        if (!refusal) this.events.connected?.();
        callback(refusal ? new SmtpRefusal(refusal.code, refusal.message) : null);
      },
      (err: Error) => {
        // why every client now gets a 421: the file is re-read at the next connection
        this.events.log(
          `smtp: clients are refused (421) until the users file can be read: ${err.message}`,
        );
        callback(new SmtpRefusal(421, '4.3.0 Service not available, try again later'));
      },
    );
  }

  async authenticate(
    listener: string,
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
  ): Promise<SMTPServerAuthenticationResponse> {
    const trust = this.trustOf(session.remoteAddress);
    const name = auth.username ?? '';
    const fields = { listener, client: trust.ip, method: auth.method, user: name };
    await this.users.refresh();
    const usersExist = this.users.count > 0;
    if (acceptsAnyCredentials({ trust, usersExist, requireAuth: this.settings.requireAuth })) {
      this.audit('auth', { result: 'accepted', ...fields, reason: 'any credentials (no users)' });
      return { user: name };
    }
    // a user locked out from this address is refused before its password is looked at; any
    // other attempt waits longer with each failure from the address, then is checked
    const before = this.authLockouts.state(trust.ip, name);
    if (before.locked) {
      this.audit('auth', {
        result: 'rejected',
        ...fields,
        reply: 421,
        reason: `user locked out for this client after ${before.failures} failed attempts`,
      });
      throw lockedOut(trust.ip, before.retryAfterMs);
    }
    if (before.delayMs > 0) await sleep(before.delayMs);
    const ok =
      auth.method === 'PLAIN' || auth.method === 'LOGIN'
        ? await this.users.verify(name, auth.password ?? '')
        : false;
    if (ok) {
      this.audit('auth', { result: 'accepted', ...fields, reason: 'password' });
      return { user: name };
    }
    const after = this.authLockouts.fail(trust.ip, name);
    this.audit('auth', {
      result: 'rejected',
      ...fields,
      failures: after.failures,
      reply: after.locked ? 421 : 535,
      reason: after.locked ? 'bad credentials; user locked out for this client' : 'bad credentials',
    });
    if (after.locked) {
      const now = this.authLockouts.state(trust.ip, name);
      // the failure that locks says how long, as every refusal after it does
      throw lockedOut(trust.ip, now.locked ? now.retryAfterMs : 60_000);
    }
    throw new SmtpRefusal(535, '5.7.8 Authentication credentials invalid');
  }

  checkMail(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): SmtpRefusal | null {
    const standing = this.standing(session);
    let refusal = mailDecision(standing, this.settings);
    refusal ??=
      this.events.senderCheck?.checkSender({
        clientIp: standing.trust.ip,
        user: standing.user,
        sender: address.address,
      }) ?? null;
    const limit = this.settings.maxMessagesPerMinute;
    if (!refusal && !standing.trust.trusted && limit > 0) {
      const key = standing.user !== null ? `user ${standing.user}` : standing.trust.ip;
      if (!this.messageRate.take(key, limit)) {
        refusal = {
          code: 450,
          message: `4.7.1 Too much mail from ${standing.user !== null ? 'this user' : standing.trust.ip}: at most ${limit} messages a minute; try again later`,
          reason: `message rate limit (${key})`,
        };
      }
    }
    if (!refusal) return null;
    this.audit('mail', {
      result: 'rejected',
      listener,
      client: standing.trust.ip,
      user: standing.user ?? undefined,
      from: `<${address.address}>`,
      reply: refusal.code,
      reason: refusal.reason,
    });
    return new SmtpRefusal(refusal.code, refusal.message);
  }

  checkRecipient(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): SmtpRefusal | null {
    const standing = this.standing(session);
    const mailFrom = session.envelope.mailFrom;
    const input = {
      recipient: address.address,
      sender: mailFrom ? mailFrom.address : '',
      user: standing.user,
    };
    const refuse = (code: number, message: string, reason: string): SmtpRefusal => {
      this.audit('rcpt', {
        result: 'rejected',
        listener,
        client: standing.trust.ip,
        user: standing.user ?? undefined,
        from: `<${input.sender}>`,
        to: `<${input.recipient}>`,
        reply: code,
        reason,
      });
      return new SmtpRefusal(code, message);
    };
    if (session.envelope.rcptTo.length >= this.settings.maxRecipients) {
      return refuse(
        452,
        `4.5.3 Too many recipients (at most ${this.settings.maxRecipients} per message)`,
        'recipient limit',
      );
    }
    const quota = this.events.senderCheck?.checkRecipient(
      { clientIp: standing.trust.ip, user: standing.user },
      session.envelope.rcptTo.length,
    );
    if (quota) return refuse(quota.code, quota.message, quota.reason);
    const action = this.events.recipientAction?.(input) ?? 'capture';
    const policy = recipientDecision(standing, input.recipient, action);
    if (policy) return refuse(policy.code, policy.message, policy.reason);
    const rule = this.events.checkRecipient?.(input);
    if (rule) return refuse(rule.code, rule.message, 'routing rule rejects');
    return null;
  }

  /** The address check of a relayed recipient (the routing and policy checks passed). */
  async validateRecipient(
    listener: string,
    address: SMTPServerAddress,
    session: SMTPServerSession,
  ): Promise<SmtpRefusal | null> {
    const standing = this.standing(session);
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const input = { recipient: address.address, sender, user: standing.user };
    if ((this.events.recipientAction?.(input) ?? 'capture') !== 'relay') return null;
    const refusal = await this.events.validateRecipient?.(input);
    if (!refusal) return null;
    this.audit('rcpt', {
      result: 'rejected',
      listener,
      client: standing.trust.ip,
      user: standing.user ?? undefined,
      from: `<${sender}>`,
      to: `<${input.recipient}>`,
      reply: refusal.code,
      reason: 'address check',
    });
    return new SmtpRefusal(refusal.code, refusal.message);
  }
}

/** The refusal of a user locked out from an address, with the wait in whole minutes. */
function lockedOut(ip: string, retryAfterMs: number): SmtpRefusal {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return new SmtpRefusal(
    421,
    `4.7.0 Too many failed authentication attempts for this user from ${ip}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
  );
}
