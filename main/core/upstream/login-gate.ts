// At most one failed login per pause. Providers lock an account after a few failed logins in a
// row (Microsoft 365's smart lockout, Gmail, many ISPs), and with relayConnections N every
// connection the queue opened at once used to try the same wrong password, N failures before the
// pause. So the logins with one set of credentials go one at a time, and after one is refused the
// others give up before AUTH, until the queue resumes (settings changed, a test passed, Resume or
// Retry), which reopens the gate. The cost is that N new connections log in one after another;
// a pooled connection logs in once and then carries many messages.
import { endpointKey } from './connection-pool.js';
import { UpstreamSessionError } from './session-error.js';
import { classifySmtpOutcome, formatSmtpReply } from './smtp-reply.js';
import type { UpstreamEndpoint } from './upstream-settings.js';

/** A login not tried because the upstream refused the same credentials just before. */
export class LoginHeldBack extends UpstreamSessionError {
  constructor(
    readonly refusal: UpstreamSessionError,
    user: string,
  ) {
    const said = refusal.reply ? formatSmtpReply(refusal.reply) : refusal.code;
    super(
      'auth',
      'EAUTHHELD',
      null,
      `not logging in as ${user}: the upstream refused these credentials on another connection just now (${said}); no further login is tried until they change or the queue is resumed`,
    );
    this.name = 'LoginHeldBack';
  }
}

/** A login the upstream turned down (535, 534…), as opposed to one that could not be tried. */
function refusedLogin(err: unknown): err is UpstreamSessionError {
  if (!(err instanceof UpstreamSessionError) || err.step !== 'auth') return false;
  if (err.code === 'ENOAUTH' || err instanceof LoginHeldBack) return false;
  const { outcome } = classifySmtpOutcome({ stage: 'auth', reply: err.reply, errorCode: err.code });
  return outcome === 'pause-upstream';
}

export class LoginGate {
  /** Per credentials: the end of the line of logins waiting their turn. */
  private readonly lines = new Map<string, Promise<void>>();
  /** Per credentials: the refusal that closed the gate. */
  private readonly refused = new Map<string, UpstreamSessionError>();

  /**
   * Runs `login` when no other login with the same credentials is under way, or throws
   * LoginHeldBack without running it when one was refused since the gate last opened.
   */
  async login(
    endpoint: UpstreamEndpoint,
    login: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    // the pool's key: the whole endpoint with a digest of the password, so changed
    // credentials are never held back by a refusal of the old ones
    const key = endpointKey(endpoint);
    const before = this.lines.get(key) ?? Promise.resolve();
    let done = (): void => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const line = before.then(() => mine);
    this.lines.set(key, line);
    try {
      await untilOrAborted(before, signal);
      if (signal?.aborted) {
        throw new UpstreamSessionError('auth', 'EABORT', null, 'attempt cancelled');
      }
      const refusal = this.refused.get(key);
      if (refusal) throw new LoginHeldBack(refusal, endpoint.auth?.user ?? '');
      try {
        await login();
      } catch (err) {
        if (refusedLogin(err)) this.refused.set(key, err);
        throw err;
      }
    } finally {
      done();
      if (this.lines.get(key) === line) this.lines.delete(key);
    }
  }

  /** The queue resumed: one more login may be tried (and, if refused, close the gate again). */
  reopen(): void {
    this.refused.clear();
  }
}

function untilOrAborted(turn: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return turn;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
