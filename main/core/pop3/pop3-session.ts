// One POP3 session (RFC 1939, with CAPA and response codes from RFC 2449 and STLS from RFC 2595):
// AUTHORIZATION (CAPA, STLS, USER, PASS, QUIT), then TRANSACTION (STAT, LIST, UIDL, RETR, TOP,
// DELE, RSET, NOOP, CAPA, QUIT), then UPDATE at QUIT, where the deletions take effect. A session
// that ends without QUIT deletes nothing. A login locks its maildrop until the session ends
// (pop3-maildrop-lock.ts). Commands are answered one at a time in the order they
// came (so pipelining clients work); after STLS anything the client sent early is dropped, so it
// cannot be smuggled into the encrypted session (CVE-2011-0411 did this to SMTP servers).
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { AuthLockouts } from '../policy/auth-lockout.js';
import type { ClientTrust, UserStore } from '../policy/index.js';
import { Maildrop, multiLine, topOf, type MaildropEntry } from './pop3-maildrop.js';
import type { MaildropLocks } from './pop3-maildrop-lock.js';
import { parseLogin, passwordCheck, type Pop3Login } from './pop3-login.js';

/** What a session needs from the relay: the messages, and the two changes POP3 makes. */
export interface Pop3Store {
  /** The messages of a mailbox (all of them for null), oldest first. */
  entries(mailbox: string | null): MaildropEntry[];
  /** The names of the mailboxes that hold mail, to say so when a login names none of them. */
  mailboxNames(): string[];
  raw(id: string): Promise<Buffer>;
  markRead(id: string): Promise<void>;
  /** Deletes the messages; answers the IDs that were still there to delete. */
  remove(ids: string[]): Promise<string[]>;
}

export interface Pop3SessionContext {
  store: Pop3Store;
  users: UserStore;
  lockouts: AuthLockouts;
  /** One session per maildrop (RFC 1939 §8), shared by all sessions of both listeners. */
  locks: MaildropLocks;
  trust: ClientTrust;
  /** null when no certificate is loaded (then STLS is not offered). */
  tls: SecureContext | null;
  /** The implicit-TLS listener: encrypted from the first byte. */
  implicitTls: boolean;
  /** USER/PASS allowed before TLS (insecureAuth, resolved for this listener). */
  plaintextLogin: boolean;
  requireAuth: boolean;
  audit(
    event: 'connect' | 'auth' | 'close',
    fields: Record<string, string | number | undefined>,
  ): void;
  log(line: string): void;
}

