// A bare SMTP client over a real socket for the policy tests: sends exactly the bytes given
// (malformed ones included), reads whole replies, and can switch the same socket to TLS after
// STARTTLS. Plus `runPython`, which runs a Python smtplib script against the relay.
import { execFile } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class SmtpWire {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiters: ((reply: string) => void)[] = [];
  closed = false;
  private socket: Socket | TLSSocket;

  private constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      let match: RegExpExecArray | null;
      while ((match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\n/.exec(this.buffer))) {
        this.buffer = this.buffer.slice(match[0].length);
        this.replies.push(match[0].replace(/\r/g, '').trimEnd());
      }
      this.flush();
    });
    socket.on('close', () => {
      this.closed = true;
      this.flush();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, options: { tls?: boolean } = {}): Promise<SmtpWire> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () =>
            resolve(new SmtpWire(socket)),
          )
        : netConnect({ port, host: '127.0.0.1' }, () => resolve(new SmtpWire(socket)));
      socket.once('error', reject);
    });
  }

  private flush(): void {
    while (this.waiters.length > 0) {
      const next = this.replies.shift();
      if (next === undefined && !this.closed) return;
      this.waiters.shift()?.(next ?? '(closed)');
    }
  }

  /** The next whole reply, or `(closed)` when the server closed the connection. */
  reply(timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.flush();
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string, timeoutMs?: number): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Upgrades this connection to TLS (after a 220 to STARTTLS); returns the server certificate. */
  async startTls(): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({ socket: plain, rejectUnauthorized: false }, () =>
        resolve(socket),
      );
      socket.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  /** Waits until the server closes the connection. */
  waitClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still open')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Runs a Python script (smtplib is in the standard library); resolves with its stdout. */
export async function runPython(
  python: string,
  script: string,
  args: string[] = [],
): Promise<string> {
  const { stdout } = await execFileAsync(python, ['-c', script, ...args], { timeout: 30_000 });
  return stdout;
}

/** The base64 of an AUTH PLAIN response (RFC 4616: authzid NUL authcid NUL password). */
export function plainToken(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}

/** A session that has been greeted and has said EHLO, both answered as they should be. */
export async function greetedSession(port: number, helo = 'client.example'): Promise<SmtpWire> {
  const wire = await SmtpWire.connect(port);
  const greeting = await wire.reply();
  if (!greeting.startsWith('220 ')) throw new Error(`no 220 greeting: ${greeting}`);
  const ehlo = await wire.command(`EHLO ${helo}`);
  if (!ehlo.startsWith('250')) throw new Error(`EHLO refused: ${ehlo}`);
  return wire;
}
