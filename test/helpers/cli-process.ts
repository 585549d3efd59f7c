// Runs the real `relaydesk` command in a child process (`node bin/relaydesk.js …`), the way a
// user or CI does: for kill -9, signals, start-up errors, settings layering and sendmail.
// Every process and temporary folder made here is registered, and `cleanupCliProcesses()` (call
// it in afterEach) kills what still runs with SIGKILL and removes the folders, even when a test
// failed half-way. A process-exit hook kills stragglers if the test worker itself goes away.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { madeTempFolder } from './temp-folders.js';
import { unusedPort as freePort } from './ports.js';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const relaydeskBin = join(repoRoot, 'bin', 'relaydesk.js');

const readyLine =
  /^Relaydesk is ready: SMTP on (\S+):(\d+), UI and API on (http:\/\/\S+?):(\d+)\/ \(data in (.*)\)$/m;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Address {
  host: string;
  port: number;
}

/** A spawned process with its output collected as it comes. */
export class TrackedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private out = '';
  private err = '';
  private exit: ProcessExit | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string }) {
    this.child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? cliEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
      this.notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
      this.notify();
    });
    // a child that stops reading stdin (it exited) must not crash the test with EPIPE
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this.notify();
        resolve(this.exit);
      });
      this.child.on('error', (error) => {
        this.err += `spawn failed: ${error.message}\n`;
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the process did not start');
    return this.child.pid;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get exitStatus(): ProcessExit | null {
    return this.exit;
  }

  get running(): boolean {
    return this.exit === null;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Resolves with the first match of `pattern` in stdout (or stderr with `stream: 'stderr'`);
   * rejects, with the output so far, when the process exits first or the time is up.
   */
  waitFor(
    pattern: RegExp,
    options: { stream?: 'stdout' | 'stderr'; timeoutMs?: number } = {},
  ): Promise<RegExpMatchArray> {
    const { stream = 'stdout', timeoutMs = 15_000 } = options;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = (stream === 'stdout' ? this.out : this.err).match(pattern);
        if (match) finish(() => resolve(match));
        else if (this.exit) {
          finish(() =>
            reject(
              new Error(
                `process exited (${JSON.stringify(this.exit)}) before printing ${pattern}\n${this.describe()}`,
              ),
            ),
          );
        }
      };
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${this.describe()}`)),
          ),
        timeoutMs,
      );
      this.waiters.add(check);
      check();
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal` and waits for the exit; SIGKILL if it has not exited after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<ProcessExit> {
    this.kill(signal);
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  describe(): string {
    return `--- stdout ---\n${this.out}--- stderr ---\n${this.err}`;
  }
}

/** A running `relaydesk serve`, past its ready line. */
export class ServeProcess extends TrackedProcess {
  smtp: Address = { host: '', port: 0 };
  http: Address = { host: '', port: 0 };
  url = '';
  dataDir = '';

  /** The API base without the trailing slash, e.g. http://127.0.0.1:41234 */
  get apiBase(): string {
    return this.url.replace(/\/$/, '');
  }

  fetch(path: string, init?: RequestInit): Promise<Response> {
    return fetch(this.apiBase + path, init);
  }

  async api<T = unknown>(path: string, init?: RequestInit): Promise<T> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async readyLine(timeoutMs = 15_000): Promise<void> {
    const match = await this.waitFor(readyLine, { timeoutMs });
    this.smtp = { host: match[1] as string, port: Number(match[2]) };
    const httpUrl = match[3] as string;
    this.http = { host: httpUrl.replace(/^http:\/\/\[?|\]$/g, ''), port: Number(match[4]) };
    this.url = `${httpUrl}:${match[4]}/`;
    this.dataDir = match[5] as string;
  }
}

const live = new Set<TrackedProcess>();
const tempDirs = new Set<string>();

process.on('exit', () => {
  for (const p of live) p.child.kill('SIGKILL');
});

/** The environment for a child: ours without any RELAYDESK_* variable, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RELAYDESK_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * A temporary folder removed by cleanupCliProcesses(), and at the end of the test file in any
 * case (a file that made one in beforeAll without calling cleanupCliProcesses left it behind).
 */
export async function makeTempDir(prefix = 'relaydesk-cli-'): Promise<string> {
  const dir = await madeTempFolder(prefix);
  tempDirs.add(dir);
  return dir;
}

export interface ServeOptions {
  /** Extra flags after `serve`. */
  args?: string[];
  /** RELAYDESK_* and other variables on top of the (RELAYDESK_-free) test environment. */
  env?: Record<string, string>;
  /** The data folder; a new temporary one when not given; `null` passes no --data at all. */
  dataDir?: string | null;
  /** Pass `--smtp 127.0.0.1:0 --http 127.0.0.1:0` (the default); false to leave ports to the test. */
  freePorts?: boolean;
  /** Run this script instead of bin/relaydesk.js with `serve` (e.g. scripts/start.js). */
  script?: string;
  /**
   * Run under util-linux's `prlimit --fsize=BYTES` at this path: a write past the limit is cut
   * short and the next one fails with EFBIG, as on a disk that fills up.
   */
  fileSizeLimit?: { prlimit: string; bytes: number };
}

/** The flags of a relay to a test's smart host on 127.0.0.1:`port`, without TLS. */
export function relayFlags(port: number): string[] {
  return ['--mode', 'relay', '--relay-host', `127.0.0.1:${port}`, '--relay-security', 'none'];
}

/** Starts `relaydesk serve` and waits for its ready line. */
export async function startServe(options: ServeOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir === undefined ? await makeTempDir() : options.dataDir;
  const args = [
    ...(options.freePorts === false ? [] : ['--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0']),
    ...(dataDir === null ? [] : ['--data', dataDir]),
    ...(options.args ?? []),
  ];
  const argv = options.script ? [options.script, ...args] : [relaydeskBin, 'serve', ...args];
  const limit = options.fileSizeLimit;
  const proc = limit
    ? new ServeProcess(limit.prlimit, [`--fsize=${limit.bytes}`, process.execPath, ...argv], {
        env: cliEnv(options.env),
      })
    : new ServeProcess(process.execPath, argv, { env: cliEnv(options.env) });
  try {
    await proc.readyLine();
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  return proc;
}

export interface RunResult extends ProcessExit {
  stdout: string;
  stderr: string;
}

/** Runs `relaydesk <args>` to its end, with `input` on stdin; SIGKILL after `timeoutMs`. */
export async function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    input?: string | Buffer;
    timeoutMs?: number;
    /** As ServeOptions.fileSizeLimit: under prlimit --fsize, as on a disk with no room. */
    fileSizeLimit?: { prlimit: string; bytes: number };
  } = {},
): Promise<RunResult> {
  const limit = options.fileSizeLimit;
  const command = [process.execPath, relaydeskBin, ...args];
  const proc = limit
    ? new TrackedProcess(limit.prlimit, [`--fsize=${limit.bytes}`, ...command], {
        env: cliEnv(options.env),
      })
    : new TrackedProcess(process.execPath, command.slice(1), { env: cliEnv(options.env) });
  proc.child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  try {
    const exit = await proc.exited;
    return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** `relaydesk sendmail ARGS` with the relay stopped (nothing listens on its port): what it
 * keeps goes to the maildrop of `dataDir`. */
export async function sendmailRelayDown(
  dataDir: string,
  input: string,
  args: string[] = ['-t'],
  fileSizeLimit?: { prlimit: string; bytes: number },
): Promise<RunResult> {
  const port = await freePort();
  return runCli(['sendmail', ...args], {
    env: { RELAYDESK_SMTP: `127.0.0.1:${port}`, RELAYDESK_DATA: dataDir },
    input,
    ...(fileSizeLimit ? { fileSizeLimit } : {}),
  });
}

/** Whether a process with this id still exists (signal 0 checks without signalling). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The ids of a process's children, grandchildren… (Linux: read from /proc; elsewhere none). */
export function descendantPids(pid: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Kills every process still running (SIGKILL), their children too, and removes the folders. */
export async function cleanupCliProcesses(): Promise<void> {
  const running = [...live];
  for (const p of running) {
    if (!p.running) continue;
    for (const pid of descendantPids(p.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    p.kill('SIGKILL');
  }
  await Promise.all(running.map((p) => p.exited));
  const dirs = [...tempDirs];
  tempDirs.clear();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

/** A message of about `bytes` bytes: lines of 76 letters under a Subject, with CRLF line ends. */
export function messageOfSize(subject: string, bytes: number): string {
  const line = `${'x'.repeat(76)}\r\n`;
  return `From: app@example.test\r\nTo: qa@example.test\r\nSubject: ${subject}\r\n\r\n${line.repeat(Math.ceil(bytes / line.length))}`;
}

/** Sends messageOfSize over SMTP on a connection of its own; the reply code (250 when taken). */
export async function sendOfSize(port: number, subject: string, bytes: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false });
  try {
    await transport.sendMail({
      envelope: { from: 'app@example.test', to: ['qa@example.test'] },
      raw: messageOfSize(subject, bytes),
    });
    return 250;
  } catch (err) {
    return (err as { responseCode?: number }).responseCode ?? 0;
  } finally {
    transport.close();
  }
}

/** A bare SMTP session on a socket, for tests that need to stop half-way through DATA. */
export class RawSmtp {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiting: ((reply: string) => void) | null = null;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      // a reply ends with a line `NNN text` (no dash after the code)
      let match: RegExpExecArray | null;
      while ((match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\n/.exec(this.buffer))) {
        this.buffer = this.buffer.slice(match[0].length);
        this.replies.push(match[0].replace(/\r/g, '').trimEnd());
      }
      this.deliver();
    });
    socket.on('close', () => {
      this.closed = true;
      this.deliver();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port, host }, () => {
        socket.off('error', reject);
        resolve(new RawSmtp(socket));
      });
      socket.once('error', reject);
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    const next = this.replies.shift();
    if (next !== undefined) {
      const waiter = this.waiting;
      this.waiting = null;
      waiter(next);
    } else if (this.closed) {
      const waiter = this.waiting;
      this.waiting = null;
      waiter('(connection closed)');
    }
  }

  /** The next reply from the server (all its lines), or `(connection closed)`. */
  reply(timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.deliver();
    });
  }

  write(data: string): void {
    this.socket.write(data);
  }

  /** Sends one command line and returns the reply. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A port nothing listens on right now (listen on 0, note the port, close). */
export { freePort };

/** How a new connection to the port fares: `refused`, or what happened instead. */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : String(err.code)),
    );
  });
}

/**
 * Sends one message over plain SMTP to a relay on 127.0.0.1 (nodemailer) and returns the queue
 * ID of its `250 … queued as ID`.
 */
export async function sendForQueueId(
  port: number,
  message: { from: string; to: string | string[]; subject: string; text?: string },
): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ text: 'x', ...message });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  } finally {
    transport.close();
  }
}