/** RFC 2449 allows 255 octets per command; a client sending far more is not speaking POP3. */
const maxLine = 1024;
/** RFC 1939 §3: an autologout timer, if any, must be of at least 10 minutes. */
export const pop3IdleMs = 10 * 60_000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class Pop3Session {
  private stream: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private working = false;
  private secure: boolean;
  private state: 'authorization' | 'transaction' | 'closed' = 'authorization';
  private pendingUser: string | null = null;
  private login: Pop3Login | null = null;
  private maildrop: Maildrop | null = null;
  /** Releases the maildrop's lock: at QUIT after its deletions, at a timeout or a disconnect. */
  private unlock: (() => void) | null = null;
  /** In UPDATE: the lock is held until the deletions are done, even if the client goes. */
  private updating = false;
  /** The client shut its sending side: the session ends once what it sent is answered. */
  private inputEnded = false;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    socket: Socket,
    private readonly context: Pop3SessionContext,
  ) {
    this.stream = socket;
    this.secure = context.implicitTls;
    socket.setTimeout(pop3IdleMs, () => {
      this.reply('-ERR autologout: idle for 10 minutes');
      this.end();
    });
    socket.on('data', this.onData);
    // a piped session (`printf … | nc -N`) sends everything, then shuts its sending side; the
    // listener keeps ours open (allowHalfOpen) so each reply, QUIT's among them, still goes out
    socket.on('end', () => this.inputDone());
    socket.on('error', () => this.end());
    // a client gone without QUIT (or a stop) must not keep its maildrop locked
    socket.on('close', () => this.end());
    this.reply('+OK Relaydesk POP3 server ready');
  }

  private get loginAllowed(): boolean {
    return this.secure || this.context.plaintextLogin;
  }

  private reply(line: string): void {
    this.send(`${line}\r\n`);
  }

  /**
   * A multi-line response in one write: written line by line, each line after the first waited
   * for the client's delayed ACK (Nagle), some 40 ms per LIST, TOP or RETR.
   */
  private replyLines(lines: string[], body?: Buffer): void {
    const head = lines.map((line) => `${line}\r\n`).join('');
    this.send(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
  }

  private send(data: string | Buffer): void {
    if (this.state !== 'closed' && this.stream.writable) this.stream.write(data);
  }

  private end(): void {
    if (!this.updating) this.unlock?.();
    if (this.state === 'closed') return;
    this.state = 'closed';
    const stream = this.stream;
    stream.end();
    // a client that never closes its side must not hold the connection open
    setTimeout(() => stream.destroy(), 5000).unref();
  }

  private receive(chunk: Buffer): void {
    // split as bytes, decode each whole line: a password may be UTF-8 split across packets
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let newline: number;
    while ((newline = this.buffer.indexOf(10)) !== -1) {
      this.lines.push(this.buffer.subarray(0, newline).toString('utf8').replace(/\r$/, ''));
      this.buffer = this.buffer.subarray(newline + 1);
    }
    if (this.buffer.length > maxLine) {
      this.reply('-ERR line too long');
      this.end();
      return;
    }
    void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.lines.length > 0 && this.state !== 'closed') {
        const line = this.lines.shift() as string;
        await this.command(line);
      }
    } catch (err) {
      this.context.log(`pop3: ${(err as Error).message}`);
      this.reply('-ERR [SYS/TEMP] internal error; try again');
      this.end();
    } finally {
      this.working = false;
      this.endIfAnswered();
    }
  }

  private inputDone(): void {
    this.inputEnded = true;
    if (!this.working) this.endIfAnswered();
  }

  private endIfAnswered(): void {
    if (this.inputEnded && this.lines.length === 0) this.end();
  }

  private async command(line: string): Promise<void> {
    const verb = /^\S*/.exec(line.trimStart())?.[0] ?? '';
    const rest = line.trimStart().slice(verb.length + 1);
    const name = verb.toUpperCase();
    if (name === 'QUIT') return this.quit();
    if (name === 'CAPA') return this.capabilities();
    // a password is the rest of the line as typed, spaces included (RFC 1939 §7)
    if (name === 'PASS' && this.state === 'authorization') return this.pass(rest);
    const args = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
    if (this.state === 'authorization') return this.authorization(name, args);
    return this.transaction(name, args);
  }

  private capabilities(): void {
    const lines = ['+OK capability list follows', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING'];
    if (this.state === 'authorization') {
      if (this.loginAllowed) lines.push('USER');
      if (!this.secure && this.context.tls) lines.push('STLS');
    }
    lines.push('IMPLEMENTATION Relaydesk', '.');
    this.replyLines(lines);
  }

  private async authorization(name: string, args: string[]): Promise<void> {
    switch (name) {
      case 'STLS':
        return this.startTls();
      case 'USER':
        if (!this.loginAllowed) {
          this.reply('-ERR [AUTH] log in only over TLS: use STLS first (or the POP3S port)');
          return;
        }
        if (args.length !== 1) {
          this.reply('-ERR USER takes one name, e.g. USER ada (or ada/inbox for one mailbox)');
          return;
        }
        this.pendingUser = args[0] as string;
        this.reply('+OK send PASS');
        return;
      case 'APOP':
      case 'AUTH':
        this.reply('-ERR use USER and PASS');
        return;
      default:
        this.reply(`-ERR ${name ? `${name} is not valid before login` : 'empty command'}`);
    }
  }

  private async pass(password: string): Promise<void> {
    if (this.pendingUser === null) return this.reply('-ERR send USER first');
    return this.password(this.pendingUser, password);
  }

  private startTls(): void {
    if (this.secure || !this.context.tls) {
      this.reply(this.secure ? '-ERR already using TLS' : '-ERR TLS is not available');
      return;
    }
    this.reply('+OK begin TLS negotiation');
    const plain = this.stream;
    plain.off('data', this.onData);
    // whatever the client sent after STLS in the clear is not trusted into the TLS session
    this.lines = [];
    this.buffer = Buffer.alloc(0);
    const tls = new TLSSocket(plain, { isServer: true, secureContext: this.context.tls });
    tls.on('data', this.onData);
    tls.on('error', (err) => {
      this.context.log(`pop3: TLS with ${this.context.trust.ip} failed: ${err.message}`);
      this.state = 'closed';
      plain.destroy();
    });
    this.stream = tls;
    this.secure = true;
  }

  private async password(name: string, password: string): Promise<void> {
    const { trust, lockouts, users } = this.context;
    this.pendingUser = null;
    await users.refresh();
    const typed = parseLogin(name);
    // user and mailbox names are matched ignoring case, as Dovecot and Mailpit do (a client
    // that capitalises `Ada` must not be refused, nor count towards a lockout of its own)
    const account = users.loginName(typed.user);
    const login = {
      // an unknown name's failures count under one spelling too
      user: account ?? typed.user.toLowerCase(),
      mailbox: typed.mailbox === null ? null : this.mailboxName(typed.mailbox),
    };
    const fields = {
      listener: this.context.implicitTls ? 'pop3s' : 'pop3',
      client: trust.ip,
      user: name,
    };
    const before = lockouts.state(trust.ip, login.user);
    if (before.locked) {
      this.context.audit('auth', { result: 'rejected', ...fields, reason: 'locked out' });
      this.reply(
        `-ERR [LOGIN-DELAY] too many failed logins as ${login.user} from this address; try again in ${Math.ceil(before.retryAfterMs / 60_000)} min, or release it: relaydesk lockout release ${trust.ip} ${login.user}`,
      );
      return;
    }
    const check = passwordCheck({
      trust,
      usersExist: users.count > 0,
      requireAuth: this.context.requireAuth,
    });
    let ok = check === 'any';
    if (check === 'verify') {
      if (before.delayMs > 0) await sleep(before.delayMs);
      // an unknown or ambiguous name ('' is no user) costs the same work as a known one
      ok = await users.verify(account ?? '', password);
    }
    if (!ok) {
      const after = check === 'verify' ? lockouts.fail(trust.ip, login.user) : null;
      this.context.audit('auth', {
        result: 'rejected',
        ...fields,
        failures: after?.failures,
        reason: check === 'refuse' ? 'no users to log in as' : 'bad credentials',
      });
      this.reply(
        check === 'refuse'
          ? '-ERR [AUTH] no POP3 users exist; add one with relaydesk user add NAME'
          : '-ERR [AUTH] invalid user name or password',
      );
      return;
    }
    const unlock = this.context.locks.acquire(login.mailbox);
    const maildropName = login.mailbox ? `mailbox ${login.mailbox}` : 'all mail';
    if (!unlock) {
      // the password was right: not a failure to count towards a lockout
      this.context.audit('auth', { result: 'rejected', ...fields, reason: 'maildrop in use' });
      this.reply(
        `-ERR [IN-USE] ${maildropName} is open in another POP3 session (one at a time, RFC 1939); try again after it ends with QUIT`,
      );
      return;
    }
    this.unlock = unlock;
    this.context.audit('auth', {
      result: 'accepted',
      ...fields,
      reason: check === 'any' ? 'any credentials (no users)' : 'password',
    });
    this.login = login;
    this.maildrop = new Maildrop(this.context.store.entries(login.mailbox));
    this.state = 'transaction';
    const { count, octets } = this.maildrop.stat();
    const unknown = count === 0 && login.mailbox ? this.unknownMailbox(login.mailbox) : '';
    this.reply(
      `+OK ${maildropName}: ${count} message${count === 1 ? '' : 's'} (${octets} octets)${unknown}`,
    );
  }

  /** The mailbox a login names, as the mailbox list spells it when only the case differs. */
  private mailboxName(typed: string): string {
    const names = this.context.store.mailboxNames();
    if (names.includes(typed)) return typed;
    return names.find((n) => n.toLowerCase() === typed.toLowerCase()) ?? typed;
  }

  /**
   * A mailbox no mail went to is most often a name mistyped (smtp4dev's "Project A", our
   * "project-a"): still +OK (mail may come to it), with the names that do hold mail.
   */
  private unknownMailbox(name: string): string {
    const names = this.context.store.mailboxNames();
    if (names.includes(name)) return '';
    return `; no mail went to "${name}" (mailboxes: ${names.join(', ') || 'none yet'})`;
  }

  private async transaction(name: string, args: string[]): Promise<void> {
    const drop = this.maildrop as Maildrop;
    switch (name) {
      case 'STAT': {
        const { count, octets } = drop.stat();
        this.reply(`+OK ${count} ${octets}`);
        return;
      }
      case 'LIST':
      case 'UIDL': {
        const show = (n: number, e: MaildropEntry): string =>
          `${n} ${name === 'LIST' ? e.size : e.id}`;
        if (args.length > 0) {
          const found = drop.lookup(args[0]);
          this.reply(
            found.ok ? `+OK ${show(Number(args[0]), found.entry)}` : `-ERR ${found.reason}`,
          );
          return;
        }
        const { count, octets } = drop.stat();
        this.replyLines([
          name === 'LIST'
            ? `+OK ${count} messages (${octets} octets)`
            : '+OK unique-id listing follows',
          ...drop.remaining().map(({ number, entry }) => show(number, entry)),
          '.',
        ]);
        return;
      }
      case 'RETR':
      case 'TOP': {
        const found = drop.lookup(args[0]);
        if (!found.ok) return this.reply(`-ERR ${found.reason}`);
        const lines = name === 'TOP' ? args[1] : '0';
        if (lines === undefined || !/^\d{1,9}$/.test(lines)) {
          return this.reply('-ERR TOP takes a message number and a line count, e.g. TOP 1 10');
        }
        let raw: Buffer;
        try {
          raw = await this.context.store.raw(found.entry.id);
        } catch {
          return this.reply(`-ERR message ${args[0]} was removed meanwhile`);
        }
        this.replyLines(
          [name === 'RETR' ? `+OK ${raw.length} octets` : '+OK top of message follows'],
          multiLine(name === 'RETR' ? raw : topOf(raw, Number(lines))),
        );
        // reading a message in a mail client is opening it, as in the web UI
        if (name === 'RETR') await this.context.store.markRead(found.entry.id);
        return;
      }
      case 'DELE': {
        const found = drop.markDeleted(args[0] ?? '');
        this.reply(found.ok ? `+OK message ${args[0]} deleted` : `-ERR ${found.reason}`);
        return;
      }
      case 'RSET': {
        drop.unmarkAll();
        const { count, octets } = drop.stat();
        this.reply(`+OK maildrop has ${count} messages (${octets} octets)`);
        return;
      }
      case 'NOOP':
        return this.reply('+OK');
      // "unknown command STLS" to a client that knows it sent a valid command reads as a
      // server without STLS; the login commands are valid, just not after the login
      case 'USER':
      case 'PASS':
      case 'APOP':
      case 'AUTH':
      case 'STLS':
        return this.reply(
          `-ERR ${name} is valid only before login; this session is logged in already (QUIT and connect again${name === 'STLS' ? ', then STLS first' : ''})`,
        );
      default:
        this.reply(`-ERR ${name ? `unknown command ${name}` : 'empty command'}`);
    }
  }

  private async quit(): Promise<void> {
    if (this.state === 'transaction' && this.maildrop) {
      const ids = this.maildrop.deletedIds();
      // a message the API or the GUI removed meanwhile is not counted twice
      let deleted = 0;
      this.updating = true;
      try {
        if (ids.length > 0) deleted = (await this.context.store.remove(ids)).length;
        this.reply(`+OK Relaydesk POP3 server signing off (${deleted} deleted)`);
      } catch (err) {
        this.context.log(
          `pop3: deleting ${ids.length} message(s) failed: ${(err as Error).message}`,
        );
        this.reply('-ERR [SYS/TEMP] some deleted messages were not removed');
      } finally {
        this.updating = false;
      }
      this.context.audit('close', {
        result: 'closed',
        client: this.context.trust.ip,
        user: this.login?.user,
        mailbox: this.login?.mailbox ?? 'all',
        deleted,
      });
    } else {
      this.reply('+OK Relaydesk POP3 server signing off');
    }
    this.end();
  }
}
